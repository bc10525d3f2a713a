// Proves the rate limit's windows: max requests per caller per fixed window, a refusal that says
// how long until the window ends, windows that end on the clock, and a bounded memory of callers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RateWindows } from '../../../src/http/plugins/limits/rate-windows.js'

test('RateWindows passes max requests per window and tells the rest how long to wait', () => {
  // [at ms, caller, expected wait in ms (0 = passes)] with 2 requests per 1000 ms.
  const steps: Array<[number, string, number]> = [
    [0, 'a', 0],
    [100, 'a', 0],
    [200, 'a', 800],
    [999, 'a', 1],
    [300, 'b', 0], // another caller has its own window
    [1000, 'a', 0], // a's window ended at 1000: a new one opens
    [1100, 'a', 0],
    [1500, 'a', 500],
    [1300, 'b', 0], // b's window (300–1300) ended
    [1301, 'b', 0],
    [1302, 'b', 998]
  ]
  const windows = new RateWindows(2, 1000)
  for (const [at, caller, wait] of steps) assert.equal(windows.hit(caller, at), wait, `${caller} at ${at}`)
})

test('RateWindows forgets ended windows first and, when full, the oldest open one', () => {
  const windows = new RateWindows(1, 1000, 3)
  windows.hit('a', 0)
  windows.hit('b', 10)
  windows.hit('c', 20)
  assert.equal(windows.size, 3)
  // Full of open windows: d's pushes out the oldest (a's), so a starts afresh.
  windows.hit('d', 30)
  assert.equal(windows.size, 3)
  assert.equal(windows.hit('a', 40), 0, 'a was forgotten')
  assert.equal(windows.hit('c', 50), 970, 'c is still counted')
  // Past the end of every window, a new caller sweeps the ended ones away.
  assert.equal(windows.hit('e', 5000), 0)
  assert.equal(windows.size, 1)
})
