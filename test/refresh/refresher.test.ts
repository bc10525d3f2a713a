// The refresher against the simulator: the floor between fetches, one refresh at a time, the
// schedule in its time zone, and validation before the swap (the old snapshot keeps serving).
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import type { HubsoftSimulator } from '../../src/simulator/simulator.js'
import { ATTEMPT_FILE, SNAPSHOT_FILE } from '../../src/snapshot/persist.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { bearer, loggedLines, snapshotDir, startService, startSimulator } from '../helpers/service.js'

const MINUTE = 60_000
const FLOOR_MS = 15 * MINUTE
const FLOOR = FLOOR_MS

/** A service on a fake clock with jitter-free retries, its first refresh done. */
async function clocked (t: TestContext, simulator: HubsoftSimulator, clock = new FakeClock(), env: Record<string, string> = {}) {
  const app = await startService(t, simulator, env, { now: clock.now, timers: clock, random: () => 0 })
  return { app, clock }
}

/** Runs `first`, then lets `spanMs` of fake time pass, and returns when each fetch attempt began. */
async function attemptTimes (app: FastifyInstance, clock: FakeClock, first: () => Promise<unknown>, spanMs: number): Promise<number[]> {
  const times: number[] = []
  const note = () => {
    const at = app.refresher.lastAttemptAt?.getTime()
    if (at !== undefined && at !== times[times.length - 1]) times.push(at)
  }
  const settle = async () => {
    await app.refresher.idle()
    note()
  }
  const initial = app.refresher.lastAttemptAt?.getTime()
  await clock.advance(FLOOR, settle)
  await first()
  note()
  await clock.advance(spanMs - FLOOR, settle)
  return times.filter((at) => at !== initial)
}

test('no second fetch within REFRESH_MIN_INTERVAL, whatever asks for it', async (t) => {
  const simulator = await startSimulator(t, { clients: 60, seed: 2 })
  let clock = Date.parse('2026-11-26T12:00:00Z')
  const app = await startService(t, simulator, {}, { now: () => clock })
  const { refresher } = app
  const fetched = simulator.dataRequestCount()
  assert.ok(fetched > 0)

  clock += FLOOR_MS - 1
  for (const trigger of ['manual', 'schedule', 'retry'] as const) {
    assert.deepEqual(await refresher.refresh(trigger), { refused: 'floor', retryAt: new Date(Date.parse('2026-11-26T12:15:00Z')) })
  }
  assert.equal(simulator.dataRequestCount(), fetched)

  clock += 1
  assert.equal((await refresher.refresh('manual') as { outcome: string }).outcome, 'unchanged')
  assert.ok(simulator.dataRequestCount() > fetched)
})

test('one refresh at a time; requests during it are answered from the previous snapshot', async (t) => {
  const simulator = await startSimulator(t, { clients: 60, seed: 2 })
  let clock = Date.parse('2026-11-26T12:00:00Z')
  const app = await startService(t, simulator, {}, { now: () => clock })
  const before = app.refresher.snapshot!
  simulator.dataset = simulator.dataset.map((c) => ({ ...c, email_secundario: 'mudou@example.com' }))
  simulator.faults = { latencyMs: 150 }
  clock += FLOOR_MS
  const running = app.refresher.refresh('manual')
  assert.deepEqual(await app.refresher.refresh('manual'), { refused: 'running' })
  assert.equal(app.refresher.running, true)
  const during = await app.inject({ url: '/api/v1/integracao/cliente/all?limit=1', headers: { 'x-api-key': 'key-read-0123456789abcdef' } })
  assert.equal(during.headers['x-snapshot-version'], before.version)
  assert.equal((await running as { outcome: string }).outcome, 'success')
  assert.notEqual(app.refresher.snapshot!.version, before.version)
})

