// The refresher against the simulator: the floor between fetches, one refresh at a time, the
// schedule in its time zone, and validation before the swap (the old snapshot keeps serving).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startService, startSimulator } from '../helpers/service.js'

const FLOOR_MS = 15 * 60_000

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
    ['shrunk by more than 30%', () => { simulator.faults = { shrinkTo: 69 } }, 'rejected', 'validation'],
    ['a schema violation', () => { simulator.faults = {}; simulator.dataset = simulator.dataset.map((c, i) => i === 3 ? { ...c, servicos: 'nenhum' as never } : c) }, 'rejected', 'validation'],
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
