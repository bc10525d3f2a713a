// RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW for each caller (an API key's name, or an
// address without a valid key): a caller's first request opens a fixed window, the requests
// after the max within it are refused until it ends. Synchronous and allocation-free on a
// request that passes: the limit runs on every request the service answers.

/** A caller's window: when it ends and how many requests it has counted. */
interface Window {
  endsAt: number
  count: number
}

export class RateWindows {
  readonly max: number
  readonly windowMs: number
  /** Callers remembered at most; beyond it the oldest window is forgotten (that caller starts afresh). */
  readonly capacity: number
  /** In the order the windows opened, which is the order they end (every window is windowMs long). */
  readonly #windows = new Map<string, Window>()

  constructor (max: number, windowMs: number, capacity = 10_000) {
    this.max = max
    this.windowMs = windowMs
    this.capacity = capacity
  }

  /** Callers with an open window (tests read it). */
  get size (): number {
    return this.#windows.size
  }

  /** Counts one request of `caller` at `now`: 0 when it may pass, else the ms until its window ends. */
  hit (caller: string, now: number): number {
    let window = this.#windows.get(caller)
    if (window !== undefined && window.endsAt <= now) {
      this.#windows.delete(caller)
      window = undefined
    }
    if (window === undefined) {
      this.#forgetEnded(now)
      window = { endsAt: now + this.windowMs, count: 0 }
      this.#windows.set(caller, window)
    }
    window.count++
    return window.count > this.max ? window.endsAt - now : 0
  }

  /** Drops the windows that have ended (the oldest first), and the oldest open one when full. */
  #forgetEnded (now: number): void {
    for (const [caller, window] of this.#windows) {
      if (window.endsAt > now && this.#windows.size < this.capacity) return
      this.#windows.delete(caller)
    }
  }
}
