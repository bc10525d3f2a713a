// Operations routes (SPEC §4): liveness, readiness (a snapshot is served) and /status, the
// page ops read to see freshness, the last refresh and what was asked of HubSoft.
import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Refresher } from '../../refresh/refresher.js'
import type { UpstreamCounters } from '../../upstream/hubsoft-client.js'
import { ErrorEnvelopeSchema, HealthSchema, StatusSchema } from '../schemas/operations.js'

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
      response: { 200: Type.Ref(StatusSchema), 401: Type.Ref(ErrorEnvelopeSchema) }
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
        floor_until: iso(refresher.floorUntil),
        consecutive_failures: refresher.consecutiveFailures,
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
      upstream: {
        requests: upstreamCounters.requests,
        token_requests: upstreamCounters.tokenRequests,
        token_renewals: upstreamCounters.tokenRenewals
      }
    }
  })
}
