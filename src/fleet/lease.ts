// A key held by one owner for a while: taken only if free (SET NX PX), renewed and released only
// by the owner that holds it (compare-and-act in a Lua script, atomic on the server), and freed
// by Redis itself when the owner stops renewing (it crashed, or lost Redis). The refresh lock and
// the leadership are both leases. https://redis.io/docs/latest/develop/use/patterns/distributed-locks/
import type { Redis } from 'ioredis'

const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end"
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end"

export class Lease {
  readonly #redis: Redis
  readonly #key: string
  readonly #owner: string
  readonly #ttlMs: number

  constructor (redis: Redis, key: string, owner: string, ttlMs: number) {
    this.#redis = redis
    this.#key = key
    this.#owner = owner
    this.#ttlMs = ttlMs
  }

  get ttlMs (): number {
    return this.#ttlMs
  }

  /** True when this owner now holds the key (it was free). Throws when Redis cannot be asked. */
  async acquire (): Promise<boolean> {
    return await this.#redis.set(this.#key, this.#owner, 'PX', this.#ttlMs, 'NX') === 'OK'
  }

  /** Extends the lease by its TTL; false when this owner no longer holds it. */
  async renew (): Promise<boolean> {
    return Number(await this.#redis.eval(RENEW, 1, this.#key, this.#owner, this.#ttlMs)) === 1
  }

  /** Takes the lease, or extends it when this owner already holds it. */
  async hold (): Promise<boolean> {
    return await this.renew() || await this.acquire()
  }

  /** Frees the key if this owner holds it. */
  async release (): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.#key, this.#owner)
  }

  /** Milliseconds until the current holder's lease runs out (0 when free). */
  async remainingMs (): Promise<number> {
    return Math.max(0, await this.#redis.pttl(this.#key))
  }

  /** Who holds it now, or null. */
  async holder (): Promise<string | null> {
    return await this.#redis.get(this.#key)
  }
}
