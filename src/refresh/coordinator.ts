// What the Refresher asks of a fleet of replicas when there is one (REDIS_URL; src/fleet/): who
// runs the schedule, the fleet-wide single flight and floor around each attempt, and where a
// snapshot it fetched goes. Without one the Refresher is a process on its own, as it always was.
import type { Snapshot } from '../snapshot/snapshot.js'
import type { RefreshRefusal, RefreshTrigger } from './refresher.js'

/** What a coordinator may do to the Refresher it serves. */
export interface CoordinatedRefresher {
  readonly snapshot: Snapshot | null
  /** Serves a snapshot another replica fetched (built beside the current one) unless it is older; true when it did. */
  adopt: (snapshot: Snapshot) => boolean
  /** This replica just became the one that runs the schedule: catch up on what the last one left. */
  takeOver: (lastFleetAttemptAt: Date | null) => void
}

/** The fleet's permission for one attempt, to be handed back when it ends. */
export interface FleetGrant {
  /**
   * The attempt ended. `snapshot` is what it swapped in (to share with the fleet), or null.
   * `sentNothing` is true only when the attempt provably sent no request to HubSoft: then the
   * fleet floor it claimed is given back.
   */
  finish: (ended: { readonly snapshot: Snapshot | null, readonly sentNothing: boolean }) => Promise<void>
}

export interface RefreshCoordinator {
  /** True on the replica that runs REFRESH_CRON and the retries after failures. */
  readonly runsSchedule: boolean
  /** Brings the fleet's snapshot in before the first decision, then keeps following the fleet. */
  start: (refresher: CoordinatedRefresher) => Promise<void>
  /** The fleet's lock and floor for an attempt starting now, or why it must not start. */
  acquire: (trigger: RefreshTrigger, minIntervalMs: number) => Promise<FleetGrant | RefreshRefusal>
  stop: () => Promise<void>
}
