// One refresh at a time fleet-wide: the lock is a lease renewed every third of its TTL while the
// refresh runs, released when it ends, and freed by Redis within the TTL if its holder dies.
import { Lease } from './lease.js'
import type { Redis } from 'ioredis'

export interface HeldLock {
  /** False once a renewal found the lock gone or could not reach Redis in time. */
  readonly held: boolean
  release: () => Promise<void>
}

export class RefreshLock {
  readonly #lease: Lease
  readonly #onLost: () => void

  constructor (redis: Redis, key: string, owner: string, ttlMs: number, onLost: () => void) {
    this.#lease = new Lease(redis, key, owner, ttlMs)
    this.#onLost = onLost
  }

  /** The lock, renewed until released; or when it is held elsewhere, how long the holder's lease still runs. */
  async take (): Promise<HeldLock | { readonly busyForMs: number }> {
    if (!await this.#lease.acquire()) return { busyForMs: await this.#lease.remainingMs() }
    return this.#renewing()
  }

  #renewing (): HeldLock {
    let held = true
    const lease = this.#lease
    const lost = () => {
      if (!held) return
      held = false
      clearInterval(renewal)
      this.#onLost()
    }
    const renewal = setInterval(() => {
      lease.renew().then((renewed) => { if (!renewed) lost() }, lost)
    }, Math.max(100, Math.floor(lease.ttlMs / 3)))
    return {
      get held () { return held },
      release: async () => {
        clearInterval(renewal)
        if (!held) return
        held = false
        await lease.release()
      }
    }
  }
}
