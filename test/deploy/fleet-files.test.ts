// The fleet's deployment files: the compose file and the Kubernetes manifests parse (kubectl
// where installed; `docker compose config` where Docker is), hold what the README's Deployment
// section promises (two replicas on one Redis, probes, read-only non-root, secrets that exist),
// name only variables the service knows; and the fleet's alert rules query metrics a service with
// REDIS_URL exports, and pass their promtool tests.
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml, parseAllDocuments } from 'yaml'
import { EnvSchema } from '../../src/config.js'
import { parseExposition, seriesNames } from '../helpers/prometheus-text.js'
import { metricNamesIn } from '../helpers/promql.js'
import { runPromtool } from '../helpers/promtool.js'
import { startRedis } from '../helpers/redis-server.js'
import { bearer, startService, startSimulator } from '../helpers/service.js'

type Json = Record<string, any>

const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url))
const composeDir = join(deployDir, 'compose')
const kubernetesDir = join(deployDir, 'kubernetes')
const prometheusDir = join(deployDir, 'prometheus')
const KNOWN_VARIABLES = new Set([...Object.keys(EnvSchema.properties), 'NODE_ENV'])

async function run (command: string, args: readonly string[], cwd: string): Promise<{ status: number, output: string } | 'missing'> {
  return await new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code
      resolve(code === 'ENOENT' ? 'missing' : { status: error === null ? 0 : Number(code ?? 1), output: `${stdout}${stderr}` })
    })
  })
}

function compose (): Json {
  return parseYaml(readFileSync(join(composeDir, 'docker-compose.yml'), 'utf8'), { merge: true }) as Json
}

function manifests (): Json[] {
  return readdirSync(kubernetesDir).filter((name) => name.endsWith('.yaml')).sort()
    .flatMap((name) => parseAllDocuments(readFileSync(join(kubernetesDir, name), 'utf8')).map((document) => document.toJS() as Json))
}

