// GET /metrics after a scripted day: a refresh, failed ones of each kind, lookups, 304s,
// rate-limited calls and a throttled manual refresh; each counter must move by exactly what
// the script did, counted here by hand or from the simulator's own records. The exposition is
// read by a strict parser, and by Prometheus's own promtool where it is installed.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { FakeClock } from '../helpers/fake-clock.js'
import { parseExposition, sampleSum, sampleValue } from '../helpers/prometheus-text.js'
import { runPromtool } from '../helpers/promtool.js'
import type { Exposition } from '../helpers/prometheus-text.js'
import { bearer, startService, startSimulator } from '../helpers/service.js'
import type { KeyName } from '../helpers/service.js'
import { readFileSync } from 'node:fs'

/** The version as package.json states it, read here on its own. */
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

const BASE = '/api/v1/integracao/cliente'
const CPF_ROUTE = `${BASE}/all/cpf_cnpj/:cpf_cnpj`
const FLOOR_MS = 15 * 60_000
const CLIENTS = 120
const PAGE_SIZE = 50
const RATE_LIMIT_MAX = 15

async function scrape (app: FastifyInstance): Promise<{ text: string, exposition: Exposition }> {
  const response = await app.inject({ url: '/metrics', headers: bearer('admin') })
  assert.equal(response.statusCode, 200)
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/)
  return { text: response.body, exposition: parseExposition(response.body) }
}

/** Exit status of `promtool check metrics`: 1 when it cannot parse, 3 when it only has lint problems. */
const PROMTOOL_LINT_ONLY = 3

/**
 * Prometheus's own parser and linter over the exposition (required in CI, left out elsewhere
 * without it): it must parse, and lint problems may only be prom-client's process metrics,
 * whose names (e.g. nodejs_active_handles_total, a gauge) dashboards already expect.
 */
async function promtoolCheck (t: TestContext, text: string): Promise<void> {
  const result = await runPromtool(['check', 'metrics'], { input: text })
  if (result === undefined) {
    t.diagnostic('promtool not installed: the exposition was checked by the strict parser only')
    return
  }
  const { status, output } = result
  assert.ok(status === 0 || status === PROMTOOL_LINT_ONLY, `promtool cannot parse the exposition (exit ${status}): ${output}`)
  const ours = output.split('\n').filter((line) => line.startsWith('hubsoft_bff_'))
  assert.deepEqual(ours, [], 'promtool finds nothing to lint in our own metrics')
}

function cpfs (dataset: ReadonlyArray<{ cpf_cnpj?: unknown }>): string[] {
  return dataset.map((cliente) => cliente.cpf_cnpj).filter((cpf): cpf is string => typeof cpf === 'string' && cpf.replace(/\D/g, '').length === 11)
}

