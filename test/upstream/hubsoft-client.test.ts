// The HubSoft client and the paged fetch against the simulator over loopback: token reuse and
// renewal, the vendor's error quirks, timeouts, and the page walk of both sources.
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import type { HubsoftSimulator } from '../../src/simulator/simulator.js'
import { UpstreamError } from '../../src/upstream/errors.js'
import { fetchClientes } from '../helpers/fetch-clientes.js'
import { HubsoftClient, replacedCharacters } from '../../src/upstream/hubsoft-client.js'
import type { HubsoftCredentials } from '../../src/upstream/hubsoft-client.js'
import { startSimulator } from '../helpers/service.js'

function client (t: TestContext, simulator: HubsoftSimulator, options: { timeoutMs?: number, credentials?: HubsoftCredentials, maxResponseBytes?: number } = {}): HubsoftClient {
  const hubsoft = new HubsoftClient({
    baseUrl: simulator.url,
    credentials: options.credentials ?? DEMO_CREDENTIALS,
    timeoutMs: options.timeoutMs ?? 5000,
    maxResponseBytes: options.maxResponseBytes ?? 64 * 1024 * 1024
  })
  t.after(async () => await hubsoft.close())
  return hubsoft
}

async function failure (promise: Promise<unknown>, what = 'the call'): Promise<UpstreamError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof UpstreamError, String(error))
    return error
  }
  assert.fail(`expected ${what} to fail with an UpstreamError`)
}

const todos = { source: 'todos', pageSize: 40, pageDelayMs: 0 } as const

test('one token serves many requests; a revocation costs one renewal and one retry', async (t) => {
  const simulator = await startSimulator(t, { clients: 100, seed: 1 })
  const hubsoft = client(t, simulator)
  for (let i = 0; i < 3; i++) await fetchClientes(hubsoft, todos)
  assert.equal(simulator.counters.tokensIssued, 1)
  assert.equal(simulator.requestCount('cliente/todos'), 9)

  simulator.revokeTokens()
  const result = await fetchClientes(hubsoft, todos)
  assert.equal(result.clientes.length, 100)
  assert.equal(simulator.counters.tokensIssued, 2)
  assert.equal(hubsoft.counters.tokenRenewals, 1)
  assert.equal(simulator.counters.requests['cliente/todos']!['401'], 1, 'only the first page after the revocation was refused')
})

test('a base URL with a path (an install behind a reverse proxy) prefixes every request', async (t) => {
  const simulator = await startSimulator(t, { clients: 30, seed: 1, pathPrefix: '/hubsoft' })
  assert.match(simulator.url, /\/hubsoft$/)
  const hubsoft = client(t, simulator)
  assert.equal((await fetchClientes(hubsoft, todos)).clientes.length, 30)
  assert.equal(simulator.counters.tokensIssued, 1)
})

test('concurrent first calls share one token request', async (t) => {
  const simulator = await startSimulator(t, { clients: 20, seed: 1 })
  const hubsoft = client(t, simulator)
  await Promise.all(Array.from({ length: 5 }, async () => await hubsoft.getJson('cliente/todos', { pagina: 0, itens_por_pagina: 5 })))
  assert.equal(simulator.counters.tokensIssued, 1)
})

test('rejected credentials fail once, clearly, without a retry loop', async (t) => {
  const simulator = await startSimulator(t, { clients: 20, seed: 1 })
  const hubsoft = client(t, simulator, { credentials: { ...DEMO_CREDENTIALS, password: 'wrong-password-value' } })
  const error = await failure(fetchClientes(hubsoft, todos))
  assert.equal(error.reason, 'invalid_credentials')
  assert.match(error.message, /HUBSOFT_PASSWORD/)
  assert.doesNotMatch(error.message, /wrong-password-value/)
  assert.equal(simulator.requestCount('oauth/token'), 1)
  assert.equal(simulator.dataRequestCount(), 0)
})

