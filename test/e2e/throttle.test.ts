// The throttle guarantees (the README's "Never hammer HubSoft") end to end: the real service against the simulator
// over loopback, with fault injection, counting what the simulator received. Hours of floors
// and retries run on a fake clock; nothing here sleeps for long.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { SNAPSHOT_FILE } from '../../src/snapshot/persist.js'
import type { HubsoftSimulator } from '../../src/simulator/simulator.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { bearer, loggedLines, snapshotDir, startService, startSimulator } from '../helpers/service.js'

const BASE = '/api/v1/integracao/cliente'
const MINUTE = 60_000
const FLOOR = 15 * MINUTE

type Json = Record<string, any>

async function get (app: FastifyInstance, url: string) {
  const response = await app.inject({ url, headers: bearer('read') })
  return { status: response.statusCode, body: response.body, version: response.headers['x-snapshot-version'] as string | undefined }
}

async function status (app: FastifyInstance): Promise<Json> {
  return (await app.inject({ url: '/status', headers: bearer('read') })).json()
}

async function adminRefresh (app: FastifyInstance, query = '') {
  return await app.inject({ method: 'POST', url: `/admin/refresh${query}`, headers: bearer('admin') })
}

/** A service on a fake clock, retries jitter-free, whose first refresh has run. */
async function clockedService (t: TestContext, simulator: HubsoftSimulator, env: Record<string, string> = {}, clock = new FakeClock()) {
  const app = await startService(t, simulator, env, { now: clock.now, timers: clock, random: () => 0 })
  return { app, clock }
}

function cpfOf (simulator: HubsoftSimulator, index: number): string {
  return simulator.dataset.filter((cliente) => typeof cliente.cpf_cnpj === 'string')[index]!.cpf_cnpj!
}

test('G1: lookups, downloads and manual refreshes over four floors cause at most one fetch per floor', async (t) => {
  const simulator = await startSimulator(t, { clients: 120, seed: 11 })
  const { app, clock } = await clockedService(t, simulator)
  const fetchTimes = [clock.now()]
  assert.equal(simulator.counters.fetchCycles, 1)
  const answers: Record<number, number> = {}
  let manual = 0
  for (let step = 0; step < 20; step++) {
    const requests: Array<Promise<unknown>> = []
    for (let i = 0; i < 10; i++) requests.push(get(app, `${BASE}/all/cpf_cnpj/${cpfOf(simulator, (step * 10 + i) % 50)}`))
    requests.push(get(app, `${BASE}/all`), get(app, `${BASE}/all?cancelado=sim&limit=30`))
    if (step % 2 === 0) {
      manual++
      requests.push(adminRefresh(app).then((response) => {
        answers[response.statusCode] = (answers[response.statusCode] ?? 0) + 1
        if (response.statusCode === 429) assert.ok(Number(response.headers['retry-after']) >= 1)
      }))
    }
    const cycles = simulator.counters.fetchCycles
    await Promise.all(requests)
    await app.refresher.idle()
    if (simulator.counters.fetchCycles > cycles) fetchTimes.push(clock.now())
    await clock.advance(FLOOR / 5, async () => await app.refresher.idle())
  }
  assert.equal(manual, 10)
  assert.equal((answers[202] ?? 0) + (answers[429] ?? 0) + (answers[409] ?? 0), 10)
  assert.ok((answers[429] ?? 0) >= 5, `most manual refreshes hit the floor: ${JSON.stringify(answers)}`)
  // Four floors of time: the start-up fetch plus at most one per floor.
  assert.ok(simulator.counters.fetchCycles <= 5, `${simulator.counters.fetchCycles} fetch cycles`)
  assert.equal(simulator.counters.fetchCycles, fetchTimes.length)
  for (let i = 1; i < fetchTimes.length; i++) assert.ok(fetchTimes[i]! - fetchTimes[i - 1]! >= FLOOR, `fetches ${i - 1} and ${i} are a floor apart`)
  assert.equal(simulator.counters.maxInFlight, 1, 'pages come one after another')
})

