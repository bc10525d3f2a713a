// Publishing a snapshot to a real redis-server and taking it back as another replica does: the
// same clients as the simulator's raw dataset, the old chunks gone after the next publication,
// and a damaged or replaced publication refused rather than served.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CHUNK_BYTES, downloadSnapshot, publishSnapshot, readManifest, StalePublicationError } from '../../src/fleet/publication.js'
import { generateDataset } from '../../src/simulator/dataset.js'
import { SnapshotBuilder } from '../../src/snapshot/snapshot.js'
import type { Snapshot } from '../../src/snapshot/snapshot.js'
import { fleetConnectionsTo, startRedis } from '../helpers/redis-server.js'

async function snapshotOf (clientes: unknown[], fetchedAt: string): Promise<Snapshot> {
  const builder = new SnapshotBuilder()
  await builder.addPage(clientes)
  return await builder.finish({ fetchedAt: new Date(fetchedAt), source: 'todos' })
}

/** Enough clients that the persisted form spans several chunks. */
const CLIENTS = 3000

test('a published snapshot comes back whole, in several chunks, with its version and fetch time', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands, keys } = fleetConnectionsTo(t, redis)
  await commands.connect()
  const dataset = generateDataset({ clients: CLIENTS, seed: 7 })
  const published = await publishSnapshot(commands, keys, await snapshotOf(dataset, '2026-12-01T10:00:00Z'), 'replica-a', Date.now)

  const manifest = await readManifest(commands, keys)
  assert.deepEqual(manifest, published)
  assert.ok(manifest !== null && manifest.chunks > 1, 'several chunks')
  assert.ok(manifest.bytes > (manifest.chunks - 1) * CHUNK_BYTES && manifest.bytes <= manifest.chunks * CHUNK_BYTES)
  assert.equal(manifest.clients, CLIENTS)
  assert.equal(manifest.fetched_at, '2026-12-01T10:00:00.000Z')

  const taken = await downloadSnapshot(commands, keys, manifest, null)
  assert.equal(taken.version, manifest.version)
  assert.equal(taken.fetchedAt.toISOString(), '2026-12-01T10:00:00.000Z')
  assert.equal(taken.size, dataset.length)
  for (const position of [0, 1, CLIENTS - 1]) assert.deepEqual(JSON.parse(taken.clienteJson(position)), dataset[position])
})

test('the next publication swaps the manifest and deletes the chunks of the previous one', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands, keys } = fleetConnectionsTo(t, redis)
  await commands.connect()
  const dataset = generateDataset({ clients: CLIENTS, seed: 7 })
  const first = await publishSnapshot(commands, keys, await snapshotOf(dataset, '2026-12-01T10:00:00Z'), 'replica-a', Date.now)
  const second = await publishSnapshot(commands, keys, await snapshotOf(dataset.slice(0, 2000), '2026-12-01T22:00:00Z'), 'replica-b', Date.now)
  assert.notEqual(first.version, second.version)
  assert.deepEqual(await readManifest(commands, keys), second)
  const chunkKeys = (await commands.keys('test:snapshot:*')).sort()
  const expected = Array.from({ length: second.chunks }, (_, index) => keys.chunk(second.publication, index)).sort()
  assert.deepEqual(chunkKeys, expected, 'only the current publication\'s chunks are left')
  for (const key of chunkKeys) assert.equal(await commands.pttl(key), -1, 'and they no longer expire')
  // A reader still on the first manifest finds its chunks gone and must start over.
  await assert.rejects(downloadSnapshot(commands, keys, first, null), StalePublicationError)
})

test('a damaged chunk is refused', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands, keys } = fleetConnectionsTo(t, redis)
  await commands.connect()
  const manifest = await publishSnapshot(commands, keys, await snapshotOf(generateDataset({ clients: CLIENTS, seed: 7 }), '2026-12-01T10:00:00Z'), 'replica-a', Date.now)
  const key = keys.chunk(manifest.publication, 1)
  const chunk = await commands.getBuffer(key)
  assert.ok(chunk !== null)
  chunk[100] = chunk[100]! ^ 0xff
  await commands.set(key, chunk)
  await assert.rejects(downloadSnapshot(commands, keys, manifest, null))
})
