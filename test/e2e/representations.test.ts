// What goes over the wire besides plain JSON: gzip and brotli that decompress to
// exactly the identity bytes, the default full dump compressed once per snapshot, `?pretty`,
// and one client per line with Accept: application/x-ndjson. Expectations come from the
// identity answer and node:zlib / JSON, not from the code under test.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { bearer, startService, startSimulator } from '../helpers/service.js'
import type { KeyName } from '../helpers/service.js'

const BASE = '/api/v1/integracao/cliente'
const DECOMPRESS = { gzip: gunzipSync, br: brotliDecompressSync } as const

async function setup (t: TestContext) {
  const simulator = await startSimulator(t, { clients: 400, seed: 9 })
  let clock = Date.parse('2026-11-26T12:00:00Z')
  const app = await startService(t, simulator, {}, { now: () => clock })
  return { simulator, app, advance: (ms: number) => { clock += ms } }
}

async function get (app: FastifyInstance, url: string, headers: Record<string, string> = {}, key: KeyName = 'read') {
  return await app.inject({ method: 'GET', url, headers: { ...bearer(key), ...headers } })
}

test('gzip and br bodies decompress to exactly the identity body', async (t) => {
  const { app } = await setup(t)
  const urls = [`${BASE}/all`, `${BASE}/all?cancelado=sim`, `${BASE}/all?limit=20&relacoes=senhas`, `${BASE}/todos?pagina=0&itens_por_pagina=100`, `${BASE}/all/status/servico_habilitado?pretty`]
  for (const url of urls) {
    for (const key of ['read', 'secrets'] as const) {
      const identity = await get(app, url, {}, key)
      assert.equal(identity.statusCode, 200, url)
      assert.equal(identity.headers['content-encoding'], undefined)
      for (const encoding of ['gzip', 'br'] as const) {
        const compressed = await get(app, url, { 'accept-encoding': encoding }, key)
        assert.equal(compressed.headers['content-encoding'], encoding, `${url} ${encoding}`)
        assert.ok(compressed.rawPayload.length < identity.rawPayload.length, `${url} ${encoding} is smaller`)
        assert.ok(DECOMPRESS[encoding](compressed.rawPayload).equals(identity.rawPayload), `${url} ${key} ${encoding}`)
        assert.equal(compressed.headers.etag, identity.headers.etag)
      }
    }
  }
  // Preference order and q-values are honoured; tiny answers are not worth compressing.
  assert.equal((await get(app, `${BASE}/all`, { 'accept-encoding': 'gzip;q=0.5, br;q=0.9' })).headers['content-encoding'], 'br')
  assert.equal((await get(app, `${BASE}/all`, { 'accept-encoding': 'gzip, br;q=0' })).headers['content-encoding'], 'gzip')
  assert.equal((await get(app, `${BASE}/all`, { 'accept-encoding': 'identity' })).headers['content-encoding'], undefined)
  assert.equal((await get(app, `${BASE}/all?limit=0`, { 'accept-encoding': 'gzip' })).headers['content-encoding'], undefined)
})

