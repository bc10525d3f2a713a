// buildApp(config, deps) → a Fastify instance wired to HubSoft and the refresher; it never
// listens and never starts fetching by itself (server.ts and tests call refresher.start()).
import type { Server } from 'node:http'
import Fastify, { LogController } from 'fastify'
import type { FastifyBaseLogger, FastifyHttpOptions, FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import auditPlugin from './http/plugins/audit.js'
import authPlugin from './http/plugins/auth/auth.js'
import cachingPlugin from './http/plugins/caching.js'
import compressionPlugin from './http/plugins/compression.js'
import corsPlugin from './http/plugins/cors.js'
import docsPlugin, { documentRoutesPlugin } from './http/plugins/docs.js'
import errorDocsPlugin from './http/plugins/error-docs.js'
import errorsPlugin, { clientErrors, frameworkErrors } from './http/plugins/errors.js'
import type { ClientErrorCode } from './http/plugins/errors.js'
import limitsPlugin from './http/plugins/limits/limits.js'
import metricsPlugin from './http/plugins/metrics.js'
import prettyPlugin from './http/plugins/pretty.js'
import requestIdPlugin, { requestIdOf } from './http/plugins/request-id.js'
import stateChangesPlugin from './http/plugins/state-changes.js'
import clientesRoutes from './http/routes/clientes.js'
import oauthRoutes from './http/routes/oauth.js'
import operationsRoutes from './http/routes/operations.js'
import { ClientesEnvelopeSchema, PaginacaoSchema, TodosEnvelopeSchema } from './http/schemas/clientes.js'
import { DocumentedClienteSchemas } from './http/schemas/documented-cliente.js'
import { ErrorCodeSchema, ErrorEnvelopeSchema } from './http/schemas/errors.js'
import { HealthSchema, RefreshAcceptedSchema, StatusSchema } from './http/schemas/operations.js'
import { parseQueryString } from './hubsoft/query-string.js'
import { registerFleetMetrics } from './metrics/fleet-metrics.js'
import { ServiceMetrics } from './metrics/service-metrics.js'
import type { Timers } from './refresh/backoff.js'
import { buildLogger, requestLoggerFactory } from './log.js'
import { FleetCoordinator } from './fleet/coordinator.js'
import { refreshPeriodMs } from './refresh/period.js'
import { Refresher } from './refresh/refresher.js'
import { SnapshotStore } from './snapshot/persist.js'
import { ProjectionCache } from './snapshot/projection-cache.js'
import { HubsoftClient } from './upstream/hubsoft-client.js'

export interface AppDeps {
  /** The clock for ages and the refresh floor; tests inject one. */
  readonly now?: () => number
  /** Timers for retries after failures; tests drive them with a fake clock. */
  readonly timers?: Timers
  /** Jitter source in [0, 1); tests pin it. */
  readonly random?: () => number
  /** A logger instance (tests capture lines through it, built with log.ts's buildLogger); default: buildLogger at config.logLevel. */
  readonly logger?: FastifyBaseLogger
  /** How often load is sampled for the overload check; tests shorten it. */
  readonly pressureSampleIntervalMs?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    refresher: Refresher
    /** This replica's part in the fleet (REDIS_URL), or null for a process on its own. */
    fleet: FleetCoordinator | null
  }
}

/** `?pretty` is this service's own flag: present, even bare, it indents the answer. */
function readQueryString (queryString: string) {
  return parseQueryString(queryString, { flags: ['pretty'] })
}

/** Node refuses larger request heads with 431: a lookup needs a fraction of this. */
const MAX_HEADER_BYTES = 16 * 1024
/**
 * How often Node checks every connection against the header and request timeouts (its default,
 * 30 s, let a 30 s REQUEST_TIMEOUT cut slow senders at 32–56 s); a check is a loop over the
 * open connections, at most MAX_CONNECTIONS.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 500

/**
 * The framework as the service runs it: logging, routing, timeouts, request ids and the errors
 * raised before any route. The bench builds a bare Fastify with these too, to show what the
 * framework so configured costs before any work of the service's.
 */
export function serverOptions (limits: Config['limits'], logger: FastifyBaseLogger, onConnectionCut: (code: ClientErrorCode) => void): FastifyHttpOptions<Server, FastifyBaseLogger> {
  return {
    loggerInstance: logger,
    // One line per request, written by the audit plugin, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // request.log makes its pino child only when a line is written (log.ts).
    childLoggerFactory: requestLoggerFactory,
    // Long query strings are abuse, not lookups. Query strings are read as HubSoft reads them
    // (empty = absent), and `/cliente/` reaches `/cliente`, as on HubSoft (README, "Drop-in").
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true, querystringParser: readQueryString },
    bodyLimit: 16 * 1024,
    // REQUEST_TIMEOUT bounds the head, the whole request with its body, and an idle keep-alive
    // connection (Node's defaults: 60 s, 300 s and Fastify's 72 s); slowloris senders are cut.
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: limits.requestTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS
    },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.requestTimeoutMs,
    // A socket with no traffic either way is cut too; a steady download is not idle.
    connectionTimeout: limits.requestTimeoutMs,
    // Behind a reverse proxy, the caller's IP (for per-IP limits) comes from X-Forwarded-For.
    trustProxy: limits.trustProxy,
    // Bad URL encodings and over-long parameters answer the error envelope too, and so do
    // what Node's parser refuses before any route (431, 400).
    frameworkErrors,
    // The caller's X-Request-Id, checked, is the request's id in the logs (plugins/request-id.ts).
    genReqId: requestIdOf,
    clientErrorHandler: clientErrors(onConnectionCut)
  }
}