test('a rejected or failed fetch never replaces the snapshot being served', async (t) => {
  const simulator = await startSimulator(t, { clients: 100, seed: 2 })
  let clock = Date.parse('2026-11-26T12:00:00Z')
  const app = await startService(t, simulator, {}, { now: () => clock })
  const serving = app.refresher.snapshot!
  const table: Array<[string, () => void, string, string]> = [
    ['shrunk by more than 30%', () => { simulator.faults = { shrinkTo: 69 } }, 'rejected', 'shrink'],
    ['a schema violation', () => { simulator.faults = {}; simulator.dataset = simulator.dataset.map((c, i) => i === 3 ? { ...c, servicos: 'nenhum' as never } : c) }, 'rejected', 'schema'],
    ['an error body with HTTP 200', () => { simulator.faults = { errorBody200: true } }, 'failed', 'error_body']
  ]
  for (const [name, arrange, outcome, reason] of table) {
    arrange()
    clock += FLOOR_MS
    const result = await app.refresher.refresh('manual') as { outcome: string, reason: string }
    assert.equal(result.outcome, outcome, name)
    assert.equal(result.reason, reason, name)
    assert.equal(app.refresher.snapshot, serving, `${name}: the same snapshot object is still served`)
  }
  assert.equal(app.refresher.consecutiveFailures, 3)
  const status = (await app.inject({ url: '/status', headers: { 'x-api-key': 'key-read-0123456789abcdef' } })).json()
  assert.equal(status.refresh.consecutive_failures, 3)
  assert.equal(status.snapshot.version, serving.version)

  // A shrink within the threshold is accepted.
  simulator.faults = { shrinkTo: 71 }
  simulator.dataset = simulator.dataset.map((c, i) => i === 3 ? { ...c, servicos: [] } : c)
  clock += FLOOR_MS
  assert.equal((await app.refresher.refresh('manual') as { outcome: string }).outcome, 'success')
  assert.equal(app.refresher.snapshot!.size, 71)
  assert.equal(app.refresher.consecutiveFailures, 0)
})

test('the schedule follows REFRESH_CRON in REFRESH_TZ', async (t) => {
  const simulator = await startSimulator(t, { clients: 10, seed: 2 })
  const app = await startService(t, simulator, { REFRESH_CRON: '0 3,15 * * *', REFRESH_TZ: 'America/Sao_Paulo' })
  const next = app.refresher.nextScheduledAt!
  // 03:00 and 15:00 in São Paulo (UTC-3, no daylight saving since 2019) are 06:00 and 18:00 UTC.
  assert.ok([6, 18].includes(next.getUTCHours()) && next.getUTCMinutes() === 0, next.toISOString())
  assert.ok(next.getTime() - Date.now() <= 12 * 3_600_000)
})

test('failures back off from the floor upwards; a cold start retries at the floor each time', async (t) => {
  const simulator = await startSimulator(t, { clients: 30, seed: 3 })
  const { app, clock } = await clocked(t, simulator)
  const start = clock.now()
  simulator.faults = { forceStatus: 502 }
  const attempts = await attemptTimes(app, clock, () => app.refresher.refresh('manual'), 8 * 60 * MINUTE)
  // Warm: a failure at +15 min (manual), then retries 1, 2, 4, 8 floors after each attempt.
  assert.deepEqual(attempts.map((at) => (at - start) / MINUTE), [15, 30, 60, 120, 240, 480])
  assert.equal(app.refresher.consecutiveFailures, 6)
  assert.equal(app.refresher.snapshot!.size, 30, 'still serving')

  simulator.faults = {}
  await clock.advance(6 * 60 * MINUTE, async () => await app.refresher.idle())
  assert.equal(app.refresher.lastOutcome?.outcome, 'unchanged')
  assert.equal(app.refresher.nextRetryAt, null, 'a success ends the retries')

  const cold = await startSimulator(t, { clients: 30, seed: 3 })
  cold.faults = { forceStatus: 500 }
  const coldService = await clocked(t, cold, new FakeClock(start))
  const coldAttempts = await attemptTimes(coldService.app, coldService.clock, async () => undefined, 4 * FLOOR)
  assert.deepEqual(coldAttempts.map((at) => (at - start) / MINUTE), [15, 30, 45, 60], 'no snapshot: every floor, never faster')
  assert.equal(cold.counters.fetchCycles, 5)
})

test('rejected credentials stop automatic refreshes instead of retrying in a loop', async (t) => {
  const simulator = await startSimulator(t, { clients: 20, seed: 3, credentials: { ...DEMO_CREDENTIALS, password: 'changed-on-hubsoft' } })
  const clock = new FakeClock()
  const app = await startService(t, simulator, {}, { now: clock.now, timers: clock, random: () => 0 })
  assert.equal(app.refresher.lastOutcome?.reason, 'invalid_credentials')
  const state = (await app.inject({ url: '/status', headers: bearer('read') })).json()
  assert.equal(state.refresh.credentials_rejected, true)
  assert.match(state.refresh.last.error, /rejected the credentials.*HUBSOFT_PASSWORD/)
  assert.equal(state.refresh.next_retry_at, null)
  assert.deepEqual(clock.pending, [])
  assert.equal(loggedLines(app, /rejected the credentials/).length, 1)
  assert.ok(!app.capturedLog.lines.join('\n').includes(DEMO_CREDENTIALS.password), 'the password is never logged')

  await clock.advance(24 * 60 * MINUTE)
  assert.deepEqual(await app.refresher.refresh('schedule'), { refused: 'credentials' })
  assert.equal(simulator.requestCount('oauth/token'), 1, 'one refused token request in a day, not a loop')

  // An admin may try again (once the floor allows) after fixing things on HubSoft's side.
  assert.equal((await app.inject({ method: 'POST', url: '/admin/refresh', headers: bearer('admin') })).statusCode, 202)
  await app.refresher.idle()
  assert.equal(simulator.requestCount('oauth/token'), 2)
})

