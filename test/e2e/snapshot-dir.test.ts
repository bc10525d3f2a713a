// SNAPSHOT_DIR as an attacker with write access to it would leave it (SECURITY.md, "Data at
// rest"): a FIFO or an endless line where the snapshot should be, links and leftovers at the
// temporary names, a directory others can read. The service starts, sets aside what it cannot
// use, writes only files of its own, and reports it all in /status and /metrics.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmod, lstat, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { ATTEMPT_FILE, SNAPSHOT_FILE } from '../../src/snapshot/persist.js'
import { parseExposition, sampleValue } from '../helpers/prometheus-text.js'
import { bearer, snapshotDir, startService, startSimulator } from '../helpers/service.js'

/** Start-up must finish: a hang is the failure these tests look for. */
const BOUNDED = { timeout: 30_000 }

async function metric (app: FastifyInstance, name: string): Promise<number> {
  const text = (await app.inject({ url: '/metrics', headers: bearer('admin') })).body
  return sampleValue(parseExposition(text), name)
}

test('a FIFO named snapshot.ndjson.gz is set aside instead of hanging start-up', BOUNDED, async (t) => {
  const dir = snapshotDir(t)
  execFileSync('mkfifo', [join(dir, SNAPSHOT_FILE)])
  const simulator = await startSimulator(t, { clients: 20, seed: 141 })
  const app = await startService(t, simulator, { SNAPSHOT_DIR: dir })
  const load = app.refresher.persistence.load
  assert.equal(load?.outcome, 'corrupt')
  assert.match(load?.error ?? '', /not a regular file/)
  assert.ok((await lstat(load!.setAsideAs!)).isFIFO(), 'the FIFO was moved aside, not read')
  assert.equal(app.refresher.lastOutcome?.outcome, 'success', 'with nothing usable, the service fetched')
  assert.ok((await lstat(join(dir, SNAPSHOT_FILE))).isFile(), 'and saved a regular file in its place')
  assert.equal(await metric(app, 'hubsoft_bff_snapshot_file_set_aside'), 1)
})

test('a FIFO named last-attempt.json does not hang start-up and never allows an early fetch', BOUNDED, async (t) => {
  const dir = snapshotDir(t)
  execFileSync('mkfifo', [join(dir, ATTEMPT_FILE)])
  const simulator = await startSimulator(t, { clients: 20, seed: 142 })
  const app = await startService(t, simulator, { SNAPSHOT_DIR: dir })
  assert.equal(simulator.counters.fetchCycles, 0, 'unsure when the last attempt was, the service waits a floor')
  assert.ok(app.refresher.floorUntil !== null)
})

test('a snapshot line longer than HUBSOFT_MAX_RESPONSE_MB fails the load before it is held whole, and is set aside', BOUNDED, async (t) => {
  const dir = snapshotDir(t)
  const header = { format: 'hubsoft-bff-snapshot', formatVersion: 1, version: 'v1', fetchedAt: '2026-11-26T06:00:00.000Z', source: 'todos', clients: 1 }
  const line = `{"id_cliente":1,"campo":"${'x'.repeat(2 * 1024 * 1024)}"}`
  await writeFile(join(dir, SNAPSHOT_FILE), gzipSync(`${JSON.stringify(header)}\n${line}\n`))
  const simulator = await startSimulator(t, { clients: 20, seed: 143 })
  const app = await startService(t, simulator, { SNAPSHOT_DIR: dir, HUBSOFT_MAX_RESPONSE_MB: '1' })
  const load = app.refresher.persistence.load
  assert.equal(load?.outcome, 'corrupt')
  assert.match(load?.error ?? '', /a line is longer than 1048576 bytes/)
  assert.ok((await stat(load!.setAsideAs!)).isFile())
  assert.equal(app.refresher.lastOutcome?.outcome, 'success')
})

test('links and leftovers at the temporary names are removed, never written through; the directory becomes owner-only', BOUNDED, async (t) => {
  const dir = snapshotDir(t)
  const outside = snapshotDir(t)
  const target = join(outside, 'target')
  await writeFile(target, 'untouched\n', { mode: 0o644 })
  await chmod(dir, 0o755)
  const planted = [
    `.${SNAPSHOT_FILE}.${process.pid}.tmp`,
    `.${SNAPSHOT_FILE}.${process.pid}.0123456789ab.tmp`,
    `.${ATTEMPT_FILE}.${process.pid}.tmp`
  ]
  for (const name of planted) await symlink(target, join(dir, name))
  // What a kill -9 mid-save leaves: a full copy of the data under a temporary name.
  await writeFile(join(dir, `.${SNAPSHOT_FILE}.4242.tmp`), 'customer data')
  await writeFile(join(dir, 'notes.txt'), 'not ours to remove')
  const simulator = await startSimulator(t, { clients: 20, seed: 144 })
  const app = await startService(t, simulator, { SNAPSHOT_DIR: dir })
  assert.equal(app.refresher.lastOutcome?.outcome, 'success')
  assert.equal(app.refresher.persistence.lastSave?.outcome, 'saved')
  assert.equal(await readFile(target, 'utf8'), 'untouched\n', 'nothing was written through a link')
  assert.equal((await stat(target)).mode & 0o777, 0o644)
  assert.deepEqual((await readdir(dir)).sort(), [ATTEMPT_FILE, 'notes.txt', SNAPSHOT_FILE].sort())
  assert.equal(await metric(app, 'hubsoft_bff_snapshot_dir_stale_files_removed_total'), 4)
  assert.equal((await stat(dir)).mode & 0o777, 0o700)
  for (const name of [SNAPSHOT_FILE, ATTEMPT_FILE]) assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600, name)
})
