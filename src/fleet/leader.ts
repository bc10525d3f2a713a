// The replica that runs REFRESH_CRON and the retries: whoever holds the leader lease. Every
// replica tries to take or renew it every third of its TTL; a leader that cannot renew (it died,
// or lost Redis) steps down at once and is replaced once its lease runs out, within the TTL.
import type { Redis } from 'ioredis'
import { Lease } from './lease.js'

export interface LeadershipEvents {
  readonly elected: () => void
  readonly deposed: () => void
}

export class LeaderElection {
  readonly #lease: Lease
  readonly #events: LeadershipEvents
  #leader = false
  #timer: NodeJS.Timeout | null = null
  #round: Promise<void> | null = null

  constructor (redis: Redis, key: string, owner: string, ttlMs: number, events: LeadershipEvents) {
    this.#lease = new Lease(redis, key, owner, ttlMs)
    this.#events = events
  }

  get leader (): boolean {
    return this.#leader
  }

  /** Runs the first round now and the next ones every third of the TTL. */
  async start (): Promise<void> {
    await this.round()
    this.#timer = setInterval(() => { this.round().catch(() => undefined) }, Math.max(100, Math.floor(this.#lease.ttlMs / 3)))
  }

  /** One attempt to take or keep the lease; a Redis failure counts as not holding it. */
  async round (): Promise<void> {
    this.#round ??= this.#lease.hold().catch(() => false).then((holds) => this.#set(holds)).finally(() => { this.#round = null })
    await this.#round
  }

  /** Stops trying and hands the lease back, so another replica takes over at once. */
  async stop (): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
    await this.#round
    if (this.#leader) {
      this.#set(false)
      await this.#lease.release().catch(() => undefined)
    }
  }

  #set (holds: boolean): void {
    if (holds === this.#leader) return
    this.#leader = holds
    if (holds) this.#events.elected()
    else this.#events.deposed()
  }
}
