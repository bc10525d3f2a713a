// Retry delays: exponential from the floor, capped, jittered upwards only, never below the floor.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { retryDelayMs, WARM_MAX_BACKOFF_MS } from '../../src/refresh/backoff.js'

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
