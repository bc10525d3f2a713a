// Every data route, in both scopes, answers exactly the bytes a generic serialiser gives for the
// oracle's expected clients: JSON.stringify of the envelope. Prepared bytes, on-demand
// projections, cached answers and streamed ones must all be indistinguishable from it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bearer, startService, startSimulator } from '../helpers/service.js'
import type { KeyName } from '../helpers/service.js'
import { documentDigits, expectedClientes } from './oracle.js'
import type { Expectation } from './oracle.js'

type Json = Record<string, any>
const BASE = '/api/v1/integracao/cliente'

function envelope (clientes: Json[], extra: Json = {}): string {
  return JSON.stringify({ status: 'success', msg: 'Dados consultados com sucesso', clientes, ...extra })
}

test('every route answers the bytes JSON.stringify gives for the expected clients, in both scopes', async (t) => {
  // Enough clients for the full /all to pass 1 MiB and stream.
  const simulator = await startSimulator(t, { clients: 450, seed: 11 })
  const app = await startService(t, simulator)
  const dataset = simulator.dataset as Json[]
  const cliente = dataset.find((c) => c.servicos.length > 1 && typeof c.cpf_cnpj === 'string')!
  const servico = cliente.servicos[0]
  const status = 'suspenso_debito'
  const fiber = (s: Json) => typeof s.tecnologia === 'string' && s.tecnologia.toLowerCase() === 'fibra'

  const rows: Array<[string, Expectation, ((expected: Json[]) => Json)?]> = [
    ['/all', {}],
    ['/all?limit=7&offset=30&order_type=desc', { limit: 7, offset: 30, orderType: 'desc' }],
    ['/all?cancelado=sim', { cancelado: true }],
    ['/all?relacoes=pacotes,grupos&limit=20', { relations: ['pacotes', 'grupos'], limit: 20 }],
    ['/all?data_inicio=2019-01-01&order_by=data_fechamento', { dataInicio: '2019-01-01', orderBy: 'data_fechamento' }],
    [`/all/cpf_cnpj/${String(cliente.cpf_cnpj)}`, { clientHas: (c) => documentDigits(c.cpf_cnpj) === documentDigits(cliente.cpf_cnpj) }],
    [`/all/cpf_cnpj/${String(cliente.cpf_cnpj)}?cancelado=sim`, { cancelado: true, clientHas: (c) => documentDigits(c.cpf_cnpj) === documentDigits(cliente.cpf_cnpj) }],
    [`/all/status/${status}`, { serviceHas: (s) => s.status_prefixo === status }],
    ['/all/tecnologia/FIBRA?limit=50&offset=10', { serviceHas: fiber, limit: 50, offset: 10 }],
    [`?busca=login_radius&termo_busca=${String(servico.login)}`, { serviceHas: (s) => s.login === servico.login, limit: 5 }],
    [`?busca=id_cliente_servico&termo_busca=${String(servico.id_cliente_servico)}&cancelado=sim`, { cancelado: true, serviceHas: (s) => s.id_cliente_servico === servico.id_cliente_servico, limit: 5 }],
    ['/todos?pagina=1&itens_por_pagina=40', {}, (expected) => ({
      clientes: expected.slice(40, 80),
      paginacao: { primeira_pagina: 0, ultima_pagina: Math.ceil(expected.length / 40) - 1, pagina_atual: 1, total_registros: expected.length }
    })],
    ['/todos?pagina=0&itens_por_pagina=30&cancelado=sim&relacoes=senhas', { cancelado: true, relations: ['senhas'] }, (expected) => ({
      clientes: expected.slice(0, 30),
      paginacao: { primeira_pagina: 0, ultima_pagina: Math.ceil(expected.length / 30) - 1, pagina_atual: 0, total_registros: expected.length }
    })]
  ]
  for (const key of ['read', 'secrets'] as KeyName[]) {
    for (const [path, expectation, page] of rows) {
      const expected = expectedClientes(dataset, { ...expectation, secrets: key === 'secrets' })
      assert.ok(expected.length > 0, `${path} should select someone`)
      const body = page === undefined ? envelope(expected) : envelope(page(expected).clientes, { paginacao: page(expected).paginacao })
      // Twice: the second answer of a non-default projection comes from the cache.
      for (const round of [1, 2]) {
        const response = await app.inject({ method: 'GET', url: `${BASE}${path}`, headers: bearer(key) })
        assert.equal(response.statusCode, 200, `${key} ${path}`)
        assert.equal(response.body, body, `${key} ${path} (round ${round})`)
        const length = response.headers['content-length']
        if (length !== undefined) assert.equal(Number(length), Buffer.byteLength(body), `${key} ${path}: content-length`)
      }
    }
  }
})

test('an answer cached for one snapshot is not served from the next', async (t) => {
  const simulator = await startSimulator(t, { clients: 60, seed: 3 })
  let clock = Date.parse('2026-11-26T12:00:00Z')
  const app = await startService(t, simulator, {}, { now: () => clock })
  const url = `${BASE}/all?cancelado=sim&relacoes=grupos&limit=3`
  const before = await app.inject({ method: 'GET', url, headers: bearer('read') })
  assert.equal((await app.inject({ method: 'GET', url, headers: bearer('read') })).body, before.body, 'the second answer, from the cache, is the same')

  const dataset = simulator.dataset as Json[]
  const first = expectedClientes(dataset, { cancelado: true, limit: 1 })[0]!
  simulator.dataset = dataset.map((c) => c.id_cliente === first.id_cliente ? { ...c, nome_razaosocial: 'Nome Novo Depois da Troca' } : c) as typeof simulator.dataset
  clock += 24 * 3600_000
  assert.equal((await app.refresher.refresh('manual') as { outcome: string }).outcome, 'success')

  const after = await app.inject({ method: 'GET', url, headers: bearer('read') })
  assert.equal(after.body, envelope(expectedClientes(simulator.dataset as Json[], { cancelado: true, relations: ['grupos'], limit: 3 })))
  assert.match(after.body, /Nome Novo Depois da Troca/)
})