test('the vendor quirks and transport faults become typed failures', async (t) => {
  const simulator = await startSimulator(t, { clients: 60, seed: 2 })
  const hubsoft = client(t, simulator, { timeoutMs: 300 })
  const table: Array<[string, HubsoftSimulator['faults'], string]> = [
    ['HTTP 200 with status "error" and a stack trace', { errorBody200: true }, 'error_body'],
    ['HTTP 502', { forceStatus: 502 }, 'http_status'],
    ['an HTML page with HTTP 200', { invalidJson: true }, 'invalid_json'],
    ['a body cut in half', { truncatedBody: true }, 'invalid_json'],
    ['an answer slower than HUBSOFT_TIMEOUT_MS', { latencyMs: 2500 }, 'timeout'],
    ['the second page failing', { forceStatus: 500, routes: ['cliente/todos'] }, 'http_status']
  ]
  for (const [name, faults, reason] of table) {
    simulator.faults = { ...faults }
    const error = await failure(fetchClientes(hubsoft, todos), name)
    assert.equal(error.reason, reason, name)
    assert.doesNotMatch(error.message, /SQLSTATE|vendor\/laravel|<html>/, 'upstream bodies are never relayed')
  }
  simulator.faults = { errorBody200: true }
  const error = await failure(fetchClientes(hubsoft, todos))
  assert.match(error.upstreamMsg ?? '', /^SQLSTATE/, 'the first line of HubSoft msg is kept for the log')
})

test('a body over the maximum response size is refused', async (t) => {
  const simulator = await startSimulator(t, { clients: 60, seed: 2 })
  const hubsoft = client(t, simulator, { maxResponseBytes: 10_000 })
  assert.equal((await failure(fetchClientes(hubsoft, todos))).reason, 'too_large')
})

test('answers come gzip\'d when HubSoft offers it, decode to the same clients, and are bounded once decoded', async (t) => {
  const simulator = await startSimulator(t, { clients: 60, seed: 3 })
  simulator.gzip = false
  const identity = await fetchClientes(client(t, simulator), todos)
  assert.equal(simulator.counters.gzipResponses, 0)
  simulator.gzip = true
  const hubsoft = client(t, simulator)
  const gzipped = await fetchClientes(hubsoft, todos)
  assert.equal(simulator.counters.gzipResponses, gzipped.pages, 'every page was asked for with Accept-Encoding: gzip')
  assert.deepEqual(gzipped.clientes, identity.clientes)
  assert.equal(gzipped.bytes, identity.bytes, 'bytes count the decoded JSON')

  simulator.faults = { truncatedGzip: true }
  assert.equal((await failure(fetchClientes(hubsoft, todos))).reason, 'invalid_json')
  simulator.faults = {}
  // Half a decoded page: more than a gzip'd page on the wire, less than what it decodes to.
  const small = client(t, simulator, { maxResponseBytes: Math.floor(identity.bytes / identity.pages / 2) })
  const tooLarge = await failure(fetchClientes(small, todos))
  assert.equal(tooLarge.reason, 'too_large')
  assert.match(tooLarge.message, /gzip/)
})

test('todos walks pages 0…ultima_pagina and checks the count against total_registros', async (t) => {
  const simulator = await startSimulator(t, { clients: 101, seed: 4 })
  const hubsoft = client(t, simulator)
  const result = await fetchClientes(hubsoft, { ...todos, pageSize: 25 })
  assert.equal(result.pages, 5, '101 clients at 25 per page are pages 0 to 4')
  assert.equal(result.clientes.length, 101)
  assert.deepEqual(result.clientes.map((c) => (c as { id_cliente: number }).id_cliente).sort((a, b) => a - b), simulator.dataset.map((c) => c.id_cliente))
  // Every relation and the cancelled services are fetched, whatever the answers will show.
  const servicos = result.clientes.flatMap((c) => (c as { servicos: Array<Record<string, unknown>> }).servicos)
  assert.ok(servicos.some((s) => s.status_prefixo === 'cancelado'))
  assert.ok(servicos.every((s) => 'grupos' in s && 'porta_atendimento' in s && 'status_conexao' in s && 'senhas' in s))
  const sent = simulator.requestCount('cliente/todos')
  assert.equal(sent, 5)

  // HUBSOFT_PAGE_DELAY_MS pauses between pages (four pauses for five pages), one page at a time.
  const startedAt = performance.now()
  await fetchClientes(hubsoft, { ...todos, pageSize: 25, pageDelayMs: 100 })
  assert.ok(performance.now() - startedAt >= 4 * 100, 'the pauses happened')
  assert.equal(simulator.counters.maxInFlight, 1)
})

