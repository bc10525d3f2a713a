// buildApp(config, deps) → a Fastify instance wired to HubSoft and the refresher; it never
// listens and never starts fetching by itself (server.ts and tests call refresher.start()).
import Fastify from 'fastify'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify'
import type { Config } from './config.js'
import auditPlugin from './http/plugins/audit.js'
import authPlugin from './http/plugins/auth.js'
import docsPlugin from './http/plugins/docs.js'
import errorsPlugin from './http/plugins/errors.js'
import limitsPlugin from './http/plugins/limits.js'
import clientesRoutes from './http/routes/clientes.js'
import oauthRoutes from './http/routes/oauth.js'
import operationsRoutes from './http/routes/operations.js'
import { ClientesEnvelopeSchema, PaginacaoSchema, TodosEnvelopeSchema } from './http/schemas/clientes.js'
import { ErrorEnvelopeSchema, HealthSchema, StatusSchema } from './http/schemas/operations.js'
import { buildLogger } from './log.js'
import { Refresher } from './refresh/refresher.js'
import { ClienteSchema, ClienteSchemaRefs } from './snapshot/cliente-schema.js'
import { HubsoftClient } from './upstream/hubsoft-client.js'

export interface AppDeps {
  /** The clock for ages and the refresh floor; tests inject one. */
  readonly now?: () => number
  /** A logger instance (tests capture lines through it, built with log.ts's buildLogger); default: buildLogger at config.logLevel. */
  readonly logger?: FastifyBaseLogger
  /** How often load is sampled for the overload check; tests shorten it. */
  readonly pressureSampleIntervalMs?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    refresher: Refresher
    hubsoft: HubsoftClient
  }
}

/** Node refuses larger request heads with 431: a lookup needs a fraction of this. */
const MAX_HEADER_BYTES = 16 * 1024

export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const { upstream } = config
  if (upstream.url === null) throw new Error('buildApp needs an upstream URL; demo mode starts the simulator first')
  if (config.apiKeys === null) throw new Error('buildApp needs API keys; demo mode generates them')
  const now = deps.now ?? Date.now

  const { limits } = config
  const app = Fastify({
    loggerInstance: deps.logger ?? buildLogger({ level: config.logLevel }),
    // Long query strings are abuse, not lookups.
    routerOptions: { maxParamLength: 200 },
    bodyLimit: 16 * 1024,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    // Slow senders (slowloris) and idle sockets are cut; a steady download is neither.
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.requestTimeoutMs,
    // Behind a reverse proxy, the caller's IP (for per-IP limits) comes from X-Forwarded-For.
    trustProxy: limits.trustProxy,
    // Errors before routing (a malformed percent-encoding) get the envelope too, not Fastify's body.
    frameworkErrors: (_error, _request, reply) => {
      (reply as unknown as FastifyReply).code(400).type('application/json; charset=utf-8')
        .send({ status: 'error', msg: 'The request URL is not valid: check its percent-encoding', code: 'invalid_request' })
    }
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
  const refresher = new Refresher({
    client: hubsoft,
    fetch: { source: upstream.source, pageSize: upstream.pageSize, pageDelayMs: upstream.pageDelayMs },
    cron: config.refresh.cron,
    timezone: config.refresh.timezone,
    minIntervalMs: config.refresh.minIntervalMs,
    maxShrink: config.refresh.maxShrink,
    log: app.log.child({ module: 'refresh' }),
    now
  })
  app.decorate('hubsoft', hubsoft)
  app.decorate('refresher', refresher)
  app.addHook('onClose', async () => {
    await refresher.stop()
    await hubsoft.close()
  })

  for (const schema of [...ClienteSchemaRefs, ClienteSchema, ClientesEnvelopeSchema, PaginacaoSchema, TodosEnvelopeSchema, ErrorEnvelopeSchema, HealthSchema, StatusSchema]) {
    app.addSchema(schema)
  }
  await app.register(errorsPlugin)
  await app.register(docsPlugin)
  // Security (SECURITY.md): shedding and limits first, then who the caller is, then the audit.
  await app.register(limitsPlugin, { limits, pressureSampleIntervalMs: deps.pressureSampleIntervalMs })
  await app.register(authPlugin, { keys: config.apiKeys, accessTokenTtlMs: config.accessTokenTtlMs, now })
  await app.register(auditPlugin)
  await app.register(oauthRoutes)
  await app.register(operationsRoutes, { refresher, upstreamCounters: hubsoft.counters, now })
  await app.register(clientesRoutes, { refresher, now })
  return app
}
