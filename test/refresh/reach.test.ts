// The floor counts what HubSoft saw (README, "The refresh floor"): an attempt whose data requests
// never reached HubSoft (connection refused) and a refused token leave REFRESH_MIN_INTERVAL
// alone and wait out a backoff of their own; one that reached HubSoft keeps the floor, and a
// running refresh reports its progress in /status and the log.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import { ATTEMPT_FILE } from '../../src/snapshot/persist.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { bearer, loggedLines, snapshotDir, startService, startSimulator } from '../helpers/service.js'

const SECOND = 1000
const FLOOR = 15 * 60 * SECOND

/** A loopback port nothing listens on: connecting to it is refused at once. */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('a refused connection does not start the floor: no attempt is recorded, and retries back off from 10 s', async (t) => {
  const simulator = await startSimulator(t, { clients: 20, seed: 3 })
  const clock = new FakeClock()
  const dir = snapshotDir(t)
  const app = await startService(t, simulator, { HUBSOFT_URL: `http://127.0.0.1:${await closedPort()}`, SNAPSHOT_DIR: dir }, { now: clock.now, timers: clock, random: () => 0 })
  const { refresher } = app
  assert.equal(refresher.lastOutcome?.reason, 'network')
  assert.equal(refresher.lastOutcome?.reachedHubsoft, false)
  assert.equal(refresher.lastAttemptAt, null, 'the floor is given back')
  assert.equal(refresher.floorUntil, null)
  assert.equal(existsSync(join(dir, ATTEMPT_FILE)), false, 'and nothing on disk holds it after a restart')
  assert.equal(refresher.nextRetryAt?.getTime(), clock.now() + 10 * SECOND)

  const data = await app.inject({ url: '/api/v1/integracao/cliente/all?limit=1', headers: bearer('read') })
  assert.equal(data.statusCode, 503)
  assert.equal(data.json().code, 'no_snapshot')
  assert.equal(data.headers['retry-after'], '10', 'the pending retry is when to come back')

  const manual = await app.inject({ method: 'POST', url: '/admin/refresh', headers: bearer('admin') })
  assert.equal(manual.statusCode, 429)
  assert.equal(manual.headers['retry-after'], '10')
  assert.match(manual.json().msg, /could not be reached/)

  const status = (await app.inject({ url: '/status', headers: bearer('read') })).json()
  assert.equal(status.refresh.last.reached_hubsoft, false)
  assert.equal(status.refresh.floor_until, null)
  assert.equal(loggedLines(app, /no snapshot to serve yet.*HubSoft was not reached, so REFRESH_MIN_INTERVAL did not start/).length, 1)
  assert.equal(loggedLines(app, /still serving the previous snapshot/).length, 0, 'there is no previous snapshot to speak of')

  // The retry fails the same way and waits twice as long; HubSoft (the simulator) saw nothing.
  await clock.advance(10 * SECOND, async () => await refresher.idle())
  assert.equal(refresher.recentOutcomes.length, 2)
  assert.equal(refresher.nextRetryAt?.getTime(), clock.now() + 20 * SECOND)
  assert.equal(simulator.requestCount('oauth/token'), 0)
})

test('a refused token does not start the floor: a manual refresh waits 10 s, not 15 min, and a restart fetches at once', async (t) => {
  const refusing = await startSimulator(t, { clients: 20, seed: 3, credentials: { ...DEMO_CREDENTIALS, password: 'changed-on-hubsoft' } })
  const clock = new FakeClock()
  const dir = snapshotDir(t)
  const app = await startService(t, refusing, { SNAPSHOT_DIR: dir }, { now: clock.now, timers: clock, random: () => 0 })
  assert.equal(app.refresher.lastOutcome?.reason, 'invalid_credentials')
  assert.equal(app.refresher.lastAttemptAt, null)
  assert.equal(existsSync(join(dir, ATTEMPT_FILE)), false)
  assert.equal(refusing.dataRequestCount(), 0)

  const early = await app.inject({ method: 'POST', url: '/admin/refresh', headers: bearer('admin') })
  assert.equal(early.statusCode, 429)
  assert.equal(early.headers['retry-after'], '10')
  assert.match(early.json().msg, /refused the token/)
  await clock.advance(10 * SECOND)
  assert.equal((await app.inject({ method: 'POST', url: '/admin/refresh', headers: bearer('admin') })).statusCode, 202)
  await app.refresher.idle()
  assert.equal(refusing.requestCount('oauth/token'), 2)
  await app.close()

  // The operator fixes the password and restarts on the same SNAPSHOT_DIR: no lockout.
  const fixed = await startSimulator(t, { clients: 20, seed: 3 })
  const restarted = await startService(t, fixed, { SNAPSHOT_DIR: dir }, { now: clock.now, timers: clock, random: () => 0 })
  assert.equal(restarted.refresher.lastOutcome?.outcome, 'success')
  assert.equal(restarted.refresher.lastOutcome?.trigger, 'startup')
})

