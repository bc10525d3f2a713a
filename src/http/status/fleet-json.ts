// The fleet's part of /status, read from the coordinator at one moment.
import type { FleetCoordinator, FleetEvent } from '../../fleet/coordinator.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import type { FleetStatusJson } from '../schemas/fleet.js'

const eventJson = (event: FleetEvent | null): FleetStatusJson['last_publication'] => event === null
  ? null
  : { at: event.at.toISOString(), outcome: event.outcome, version: event.version, ...(event.error === undefined ? {} : { error: event.error }) }

export function fleetStatusJson (fleet: FleetCoordinator, served: Snapshot | null): FleetStatusJson {
  const manifest = fleet.manifest
  return {
    replica: fleet.replica,
    role: fleet.role,
    redis_reachable: fleet.redisReachable,
    version: manifest?.version ?? null,
    fetched_at: manifest?.fetched_at ?? null,
    published_at: manifest?.published_at ?? null,
    publisher: manifest?.publisher ?? null,
    in_sync: manifest !== null && served?.version === manifest.version,
    last_publication: eventJson(fleet.lastPublication),
    last_ingest: eventJson(fleet.lastIngest)
  }
}