test('G2: thousands of client requests cause no upstream request at all', async (t) => {
  const simulator = await startSimulator(t, { clients: 150, seed: 12 })
  const app = await startService(t, simulator)
  const upstreamBefore = JSON.stringify(simulator.counters.requests)
  const urls = [
    `${BASE}/all?limit=5`, `${BASE}/all/status/servico_habilitado?limit=3`, `${BASE}/all/tecnologia/fibra?limit=3`,
    `${BASE}/todos?pagina=1&itens_por_pagina=20`, `${BASE}?busca=codigo_cliente&termo_busca=${simulator.dataset[3]!.codigo_cliente}`,
    `${BASE}/all/cpf_cnpj/00000000000`, `${BASE}/all?relacoes=pacotes&cancelado=sim&limit=2`, '/status', '/health/ready'
  ]
  for (let batch = 0; batch < 20; batch++) {
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => get(app, i % 10 === 9 ? `${BASE}/all/cpf_cnpj/${cpfOf(simulator, i)}` : urls[i % urls.length]!)))
    assert.ok(responses.every((response) => response.status < 500))
  }
  assert.equal(JSON.stringify(simulator.counters.requests), upstreamBefore, '2000 requests later, HubSoft saw nothing new')
})

test('G3: one token across many refreshes, a new one per lifetime, one renewal per revocation', async (t) => {
  const simulator = await startSimulator(t, { clients: 40, seed: 13 })
  const { app, clock } = await clockedService(t, simulator)
  for (let i = 0; i < 5; i++) {
    await clock.advance(FLOOR)
    assert.equal((await app.refresher.refresh('manual') as Json).outcome, 'unchanged')
  }
  assert.equal(simulator.counters.tokensIssued, 1, 'six refreshes, one token')

  simulator.revokeTokens()
  await clock.advance(FLOOR)
  assert.equal((await app.refresher.refresh('manual') as Json).outcome, 'unchanged')
  assert.equal(simulator.counters.tokensIssued, 2)
  assert.equal(simulator.counters.requests['cliente/todos']?.['401'], 1, 'one refused request, then the retry with the new token')
  assert.equal((await status(app)).upstream.token_renewals, 1)

  // The vendor's advice: renew every 24 h even though the token says 30 days.
  for (let hours = 0; hours < 25; hours += 4) {
    await clock.advance(4 * 60 * MINUTE)
    await app.refresher.refresh('manual')
  }
  assert.equal(simulator.counters.tokensIssued, 3)
})

test('G4: every kind of bad fetch leaves the old snapshot answering identical bytes, and /status says why', async (t) => {
  const simulator = await startSimulator(t, { clients: 100, seed: 14 })
  const dir = snapshotDir(t)
  const { app, clock } = await clockedService(t, simulator, { HUBSOFT_TIMEOUT_MS: '1000', SNAPSHOT_DIR: dir })
  const urls = [`${BASE}/all`, `${BASE}/all/cpf_cnpj/${cpfOf(simulator, 4)}`, `${BASE}/todos?pagina=0&itens_por_pagina=7`]
  const before = await Promise.all(urls.map(async (url) => await get(app, url)))
  const persisted = await readFile(join(dir, SNAPSHOT_FILE))
  const good = simulator.dataset
  const faults: Array<[string, () => void, string, RegExp]> = [
    ['HTTP 503', () => { simulator.faults = { forceStatus: 503 } }, 'http_status', /HTTP 503/],
    ['a timeout', () => { simulator.faults = { latencyMs: 2500, times: 1 } }, 'timeout', /within 1000 ms/],
    ['a truncated body', () => { simulator.faults = { truncatedBody: true } }, 'invalid_json', /invalid JSON/],
    ['a truncated gzip body', () => { simulator.faults = { truncatedGzip: true } }, 'invalid_json', /cut short/],
    ['invalid JSON', () => { simulator.faults = { invalidJson: true } }, 'invalid_json', /invalid JSON/],
    ['a schema violation', () => { simulator.faults = {}; simulator.dataset = good.map((c, i) => i === 5 ? { ...c, data_cadastro: 20261126 as never } : c) }, 'schema', /violates the schema at \/data_cadastro/],
    ['an empty list', () => { simulator.dataset = good; simulator.faults = { shrinkTo: 0 } }, 'empty', /empty/],
    ['a shrink beyond REFRESH_MAX_SHRINK', () => { simulator.faults = { shrinkTo: 60 } }, 'shrink', /60 clients against 100/]
  ]
  for (const [name, arrange, reason, error] of faults) {
    arrange()
    // The backoff's retry may fire within the floor; if it did, the manual one is refused.
    await clock.advance(FLOOR, async () => await app.refresher.idle())
    await app.refresher.refresh('manual')
    const after = await Promise.all(urls.map(async (url) => await get(app, url)))
    assert.deepEqual(after, before, `${name}: the same bytes under the same version`)
    const last = (await status(app)).refresh.last
    assert.equal(last.reason, reason, `${name}: ${String(last.error)}`)
    assert.match(last.error, error, name)
  }
  assert.equal((await status(app)).refresh.consecutive_failures, faults.length)
  assert.deepEqual(await readFile(join(dir, SNAPSHOT_FILE)), persisted, 'the persisted snapshot was not replaced either')
})

