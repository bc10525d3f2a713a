// Sliced work gives the same result as doing it at once.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { forEachSliced, sortSliced } from '../../src/snapshot/sliced.js'

test('sortSliced sorts like Array.prototype.sort, across run boundaries and with ties', async () => {
  let seed = 7
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
  for (const length of [0, 1, 2, 2047, 2048, 2049, 4096 + 3, 20_000]) {
    const keys = Array.from({ length }, () => random() % 500)
    // Ties broken by the item itself, as the snapshot's comparators break them by id_cliente.
    const compare = (a: number, b: number) => keys[a]! - keys[b]! || a - b
    const expected = Array.from({ length }, (_, i) => i).sort(compare)
    const items = Int32Array.from({ length }, (_, i) => length - 1 - i)
    assert.deepEqual([...await sortSliced(items, compare)], expected, `length ${length}`)
  }
})

test('forEachSliced visits every index once, in order', async () => {
  const seen: number[] = []
  await forEachSliced(1000, (index) => seen.push(index))
  assert.deepEqual(seen, Array.from({ length: 1000 }, (_, i) => i))
})
