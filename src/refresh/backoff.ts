// When to retry a failed fetch: exponential backoff with jitter that starts at the floor
// (REFRESH_MIN_INTERVAL) and never goes below it, and the timer seam tests drive with a fake clock.

/** A timer the refresher can cancel; tests substitute a fake clock. */
export interface Timers {
  setTimeout: (callback: () => void, delayMs: number) => { cancel: () => void }
}

/** Node holds a timer's delay in 32 bits: a longer one fires at once (TimeoutOverflowWarning). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1

export const realTimers: Timers = {
  setTimeout (callback, delayMs) {
    // A delay past what one timer holds is waited out in steps, so it can never fire early.
    let timer: NodeJS.Timeout
    const wait = (remainingMs: number) => {
      const stepMs = Math.min(Math.max(0, remainingMs), MAX_TIMER_DELAY_MS)
      timer = setTimeout(() => { if (remainingMs > stepMs) wait(remainingMs - stepMs); else callback() }, stepMs)
      timer.unref()
    }
    wait(delayMs)
    return { cancel: () => clearTimeout(timer) }
  }
}

/** Warm retries double up to this; with a snapshot serving there is no hurry. */
export const WARM_MAX_BACKOFF_MS = 6 * 60 * 60 * 1000
/** Jitter adds up to this fraction of the delay, so instances restarted together spread out. */
export const JITTER = 0.2

export interface RetryDelayInput {
  /** Consecutive failures, the one just seen included (≥ 1). */
  readonly failures: number
  readonly minIntervalMs: number
  /** No snapshot at all: the service is useless, so retry at the floor every time. */
  readonly cold: boolean
  /** A number in [0, 1). */
  readonly random: number
}

/**
 * Milliseconds from the start of the failed attempt to the retry: the floor × 2^(failures−1)
 * (the floor alone when cold), capped at max(6 h, floor), plus up to 20 % jitter. Never less
 * than the floor, so the floor holds whatever the jitter draws.
 */
export function retryDelayMs ({ failures, minIntervalMs, cold, random }: RetryDelayInput): number {
  const exponent = cold ? 0 : Math.min(Math.max(failures, 1) - 1, 20)
  const base = Math.min(minIntervalMs * 2 ** exponent, Math.max(WARM_MAX_BACKOFF_MS, minIntervalMs))
  return Math.max(minIntervalMs, Math.round(base * (1 + JITTER * Math.min(Math.max(random, 0), 1))))
}

/** The first retry after an attempt HubSoft never saw (or a refused token) waits this; each next one doubles. */
export const OWN_BACKOFF_START_MS = 10_000

/**
 * Milliseconds until the next try after `failures` attempts in a row that did not start the floor
 * (HubSoft unreachable, or the token refused): 10 s doubling, never beyond the floor itself, plus
 * up to 20 % jitter. HubSoft saw none of them, or only the token request, so the floor's hours do
 * not apply; the backoff keeps a dead network or a wrong password from being tried in a loop.
 */
export function ownBackoffMs (failures: number, minIntervalMs: number, random: number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 20)
  const base = Math.min(OWN_BACKOFF_START_MS * 2 ** exponent, minIntervalMs)
  return Math.round(base * (1 + JITTER * Math.min(Math.max(random, 0), 1)))
}