export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const { upstream } = config
  if (upstream.url === null) throw new Error('buildApp needs an upstream URL; demo mode starts the simulator first')
  if (config.apiKeys === null) throw new Error('buildApp needs API keys; demo mode generates them')
  if (config.snapshotDir === null) throw new Error('buildApp needs a SNAPSHOT_DIR; demo mode creates a temporary one')
  const now = deps.now ?? Date.now

  const { limits } = config
  const metrics = new ServiceMetrics()
  const app = Fastify(serverOptions(limits, deps.logger ?? buildLogger({ level: config.logLevel }), (code) => metrics.connectionCut(code)))
  // Below the open-file limit (config.ts): beyond it Node closes new connections at accept
  // rather than let accept() and every other open() fail with EMFILE.
  app.server.maxConnections = limits.maxConnections
  app.server.on('drop', () => metrics.connectionCut('max_connections'))
  // An accept() that still fails (EMFILE from elsewhere in the process) is logged, not fatal.
  app.server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EMFILE' || error.code === 'ENFILE') app.log.error({ err: error }, 'out of file descriptors: a connection was not accepted')
  })

  const hubsoft = new HubsoftClient({
    baseUrl: upstream.url,
    credentials: upstream,
    timeoutMs: upstream.timeoutMs,
    maxResponseBytes: upstream.maxResponseBytes,
    caPem: upstream.caPem,
    tlsInsecure: upstream.tlsInsecure,
    now
  })
  const fleet = config.fleet === null ? null : new FleetCoordinator({ config: config.fleet, log: app.log.child({ module: 'fleet' }), now })
  const refresher = new Refresher({
    client: hubsoft,
    fetch: { source: upstream.source, pageSize: upstream.pageSize, pageDelayMs: upstream.pageDelayMs },
    cron: config.refresh.cron,
    timezone: config.refresh.timezone,
    minIntervalMs: config.refresh.minIntervalMs,
    maxShrink: config.refresh.maxShrink,
    deadlineMs: config.refresh.deadlineMs,
    store: new SnapshotStore(config.snapshotDir, now, upstream.maxResponseBytes),
    clienteBounds: { maxServicos: upstream.maxServicosPerCliente },
    log: app.log.child({ module: 'refresh' }),
    now,
    timers: deps.timers,
    random: deps.random,
    events: metrics.refreshEvents,
    ...(fleet === null ? {} : { coordinator: fleet })
  })
  const projections = new ProjectionCache()
  metrics.collectFrom({
    refresher,
    upstream: hubsoft.counters,
    projections,
    refreshPeriodMs: refreshPeriodMs(config.refresh.cron, config.refresh.timezone, config.refresh.minIntervalMs, new Date(now())),
    now
  })
  if (fleet !== null) metrics.registerWith((registry) => registerFleetMetrics(registry, fleet, () => refresher.snapshot))
  app.decorate('refresher', refresher)
  app.decorate('fleet', fleet)
  app.addHook('onClose', async () => {
    await refresher.stop()
    await fleet?.stop()
    await hubsoft.close()
  })

  for (const schema of [...DocumentedClienteSchemas, ClientesEnvelopeSchema, PaginacaoSchema, TodosEnvelopeSchema, ErrorCodeSchema, ErrorEnvelopeSchema, HealthSchema, StatusSchema, RefreshAcceptedSchema]) {
    app.addSchema(schema)
  }
  await app.register(requestIdPlugin)
  await app.register(errorsPlugin)
  // First among the hooks, so refusals (401, 429, 503) carry CORS headers a page can read.
  await app.register(corsPlugin, { origins: config.corsOrigins })
  // Before any documented route, so its onRoute hook sees every one.
  await app.register(errorDocsPlugin)
  await app.register(cachingPlugin)
  await app.register(compressionPlugin)
  await app.register(prettyPlugin)
  await app.register(docsPlugin)
  // Before the limits and auth, so their refusals are counted too.
  await app.register(metricsPlugin, { metrics })
  // Security (SECURITY.md): shedding and limits first, then who the caller is, then the audit.
  await app.register(limitsPlugin, { limits, pressureSampleIntervalMs: deps.pressureSampleIntervalMs, onFullDumpTimeout: () => metrics.connectionCut('full_dump_timeout'), now })
  await app.register(authPlugin, { keys: config.apiKeys, accessTokenTtlMs: config.accessTokenTtlMs, now })
  await app.register(stateChangesPlugin)
  await app.register(auditPlugin)
  // After the rate limit: the document and the UI are anonymous, so limited per address.
  await app.register(documentRoutesPlugin)
  await app.register(oauthRoutes)
  await app.register(operationsRoutes, { refresher, upstreamCounters: hubsoft.counters, timeZone: config.refresh.timezone, now, fleet })
  await app.register(clientesRoutes, { refresher, projections, now })
  return app
}