test('an attempt that reached HubSoft keeps the floor; one that then cannot connect gives back only its own', async (t) => {
  const simulator = await startSimulator(t, { clients: 20, seed: 3 })
  const clock = new FakeClock()
  const dir = snapshotDir(t)
  const app = await startService(t, simulator, { SNAPSHOT_DIR: dir }, { now: clock.now, timers: clock, random: () => 0 })
  const first = app.refresher.lastAttemptAt!.getTime()

  simulator.faults = { forceStatus: 500 }
  await clock.advance(FLOOR)
  const answered = await app.refresher.refresh('manual')
  assert.equal('outcome' in answered && answered.reachedHubsoft, true)
  const second = app.refresher.lastAttemptAt!.getTime()
  assert.equal(second, clock.now(), 'an answered attempt, even a 500, starts the floor')

  // HubSoft goes away: the next attempt's connections are refused.
  await simulator.close()
  await clock.advance(FLOOR)
  const refused = await app.refresher.refresh('manual')
  assert.equal('outcome' in refused && refused.reachedHubsoft, false)
  assert.equal(app.refresher.lastAttemptAt?.getTime(), second, 'the floor is the last attempt HubSoft saw')
  assert.equal(JSON.parse(await readFile(join(dir, ATTEMPT_FILE), 'utf8')).last_attempt_at, new Date(second).toISOString())
  assert.notEqual(first, second)
})

test('a first fetch of 50 000 clients shows its progress in /status and the log before it finishes', async (t) => {
  const simulator = await startSimulator(t, { clients: 50_000, seed: 8 })
  // Slow enough pages that /status is read many times during the walk.
  simulator.faults = { latencyMs: 15 }
  const app = await startService(t, simulator, { HUBSOFT_PAGE_SIZE: '500' }, { start: false })
  const starting = app.refresher.start()
  const seen = new Map<number, Record<string, any>>()
  let retryAfter: string | undefined
  for (let polls = 0; polls < 5000 && !(app.refresher.lastOutcome !== null); polls++) {
    const status = (await app.inject({ url: '/status', headers: bearer('read') })).json()
    const progress = status.refresh.progress
    if (progress !== null) seen.set(progress.pages_done, progress)
    if (progress?.pages_done > 0 && retryAfter === undefined) retryAfter = (await app.inject({ url: '/api/v1/integracao/cliente/all?limit=1', headers: bearer('read') })).headers['retry-after'] as string | undefined
    await sleep(20)
  }
  await starting
  assert.equal(app.refresher.lastOutcome?.outcome, 'success')
  assert.equal(app.refresher.progress, null, 'no progress once it ended')
  const states = [...seen.values()].filter((progress) => progress.pages_done > 0)
  assert.ok(states.length >= 5, `${states.length} progress states seen in /status`)
  for (const progress of states) {
    // 50 000 clients in pages of 500: 100 pages, as ultima_pagina (99) announces.
    assert.equal(progress.pages_total, 100)
    assert.ok(progress.clients === progress.pages_done * 500, `${progress.clients} clients after ${progress.pages_done} pages`)
    assert.ok(progress.bytes > 0)
    assert.ok(Date.parse(progress.estimated_end_at) >= Date.parse(progress.started_at))
  }
  assert.ok(Number(retryAfter) >= 1, `a 503 during the walk carries Retry-After (${String(retryAfter)})`)
  const lines = loggedLines(app, /^refresh progress: \d+ of 100 pages$/)
  assert.ok(lines.length >= 5, `${lines.length} progress lines in the log`)
  const done = lines.map((line) => line.progress.pagesDone as number)
  assert.deepEqual(done, [...done].sort((a, b) => a - b), 'in order')
  assert.ok(done.every((pages) => pages < 100), 'the last page is the "refresh finished" line\'s')
})
