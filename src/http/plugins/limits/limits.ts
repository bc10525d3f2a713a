// Abuse limits (SECURITY.md): a rate limit per API key (per IP for callers without a valid
// one, so guessing keys is throttled too), a bound on costly answers served at once (full
// downloads, and answers re-rendering many clients) overall and per key, each cut after
// FULL_DUMP_TIMEOUT so slow readers cannot hold a slot, and load shedding with 503 before the
// event loop stalls or the heap runs out. Routes declare what applies to them: `config.fullDump`
// on lists whose unlimited answer is the whole base (a route whose cost shows only once its
// clients are selected calls `reply.holdFullDumpSlot()` itself),
// `config.shed: false` on health checks (an orchestrator must never restart a busy but healthy
// process) and /metrics (ops must see the overload), and `config.rateLimit: false` on health
// checks.
import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { LimitsConfig } from '../../../config.js'
import { FullDumpBusyError, OverloadedError, RateLimitedError } from '../../../errors.js'
import { ConcurrencyGate } from './concurrency-gate.js'
import { RateWindows } from './rate-windows.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A list whose answer without a small `limit` can be the whole customer base: it takes a
     * FULL_DUMP_CONCURRENCY slot and may answer full_dump_busy.
     */
    fullDump?: boolean
    /** false: never shed under load (health checks, /metrics). */
    shed?: boolean
    /** false: no rate limit (health checks). */
    rateLimit?: false
  }
  interface FastifyInstance {
    fullDumps: ConcurrencyGate
  }
  interface FastifyReply {
    /**
     * Takes a FULL_DUMP_CONCURRENCY slot for this answer (once; later calls keep the one held),
     * or throws full_dump_busy: for an answer whose cost shows only once its clients are known.
     */
    holdFullDumpSlot: () => void
    /** The release of the slot this answer holds, if any. */
    fullDumpRelease: (() => void) | null
  }
}

/** A limit above this is as good as none. */
const FULL_DUMP_MIN_LIMIT = 1000
/** Seconds a refused full download or an overloaded caller is told to wait. */
const RETRY_AFTER_SECONDS = 10

function isFullDump (request: FastifyRequest): boolean {
  if (request.routeOptions.config.fullDump !== true) return false
  const limit = (request.query as { limit?: unknown } | undefined)?.limit
  return typeof limit !== 'number' || limit > FULL_DUMP_MIN_LIMIT
}

export interface LimitsPluginOptions {
  readonly limits: LimitsConfig
  /** How often load is sampled; tests shorten it. */
  readonly pressureSampleIntervalMs?: number
  /** Told of each download cut at FULL_DUMP_TIMEOUT (metrics count them). */
  readonly onFullDumpTimeout?: () => void
  /** The clock of the rate limit's windows; tests inject one. */
  readonly now?: () => number
}

/** Whom a limit counts: the API key's name (a key and its tokens share it), else the address. */
function callerOf (request: FastifyRequest): string {
  // `ip:` cannot start a key name (names hold no colon), so an address never shares a key's budget.
  return request.apiKey === null ? `ip:${request.ip}` : request.apiKey.name
}

async function limitsPlugin (app: FastifyInstance, { limits, pressureSampleIntervalMs, onFullDumpTimeout, now = Date.now }: LimitsPluginOptions) {
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxHeapUsedBytes: limits.maxHeapUsedBytes,
    maxRssBytes: limits.maxRssBytes,
    sampleInterval: pressureSampleIntervalMs ?? 1000,
    pressureHandler: async (request, reply) => {
      if (request.routeOptions.config.shed === false) return
      reply.header('retry-after', RETRY_AFTER_SECONDS)
      throw new OverloadedError()
    }
  })

  // The rate limit: a route-level onRequest hook, so it runs after auth has named the caller, and
  // a callback one, so a request that passes costs a map lookup. Its headers go out with the 429
  // only (README, "Decisions").
  const windows = new RateWindows(limits.rateLimitMax, limits.rateLimitWindowMs)
  function rateLimit (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    const waitMs = windows.hit(callerOf(request), now())
    if (waitMs === 0) return done()
    const seconds = Math.ceil(waitMs / 1000)
    reply.headers({ 'x-ratelimit-limit': windows.max, 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': seconds, 'retry-after': seconds })
    done(new RateLimitedError(`${seconds} s`))
  }
  app.addHook('onRoute', (route) => {
    if (route.config?.rateLimit === false) return
    const hooks = route.onRequest
    route.onRequest = hooks === undefined ? [rateLimit] : Array.isArray(hooks) ? [...hooks, rateLimit] : [hooks, rateLimit]
  })

  const fullDumps = new ConcurrencyGate(limits.fullDumpConcurrency, limits.fullDumpPerKey)
  app.decorate('fullDumps', fullDumps)

  function holdFullDumpSlot (reply: FastifyReply): void {
    if (reply.fullDumpRelease !== null) return
    const { request } = reply
    const release = fullDumps.tryAcquire(callerOf(request))
    if (typeof release === 'string') {
      reply.header('retry-after', RETRY_AFTER_SECONDS)
      throw new FullDumpBusyError(release === 'full' ? `${fullDumps.max} at once` : `${fullDumps.maxPerHolder} at once for one key`)
    }
    reply.fullDumpRelease = release
    // A reader slower than the whole answer allows is cut: the slot serves someone else.
    const cut = setTimeout(() => {
      onFullDumpTimeout?.()
      reply.raw.destroy()
    }, limits.fullDumpTimeoutMs)
    // 'close' comes once the answer is sent or the caller went away, whichever is first.
    reply.raw.once('close', () => {
      clearTimeout(cut)
      release()
    })
  }
  app.decorateReply('fullDumpRelease', null)
  app.decorateReply('holdFullDumpSlot', function (this: FastifyReply) { holdFullDumpSlot(this) })

  // preHandler: after auth and validation, so neither strangers nor bad queries take a slot.
  // A callback hook (most requests are no full download); a full_dump_busy thrown here is
  // answered by Fastify's hook runner like any refusal.
  app.addHook('preHandler', (request, reply, done) => {
    if (isFullDump(request)) holdFullDumpSlot(reply)
    done()
  })
}

export default fp(limitsPlugin, { name: 'limits' })