test('POST /admin/refresh: 202 then the outcome in /status, 409 while one runs, 429 with Retry-After within the floor', async (t) => {
  const simulator = await startSimulator(t, { clients: 100, seed: 5 })
  const { app, clock } = await clocked(t, simulator)
  const post = async (query = '', key: 'admin' | 'read' = 'admin') => await app.inject({ method: 'POST', url: `/admin/refresh${query}`, headers: bearer(key) })

  const throttled = await post()
  assert.equal(throttled.statusCode, 429)
  assert.equal(throttled.json().code, 'refresh_throttled')
  assert.equal(throttled.headers['retry-after'], String(15 * 60))
  assert.equal((await post('', 'read')).statusCode, 403)
  assert.equal((await app.inject({ method: 'POST', url: '/admin/refresh' })).statusCode, 401)

  simulator.faults = { shrinkTo: 50, latencyMs: 50 }
  await clock.advance(FLOOR)
  const accepted = await post()
  assert.equal(accepted.statusCode, 202, accepted.body)
  assert.equal(accepted.json().started_at, new Date(clock.now()).toISOString())
  const running = await post()
  assert.equal(running.statusCode, 409)
  assert.equal(running.json().code, 'refresh_running')
  await app.refresher.idle()
  assert.equal(app.refresher.lastOutcome?.outcome, 'rejected', 'a halved list needs an admin\'s word')

  const again = await post('?accept_shrink=true')
  assert.equal(again.statusCode, 429, 'accept_shrink still obeys the floor')
  // The backoff's retry (rejected again) runs at the floor; the admin's comes a floor later.
  await clock.advance(2 * FLOOR, async () => await app.refresher.idle())
  assert.equal(app.refresher.lastOutcome?.trigger, 'retry')
  assert.equal((await post('?accept_shrink=true')).statusCode, 202)
  await app.refresher.idle()
  assert.equal(app.refresher.lastOutcome?.outcome, 'success')
  assert.equal(app.refresher.snapshot!.size, 50)
  assert.equal((await post('?accept_shrink=maybe')).statusCode, 400)
})

test('a refresh that outlives REFRESH_DEADLINE is abandoned and the old snapshot keeps serving', async (t) => {
  const simulator = await startSimulator(t, { clients: 100, seed: 5 })
  const { app, clock } = await clocked(t, simulator, new FakeClock(), { REFRESH_DEADLINE: '700ms', HUBSOFT_PAGE_SIZE: '10' })
  const serving = app.refresher.snapshot
  simulator.faults = { latencyMs: 300 }
  await clock.advance(FLOOR)
  const result = await app.refresher.refresh('manual') as { reason: string, error: string }
  assert.equal(result.reason, 'deadline', JSON.stringify(result))
  assert.match(result.error, /REFRESH_DEADLINE \(700 ms\)/)
  assert.equal(app.refresher.snapshot, serving)
})

test('shutdown aborts a running refresh without persisting anything and lets in-flight requests finish', async (t) => {
  const simulator = await startSimulator(t, { clients: 300, seed: 5 })
  const dir = snapshotDir(t)
  const { app, clock } = await clocked(t, simulator, new FakeClock(), { SNAPSHOT_DIR: dir })
  const persisted = await readFile(join(dir, SNAPSHOT_FILE))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  simulator.dataset = simulator.dataset.map((cliente) => ({ ...cliente, nome_fantasia: 'Mudou' }))
  simulator.faults = { latencyMs: 200 }
  await clock.advance(FLOOR)
  const refresh = app.refresher.refresh('manual')
  const download = await request(`${base}/api/v1/integracao/cliente/all`, { headers: bearer('read') })
  await app.close()
  const body = await download.body.json() as { clientes: unknown[] }
  assert.equal(body.clientes.length > 0, true, 'the download under way when shutdown began completed')
  assert.equal((await refresh as { reason: string }).reason, 'aborted')
  assert.deepEqual(await readFile(join(dir, SNAPSHOT_FILE)), persisted)
  assert.deepEqual((await readdir(dir)).sort(), [ATTEMPT_FILE, SNAPSHOT_FILE].sort(), 'no temporary file left')
  await assert.rejects(request(`${base}/health/live`), 'no new connections after close')
})
