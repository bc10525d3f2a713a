// Operations routes: liveness, readiness (a snapshot is served) and /status, the
// page ops read (as JSON, or as HTML in a browser) to see freshness, the refreshes and what was
// asked of HubSoft.
import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { RefreshRunningError, RefreshThrottledError } from '../../errors.js'
import type { Refresher } from '../../refresh/refresher.js'
import type { FleetCoordinator } from '../../fleet/coordinator.js'
import type { UpstreamCounters } from '../../upstream/hubsoft-client.js'
import { HTML_CONTENT_SECURITY_HEADERS, HTML_TYPE, prefersHtml } from '../status/html.js'
import { KEYED_SECURITY } from '../plugins/docs.js'
import { renderStatusPage } from '../status/status-page.js'
import { statusJson } from '../status/status-json.js'
import { AdminRefreshQuerySchema, ErrorEnvelopeSchema, HealthSchema, RefreshAcceptedSchema, StatusSchema } from '../schemas/operations.js'

export interface OperationsRoutesOptions {
  readonly refresher: Refresher
  readonly upstreamCounters: UpstreamCounters
  /** REFRESH_TZ: the status page shows its times there. */
  readonly timeZone: string
  readonly now: () => number
  readonly fleet?: FleetCoordinator | null
}

export default async function operationsRoutes (app: FastifyInstance, { refresher, upstreamCounters, timeZone, now, fleet }: OperationsRoutesOptions) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const health = Type.Ref(HealthSchema)

  // Process up. Health checks are never shed nor rate-limited: an orchestrator that cannot
  // reach them restarts a process that is busy, not broken.
  const probeConfig = { shed: false, rateLimit: false } as const
  routes.get('/health/live', {
    config: probeConfig,
    schema: { operationId: 'healthLive', summary: 'Liveness', tags: ['operations'], response: { 200: health } }
  }, async () => ({ status: 'ok' as const }))

  // Ready once a snapshot is served.
  routes.get('/health/ready', {
    config: probeConfig,
    schema: { operationId: 'healthReady', summary: 'Readiness: 200 once a snapshot is served', tags: ['operations'], response: { 200: health, 503: health } }
  }, async (_request, reply) => {
    if (refresher.snapshot === null) return await reply.code(503).send({ status: 'unavailable' })
    return { status: 'ok' as const }
  })

  // Freshness, counts, refreshes, and what was asked of HubSoft; a page for a browser.
  routes.get('/status', {
    config: { access: 'any' },
    schema: {
      operationId: 'getStatus',
      summary: 'Snapshot freshness, refresh outcomes and upstream counters',
      description: 'JSON by default; an Accept header that prefers text/html (a browser) gets the same facts as a self-contained page. A browser signs in with HTTP Basic: any user name, the API key as the password.',
      tags: ['operations'],
      security: KEYED_SECURITY,
      response: {
        200: {
          description: 'The status, as JSON or as an HTML page.',
          content: {
            'application/json': { schema: Type.Ref(StatusSchema) },
            'text/html': { schema: Type.String({ description: 'The status page: inline CSS, no script, no external resource.' }) }
          }
        }
      }
    }
  }, async (request, reply) => {
    const moment = now()
    const status = statusJson({ refresher, upstreamCounters, timeZone, fleet }, moment)
    reply.header('vary', 'accept')
    if (!prefersHtml(request.headers.accept)) return status
    return await reply.type(`${HTML_TYPE}; charset=utf-8`).header('cache-control', 'no-store').headers(HTML_CONTENT_SECURITY_HEADERS).send(renderStatusPage(status, new Date(moment)))
  })

  // Ask for a refresh now; the REFRESH_MIN_INTERVAL floor and single flight still apply, so no
  // caller can make the service hit HubSoft's heavy route more often than configured.
  routes.post('/admin/refresh', {
    config: { access: 'admin' },
    schema: {
      operationId: 'adminRefresh',
      summary: 'Start a refresh from HubSoft now',
      description: 'Answers 202 once the refresh has started (its outcome shows in /status), 409 while one runs, and 429 with Retry-After while REFRESH_MIN_INTERVAL forbids a fetch (or, after an attempt that never reached HubSoft or whose token HubSoft refused, a backoff of its own from 10 s). `accept_shrink=true` accepts a list that shrank by more than REFRESH_MAX_SHRINK.',
      tags: ['operations'],
      security: KEYED_SECURITY,
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
    const started = await refresher.begin('manual', { acceptShrink: request.query.accept_shrink === 'true' })
    if ('refused' in started) {
      if (started.refused === 'fleet_unreachable') {
        reply.header('retry-after', String(Math.max(1, Math.ceil((started.retryAt.getTime() - now()) / 1000))))
        throw new RefreshThrottledError('Redis is unreachable, so the fleet\'s REFRESH_MIN_INTERVAL cannot be checked: no fetch from HubSoft until it answers')
      }
      if (started.refused === 'floor' || started.refused === 'backoff') {
        const seconds = Math.max(1, Math.ceil((started.retryAt.getTime() - now()) / 1000))
        reply.header('retry-after', String(seconds))
        const why = started.refused === 'floor'
          ? 'REFRESH_MIN_INTERVAL allows the next fetch from HubSoft'
          : started.cause === 'credentials' ? 'HubSoft refused the token; the next try is allowed' : 'HubSoft could not be reached; the next try is allowed'
        throw new RefreshThrottledError(`${why} at ${started.retryAt.toISOString()} (in ${seconds} s)`)
      }
      throw new RefreshRunningError()
    }
    request.log.info({ key: request.apiKey?.name, acceptShrink: request.query.accept_shrink === 'true' }, 'manual refresh started')
    return await reply.code(202).send({ status: 'accepted', msg: 'Refresh started; its outcome will show in /status', started_at: started.startedAt.toISOString() })
  })
}
