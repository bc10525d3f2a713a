// Operations routes (SPEC §4): liveness, readiness (a snapshot is served) and /status, the
// page ops read to see freshness, the last refresh and what was asked of HubSoft.
import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { RefreshRunningError, RefreshThrottledError } from '../../errors.js'
import type { Refresher } from '../../refresh/refresher.js'
import type { UpstreamCounters } from '../../upstream/hubsoft-client.js'
import { AdminRefreshQuerySchema, ErrorEnvelopeSchema, HealthSchema, RefreshAcceptedSchema, StatusSchema } from '../schemas/operations.js'

export interface OperationsRoutesOptions {
  readonly refresher: Refresher
  readonly upstreamCounters: UpstreamCounters
  readonly now: () => number
}

const iso = (date: Date | null) => date?.toISOString() ?? null

export default async function operationsRoutes (app: FastifyInstance, { refresher, upstreamCounters, now }: OperationsRoutesOptions) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const health = Type.Ref(HealthSchema)

  // Process up.
  routes.get('/health/live', {
    schema: { operationId: 'healthLive', summary: 'Liveness', tags: ['operations'], response: { 200: health } }
  }, async () => ({ status: 'ok' as const }))

  // Ready once a snapshot is served.
  routes.get('/health/ready', {
    schema: { operationId: 'healthReady', summary: 'Readiness: 200 once a snapshot is served', tags: ['operations'], response: { 200: health, 503: health } }
  }, async (_request, reply) => {
    if (refresher.snapshot === null) return await reply.code(503).send({ status: 'unavailable' })
    return { status: 'ok' as const }
  })

  // Freshness, counts, last refresh, and what was asked of HubSoft.
  routes.get('/status', {
    config: { access: 'any' },
    schema: {
      operationId: 'getStatus',
      summary: 'Snapshot freshness, refresh outcome and upstream counters',
      tags: ['operations'],
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
      response: { 200: Type.Ref(StatusSchema) }
    }
  }, async () => {
    const snapshot = refresher.snapshot
    const last = refresher.lastOutcome
    return {
      ready: snapshot !== null,
      snapshot: snapshot === null
        ? null
        : {
            version: snapshot.version,
            fetched_at: snapshot.fetchedAt.toISOString(),
            age_seconds: Math.max(0, Math.floor((now() - snapshot.fetchedAt.getTime()) / 1000)),
            source: snapshot.source,
            clients: snapshot.size,
            services: snapshot.servicosCount,
            prepared_bytes: snapshot.preparedBytes
          },
      refresh: {
        running: refresher.running,
        last_attempt_at: iso(refresher.lastAttemptAt),
        next_scheduled_at: iso(refresher.nextScheduledAt),
        next_retry_at: iso(refresher.nextRetryAt),
        floor_until: iso(refresher.floorUntil),
        consecutive_failures: refresher.consecutiveFailures,
        credentials_rejected: refresher.credentialsRejected,
        last: last === null
          ? null
          : {
              outcome: last.outcome,
              trigger: last.trigger,
              started_at: last.startedAt.toISOString(),
              finished_at: last.finishedAt.toISOString(),
              duration_ms: last.durationMs,
              pages: last.pages,
              clients: last.clients,
              bytes: last.bytes,
              reason: last.reason,
              error: last.error
            }
      },
      persistence: persistenceStatus(refresher),
      upstream: {
        requests: upstreamCounters.requests,
        token_requests: upstreamCounters.tokenRequests,
        token_renewals: upstreamCounters.tokenRenewals
      }
    }
  })

  // Ask for a refresh now; the floor and single flight still apply (SPEC §4, §5 G1).
  routes.post('/admin/refresh', {
    config: { access: 'admin' },
    schema: {
      operationId: 'adminRefresh',
      summary: 'Start a refresh from HubSoft now',
      description: 'Answers 202 once the refresh has started (its outcome shows in /status), 409 while one runs, and 429 with Retry-After while REFRESH_MIN_INTERVAL forbids a fetch. `accept_shrink=true` accepts a list that shrank by more than REFRESH_MAX_SHRINK.',
      tags: ['operations'],
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
      querystring: AdminRefreshQuerySchema,
      response: {
        202: Type.Ref(RefreshAcceptedSchema),
        400: Type.Ref(ErrorEnvelopeSchema),
        403: Type.Ref(ErrorEnvelopeSchema),
        409: Type.Ref(ErrorEnvelopeSchema),
        429: Type.Ref(ErrorEnvelopeSchema)
      }
    }
  }, async (request, reply) => {
    const started = refresher.begin('manual', { acceptShrink: request.query.accept_shrink === 'true' })
    if ('refused' in started) {
      if (started.refused === 'floor') {
        const seconds = Math.max(1, Math.ceil((started.retryAt.getTime() - now()) / 1000))
        reply.header('retry-after', String(seconds))
        throw new RefreshThrottledError(`REFRESH_MIN_INTERVAL allows the next fetch from HubSoft at ${started.retryAt.toISOString()} (in ${seconds} s)`)
      }
      throw new RefreshRunningError()
    }
    request.log.info({ key: request.apiKey?.name, acceptShrink: request.query.accept_shrink === 'true' }, 'manual refresh started')
    return await reply.code(202).send({ status: 'accepted', msg: 'Refresh started; its outcome will show in /status', started_at: started.startedAt.toISOString() })
  })
}

function persistenceStatus (refresher: Refresher) {
  const { dir, load, lastSave } = refresher.persistence
  return {
    dir,
    load: load === null ? null : { outcome: load.outcome, error: load.error, set_aside_as: load.setAsideAs ?? undefined },
    last_save: lastSave === null ? null : { at: lastSave.at.toISOString(), outcome: lastSave.outcome, bytes: lastSave.bytes, error: lastSave.error }
  }
}