test('the default full dump is compressed once per snapshot, scope and encoding', async (t) => {
  const { app, simulator, advance } = await setup(t)
  const full = `${BASE}/all`
  const counted = () => app.precompressed.compressions
  assert.equal(counted(), 0)
  await Promise.all(Array.from({ length: 5 }, async () => await get(app, full, { 'accept-encoding': 'gzip' })))
  assert.equal(counted(), 1, 'concurrent first requests share one compression')
  for (let i = 0; i < 5; i++) await get(app, `${BASE}/all?cancelado=nao&offset=0`, { 'accept-encoding': 'gzip' })
  assert.equal(counted(), 1, 'the same default query, spelled differently, reuses it')
  await get(app, full, { 'accept-encoding': 'br' })
  await get(app, full, { 'accept-encoding': 'br' })
  assert.equal(counted(), 2)
  await get(app, full, { 'accept-encoding': 'gzip' }, 'secrets')
  assert.equal(counted(), 3, 'secrets callers get their own body')
  for (const url of [`${BASE}/all?limit=399`, `${BASE}/all?pretty`, `${BASE}/all?cancelado=sim`]) await get(app, url, { 'accept-encoding': 'gzip' })
  await get(app, full)
  assert.equal(counted(), 3, 'other queries and identity requests compress per request or not at all')

  simulator.dataset = simulator.dataset.slice(1)
  advance(16 * 60_000)
  assert.equal((await app.refresher.refresh('manual') as { outcome: string }).outcome, 'success')
  const afterSwap = await get(app, full, { 'accept-encoding': 'gzip' })
  assert.equal(counted(), 4, 'a new snapshot compresses again')
  assert.ok(gunzipSync(afterSwap.rawPayload).equals((await get(app, full)).rawPayload), 'and serves the new content')
  await get(app, full, { 'accept-encoding': 'gzip' })
  assert.equal(counted(), 4)
})

test('?pretty indents any JSON answer, streamed ones included', async (t) => {
  const { app } = await setup(t)
  const urls = [`${BASE}/all`, `${BASE}/all?limit=2`, `${BASE}/todos?pagina=0&itens_por_pagina=3`, '/status', `${BASE}/all?limit=0`, '/api/v1/nope']
  for (const url of urls) {
    const plain = await get(app, url)
    const separator = url.includes('?') ? '&' : '?'
    for (const flag of ['pretty', 'pretty=1', 'pretty=true']) {
      const pretty = await get(app, `${url}${separator}${flag}`)
      assert.equal(pretty.statusCode, plain.statusCode, url)
      assert.equal(pretty.body, `${JSON.stringify(JSON.parse(plain.body), null, 2)}\n`, `${url} ${flag}`)
    }
    assert.equal((await get(app, `${url}${separator}pretty=false`)).body, plain.body)
  }
  assert.ok((await get(app, `${BASE}/all`)).rawPayload.length > 1024 * 1024, 'the full dump is large enough to be streamed')
})

test('Accept: application/x-ndjson streams one client per line on /all, the sub-routes and busca', async (t) => {
  const { app, simulator } = await setup(t)
  const cpf = String(simulator.dataset[3]!.cpf_cnpj)
  const urls = [`${BASE}/all`, `${BASE}/all?limit=7&cancelado=sim&relacoes=pacotes`, `${BASE}/all/cpf_cnpj/${cpf}`, `${BASE}/all/status/suspenso_debito`, `${BASE}/all/tecnologia/fibra?limit=3`, `${BASE}?busca=cpf_cnpj&termo_busca=${cpf}`, `${BASE}/all?offset=100000`]
  for (const url of urls) {
    const json = await get(app, url)
    const clientes = JSON.parse(json.body).clientes as unknown[]
    const ndjson = await get(app, url, { accept: 'application/x-ndjson' })
    assert.equal(ndjson.statusCode, 200, url)
    assert.match(String(ndjson.headers['content-type']), /^application\/x-ndjson/)
    assert.equal(ndjson.body, clientes.map((cliente) => `${JSON.stringify(cliente)}\n`).join(''), url)
    const gzipped = await get(app, url, { accept: 'application/x-ndjson', 'accept-encoding': 'gzip' })
    if (gzipped.headers['content-encoding'] === 'gzip') assert.equal(gunzipSync(gzipped.rawPayload).toString(), ndjson.body, url)
  }
  // The paginated route keeps its envelope (its paginacao block has no place in NDJSON).
  assert.match(String((await get(app, `${BASE}/todos?pagina=0&itens_por_pagina=3`, { accept: 'application/x-ndjson' })).headers['content-type']), /^application\/json/)
  // Errors stay JSON envelopes.
  const error = await get(app, `${BASE}/all?limit=0`, { accept: 'application/x-ndjson' })
  assert.equal(error.statusCode, 400)
  assert.equal(JSON.parse(error.body).code, 'invalid_parameter')
})
