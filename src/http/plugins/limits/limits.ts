// Abuse limits (SECURITY.md): a rate limit per API key (per IP for callers without a valid
// one, so guessing keys is throttled too), a bound on full downloads served at once, and load
// shedding with 503 before the event loop stalls or the heap runs out. Health checks are exempt
// so an orchestrator never restarts a busy but healthy process, and /metrics is never shed so
// ops see the overload.
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { LimitsConfig } from '../../../config.js'
import { FullDumpBusyError, OverloadedError, RateLimitedError } from '../../../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    fullDumps: ConcurrencyGate
  }
}

/** At most `max` holders at once; tryAcquire answers null instead of queueing. */
export class ConcurrencyGate {
  readonly max: number
  #inFlight = 0

  constructor (max: number) {
    this.max = max
  }

  get inFlight (): number {
    return this.#inFlight
  }

  /** A release function (idempotent), or null when the gate is full. */
  tryAcquire (): (() => void) | null {
    if (this.#inFlight >= this.max) return null
    this.#inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#inFlight--
    }
  }
}

const HEALTH_ROUTES = new Set(['/health/live', '/health/ready'])
/** Never shed: probes, and the metrics that show ops the overload. */
const UNSHED_ROUTES = new Set([...HEALTH_ROUTES, '/metrics'])
/** List routes whose unlimited answer can be the whole customer base. */
const LIST_ROUTES = new Set([
  '/api/v1/integracao/cliente/all',
  '/api/v1/integracao/cliente/all/status/:status_prefixo',
  '/api/v1/integracao/cliente/all/tecnologia/:tecnologia'
])
/** A limit above this is as good as none. */
export const FULL_DUMP_MIN_LIMIT = 1000
/** Seconds a refused full download or an overloaded caller is told to wait. */
const RETRY_AFTER_SECONDS = 10

export function isFullDump (request: FastifyRequest): boolean {
  if (!LIST_ROUTES.has(request.routeOptions.url ?? '')) return false
  const limit = (request.query as { limit?: unknown } | undefined)?.limit
  return typeof limit !== 'number' || limit > FULL_DUMP_MIN_LIMIT
}

export interface LimitsPluginOptions {
  readonly limits: LimitsConfig
  /** How often load is sampled; tests shorten it. */
  readonly pressureSampleIntervalMs?: number
}

async function limitsPlugin (app: FastifyInstance, { limits, pressureSampleIntervalMs }: LimitsPluginOptions) {
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxHeapUsedBytes: limits.maxHeapUsedBytes,
    maxRssBytes: limits.maxRssBytes,
    sampleInterval: pressureSampleIntervalMs ?? 1000,
    pressureHandler: async (request, reply) => {
      if (UNSHED_ROUTES.has(request.routeOptions.url ?? '')) return
      reply.header('retry-after', RETRY_AFTER_SECONDS)
      throw new OverloadedError()
    }
  })

  // A route-level onRequest hook, so it runs after auth has named the caller.
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: limits.rateLimitMax,
    timeWindow: limits.rateLimitWindowMs,
    keyGenerator: (request) => request.apiKey === null ? `ip:${request.ip}` : `key:${request.apiKey.name}`,
    allowList: (request) => HEALTH_ROUTES.has(request.routeOptions.url ?? ''),
    errorResponseBuilder: (_request, context) => new RateLimitedError(context.after)
  })

  const fullDumps = new ConcurrencyGate(limits.fullDumpConcurrency)
  app.decorate('fullDumps', fullDumps)
  // preHandler: after auth and validation, so neither strangers nor bad queries take a slot.
  app.addHook('preHandler', async (request, reply) => {
    if (!isFullDump(request)) return
    const release = fullDumps.tryAcquire()
    if (release === null) {
      reply.header('retry-after', RETRY_AFTER_SECONDS)
      throw new FullDumpBusyError(fullDumps.max)
    }
    // 'close' comes once the answer is sent or the caller went away, whichever is first.
    reply.raw.once('close', release)
  })
}

export default fp(limitsPlugin, { name: 'limits' })
