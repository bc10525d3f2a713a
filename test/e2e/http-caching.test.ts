// Caches and pollers pay nothing when nothing changed: ETags that ignore parameter
// order and defaults but not the scope or the snapshot, 304 with no body, If-Modified-Since,
// a max-age that ends at the refresh floor — and an ETag is never honoured for another URL, scope
// or snapshot, or before authentication (the README, "Conditional requests are ours").
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { bearer, startService, startSimulator } from '../helpers/service.js'
import type { KeyName } from '../helpers/service.js'

const BASE = '/api/v1/integracao/cliente'
const START = Date.parse('2026-11-26T12:00:00Z')
const FLOOR_MS = 15 * 60_000

async function setup (t: TestContext) {
  const simulator = await startSimulator(t, { clients: 60, seed: 11 })
  let clock = START
  const app = await startService(t, simulator, {}, { now: () => clock })
  return { simulator, app, advance: (ms: number) => { clock += ms } }
}

async function get (app: FastifyInstance, url: string, key: KeyName | null = 'read', headers: Record<string, string> = {}) {
  return await app.inject({ method: 'GET', url, headers: { ...(key === null ? {} : bearer(key)), ...headers } })
}

async function etagOf (app: FastifyInstance, url: string, key: KeyName = 'read'): Promise<string> {
  const response = await get(app, url, key)
  assert.equal(response.statusCode, 200, url)
  return String(response.headers.etag)
}

test('parameter order, defaults and spelling of the same query give the same ETag', async (t) => {
  const { app, simulator } = await setup(t)
  const cpf = String(simulator.dataset.find((cliente) => /^\d{11}$/.test(String(cliente.cpf_cnpj)))!.cpf_cnpj)
  const punctuated = `${cpf.slice(0, 3)}.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-${cpf.slice(9)}`
  const sameAnswers: string[][] = [
    [`${BASE}/all`, `${BASE}/all?cancelado=nao`, `${BASE}/all?offset=0&order_by=data_cadastro&order_type=asc`, `${BASE}/all?ultima_conexao=nao`,
      `${BASE}/all?relacoes=${encodeURIComponent('senhas,pacotes,endereco_instalacao,endereco_cadastral,endereco_cobranca,endereco_fiscal,interface,interface_roteamento,equipamento_conexao,equipamento_roteamento')}`],
    [`${BASE}/all?limit=5&cancelado=sim&relacoes=pacotes,senhas`, `${BASE}/all?relacoes=senhas,pacotes&cancelado=sim&limit=5`, `${BASE}/all?relacoes=senhas,%20pacotes,senhas&limit=5&cancelado=sim&offset=0`],
    [`${BASE}/all/cpf_cnpj/${cpf}`, `${BASE}/all/cpf_cnpj/${encodeURIComponent(punctuated)}`, `${BASE}/all/cpf_cnpj/${cpf}?order_type=asc`],
    [`${BASE}/all/tecnologia/fibra`, `${BASE}/all/tecnologia/FIBRA`],
    [`${BASE}/todos?pagina=0&itens_por_pagina=10`, `${BASE}/todos?itens_por_pagina=10&pagina=0&cancelado=nao`],
    [`${BASE}/todos?pagina=0&itens_por_pagina=10&servico_status=suspenso_debito,servico_habilitado`, `${BASE}/todos?servico_status=servico_habilitado,suspenso_debito&itens_por_pagina=10&pagina=0`],
    [`${BASE}?busca=cpf_cnpj&termo_busca=${cpf}`, `${BASE}?termo_busca=${encodeURIComponent(punctuated)}&busca=cpf_cnpj&limit=5`]
  ]
  const groups: string[] = []
  for (const urls of sameAnswers) {
    const etags = new Set<string>()
    const bodies = new Set<string>()
    for (const url of urls) {
      const response = await get(app, url)
      assert.equal(response.statusCode, 200, url)
      etags.add(String(response.headers.etag))
      bodies.add(response.body)
    }
    assert.equal(bodies.size, 1, `the same answer for ${urls.join(' | ')}`)
    assert.equal(etags.size, 1, `one ETag for ${urls.join(' | ')}`)
    groups.push([...etags][0]!)
  }
  assert.equal(new Set(groups).size, groups.length, 'different answers have different ETags')
  // Other representations of the same query are other bodies, so other tags.
  const plain = await etagOf(app, `${BASE}/all?limit=3`)
  assert.notEqual(String((await get(app, `${BASE}/all?limit=3&pretty`)).headers.etag), plain)
  assert.notEqual(String((await get(app, `${BASE}/all?limit=3`, 'read', { accept: 'application/x-ndjson' })).headers.etag), plain)
})

