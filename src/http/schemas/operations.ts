// Schemas of the operations routes (health, status).
import { Type } from '@sinclair/typebox'

// The error envelope lives with the error catalogue's schemas; re-exported for the operations routes.
export { ErrorEnvelopeSchema } from './errors.js'

export const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')], { description: 'ok when the check passes.' })
}, { $id: 'Health', description: 'Health check answer.' })

const nullableDate = (description: string) => Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description })
const counters = Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), { description: 'Requests by route, then by HTTP status or failure reason.' })

export const StatusSchema = Type.Object({
  ready: Type.Boolean({ description: 'True once a snapshot is served.' }),
  snapshot: Type.Union([Type.Object({
    version: Type.String({ description: 'Content hash; unchanged when a refresh brings identical data.' }),
    fetched_at: Type.String({ format: 'date-time', description: 'When the fetch that built it started.' }),
    age_seconds: Type.Integer({ description: 'Seconds since fetched_at.' }),
    source: Type.String({ description: 'Upstream route it came from: todos or all.' }),
    clients: Type.Integer({ description: 'Clients held.' }),
    services: Type.Integer({ description: 'Services held, cancelled included.' }),
    prepared_bytes: Type.Integer({ description: 'Bytes of JSON prepared for the default answers.' })
  }), Type.Null()], { description: 'The snapshot being served, or null.' }),
  refresh: Type.Object({
    running: Type.Boolean({ description: 'A refresh is in progress.' }),
    last_attempt_at: nullableDate('When the last upstream fetch started.'),
    next_scheduled_at: nullableDate('Next REFRESH_CRON time.'),
    floor_until: nullableDate('No fetch before this time (REFRESH_MIN_INTERVAL); null when one is allowed now.'),
    consecutive_failures: Type.Integer({ description: 'Failed or rejected refreshes since the last success.' }),
    last: Type.Union([Type.Object({
      outcome: Type.String({ description: 'success, unchanged, rejected or failed.' }),
      trigger: Type.String({ description: 'startup, schedule, retry or manual.' }),
      started_at: Type.String({ format: 'date-time' }),
      finished_at: Type.String({ format: 'date-time' }),
      duration_ms: Type.Integer(),
      pages: Type.Integer({ description: 'Upstream pages fetched.' }),
      clients: Type.Integer({ description: 'Distinct clients fetched.' }),
      bytes: Type.Integer({ description: 'Upstream body bytes fetched.' }),
      reason: Type.Optional(Type.String({ description: 'Failure class, e.g. timeout, error_body, validation.' })),
      error: Type.Optional(Type.String({ description: 'What went wrong.' }))
    }), Type.Null()], { description: 'The last refresh, or null before the first.' })
  }),
  upstream: Type.Object({
    requests: counters,
    token_requests: Type.Integer({ description: 'Tokens requested from HubSoft.' }),
    token_renewals: Type.Integer({ description: 'Tokens renewed after a 401.' })
  })
}, { $id: 'Status', description: 'Freshness and health of the service.' })
