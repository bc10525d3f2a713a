// The cache of on-demand projections: hits skip rendering, a snapshot swap empties it, and it
// holds no more bytes than its bound.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { ProjectionCache } from '../../src/snapshot/projection-cache.js'
import { buildSnapshot } from '../helpers/build-snapshot.js'

const meta = { fetchedAt: new Date('2026-11-26T03:00:00Z'), source: 'todos' as const }

function counting (body: Buffer | Readable, clients = 1) {
  const render = () => {
    render.calls++
    return Buffer.isBuffer(body) ? { body, byteLength: body.length, clients } : { body, clients }
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
  const cache = new ProjectionCache(4096)
  const render = counting(Buffer.from('{"a":1}'), 3)

  assert.equal(cache.render(first, 'read\nq', render).body.toString(), '{"a":1}')
  const hit = cache.render(first, 'read\nq', render)
  assert.equal(hit.body.toString(), '{"a":1}')
  assert.equal(render.calls, 1, 'the second call was a hit')
  assert.equal(hit.clients, 3, 'a hit knows how many clients its body lists (the audit line counts them)')
  assert.equal(cache.render(first, 'secrets\nq', render).body.toString(), '{"a":1}')
  assert.equal(render.calls, 2, 'another scope is another entry')
  // Each entry: its 7-byte body, its key at two bytes a character, and 128 of bookkeeping.
  assert.deepEqual(cache.stats, { entries: 2, bytes: (7 + 2 * 'read\nq'.length + 128) + (7 + 2 * 'secrets\nq'.length + 128), hits: 1, misses: 2 })

  cache.render(same, 'read\nq', render)
  assert.equal(render.calls, 2, 'a refresh that kept the version keeps the entries')

  const other = counting(Buffer.from('{"b":2}'))
  assert.equal(cache.render(second, 'read\nq', other).body.toString(), '{"b":2}', 'never the previous snapshot’s answer')
  assert.equal(other.calls, 1)
  assert.deepEqual(cache.stats, { entries: 1, bytes: 7 + 2 * 'read\nq'.length + 128, hits: 2, misses: 3 }, 'the swap dropped the old entries; hits and misses count on')
})

test('streamed answers pass through uncached, and the bytes stay within the bound', async () => {
  const snapshot = await buildSnapshot([{ id_cliente: 1 }], meta)
  const cache = new ProjectionCache(8 * 1024)
  const streamed = counting(Readable.from([Buffer.from('x')]))
  cache.render(snapshot, 'stream', streamed)
  cache.render(snapshot, 'stream', streamed)
  assert.equal(streamed.calls, 2)
  assert.equal(cache.stats.entries, 0)

  // 'k0'…'k19': 8 + 2 * 2 or 3 + 128 = 140 to 142 bytes an entry, so 57 fit in 8 KiB: all 20.
  for (let i = 0; i < 20; i++) cache.render(snapshot, `k${i}`, counting(Buffer.alloc(8, i)))
  assert.equal(cache.stats.entries, 20)
  const tooLarge = counting(Buffer.alloc(1024))
  cache.render(snapshot, 'large', tooLarge)
  cache.render(snapshot, 'large', tooLarge)
  assert.equal(tooLarge.calls, 2, 'an answer over an eighth of the bound is not kept')
})

test('keys count in the budget: tiny answers under long keys cannot grow the cache past its bound', async () => {
  const snapshot = await buildSnapshot([{ id_cliente: 1 }], meta)
  const maxBytes = 64 * 1024
  const cache = new ProjectionCache(maxBytes)
  // A 72-byte empty answer under a 200-character query, 4 000 times (a caller's free text).
  const emptyAnswer = Buffer.alloc(72)
  for (let i = 0; i < 4000; i++) cache.render(snapshot, `read\n/all\n${String(i).padStart(200, 'x')}`, counting(emptyAnswer))
  assert.ok(cache.stats.bytes <= maxBytes, `holds ${cache.stats.bytes} bytes`)
  // Each entry takes 72 + 2 * 210 + 128 = 620 bytes: at most 105 fit in 64 KiB.
  assert.ok(cache.stats.entries <= Math.floor(maxBytes / 620), `holds ${cache.stats.entries} entries`)
  assert.ok(cache.stats.entries > 50, 'and it still caches')
})