test('304 has no body; a read and a secrets caller never share an ETag; a new snapshot gets a new one', async (t) => {
  const { app, simulator, advance } = await setup(t)
  const urls = [`${BASE}/all`, `${BASE}/all?limit=2&relacoes=senhas`, `${BASE}/all/status/servico_habilitado`, `${BASE}/todos?pagina=0&itens_por_pagina=5`, `${BASE}?busca=nome_razaosocial&termo_busca=silva`]
  const before = new Map<string, string>()
  for (const url of urls) {
    const read = await etagOf(app, url, 'read')
    const secrets = await etagOf(app, url, 'secrets')
    assert.notEqual(read, secrets, url)
    before.set(url, read)
    const revalidated = await get(app, url, 'read', { 'if-none-match': read })
    assert.equal(revalidated.statusCode, 304, url)
    assert.equal(revalidated.body, '')
    assert.equal(revalidated.headers['content-length'] ?? '0', '0')
    assert.equal(revalidated.headers.etag, read)
    assert.equal((await get(app, url, 'secrets', { 'if-none-match': read })).statusCode, 200, `a secrets caller cannot revalidate into a read body: ${url}`)
    assert.equal((await get(app, url, 'read', { 'if-none-match': secrets })).statusCode, 200, `nor the other way round: ${url}`)
  }

  simulator.dataset = simulator.dataset.map((cliente, i) => i === 0 ? { ...cliente, nome_razaosocial: 'CLIENTE RENOMEADO' } : cliente)
  advance(FLOOR_MS + 1000)
  assert.equal((await app.refresher.refresh('manual') as { outcome: string }).outcome, 'success')
  for (const url of urls) {
    const response = await get(app, url, 'read', { 'if-none-match': before.get(url)! })
    assert.equal(response.statusCode, 200, `an older snapshot's ETag no longer matches: ${url}`)
    assert.notEqual(response.headers.etag, before.get(url))
    assert.equal(response.headers['x-snapshot-version'], app.refresher.snapshot!.version)
  }
})

test('Last-Modified and If-Modified-Since; If-None-Match wins when both are sent', async (t) => {
  const { app } = await setup(t)
  const url = `${BASE}/all?limit=3`
  const first = await get(app, url)
  const lastModified = String(first.headers['last-modified'])
  assert.equal(lastModified, app.refresher.snapshot!.fetchedAt.toUTCString())
  assert.equal((await get(app, url, 'read', { 'if-modified-since': lastModified })).statusCode, 304)
  assert.equal((await get(app, url, 'read', { 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() })).statusCode, 200)
  assert.equal((await get(app, url, 'read', { 'if-modified-since': 'yesterday' })).statusCode, 200)
  assert.equal((await get(app, url, 'read', { 'if-modified-since': lastModified, 'if-none-match': '"other"' })).statusCode, 200)
})

test('Cache-Control: private, max-age until the refresh floor ends; Vary names the auth and negotiation headers', async (t) => {
  const { app, advance } = await setup(t)
  const url = `${BASE}/all?limit=1`
  assert.equal((await get(app, url)).headers['cache-control'], `private, max-age=${FLOOR_MS / 1000}`)
  advance(10 * 60_000)
  assert.equal((await get(app, url)).headers['cache-control'], `private, max-age=${5 * 60}`)
  advance(6 * 60_000)
  assert.equal((await get(app, url)).headers['cache-control'], 'private, max-age=0', 'a refresh may swap the snapshot at any moment now')
  const vary = String((await get(app, url)).headers.vary).split(',').map((name) => name.trim().toLowerCase())
  for (const header of ['authorization', 'x-api-key', 'accept', 'accept-encoding']) assert.ok(vary.includes(header), header)
  assert.equal((await get(app, `${BASE}/all?limit=0`)).headers['cache-control'], 'no-store', 'errors are never cached')
  assert.equal((await get(app, '/health/live', null)).headers['cache-control'], 'no-cache')
})

test('an ETag never answers 304 for another URL, scope, snapshot or an unauthenticated caller', async (t) => {
  const { app, simulator, advance } = await setup(t)
  const etag = await etagOf(app, `${BASE}/all?limit=4`)
  const cases: Array<[string, KeyName | null, number]> = [
    [`${BASE}/all?limit=5`, 'read', 200],
    [`${BASE}/all/status/servico_habilitado`, 'read', 200],
    ['/status', 'read', 200],
    ['/health/live', null, 200],
    [`${BASE}/all?limit=4`, 'secrets', 200],
    [`${BASE}/all?limit=4`, null, 401]
  ]
  for (const [url, key, status] of cases) {
    const response = await get(app, url, key, { 'if-none-match': etag })
    assert.equal(response.statusCode, status, `${url} as ${String(key)}`)
  }
  simulator.dataset = simulator.dataset.slice(0, -1)
  advance(FLOOR_MS + 1000)
  assert.equal((await app.refresher.refresh('manual') as { outcome: string }).outcome, 'success')
  assert.equal((await get(app, `${BASE}/all?limit=4`, 'read', { 'if-none-match': etag })).statusCode, 200)
})

test('asked again, each representation of a URL keeps its own ETag', async (t) => {
  const { app } = await setup(t)
  const url = `${BASE}/all?limit=3`
  const representations: Array<[string, string, Record<string, string>]> = [
    ['json', url, {}],
    ['ndjson', url, { accept: 'application/x-ndjson' }],
    ['pretty', `${url}&pretty`, {}]
  ]
  const first = new Map<string, string>()
  for (let round = 0; round < 2; round++) {
    for (const [name, target, headers] of representations) {
      const response = await get(app, target, 'read', headers)
      assert.equal(response.statusCode, 200, name)
      const etag = String(response.headers.etag)
      if (round === 0) first.set(name, etag)
      else assert.equal(etag, first.get(name), `${name} asked again`)
    }
  }
  assert.equal(new Set(first.values()).size, 3, 'three representations, three ETags')
  const ndjsonTag = first.get('ndjson')!
  assert.equal((await get(app, url, 'read', { 'if-none-match': ndjsonTag })).statusCode, 200, 'the JSON answer does not revalidate with the NDJSON tag')
})
