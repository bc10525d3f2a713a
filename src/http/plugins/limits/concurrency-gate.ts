// A counter of holders with a bound, for FULL_DUMP_CONCURRENCY and FULL_DUMP_PER_KEY: a full
// download over either bound is refused at once (503 with Retry-After) rather than queued
// behind the others, and no one holder (an API key) can take every slot.

/** Which bound refused a holder. */
export type GateRefusal = 'full' | 'holder'

/** At most `max` holds at once, `maxPerHolder` of them by one holder; tryAcquire answers the refusal instead of queueing. */
export class ConcurrencyGate {
  readonly max: number
  readonly maxPerHolder: number
  #inFlight = 0
  readonly #byHolder = new Map<string, number>()

  constructor (max: number, maxPerHolder = max) {
    this.max = max
    this.maxPerHolder = maxPerHolder
  }

  get inFlight (): number {
    return this.#inFlight
  }

  /** A release function (idempotent), or which bound is reached. */
  tryAcquire (holder = ''): (() => void) | GateRefusal {
    if (this.#inFlight >= this.max) return 'full'
    const held = this.#byHolder.get(holder) ?? 0
    if (held >= this.maxPerHolder) return 'holder'
    this.#inFlight++
    this.#byHolder.set(holder, held + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      this.#inFlight--
      const left = this.#byHolder.get(holder)! - 1
      if (left === 0) this.#byHolder.delete(holder)
      else this.#byHolder.set(holder, left)
    }
  }
}
