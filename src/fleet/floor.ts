// The fleet floor: the time of the fleet's last fetch attempt, claimed atomically so that no two
// replicas start a fetch within REFRESH_MIN_INTERVAL of each other (README, Throttle guarantees).
// The floor key exists exactly as long as the floor forbids a fetch: Redis's own clock measures
// the interval (PX), so replicas whose clocks disagree still agree on the floor. A claim can be
// given back when its attempt provably sent nothing to HubSoft (it never got as far as a request),
// and only by the claim that set it.
import type { Redis } from 'ioredis'
import type { FleetKeys } from './redis.js'

/** Sets the floor if it is free and records the attempt; otherwise answers how long it still holds. */
const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[1])
  return -1
end
return redis.call('PTTL', KEYS[1])`
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end"

/** The attempt recorded in Redis. */
export interface FleetAttempt {
  readonly at: Date
  readonly replica: string
  readonly claim: string
}

export type FloorClaim =
  | { readonly claimed: true, readonly attempt: FleetAttempt }
  | { readonly claimed: false, readonly retryAt: Date }

export class FleetFloor {
  readonly #redis: Redis
  readonly #keys: FleetKeys
  readonly #replica: string
  readonly #now: () => number

  constructor (redis: Redis, keys: FleetKeys, replica: string, now: () => number) {
    this.#redis = redis
    this.#keys = keys
    this.#replica = replica
    this.#now = now
  }

  /** Claims the floor for an attempt starting now. Throws when Redis cannot be asked (no fetch then). */
  async claim (minIntervalMs: number, claim: string): Promise<FloorClaim> {
    const attempt: FleetAttempt = { at: new Date(this.#now()), replica: this.#replica, claim }
    const value = JSON.stringify({ at: attempt.at.toISOString(), replica: attempt.replica, claim })
    const answer = Number(await this.#redis.eval(CLAIM, 2, this.#keys.floor, this.#keys.lastAttempt, value, minIntervalMs))
    if (answer === -1) return { claimed: true, attempt }
    // -2: the key expired between SET and PTTL; the floor allows a fetch now.
    return { claimed: false, retryAt: new Date(this.#now() + Math.max(answer, 0)) }
  }

  /** Gives a claim back, for an attempt that provably sent nothing upstream; another one's claim is left alone. */
  async release (attempt: FleetAttempt): Promise<boolean> {
    const value = JSON.stringify({ at: attempt.at.toISOString(), replica: attempt.replica, claim: attempt.claim })
    return Number(await this.#redis.eval(RELEASE, 1, this.#keys.floor, value)) === 1
  }

  /** The fleet's last recorded attempt, or null. */
  async lastAttempt (): Promise<FleetAttempt | null> {
    const text = await this.#redis.get(this.#keys.lastAttempt)
    if (text === null) return null
    try {
      const parsed = JSON.parse(text) as { at?: string, replica?: string, claim?: string }
      const at = Date.parse(parsed.at ?? '')
      return Number.isNaN(at) ? null : { at: new Date(at), replica: String(parsed.replica), claim: String(parsed.claim) }
    } catch {
      return null
    }
  }
}
