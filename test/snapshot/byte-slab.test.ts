// The byte slab: what is appended reads back; adopted bytes share memory with the slab they
// came from; a barely used adopted chunk is copied and let go.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ByteSlab } from '../../src/snapshot/byte-slab.js'

test('appended text and bytes read back, multi-byte characters included, across chunks', () => {
  const slab = new ByteSlab()
  const big = 'x'.repeat(5 * 1024 * 1024)
  const items = ['{"a":1}', 'São João 😀', '', big, Buffer.from('bytes too')]
  const addresses = items.map((item) => slab.append(item))
  items.forEach((item, i) => {
    const expected = Buffer.from(item)
    assert.deepEqual(slab.read(addresses[i]!, expected.length), expected, `item ${i}`)
  })
  assert.ok(slab.holds(addresses[1]!, Buffer.byteLength('São João 😀'), 'São João 😀'))
  assert.equal(slab.holds(addresses[1]!, Buffer.byteLength('São João 😀'), 'Sao Joao 😀!'), false)
  assert.equal(slab.bytes, items.reduce((sum, item) => sum + Buffer.byteLength(item), 0))
})

test('adopted bytes are the same memory; a sparsely adopted chunk is copied and released', () => {
  const previous = new ByteSlab()
  const addresses = Array.from({ length: 100 }, (_, i) => previous.append(`client-${i},`))
  const length = (i: number) => Buffer.byteLength(`client-${i},`)

  const dense = new ByteSlab()
  const denseAt = addresses.map((address, i) => dense.adopt(previous, address, length(i)))
  assert.equal(dense.read(denseAt[5]!, length(5)).buffer, previous.read(addresses[5]!, length(5)).buffer, 'shared, not copied')
  assert.equal(dense.isSparse(denseAt[5]!), false, 'every byte of the chunk is used')

  const sparse = new ByteSlab()
  const own = sparse.append('own bytes')
  const sparseAt = sparse.adopt(previous, addresses[7]!, length(7))
  assert.equal(sparse.isSparse(sparseAt), true, 'one client of a hundred')
  assert.equal(sparse.isSparse(own), false, 'its own chunk is never sparse')
  const moved = sparse.copyOwn(sparseAt, length(7))
  sparse.releaseSparse()
  assert.equal(sparse.read(moved, length(7)).toString(), 'client-7,')
  assert.notEqual(sparse.read(moved, length(7)).buffer, previous.read(addresses[7]!, length(7)).buffer)
  assert.equal(sparse.read(own, 9).toString(), 'own bytes')
  assert.equal(sparse.bytes, 9 + length(7), 'a moved client is counted once')
})

test('trimming keeps what was stored and where', () => {
  const slab = new ByteSlab()
  const first = slab.append('first')
  slab.trim()
  const second = slab.append('second')
  assert.equal(slab.read(first, 5).toString(), 'first')
  assert.equal(slab.read(second, 6).toString(), 'second')
  assert.equal(slab.read(first, 5).buffer.byteLength, 5, 'the trimmed chunk holds exactly its bytes')
})
