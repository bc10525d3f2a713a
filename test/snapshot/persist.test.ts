// SNAPSHOT_DIR: the snapshot file round-trips to an identical snapshot, writes are atomic, an
// aborted write leaves the previous file, and every kind of damage is detected and set aside.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile, stat, writeFile, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { generateDataset } from '../../src/simulator/dataset.js'
import { ATTEMPT_FILE, SNAPSHOT_FILE, SnapshotDirError, SnapshotStore } from '../../src/snapshot/persist.js'
import { buildSnapshot } from '../helpers/build-snapshot.js'
import type { Snapshot } from '../../src/snapshot/snapshot.js'
import { snapshotDir } from '../helpers/service.js'

const FETCHED_AT = new Date('2026-11-26T06:00:00Z')

/** A consumer that drops what a load hands over (these tests look at the file, not the snapshot). */
const ignore = async () => undefined

async function sampleSnapshot (clients = 40): Promise<Snapshot> {
  return await buildSnapshot(generateDataset({ clients, seed: 9 }), { fetchedAt: FETCHED_AT, source: 'todos' })
}

async function savedStore (t: TestContext, clients = 40): Promise<{ store: SnapshotStore, snapshot: Snapshot, path: string }> {
  const store = new SnapshotStore(snapshotDir(t))
  const snapshot = await sampleSnapshot(clients)
  await store.save(snapshot)
  return { store, snapshot, path: join(store.dir, SNAPSHOT_FILE) }
}

test('a saved snapshot loads back into the same snapshot, every client field intact', async (t) => {
  const { store, snapshot } = await savedStore(t)
  const batches: unknown[][] = []
  const loaded = await store.load(async (clientes) => { batches.push(clientes) })
  assert.equal(loaded.kind, 'loaded')
  if (loaded.kind !== 'loaded') return
  assert.equal(loaded.version, snapshot.version)
  assert.equal(loaded.clients, snapshot.size)
  assert.deepEqual(loaded.meta, { fetchedAt: FETCHED_AT, source: 'todos' })
  const rebuilt = await buildSnapshot(batches.flat(), loaded.meta)
  assert.equal(rebuilt.version, snapshot.version, 'the content hash survives the round trip')
  const json = (s: Snapshot) => Array.from({ length: s.size }, (_, position) => s.clienteJson(position))
  assert.deepEqual(json(rebuilt), json(snapshot))
  assert.deepEqual(await readdir(store.dir), [SNAPSHOT_FILE], 'no temporary file is left behind')
  assert.equal((await stat(join(store.dir, SNAPSHOT_FILE))).mode & 0o777, 0o600, 'personal data and passwords: readable by the owner only')
})

test('a missing file is reported as missing, not as damage', async (t) => {
  const store = new SnapshotStore(snapshotDir(t))
  assert.deepEqual(await store.load(ignore), { kind: 'missing' })
  assert.equal(await store.readAttempt(), null)
})

test('damaged files are detected, set aside and never trusted', async (t) => {
  const cases: Array<[string, (file: Buffer) => Buffer, RegExp]> = [
    ['cut in half', (file) => file.subarray(0, Math.floor(file.length / 2)), /unexpected end|truncated/i],
    ['a flipped byte in the compressed data', (file) => { const copy = Buffer.from(file); copy[Math.floor(copy.length / 2)]! ^= 0xff; return copy }, /.+/],
    ['not gzip at all', () => Buffer.from('{"clientes": []}'), /header|incorrect/i],
    ['a client edited without updating the checksum', (file) => gzipSync(gunzipSync(file).toString().replace('"id_cliente":', '"id_cliente": ')), /checksum/],
    ['the trailer missing', (file) => gzipSync(gunzipSync(file).toString().split('\n').slice(0, -2).join('\n') + '\n'), /truncated/],
    ['a foreign file', () => gzipSync('{"hello":"world"}\n'), /not a hubsoft-bff snapshot/]
  ]
  for (const [name, damage, expected] of cases) {
    const { store, path } = await savedStore(t)
    await writeFile(path, damage(await readFile(path)))
    const result = await store.load(ignore)
    assert.equal(result.kind, 'corrupt', name)
    if (result.kind !== 'corrupt') continue
    assert.match(result.error, expected, name)
    assert.ok(result.setAsideAs?.startsWith(`${path}.corrupt-`), `${name}: set aside as ${String(result.setAsideAs)}`)
    assert.deepEqual(await store.load(ignore), { kind: 'missing' }, `${name}: the damaged file no longer sits where it would be loaded`)
  }
})

test('clients come in batches, and a consumer that refuses one makes the file unusable', async (t) => {
  const { store } = await savedStore(t, 1200)
  const sizes: number[] = []
  const loaded = await store.load(async (clientes) => { sizes.push(clientes.length) })
  assert.equal(loaded.kind, 'loaded')
  assert.deepEqual(sizes, [500, 500, 200])

  await store.save(await sampleSnapshot())
  const refused = await store.load(async () => { throw new Error('client #3 violates the schema') })
  assert.deepEqual(refused.kind === 'corrupt' && [refused.error, refused.setAsideAs !== null], ['client #3 violates the schema', true])
})

test('an aborted save leaves the previous file untouched and no temporary file', async (t) => {
  const { store, path } = await savedStore(t)
  const before = await readFile(path)
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(store.save(await sampleSnapshot(80), controller.signal), { name: 'AbortError' })
  assert.deepEqual(await readFile(path), before)
  assert.deepEqual(await readdir(store.dir), [SNAPSHOT_FILE])
})

test('the attempt time round-trips; an unreadable record falls back to the file time, never to "no attempt"', async (t) => {
  const now = Date.parse('2026-11-26T12:00:00Z')
  const store = new SnapshotStore(snapshotDir(t), () => now)
  const at = new Date('2026-11-26T11:58:00Z')
  await store.writeAttempt(at)
  assert.deepEqual(await store.readAttempt(), at)

  const path = join(store.dir, ATTEMPT_FILE)
  await writeFile(path, '{"last_attempt_at": "garb')
  const mtime = new Date('2026-11-26T11:59:00Z')
  await utimes(path, mtime, mtime)
  assert.deepEqual(await store.readAttempt(), mtime)

  // A record from the future (the clock was set back) counts as now, so the floor stays finite.
  await store.writeAttempt(new Date('2027-01-01T00:00:00Z'))
  assert.deepEqual(await store.readAttempt(), new Date(now))
})

test('an unusable SNAPSHOT_DIR is a start-up error that names it', async (t) => {
  const file = join(snapshotDir(t), 'not-a-directory')
  await writeFile(file, 'x')
  const store = new SnapshotStore(join(file, 'data'))
  await assert.rejects(store.prepare(), (error: unknown) => error instanceof SnapshotDirError && /SNAPSHOT_DIR='.*not-a-directory\/data' is not a writable directory/.test(error.message))
})

test('a line that is not JSON is named by its number, never quoted: the text around the fault is a customer\'s data', async (t) => {
  const { store, path } = await savedStore(t)
  const lines = gunzipSync(await readFile(path)).toString().split('\n')
  // The third line (the second client) cut inside its CPF/CNPJ, as a torn write would leave it.
  const document = /"cpf_cnpj":"([^"]+)"/.exec(lines[2]!)![1]!
  lines[2] = lines[2]!.slice(0, lines[2]!.indexOf(document) + 8)
  await writeFile(path, gzipSync(lines.join('\n')))
  const result = await store.load(ignore)
  assert.deepEqual(result.kind === 'corrupt' && result.error, 'line 3 is not valid JSON')
})