test('G5: a restart with a persisted snapshot serves at once without HubSoft and fetches only when the schedule says', async (t) => {
  const simulator = await startSimulator(t, { clients: 80, seed: 15 })
  const dir = snapshotDir(t)
  const clock = new FakeClock('2026-11-26T10:00:00Z') // 07:00 in São Paulo; next run at 15:00 local
  const first = await startService(t, simulator, { SNAPSHOT_DIR: dir }, { now: clock.now, timers: clock })
  const url = `${BASE}/all/cpf_cnpj/${cpfOf(simulator, 2)}`
  const served = await get(first, url)
  await first.close()
  await simulator.close()

  await clock.advance(2 * MINUTE)
  const startedAt = performance.now()
  const second = await startService(t, simulator, { SNAPSHOT_DIR: dir }, { now: clock.now, timers: clock })
  const elapsedMs = performance.now() - startedAt
  assert.ok(elapsedMs < 1000, `ready in ${Math.round(elapsedMs)} ms`)
  assert.equal((await second.inject({ url: '/health/ready' })).statusCode, 200)
  assert.deepEqual(await get(second, url), served)
  const state = await status(second)
  assert.equal(state.persistence.load.outcome, 'loaded')
  assert.equal(state.refresh.last, null, 'no fetch was attempted')
  assert.equal(state.refresh.last_attempt_at, '2026-11-26T10:00:00.000Z', 'the floor remembers the fetch before the restart')
  assert.equal(state.refresh.next_scheduled_at, '2026-11-26T18:00:00.000Z')
  await second.close()

  // Down across a scheduled run (15:00 local = 18:00 UTC): the restart catches up once.
  const restarted = await startSimulator(t, { clients: 80, seed: 15 })
  await clock.advance(9 * 60 * MINUTE)
  const third = await startService(t, restarted, { SNAPSHOT_DIR: dir }, { now: clock.now, timers: clock })
  assert.equal(restarted.counters.fetchCycles, 1)
  assert.equal(third.refresher.lastOutcome?.trigger, 'startup')
  assert.equal(third.refresher.lastOutcome?.outcome, 'unchanged')
})

