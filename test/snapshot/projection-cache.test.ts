// The cache of on-demand projections: hits skip rendering, a snapshot swap empties it, and it
// holds no more bytes than its bound.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { ProjectionCache } from '../../src/snapshot/projection-cache.js'
import { buildSnapshot } from '../helpers/build-snapshot.js'

const meta = { fetchedAt: new Date('2026-11-26T03:00:00Z'), source: 'todos' as const }

function counting (body: Buffer | Readable) {
  const render = () => {
    render.calls++
    return Buffer.isBuffer(body) ? { body, byteLength: body.length } : { body }
  }
  render.calls = 0
  return render
}

test('a hit answers without rendering; a new snapshot version empties the cache first', async () => {
  const first = await buildSnapshot([{ id_cliente: 1 }], meta)
  const second = await buildSnapshot([{ id_cliente: 2 }], meta)
  const same = await buildSnapshot([{ id_cliente: 1 }], { ...meta, fetchedAt: new Date() })
  assert.notEqual(first.version, second.version)
  assert.equal(same.version, first.version, 'identical data, identical version')
  const cache = new ProjectionCache(1024)
  const render = counting(Buffer.from('{"a":1}'))

  assert.equal(cache.render(first, 'read\nq', render).body.toString(), '{"a":1}')
  assert.equal(cache.render(first, 'read\nq', render).body.toString(), '{"a":1}')
  assert.equal(render.calls, 1, 'the second call was a hit')
  assert.equal(cache.render(first, 'secrets\nq', render).body.toString(), '{"a":1}')
  assert.equal(render.calls, 2, 'another scope is another entry')
  assert.deepEqual(cache.stats, { entries: 2, bytes: 14, hits: 1, misses: 2 })

  cache.render(same, 'read\nq', render)
  assert.equal(render.calls, 2, 'a refresh that kept the version keeps the entries')

  const other = counting(Buffer.from('{"b":2}'))
  assert.equal(cache.render(second, 'read\nq', other).body.toString(), '{"b":2}', 'never the previous snapshot’s answer')
  assert.equal(other.calls, 1)
  assert.deepEqual(cache.stats, { entries: 1, bytes: 7, hits: 2, misses: 3 }, 'the swap dropped the old entries; hits and misses count on')
})

test('streamed answers pass through uncached, and the bytes stay within the bound', async () => {
  const snapshot = await buildSnapshot([{ id_cliente: 1 }], meta)
  const cache = new ProjectionCache(64)
  const streamed = counting(Readable.from([Buffer.from('x')]))
  cache.render(snapshot, 'stream', streamed)
  cache.render(snapshot, 'stream', streamed)
  assert.equal(streamed.calls, 2)
  assert.equal(cache.stats.entries, 0)

  for (let i = 0; i < 20; i++) cache.render(snapshot, `k${i}`, counting(Buffer.alloc(8, i)))
  assert.ok(cache.stats.bytes <= 64, `holds ${cache.stats.bytes} bytes`)
  assert.equal(cache.stats.entries, 8, 'the most recent entries that fit')
  const tooLarge = counting(Buffer.alloc(32))
  cache.render(snapshot, 'large', tooLarge)
  cache.render(snapshot, 'large', tooLarge)
  assert.equal(tooLarge.calls, 2, 'an answer over an eighth of the bound is not kept')
})