test('compose: two replicas on one Redis behind nginx, each with its own SNAPSHOT_DIR volume, read-only', () => {
  const { services, secrets, volumes } = compose()
  const replicas = Object.entries(services as Record<string, Json>).filter(([, service]) => service.image === 'hubsoft-bff:local')
  assert.equal(replicas.length, 2, 'two replicas')
  assert.ok(services.redis !== undefined && services.nginx !== undefined)
  const dataVolumes = new Set<string>()
  for (const [name, service] of replicas) {
    const env = service.environment as Json
    assert.match(env.REDIS_URL, /^redis:\/\/redis:6379\//, `${name}: REDIS_URL names the redis service`)
    assert.equal(service.read_only, true, `${name}: read-only root filesystem`)
    assert.deepEqual(service.cap_drop, ['ALL'])
    assert.equal(service.depends_on.redis.condition, 'service_healthy')
    for (const variable of Object.keys(env)) assert.ok(KNOWN_VARIABLES.has(variable), `${name}: ${variable} is a variable the service reads`)
    for (const secret of service.secrets as string[]) assert.ok(secrets[secret] !== undefined, `${name}: secret ${secret} is declared`)
    for (const file of Object.values(env).filter((value): value is string => typeof value === 'string' && value.startsWith('/run/secrets/'))) {
      assert.ok((service.secrets as string[]).includes(file.slice('/run/secrets/'.length)), `${name}: ${file} is mounted`)
    }
    const data = (service.volumes as string[]).find((volume) => volume.endsWith(':/data'))
    assert.ok(data !== undefined, `${name}: a volume at /data (SNAPSHOT_DIR)`)
    dataVolumes.add(data.split(':')[0]!)
    assert.ok(data.split(':')[0]! in volumes, `${name}: its volume is declared`)
  }
  assert.equal(dataVolumes.size, 2, 'a SNAPSHOT_DIR of its own for each replica')
  const nginx = readFileSync(join(composeDir, 'nginx.conf'), 'utf8')
  for (const [name] of replicas) assert.match(nginx, new RegExp(`server ${name}:3000`), `nginx balances over ${name}`)
})

test('compose: docker compose config accepts the file, where Docker is installed', async (t) => {
  const answer = await run('docker', ['compose', '-f', 'docker-compose.yml', 'config', '--quiet'], composeDir)
  if (answer === 'missing') return t.skip('docker is not installed: the YAML-structure test above stands in')
  // It wants .env and the secret files: those belong to the operator, so only a parse error fails here.
  assert.doesNotMatch(answer.output, /yaml:|invalid|not allowed/i, answer.output)
})

test('kubernetes: a Deployment of two probed, read-only, non-root replicas, a Service, a Secret, and Redis', () => {
  const objects = manifests()
  const byKind = (kind: string) => objects.filter((object) => object.kind === kind)
  const [deployment] = byKind('Deployment')
  assert.ok(deployment !== undefined)
  assert.equal(deployment.spec.replicas, 2)
  const pod = deployment.spec.template.spec
  assert.equal(pod.securityContext.runAsNonRoot, true)
  const container = pod.containers[0]
  assert.equal(container.readinessProbe.httpGet.path, '/health/ready')
  assert.equal(container.livenessProbe.httpGet.path, '/health/live')
  assert.equal(container.securityContext.readOnlyRootFilesystem, true)
  assert.equal(container.securityContext.allowPrivilegeEscalation, false)
  const env = Object.fromEntries((container.env as Json[]).map((variable) => [variable.name, variable])) as Record<string, Json>
  for (const name of Object.keys(env)) assert.ok(KNOWN_VARIABLES.has(name), `${name} is a variable the service reads`)
  const [secret] = byKind('Secret')
  assert.ok(secret !== undefined)
  for (const variable of Object.values(env).filter((variable) => variable.valueFrom !== undefined)) {
    const ref = variable.valueFrom.secretKeyRef
    assert.equal(ref.name, secret.metadata.name)
    assert.ok(ref.key in secret.stringData, `${variable.name as string}: key ${ref.key as string} is in the Secret`)
  }
  const mounted = pod.volumes.find((volume: Json) => volume.secret !== undefined)
  for (const item of mounted.secret.items as Json[]) assert.ok(item.key in secret.stringData)
  assert.equal(env.SNAPSHOT_DIR?.value, '/data')
  assert.ok((container.volumeMounts as Json[]).some((mount) => mount.mountPath === '/data'), 'SNAPSHOT_DIR is writable (a volume)')
  const services = byKind('Service').map((service) => service.metadata.name)
  assert.ok(services.includes('hubsoft-bff'))
  assert.match(String(env.REDIS_URL?.value), new RegExp(`^redis://(${services.join('|')}):6379/`), 'REDIS_URL names a Service of these manifests')
  assert.equal(byKind('StatefulSet').length, 1, 'the minimal Redis')
})

test('kubernetes: kubectl reads every manifest, where kubectl is installed', async (t) => {
  // `kubectl apply --dry-run=client` needs an API server for its discovery; --local needs none
  // and still decodes each object into its kind.
  const answer = await run('kubectl', ['label', '--local', '-f', '.', '-o', 'name', 'checked=true'], kubernetesDir)
  if (answer === 'missing') return t.skip('kubectl is not installed')
  assert.equal(answer.status, 0, answer.output)
  assert.deepEqual(answer.output.trim().split('\n').sort(), manifests().map((object) => `${String(object.kind).toLowerCase()}${object.apiVersion.includes('/') ? `.${String(object.apiVersion).split('/')[0]}` : ''}/${String(object.metadata.name)}`).sort())
})

async function promtool (t: TestContext, args: string[]): Promise<string | undefined> {
  const result = await runPromtool(args, { cwd: prometheusDir })
  if (result === undefined) {
    t.skip('promtool not installed (Debian package prometheus); CI installs it')
    return undefined
  }
  assert.equal(result.status, 0, `promtool ${args.join(' ')} failed:\n${result.output}`)
  return result.output
}

test('fleet alerts: promtool accepts the rules and their unit tests pass', async (t) => {
  const checked = await promtool(t, ['check', 'rules', 'fleet-alerts.yml'])
  if (checked === undefined) return
  assert.match(checked, /SUCCESS: 3 rules found/)
  assert.match(await promtool(t, ['test', 'rules', 'fleet-alerts.test.yml']) ?? '', /SUCCESS/)
})

test('fleet alerts: every metric they query is exported by a service with REDIS_URL', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const simulator = await startSimulator(t, { clients: 30 })
  const app = await startService(t, simulator, { REDIS_URL: redis.url, REFRESH_MIN_INTERVAL: '1m' })
  const answer = await app.inject({ method: 'GET', url: '/metrics', headers: bearer('admin') })
  const exported = seriesNames(parseExposition(answer.body))
  const rules = (parseYaml(readFileSync(join(prometheusDir, 'fleet-alerts.yml'), 'utf8')) as Json).groups.flatMap((group: Json) => group.rules) as Json[]
  const missing = rules.flatMap((rule) => metricNamesIn(rule.expr as string).filter((name) => !exported.has(name)).map((name) => `${rule.alert as string}: ${name}`))
  assert.deepEqual(missing, [])
  assert.match(answer.body, /^hubsoft_bff_fleet_redis_up 1$/m)
  assert.match(answer.body, /^hubsoft_bff_fleet_leader 1$/m, 'a fleet of one leads itself')
  assert.match(answer.body, /^hubsoft_bff_fleet_in_sync 1$/m, 'and serves what it published')
  assert.match(answer.body, /^hubsoft_bff_fleet_publications_total\{outcome="ok"\} 1$/m)
})
