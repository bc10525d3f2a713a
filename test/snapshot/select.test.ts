// Proves the bounded selection a lookup ordered by a field uses: the first `count` items in
// order are those a full stable sort would give, whatever the input, ties included.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { firstInOrder } from '../../src/snapshot/select.js'

test('firstInOrder gives the head of a full stable sort', () => {
  // Pairs ordered by their first member only: ties must keep their input order, as Array.sort does.
  const byKey = (a: [number, number], b: [number, number]) => a[0] - b[0]
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer()), { maxLength: 300 }),
    fc.integer({ min: 0, max: 120 }),
    (items, count) => {
      assert.deepEqual(firstInOrder(items, byKey, count), [...items].sort(byKey).slice(0, count))
    }
  ), { numRuns: 300 })
})

test('firstInOrder, by hand', () => {
  const table: Array<[number[], number, number[]]> = [
    [[5, 3, 9, 1, 7], 2, [1, 3]],
    [[5, 3, 9, 1, 7], 0, []],
    [[5, 3, 9, 1, 7], 10, [1, 3, 5, 7, 9]],
    [[5, 3, 9, 1, 7], Infinity, [1, 3, 5, 7, 9]],
    [[], 3, []],
    [[2, 2, 1], 2, [1, 2]]
  ]
  for (const [items, count, expected] of table) assert.deepEqual(firstInOrder(items, (a, b) => a - b, count), expected, `${JSON.stringify(items)} × ${count}`)
})
