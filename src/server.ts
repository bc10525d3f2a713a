// The process: load the configuration, start the embedded simulator in demo mode, build the
// app, listen, start refreshing, and shut down gracefully on signals. The only file that
// touches process.env, signals and listen. `--check` validates and exits (0 or 2) without
// serving; SIGHUP re-reads API_KEYS_FILE; every start-up failure is one plain line on stderr.
// Logs are JSON for collectors, and human lines (pino-pretty) when stdout is a terminal.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import pinoPretty from 'pino-pretty'
import { buildApp } from './app.js'
import { checkDeployment } from './check.js'
import { ConfigError, describeConfig, digestApiKey, loadConfig, unknownVariableWarnings } from './config.js'
import type { ApiKeyConfig, Config } from './config.js'
import { buildLogger } from './log.js'
import type { Logger } from 'pino'
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
    'The first fetch from the simulator runs now: until it ends, data routes answer 503 with Retry-After (its progress is in /status).',
    '',
    "HubSoft-style integrations get a token first, as they do from HubSoft's own /oauth/token:",
    `  curl -s -H 'Content-Type: application/json' -d '{"grant_type":"password","client_id":"${readName}","client_secret":"${readKey}"}' '${base}/oauth/token'`,
    ''
  ].join('\n')
}

/** A person at a terminal reads lines; journald, Docker and log collectors parse JSON. */
function processLogger (config: Config): Logger {
  if (process.stdout.isTTY !== true) return buildLogger({ level: config.logLevel })
  return buildLogger({ level: config.logLevel, destination: pinoPretty({ colorize: true, sync: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname' }) })
}

/**
 * SIGHUP: API_KEYS_FILE is read again, so keys rotate without a restart; removed or changed keys
 * and their tokens stop working at once. A file that does not load leaves the current keys.
 */
function reloadApiKeys (app: FastifyInstance): void {
  if (process.env.API_KEYS_FILE === undefined || process.env.API_KEYS_FILE.trim() === '') {
    app.log.warn('SIGHUP: API_KEYS_FILE is not set, so there are no keys to reload; the current keys stay')
    return
  }
  let reloaded: Config
  try {
    reloaded = loadConfig(process.env)
  } catch (error) {
    app.log.error({ problems: error instanceof ConfigError ? error.problems : [String(error)] }, 'SIGHUP: API_KEYS_FILE was not reloaded; the current keys stay')
    return
  }
  const { revokedKeys } = app.credentials.replaceKeys(reloaded.apiKeys ?? [])
  app.log.info({ keys: reloaded.apiKeys?.map((key) => key.name) ?? [], revokedKeys }, 'SIGHUP: reloaded API_KEYS_FILE')
}

/** A start-up failure as one line naming its cause (no stack: the cause is the operator's to fix). */
function startupFailure (error: unknown): string {
  const { code, address, port } = error as { code?: unknown, address?: unknown, port?: unknown }
  const where = `${String(address ?? process.env.HOST ?? '0.0.0.0')}:${String(port ?? process.env.PORT ?? 3000)}`
  if (code === 'EADDRINUSE') return `cannot listen on ${where}: the address is already in use by another process; stop it, or set PORT or HOST`
  if (code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges); set PORT`
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: HOST is not an address of this machine`
  const message = error instanceof Error ? error.message : String(error)
  return `start-up failed: ${message.split('\n', 1)[0]}${typeof code === 'string' ? ` (${code})` : ''}`
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
  const warnings = unknownVariableWarnings(process.env)
  if (process.argv.includes('--check')) {
    const report = await checkDeployment(config, warnings)
    process.stdout.write(report.lines.map((line) => `hubsoft-bff: ${line}\n`).join(''))
    process.exit(report.ok ? 0 : 2)
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

  const logger = processLogger(config)
  const app = await buildApp(config, { logger })
  for (const warning of warnings) app.log.warn(warning)
  const demoSimulator = simulator
  const demoDir = temporaryDir
  if (demoSimulator !== null) app.addHook('onClose', async () => await demoSimulator.close())
  if (demoDir !== null) app.addHook('onClose', async () => await rm(demoDir, { recursive: true, force: true }))
  app.log.info({ config: describeConfig(config) }, 'starting hubsoft-bff')
  if (config.upstream.tlsInsecure) app.log.warn('HUBSOFT_TLS_INSECURE is on: HubSoft\'s certificate is NOT verified; anyone on the path can read the credentials and the customer list')

  process.on('SIGHUP', () => reloadApiKeys(app))
  // SIGHUP reloads the keys (above); it does not stop the service.
  closeWithGrace({ delay: 10_000, skip: ['SIGHUP'] }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
    // Log lines are written asynchronously (log.ts): the last ones go out before the process ends.
    logger.flush()
  })

  await app.listen({ port: config.port, host: config.host })
  // The demo's keys come before the first fetch: with many clients it takes a while.
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  if (demoSimulator !== null) process.stdout.write(`${demoBanner(config, demoSimulator, port, printedKeys)}\n`)
  try {
    await app.refresher.start()
  } catch (error) {
    if (!(error instanceof SnapshotDirError)) throw error
    process.stderr.write(`hubsoft-bff: ${error.message}\n`)
    await app.close()
    process.exit(2)
  }
}

try {
  await main()
} catch (error) {
  process.stderr.write(`hubsoft-bff: ${startupFailure(error)}\n`)
  process.exit(1)
}
