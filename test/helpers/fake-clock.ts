// A clock tests move by hand: `now` for the refresher and HubSoft client, and timers that fire
// only when `advance` passes their time, so hours of retries and floors run in milliseconds.
import type { Timers } from '../../src/refresh/backoff.js'

interface PendingTimer {
  readonly at: number
  readonly callback: () => void
  cancelled: boolean
}

export class FakeClock implements Timers {
  #now: number
  #timers: PendingTimer[] = []

  constructor (start: string | number = '2026-11-26T12:00:00Z') {
    this.#now = typeof start === 'number' ? start : Date.parse(start)
  }

  readonly now = (): number => this.#now

  readonly setTimeout = (callback: () => void, delayMs: number): { cancel: () => void } => {
    const timer: PendingTimer = { at: this.#now + Math.max(0, delayMs), callback, cancelled: false }
    this.#timers.push(timer)
    return { cancel: () => { timer.cancelled = true } }
  }

  /** Timers not yet fired nor cancelled, soonest first. */
  get pending (): number[] {
    return this.#timers.filter((timer) => !timer.cancelled).map((timer) => timer.at).sort((a, b) => a - b)
  }

  /**
   * Moves time forward by `ms`, firing each due timer at its own time, in order; `settle` runs
   * after each one (e.g. waiting for the refresh it started).
   */
  async advance (ms: number, settle: () => Promise<void> = async () => undefined): Promise<void> {
    const end = this.#now + ms
    for (;;) {
      const due = this.#timers.filter((timer) => !timer.cancelled && timer.at <= end).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      this.#now = Math.max(this.#now, due.at)
      due.cancelled = true
      due.callback()
      await settle()
    }
    this.#now = end
    this.#timers = this.#timers.filter((timer) => !timer.cancelled)
  }
}
