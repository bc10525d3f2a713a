// A counter of holders with a bound, for FULL_DUMP_CONCURRENCY: a full download over the bound
// is refused at once (503 with Retry-After) rather than queued behind the others.

/** At most `max` holders at once; tryAcquire answers null instead of queueing. */
export class ConcurrencyGate {
  readonly max: number
  #inFlight = 0

  constructor (max: number) {
    this.max = max
  }

  get inFlight (): number {
    return this.#inFlight
  }

  /** A release function (idempotent), or null when the gate is full. */
  tryAcquire (): (() => void) | null {
    if (this.#inFlight >= this.max) return null
    this.#inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#inFlight--
    }
  }
}
