// The process: load the configuration, start the embedded simulator in demo mode, build the
// app, listen, start refreshing, and shut down gracefully on signals. The only file that
// touches process.env, signals and listen.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, describeConfig, digestApiKey, loadConfig } from './config.js'
import type { ApiKeyConfig, Config } from './config.js'
import { buildLogger } from './log.js'
import { SnapshotDirError } from './snapshot/persist.js'
import { HubsoftSimulator } from './simulator/simulator.js'

/** The demo's two keys in clear, to print once; the configuration keeps only their digests. */
interface DemoKeys { readonly read: string, readonly admin: string }

function demoKeys (): DemoKeys {
  return { read: `demo-read-${randomBytes(12).toString('hex')}`, admin: `demo-admin-${randomBytes(12).toString('hex')}` }
}

function demoKeyConfig (keys: DemoKeys): ApiKeyConfig[] {
  return [
    { name: 'demo-read', digest: digestApiKey(keys.read), scopes: ['read'] },
    { name: 'demo-admin', digest: digestApiKey(keys.admin), scopes: ['read', 'secrets', 'admin'] }
  ]
}

function demoBanner (config: Config, simulator: HubsoftSimulator, port: number, keys: DemoKeys | null): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const base = `http://${host}:${port}`
  // With API_KEYS set in demo mode the keys are the operator's own: they are not printed.
  const readKey = keys?.read ?? '<a read key from API_KEYS>'
  const adminKey = keys?.admin ?? '<a secrets key from API_KEYS>'
  const readName = keys === null ? '<its name>' : 'demo-read'
  const cpf = simulator.dataset.find((cliente) => cliente.tipo_pessoa === 'pf' && typeof cliente.cpf_cnpj === 'string')?.cpf_cnpj ?? '52998224725'
  return [
    '',
    'hubsoft-bff is running in DEMO mode: HUBSOFT_URL is unset, so an embedded HubSoft simulator',
    `serves ${simulator.dataset.length} synthetic clients at ${simulator.url}.`,
    '',
    `  read key (passwords redacted):  ${readKey}`,
    `  admin key (secrets + admin):    ${adminKey}`,
    '',
    'Try:',
    `  curl -s -H 'Authorization: Bearer ${readKey}' '${base}/api/v1/integracao/cliente/all?limit=2'`,
    `  curl -s -H 'X-API-Key: ${readKey}' '${base}/api/v1/integracao/cliente/all/cpf_cnpj/${cpf}'`,
    `  curl -s -H 'Authorization: Bearer ${readKey}' '${base}/status'`,
    '',
    `The status page, in a browser: ${base}/status (any user name, a key as the password).`,
    '',
    "HubSoft-style integrations get a token first, as they do from HubSoft's own /oauth/token:",
    `  curl -s -H 'Content-Type: application/json' -d '{"grant_type":"password","client_id":"${readName}","client_secret":"${readKey}"}' '${base}/oauth/token'`,
    ''
  ].join('\n')
}

/**
 * process.memoryUsage() reads /proc/self/stat: out of file descriptors it throws EMFILE, and
 * @fastify/under-pressure calls it from a timer, where a throw ends the process. The last good
 * reading stands in until descriptors are free again (MAX_CONNECTIONS keeps callers from
 * taking them all; this is for whatever else runs out).
 */
function surviveDescriptorExhaustion (): void {
  const read = process.memoryUsage.bind(process)
  let last = read()
  const guarded = (): NodeJS.MemoryUsage => {
    try {
      last = read()
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'EMFILE' && code !== 'ENFILE') throw error
    }
    return last
  }
  process.memoryUsage = Object.assign(guarded, { rss: () => guarded().rss })
}

async function main (): Promise<void> {
  surviveDescriptorExhaustion()
  let config: Config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`hubsoft-bff: ${error.message}\n`)
    process.exit(2)
  }

  let simulator: HubsoftSimulator | null = null
  let temporaryDir: string | null = null
  let printedKeys: DemoKeys | null = null
  if (config.demo !== null) {
    if (config.apiKeys === null) printedKeys = demoKeys()
    simulator = await HubsoftSimulator.start({ clients: config.demo.clients, seed: config.demo.seed })
    const { credentials } = simulator
    temporaryDir = config.snapshotDir === null ? await mkdtemp(join(tmpdir(), 'hubsoft-bff-demo-')) : null
    config = {
      ...config,
      upstream: { ...config.upstream, url: simulator.url, ...credentials },
      apiKeys: config.apiKeys ?? demoKeyConfig(printedKeys!),
      snapshotDir: config.snapshotDir ?? temporaryDir
    }
  }

  const logger = buildLogger({ level: config.logLevel })
  const app = await buildApp(config, { logger })
  const demoSimulator = simulator
  const demoDir = temporaryDir
  if (demoSimulator !== null) app.addHook('onClose', async () => await demoSimulator.close())
  if (demoDir !== null) app.addHook('onClose', async () => await rm(demoDir, { recursive: true, force: true }))
  app.log.info({ config: describeConfig(config) }, 'starting hubsoft-bff')
  if (config.upstream.tlsInsecure) app.log.warn('HUBSOFT_TLS_INSECURE is on: HubSoft\'s certificate is NOT verified; anyone on the path can read the credentials and the customer list')

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
    // Log lines are written asynchronously (log.ts): the last ones go out before the process ends.
    logger.flush()
  })

  await app.listen({ port: config.port, host: config.host })
  try {
    await app.refresher.start()
  } catch (error) {
    if (!(error instanceof SnapshotDirError)) throw error
    process.stderr.write(`hubsoft-bff: ${error.message}\n`)
    await app.close()
    process.exit(2)
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  if (demoSimulator !== null) process.stdout.write(`${demoBanner(config, demoSimulator, port, printedKeys)}\n`)
}

await main()
