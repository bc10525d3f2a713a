// The fleet's part of GET /status (REDIS_URL): this replica's role, whether Redis answers, and
// the fleet's snapshot as its manifest describes it.
import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'

const fleetEvent = (description: string) => Type.Union([Type.Object({
  at: Type.String({ format: 'date-time', description: 'When it happened.' }),
  outcome: Type.Union([Type.Literal('ok'), Type.Literal('failed')], { description: 'ok, or failed (see error).' }),
  version: Type.Union([Type.String(), Type.Null()], { description: 'The snapshot version concerned, when known.' }),
  error: Type.Optional(Type.String({ description: 'What went wrong.' }))
}), Type.Null()], { description })

export const FleetStatusSchema = Type.Object({
  replica: Type.String({ description: 'This replica\'s name in the fleet (host name and a random suffix).' }),
  role: Type.Union([Type.Literal('leader'), Type.Literal('follower')], { description: 'leader runs REFRESH_CRON and the retries; any replica may run a manual refresh.' }),
  redis_reachable: Type.Boolean({ description: 'Redis answers. While it does not, this replica serves what it has and fetches nothing.' }),
  version: Type.Union([Type.String(), Type.Null()], { description: 'The version of the fleet\'s published snapshot, as last read from Redis.' }),
  fetched_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the fleet\'s published snapshot was fetched.' }),
  published_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it was published.' }),
  publisher: Type.Union([Type.String(), Type.Null()], { description: 'The replica that published it.' }),
  in_sync: Type.Boolean({ description: 'This replica serves the fleet\'s published version.' }),
  last_publication: fleetEvent('The last time this replica published a snapshot it fetched, or null.'),
  last_ingest: fleetEvent('The last time this replica took the fleet\'s snapshot from Redis, or null.')
}, { description: 'This replica\'s part in the fleet sharing REDIS_URL; null for a process on its own.' })

export type FleetStatusJson = Static<typeof FleetStatusSchema>