test('every counter moves by what a scripted day did', async (t) => {
  const simulator = await startSimulator(t, { clients: CLIENTS, seed: 71 })
  const clock = new FakeClock('2026-11-26T12:00:00Z')
  const app = await startService(t, simulator, {
    HUBSOFT_PAGE_SIZE: String(PAGE_SIZE),
    HUBSOFT_TIMEOUT_MS: '1000',
    RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
    RATE_LIMIT_WINDOW: '1h'
  }, { now: clock.now, timers: clock, random: () => 0 })
  const get = async (url: string, key: KeyName, headers: Record<string, string> = {}) => await app.inject({ url, headers: { ...bearer(key), ...headers } })
  const before = (await scrape(app)).exposition
  const simulatorTodos = (status: string) => simulator.counters.requests['cliente/todos']?.[status] ?? 0
  const unavailableBefore = simulatorTodos('503')

  // Lookups: four found, one ETag fetched and revalidated twice, one CPF no client has.
  const documents = cpfs(simulator.dataset)
  for (const cpf of documents.slice(0, 4)) assert.equal((await get(`${BASE}/all/cpf_cnpj/${cpf}`, 'read')).statusCode, 200)
  const first = await get(`${BASE}/all/cpf_cnpj/${documents[4]!}`, 'read')
  for (let i = 0; i < 2; i++) assert.equal((await get(`${BASE}/all/cpf_cnpj/${documents[4]!}`, 'read', { 'if-none-match': String(first.headers.etag) })).statusCode, 304)
  assert.equal((await get(`${BASE}/all/cpf_cnpj/52998224725`, 'read')).statusCode, 404)
  // A projection the snapshot did not prepare: rendered once, then from the cache.
  for (let i = 0; i < 2; i++) assert.equal((await get(`${BASE}/all?limit=3&relacoes=pacotes`, 'read')).statusCode, 200)
  // One key past its rate limit: three refusals.
  const limited = Array.from({ length: RATE_LIMIT_MAX + 3 }, () => 0)
  for (let i = 0; i < limited.length; i++) limited[i] = (await get('/status', 'secrets')).statusCode
  assert.deepEqual(limited.filter((status) => status === 429).length, 3)
  // A caller without a key, and a failed login.
  assert.equal((await app.inject({ url: `${BASE}/all?limit=1` })).statusCode, 401)
  assert.equal((await app.inject({ method: 'POST', url: '/oauth/token', body: { grant_type: 'password', client_id: 'reader', client_secret: 'not-the-key' } })).statusCode, 401)
  // A manual refresh inside the floor: 429.
  assert.equal((await app.inject({ method: 'POST', url: '/admin/refresh', headers: bearer('admin') })).statusCode, 429)

  // A day of refreshes: HubSoft answers 503 (manual), then the backoff's retries meet a shrunk
  // list, a timeout, and finally good data with every token revoked.
  await clock.advance(FLOOR_MS)
  simulator.faults = { forceStatus: 503 }
  assert.equal((await app.inject({ method: 'POST', url: '/admin/refresh', headers: bearer('admin') })).statusCode, 202)
  await app.refresher.idle()
  simulator.faults = { shrinkTo: 10 }
  await clock.advance(FLOOR_MS, async () => await app.refresher.idle())
  simulator.faults = { latencyMs: 1500, times: 1 }
  await clock.advance(2 * FLOOR_MS, async () => await app.refresher.idle())
  const failing = (await scrape(app)).exposition
  assert.equal(sampleValue(failing, 'hubsoft_bff_refresh_consecutive_failures'), 3)
  simulator.faults = {}
  simulator.revokeTokens()
  simulator.dataset = simulator.dataset.map((cliente, i) => i === 0 ? { ...cliente, nome_razaosocial: 'Cliente Renomeado' } : cliente)
  await clock.advance(4 * FLOOR_MS, async () => await app.refresher.idle())
  const fetchedAt = clock.now()
  await clock.advance(90_000)

  const { text, exposition: after } = await scrape(app)
  await promtoolCheck(t, text)
  const moved = (name: string, labels: Record<string, string> = {}) => sampleSum(after, name, labels) - sampleSum(before, name, labels)

  // Requests, by route template, status and key; never a raw URL.
  assert.equal(moved('hubsoft_bff_http_requests_total', { route: CPF_ROUTE, status_code: '200', key: 'reader' }), 5)
  assert.equal(moved('hubsoft_bff_http_requests_total', { route: CPF_ROUTE, status_code: '304', key: 'reader' }), 2)
  assert.equal(moved('hubsoft_bff_http_requests_total', { route: CPF_ROUTE, status_code: '404', key: 'reader' }), 1)
  assert.equal(moved('hubsoft_bff_http_request_duration_seconds_count', { route: CPF_ROUTE }), 8)
  assert.equal(moved('hubsoft_bff_http_request_duration_seconds_bucket', { route: CPF_ROUTE, status_code: '304', le: '+Inf' }), 2)
  assert.equal(moved('hubsoft_bff_http_errors_total', { route: CPF_ROUTE, code: 'not_found' }), 1)
  assert.equal(moved('hubsoft_bff_http_requests_total', { route: '/status', status_code: '429', key: 'provisioning' }), 3)
  assert.equal(moved('hubsoft_bff_rate_limited_requests_total', { key: 'provisioning' }), 3)
  assert.equal(moved('hubsoft_bff_rate_limited_requests_total'), 3, 'nobody else was limited')
  assert.equal(moved('hubsoft_bff_http_errors_total', { route: '/admin/refresh', code: 'refresh_throttled' }), 1)
  assert.equal(moved('hubsoft_bff_http_requests_total', { route: `${BASE}/all`, status_code: '401', key: 'anonymous' }), 1)
  assert.equal(moved('hubsoft_bff_http_errors_total', { route: `${BASE}/all`, code: 'unauthorized' }), 1)
  assert.equal(moved('hubsoft_bff_http_errors_total', { route: '/oauth/token', code: 'invalid_credentials' }), 1)
  for (const cpf of documents) assert.ok(!text.includes(cpf) && !text.includes(cpf.replace(/\D/g, '')), 'no CPF in any label')

  // Refreshes: each attempt by its outcome, reason and HubSoft's status; the refused one.
  const attempts = (labels: Record<string, string>) => moved('hubsoft_bff_refresh_attempts_total', labels)
  assert.equal(attempts({ trigger: 'manual', outcome: 'upstream_error', reason: 'http_status', status: '503' }), 1)
  assert.equal(attempts({ trigger: 'retry', outcome: 'rejected', reason: 'shrink', status: '' }), 1)
  assert.equal(attempts({ trigger: 'retry', outcome: 'timeout', reason: 'upstream_timeout', status: '' }), 1)
  assert.equal(attempts({ trigger: 'retry', outcome: 'success', reason: '', status: '' }), 1)
  assert.equal(attempts({}), 4, 'no other attempt')
  assert.equal(moved('hubsoft_bff_refresh_duration_seconds_count'), 4)
  assert.equal(moved('hubsoft_bff_refresh_duration_seconds_count', { outcome: 'timeout' }), 1)
  assert.equal(moved('hubsoft_bff_refresh_refusals_total', { trigger: 'manual', reason: 'floor' }), 1)
  // Pages: the shrunk list fits one page; the good one takes ceil(CLIENTS / PAGE_SIZE).
  assert.equal(moved('hubsoft_bff_refresh_pages_total'), 1 + Math.ceil(CLIENTS / PAGE_SIZE))
  const fetchedBytes = app.refresher.recentOutcomes.slice(0, 4).reduce((sum, outcome) => sum + outcome.bytes, 0)
  assert.ok(fetchedBytes > 0)
  assert.equal(moved('hubsoft_bff_refresh_fetched_bytes_total'), fetchedBytes)

  // HubSoft: what the simulator saw, and the token renewed after the revocation.
  assert.equal(moved('hubsoft_bff_upstream_requests_total', { route: 'cliente/todos', status: '503' }), simulatorTodos('503') - unavailableBefore)
  assert.equal(moved('hubsoft_bff_upstream_requests_total', { route: 'cliente/todos', status: '503' }), 1)
  assert.equal(moved('hubsoft_bff_upstream_requests_total', { route: 'cliente/todos', status: 'timeout' }), 1)
  assert.equal(moved('hubsoft_bff_upstream_requests_total', { route: 'cliente/todos', status: '401' }), 1)
  assert.equal(moved('hubsoft_bff_upstream_requests_total', { route: 'cliente/todos', status: '200' }), 1 + Math.ceil(CLIENTS / PAGE_SIZE), 'the pages of the shrunk and of the good list')
  assert.equal(moved('hubsoft_bff_upstream_token_renewals_total'), 1)
  assert.equal(moved('hubsoft_bff_upstream_token_requests_total'), 1)

  // The projection cache: one miss, then one hit.
  assert.equal(moved('hubsoft_bff_projection_cache_misses_total'), 1)
  assert.equal(moved('hubsoft_bff_projection_cache_hits_total'), 1)
  assert.ok(sampleValue(after, 'hubsoft_bff_projection_cache_bytes') > 0)
  assert.equal(sampleValue(after, 'hubsoft_bff_projection_cache_entries'), 1)

  // State read at scrape time.
  const services = simulator.dataset.reduce((sum, cliente) => sum + (Array.isArray(cliente.servicos) ? cliente.servicos.length : 0), 0)
  assert.equal(sampleValue(after, 'hubsoft_bff_snapshot_ready'), 1)
  assert.equal(sampleValue(after, 'hubsoft_bff_snapshot_clients'), CLIENTS)
  assert.equal(sampleValue(after, 'hubsoft_bff_snapshot_services'), services)
  const servicos = simulator.dataset.flatMap((cliente) => Array.isArray(cliente.servicos) ? cliente.servicos : [])
  const enabled = servicos.filter((servico) => servico.status_prefixo === 'servico_habilitado').length
  assert.ok(enabled > 0)
  assert.equal(sampleValue(after, 'hubsoft_bff_snapshot_services_by_status', { status: 'servico_habilitado' }), enabled)
  assert.equal(sampleSum(after, 'hubsoft_bff_snapshot_services_by_status'), services)
  assert.equal(sampleSum(after, 'hubsoft_bff_snapshot_services_by_technology'), services)
  assert.equal(sampleValue(after, 'hubsoft_bff_snapshot_age_seconds'), 90)
  assert.equal(sampleValue(after, 'hubsoft_bff_snapshot_fetched_timestamp_seconds'), fetchedAt / 1000)
  assert.equal(sampleValue(after, 'hubsoft_bff_snapshot_info', { version: app.refresher.snapshot!.version, source: 'todos' }), 1)
  assert.equal(sampleValue(after, 'hubsoft_bff_build_info', { version: PACKAGE_VERSION, snapshot_version: app.refresher.snapshot!.version }), 1)
  assert.equal(sampleValue(after, 'hubsoft_bff_refresh_consecutive_failures'), 0)
  assert.equal(sampleValue(after, 'hubsoft_bff_refresh_credentials_rejected'), 0)
  assert.equal(sampleValue(after, 'hubsoft_bff_refresh_running'), 0)
  assert.equal(sampleValue(after, 'hubsoft_bff_refresh_floor_remaining_seconds'), (FLOOR_MS - 90_000) / 1000)
  assert.equal(sampleValue(after, 'hubsoft_bff_refresh_period_seconds'), 12 * 3600, 'the default REFRESH_CRON runs at 03 and 15 h')
  // The process's own metrics, event-loop delay among them.
  for (const name of ['process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
    assert.ok(after.types.has(name), `${name} is exported`)
  }
})

test('rejected credentials and no snapshot show as such', async (t) => {
  const simulator = await startSimulator(t, { clients: 10, seed: 72 })
  const app = await startService(t, simulator, { HUBSOFT_PASSWORD: 'not-the-password' })
  const { exposition } = await scrape(app)
  assert.equal(sampleValue(exposition, 'hubsoft_bff_snapshot_ready'), 0)
  assert.ok(Number.isNaN(sampleValue(exposition, 'hubsoft_bff_snapshot_age_seconds')), 'no age without a snapshot')
  assert.equal(sampleSum(exposition, 'hubsoft_bff_snapshot_info'), 0, 'no version without a snapshot')
  assert.equal(sampleValue(exposition, 'hubsoft_bff_build_info', { version: PACKAGE_VERSION, snapshot_version: '' }), 1, 'the build is known before any snapshot')
  assert.equal(exposition.samples.filter((sample) => sample.name === 'hubsoft_bff_snapshot_services_by_status').length, 0, 'no counts without a snapshot')
  assert.equal(sampleValue(exposition, 'hubsoft_bff_refresh_credentials_rejected'), 1)
  assert.equal(sampleValue(exposition, 'hubsoft_bff_refresh_attempts_total', { trigger: 'startup', outcome: 'upstream_error', reason: 'invalid_credentials', status: '401' }), 1)
  assert.equal(sampleValue(exposition, 'hubsoft_bff_upstream_requests_total', { route: 'oauth/token', status: '401' }), 1)
  assert.equal((await app.inject({ url: '/metrics' })).statusCode, 401, 'a key is needed')
})
