// Schemas of the operations routes (health, status).
import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { REFRESH_OUTCOMES, REFRESH_REASON_NAMES, reasonsFor } from '../../refresh/outcome.js'
import { RECENT_OUTCOMES } from '../../refresh/refresher.js'
import { FleetStatusSchema } from './fleet.js'
import { StringEnum } from './string-enum.js'

// The error envelope lives with the error catalogue's schemas; re-exported for the operations routes.
export { ErrorEnvelopeSchema } from './errors.js'

export const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')], { description: 'ok when the check passes.' })
}, { $id: 'Health', description: 'Health check answer.' })

const nullableDate = (description: string) => Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description })
const servicoCounts = (description: string) => Type.Record(Type.String(), Type.Integer(), { description })

/** One refresh; `refresh.last` and each of `refresh.recent`. */
const RefreshOutcomeSchema = Type.Object({
  outcome: StringEnum(REFRESH_OUTCOMES, 'How it ended.'),
  trigger: Type.String({ description: 'startup, schedule, retry or manual.' }),
  started_at: Type.String({ format: 'date-time', description: 'When the fetch started.' }),
  finished_at: Type.String({ format: 'date-time', description: 'When it ended.' }),
  duration_ms: Type.Integer({ description: 'How long it took.' }),
  pages: Type.Integer({ description: 'Upstream pages fetched.' }),
  clients: Type.Integer({ description: 'Distinct clients fetched.' }),
  bytes: Type.Integer({ description: 'Upstream body bytes fetched.' }),
  replaced_characters: Type.Integer({ description: 'Bytes HubSoft sent that were not UTF-8, each kept as U+FFFD (a HubSoft sending Latin-1 shows here).' }),
  reason: Type.Optional(StringEnum(REFRESH_REASON_NAMES, `Why it did not succeed: ${reasonsFor('rejected').join(', ')} when rejected; ${reasonsFor('failed').join(', ')} when failed.`)),
  http_status: Type.Optional(Type.Integer({ description: "HubSoft's HTTP status, when the failure came with one." })),
  error: Type.Optional(Type.String({ description: 'What went wrong.' })),
  reached_hubsoft: Type.Boolean({ description: 'False when none of its data requests reached HubSoft (DNS, connection refused, TLS handshake): then it did not start REFRESH_MIN_INTERVAL.' })
}, { description: 'One refresh and its outcome.' })

/** The running refresh, page by page. */
const RefreshProgressSchema = Type.Object({
  started_at: Type.String({ format: 'date-time', description: 'When the running refresh started.' }),
  pages_done: Type.Integer({ description: 'Upstream pages fetched so far.' }),
  pages_total: Type.Union([Type.Integer(), Type.Null()], { description: "Pages of the whole walk, from HubSoft's ultima_pagina (null with cliente/all, which does not say)." }),
  clients: Type.Integer({ description: 'Clients fetched so far.' }),
  bytes: Type.Integer({ description: 'Upstream body bytes fetched so far.' }),
  estimated_end_at: nullableDate('When the walk should end at the pace so far; null until it can be told.')
}, { description: 'How far the running refresh has got.' })

const counters = Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), { description: 'Requests by route, then by HTTP status or failure reason.' })

