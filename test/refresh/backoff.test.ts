// Retry delays: exponential from the floor, capped, jittered upwards only, never below the floor.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MAX_TIMER_DELAY_MS, realTimers, retryDelayMs, WARM_MAX_BACKOFF_MS } from '../../src/refresh/backoff.js'

const MIN = 60_000
const FLOOR = 15 * MIN

test('retry delays by failures, snapshot state and jitter draw', () => {
  const table: Array<[string, Parameters<typeof retryDelayMs>[0], number]> = [
    ['first warm failure, no jitter: the floor', { failures: 1, minIntervalMs: FLOOR, cold: false, random: 0 }, FLOOR],
    ['second warm failure doubles', { failures: 2, minIntervalMs: FLOOR, cold: false, random: 0 }, 2 * FLOOR],
    ['fourth warm failure: 8 floors', { failures: 4, minIntervalMs: FLOOR, cold: false, random: 0 }, 8 * FLOOR],
    ['many failures stop at the 6 h cap', { failures: 30, minIntervalMs: FLOOR, cold: false, random: 0 }, WARM_MAX_BACKOFF_MS],
    ['a floor above the cap wins over it', { failures: 5, minIntervalMs: 8 * 60 * MIN, cold: false, random: 0 }, 8 * 60 * MIN],
    ['cold start: every retry at the floor', { failures: 7, minIntervalMs: FLOOR, cold: true, random: 0 }, FLOOR],
    ['maximum jitter adds 20 %', { failures: 2, minIntervalMs: FLOOR, cold: false, random: 0.999999 }, Math.round(2 * FLOOR * 1.199_999_8)],
    ['half jitter on a cold retry', { failures: 1, minIntervalMs: FLOOR, cold: true, random: 0.5 }, Math.round(FLOOR * 1.1)],
    ['a nonsense failure count behaves as the first', { failures: 0, minIntervalMs: FLOOR, cold: false, random: 0 }, FLOOR]
  ]
  for (const [name, input, expected] of table) assert.equal(retryDelayMs(input), expected, name)
})

test('whatever the draw, a retry never comes before the floor', () => {
  for (let failures = 1; failures <= 12; failures++) {
    for (const random of [0, 0.1, 0.5, 0.9, 0.999, -5, 7]) {
      for (const cold of [true, false]) {
        const delay = retryDelayMs({ failures, minIntervalMs: MIN, cold, random })
        assert.ok(delay >= MIN, `failures ${failures}, random ${random}, cold ${String(cold)}: ${delay}`)
        assert.ok(delay <= Math.max(WARM_MAX_BACKOFF_MS, MIN) * 1.2, `capped: ${delay}`)
      }
    }
  }
})

test('a delay longer than one Node timer holds is waited out in steps and fires only at its end', (t) => {
  // Node fires a timer of more than 2^31−1 ms at once; every real timer asked for stays within it.
  const asked: Array<{ callback: () => void, delayMs: number }> = []
  t.mock.method(globalThis, 'setTimeout', (callback: () => void, delayMs: number) => {
    asked.push({ callback, delayMs })
    return { unref () {} }
  })
  let fired = 0
  const thirtyDaysMs = 30 * 86_400_000
  realTimers.setTimeout(() => { fired++ }, thirtyDaysMs)
  let waitedMs = 0
  for (let step = 0; step < asked.length && step < 5; step++) {
    const timer = asked[step]!
    assert.ok(timer.delayMs <= MAX_TIMER_DELAY_MS, `step ${step}: ${timer.delayMs} ms fits a timer`)
    waitedMs += timer.delayMs
    timer.callback()
  }
  assert.equal(fired, 1)
  assert.equal(waitedMs, thirtyDaysMs, 'the steps add up to the delay asked for')
  assert.equal(asked.length, 2, '30 days take two timers')
})