test('HubSoft inserting clients while we page never duplicates or loses one', async (t) => {
  const simulator = await startSimulator(t, { clients: 100, seed: 8 })
  const hubsoft = client(t, simulator)
  const original = simulator.dataset
  const ids = (result: { clientes: unknown[] }) => result.clientes.map((c) => (c as { id_cliente: number }).id_cliente).sort((a, b) => a - b)
  const newcomer = (id: number) => ({ ...original[0]!, id_cliente: id, codigo_cliente: id })
  /** Runs a walk and, once page 0 has been answered, applies `change` to HubSoft's list. */
  const walkWith = async (change: () => void) => {
    simulator.faults = { latencyMs: 60 }
    const before = simulator.requestCount('cliente/todos')
    const walk = fetchClientes(hubsoft, { ...todos, pageSize: 25 }).then((result) => ({ result }), (error: unknown) => ({ error }))
    while (simulator.requestCount('cliente/todos') === before) await sleep(5)
    change()
    return await walk
  }

  // New ids go to the end of the list (HubSoft lists by id): the walk follows the newest
  // ultima_pagina and gets everyone, the newcomer included.
  const appended = await walkWith(() => { simulator.dataset = [...original, newcomer(999_001)] })
  assert.ok('result' in appended)
  assert.deepEqual(ids(appended.result), [...original.map((c) => c.id_cliente), 999_001])

  // A client inserted before the cursor shifts the rest one place: the client pushed onto the
  // next page is seen twice and kept once. The newcomer sat in a page already read, so fewer
  // distinct clients than total_registros came back: the walk fails rather than pass off a
  // list it cannot vouch for, and the refresh is retried later.
  const prepended = await walkWith(() => { simulator.dataset = [newcomer(1), ...original].sort((a, b) => a.id_cliente - b.id_cliente) })
  assert.ok('error' in prepended && prepended.error instanceof UpstreamError)
  assert.equal(prepended.error.reason, 'incomplete')
  assert.match(prepended.error.message, /100 distinct clients but announced total_registros 101/)
})

test('a page that comes back empty or short of total_registros is incomplete', async (t) => {
  const simulator = await startSimulator(t, { clients: 90, seed: 4 })
  const hubsoft = client(t, simulator)
  // HubSoft announces 90 clients (pages 0–2) on page 0, then loses 40 before the later pages.
  simulator.faults = { shrinkTo: 50, skip: 1 }
  const walk = fetchClientes(hubsoft, { ...todos, pageSize: 30 })
  const error = await failure(walk)
  assert.equal(error.reason, 'incomplete')
  assert.match(error.message, /50 distinct clients .* total_registros 90/)

  // Page 2 of 0–2 comes back empty: the list lost 40 clients after page 1 was read.
  simulator.faults = { shrinkTo: 50, skip: 2 }
  const empty = await failure(fetchClientes(hubsoft, { ...todos, pageSize: 30 }))
  assert.equal(empty.reason, 'incomplete')
  assert.match(empty.message, /came back empty/)
})

test('the legacy cliente/all pages with limit/offset, or in one request with page size 0', async (t) => {
  const simulator = await startSimulator(t, { clients: 75, seed: 6 })
  const hubsoft = client(t, simulator)
  const paged = await fetchClientes(hubsoft, { source: 'all', pageSize: 25, pageDelayMs: 0 })
  assert.equal(paged.clientes.length, 75)
  assert.equal(paged.pages, 4, 'three full pages and an empty one that ends the walk')
  const whole = await fetchClientes(hubsoft, { source: 'all', pageSize: 0, pageDelayMs: 0 })
  assert.equal(whole.pages, 1)
  assert.deepEqual(whole.clientes.map((c) => (c as { id_cliente: number }).id_cliente).sort((a, b) => a - b), simulator.dataset.map((c) => c.id_cliente))

  simulator.legacyAllDiscontinued = true
  const error = await failure(fetchClientes(hubsoft, { source: 'all', pageSize: 0, pageDelayMs: 0 }))
  assert.equal(error.reason, 'http_status')
  assert.equal(error.httpStatus, 403)
  assert.match(error.message, /HUBSOFT_SOURCE=todos/)
})

test('replacedCharacters counts the bytes the UTF-8 decoder replaced, not a U+FFFD HubSoft really sent', () => {
  const table: Array<[string, Buffer, number]> = [
    ['plain ASCII', Buffer.from('{"nome":"Joao"}'), 0],
    ['valid UTF-8', Buffer.from('{"nome":"João"}'), 0],
    ['a real U+FFFD', Buffer.from('{"nome":"Jo\uFFFDo"}'), 0],
    ['Latin-1 ã', Buffer.from('{"nome":"João"}', 'latin1'), 1],
    ['Latin-1 çã (a lead byte, then another)', Buffer.from('{"nome":"Ação"}', 'latin1'), 2],
    ['a real U+FFFD beside a bad byte', Buffer.concat([Buffer.from('"\uFFFD'), Buffer.from([0xff]), Buffer.from('"')]), 1]
  ]
  for (const [name, bytes, expected] of table) assert.equal(replacedCharacters(bytes.toString('utf8'), bytes), expected, name)
})