export const StatusSchema = Type.Object({
  version: Type.String({ description: "This service's version (package.json)." }),
  ready: Type.Boolean({ description: 'True once a snapshot is served.' }),
  snapshot: Type.Union([Type.Object({
    version: Type.String({ description: 'Content hash; unchanged when a refresh brings identical data.' }),
    fetched_at: Type.String({ format: 'date-time', description: 'When the fetch that built it started.' }),
    age_seconds: Type.Integer({ description: 'Seconds since fetched_at.' }),
    source: Type.String({ description: 'Upstream route it came from: todos or all.' }),
    clients: Type.Integer({ description: 'Clients held.' }),
    services: Type.Integer({ description: 'Services held, cancelled included.' }),
    services_by_status: servicoCounts('Services per status_prefixo (cancelled included), most first; services without one count under the empty key.'),
    services_by_technology: servicoCounts('Services per technology, most first. Case variants are one technology (as /all/tecnologia matches them), named by the spelling HubSoft uses most; services without one count under the empty key.'),
    prepared_bytes: Type.Integer({ description: 'Bytes of JSON prepared for the default answers.' })
  }), Type.Null()], { description: 'The snapshot being served, or null.' }),
  refresh: Type.Object({
    running: Type.Boolean({ description: 'A refresh is in progress.' }),
    progress: Type.Union([RefreshProgressSchema, Type.Null()], { description: 'How far the running refresh has got; null when none runs.' }),
    time_zone: Type.String({ description: 'REFRESH_TZ: the zone of the schedule, and of the times on the status page.' }),
    last_attempt_at: nullableDate('When the last upstream fetch started.'),
    next_scheduled_at: nullableDate('Next REFRESH_CRON time.'),
    next_retry_at: nullableDate('When the retry after a failure runs (exponential backoff with jitter, never before floor_until); null when none is pending.'),
    floor_until: nullableDate('No fetch before this time (REFRESH_MIN_INTERVAL); null when one is allowed now.'),
    consecutive_failures: Type.Integer({ description: 'Failed or rejected refreshes since the last success.' }),
    credentials_rejected: Type.Boolean({ description: 'HubSoft refused the credentials: automatic refreshes are paused until a restart or POST /admin/refresh.' }),
    last: Type.Union([RefreshOutcomeSchema, Type.Null()], { description: 'The last refresh, or null before the first (also recent[0]).' }),
    recent: Type.Array(RefreshOutcomeSchema, { description: `The last refreshes (at most ${RECENT_OUTCOMES}), newest first.` })
  }),
  persistence: Type.Object({
    dir: Type.String({ description: 'SNAPSHOT_DIR.' }),
    load: Type.Union([Type.Object({
      outcome: Type.String({ description: 'What start-up found: missing, loaded or corrupt.' }),
      error: Type.Optional(Type.String({ description: 'Why the file was unusable.' })),
      set_aside_as: Type.Optional(Type.String({ description: 'Where an unusable file was moved.' }))
    }), Type.Null()], { description: 'The start-up load, or null before it.' }),
    last_save: Type.Union([Type.Object({
      at: Type.String({ format: 'date-time' }),
      outcome: Type.String({ description: 'saved or failed.' }),
      bytes: Type.Optional(Type.Integer({ description: 'Compressed file size.' })),
      error: Type.Optional(Type.String())
    }), Type.Null()], { description: 'The last write of the snapshot file, or null before one.' })
  }, { description: 'The snapshot persisted in SNAPSHOT_DIR.' }),
  upstream: Type.Object({
    requests: counters,
    token_requests: Type.Integer({ description: 'Tokens requested from HubSoft.' }),
    token_renewals: Type.Integer({ description: 'Tokens renewed after a 401.' }),
    tokens_obtained: Type.Integer({ description: 'Tokens HubSoft issued: until one is, the credentials are not known to work.' })
  }),
  fleet: Type.Optional(Type.Union([FleetStatusSchema, Type.Null()], { description: FleetStatusSchema.description }))
}, { $id: 'Status', description: 'Freshness and health of the service.' })

export type StatusJson = Static<typeof StatusSchema>

export const AdminRefreshQuerySchema = Type.Object({
  accept_shrink: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'true accepts a list that shrank by more than REFRESH_MAX_SHRINK.', default: 'false' }))
}, { additionalProperties: false })

export const RefreshAcceptedSchema = Type.Object({
  status: Type.Literal('accepted'),
  msg: Type.String(),
  started_at: Type.String({ format: 'date-time', description: 'When the refresh started.' })
}, { $id: 'RefreshAccepted', description: 'A refresh has started; its outcome will show in /status.' })