test('G5: a corrupt snapshot file is logged, set aside, and the service waits for the floor before fetching', async (t) => {
  const simulator = await startSimulator(t, { clients: 50, seed: 16 })
  const dir = snapshotDir(t)
  const clock = new FakeClock()
  const first = await startService(t, simulator, { SNAPSHOT_DIR: dir }, { now: clock.now, timers: clock })
  await first.close()
  const file = join(dir, SNAPSHOT_FILE)
  const bytes = await readFile(file)
  await writeFile(file, bytes.subarray(0, bytes.length - 100))

  await clock.advance(2 * MINUTE)
  const second = await startService(t, simulator, { SNAPSHOT_DIR: dir }, { now: clock.now, timers: clock, random: () => 0 })
  assert.equal(simulator.counters.fetchCycles, 1, 'no fetch within the floor of the one before the restart')
  assert.equal((await second.inject({ url: '/health/ready' })).statusCode, 503)
  const state = await status(second)
  assert.equal(state.persistence.load.outcome, 'corrupt')
  assert.match(state.persistence.load.error, /unexpected end|truncated/i)
  assert.ok((await readdir(dir)).some((name) => name.startsWith(`${SNAPSHOT_FILE}.corrupt-`)))
  assert.equal(loggedLines(second, /persisted snapshot is unusable/).length, 1)
  assert.equal(state.refresh.floor_until, '2026-11-26T12:15:00.000Z')
  assert.deepEqual(clock.pending, [Date.parse('2026-11-26T12:15:00Z')], 'the retry waits for the floor')

  await clock.advance(13 * MINUTE - 1, async () => await second.refresher.idle())
  assert.equal(simulator.counters.fetchCycles, 1)
  await clock.advance(1, async () => await second.refresher.idle())
  assert.equal(simulator.counters.fetchCycles, 2)
  assert.equal((await second.inject({ url: '/health/ready' })).statusCode, 200)
  const [line] = loggedLines(second, /^refresh finished/)
  assert.deepEqual(Object.keys(line?.refresh as object).filter((key) => ['durationMs', 'pages', 'clients', 'bytes', 'outcome'].includes(key)).sort(), ['bytes', 'clients', 'durationMs', 'outcome', 'pages'])
  assert.equal((line?.refresh as Json).clients, 50)
})

test('G6: during a slow refresh every request gets the old data whole; after the swap, the new data whole', async (t) => {
  const simulator = await startSimulator(t, { clients: 200, seed: 17 })
  const { app, clock } = await clockedService(t, simulator)
  const urls = [`${BASE}/all?limit=40`, `${BASE}/all/cpf_cnpj/${cpfOf(simulator, 9)}`, `${BASE}/all/status/servico_habilitado`]
  const bodies = new Map<string, Map<string, string>>()
  const record = (version: string, url: string, body: string) => {
    const byUrl = bodies.get(version) ?? new Map<string, string>()
    bodies.set(version, byUrl)
    byUrl.set(url, body)
  }
  const oldVersion = app.refresher.snapshot!.version
  for (const url of urls) record(oldVersion, url, (await get(app, url)).body)

  simulator.dataset = simulator.dataset.map((cliente) => ({ ...cliente, email_secundario: `novo-${cliente.id_cliente}@example.com` }))
  simulator.faults = { latencyMs: 120 }
  await clock.advance(FLOOR)
  const refresh = app.refresher.refresh('manual')
  const batches: Array<Array<{ url: string, version: string, body: string, status: number }>> = []
  while (app.refresher.running) {
    batches.push(await Promise.all(urls.map(async (url) => ({ url, ...await get(app, url) })) as never))
    // inject answers on the microtask queue; give the event loop's I/O and timers a turn.
    await sleep(5)
  }
  assert.equal((await refresh as Json).outcome, 'success')
  const newVersion = app.refresher.snapshot!.version
  assert.notEqual(newVersion, oldVersion)
  for (const url of urls) record(newVersion, url, (await get(app, url)).body)

  const seen = batches.flat()
  assert.ok(batches.length >= 3, `${batches.length} rounds of requests ran during the refresh`)
  assert.ok(seen.every((response) => response.status === 200))
  assert.ok(batches[0]!.every((response) => response.version === oldVersion), 'the old snapshot answered while the new one was built')
  const firstNew = batches.findIndex((batch) => batch.some((response) => response.version === newVersion))
  if (firstNew >= 0) assert.ok(batches.slice(firstNew + 1).flat().every((response) => response.version === newVersion), 'once swapped, never back')
  for (const response of seen) {
    assert.equal(response.body, bodies.get(response.version)!.get(response.url), 'each body is exactly its version\'s: never a mix')
  }
  assert.match((await get(app, urls[0]!)).body, /"email_secundario":"novo-/)
})
