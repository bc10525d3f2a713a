// The embedded HubSoft behaves like the vendor where integrations notice: auth, validation
// errors as HTTP 200, 0-based pages, the legacy route, and the request counters.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'undici'
import { startSimulator } from '../helpers/service.js'

test('the simulator answers like HubSoft', async (t) => {
  const simulator = await startSimulator(t, { clients: 10, seed: 1 })
  const { clientId, clientSecret, username, password } = simulator.credentials
  const fields = { grant_type: 'password', client_id: clientId, client_secret: clientSecret, username, password }
  const asJson = await request(`${simulator.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) })
  assert.equal(asJson.statusCode, 200)
  const token = await asJson.body.json() as Record<string, unknown>
  assert.equal(token.token_type, 'Bearer')
  assert.equal(token.expires_in, 2592000)
  assert.equal(typeof token.access_token, 'string')
  const asForm = await request(`${simulator.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })
  assert.equal(asForm.statusCode, 200)
  await asForm.body.dump()
  const wrong = await request(`${simulator.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fields, password: 'nope' }) })
  assert.equal(wrong.statusCode, 401)
  assert.equal((await wrong.body.json() as Record<string, unknown>).error, 'invalid_credentials')
  assert.equal(simulator.counters.tokensIssued, 2)

  const withoutToken = await request(`${simulator.url}/api/v1/integracao/cliente/todos?pagina=0&itens_por_pagina=5`)
  assert.equal(withoutToken.statusCode, 401)
  await withoutToken.body.dump()

  const authorization = `Bearer ${token.access_token as string}`
  const cases: Array<[string, (body: Record<string, any>) => void]> = [
    // With cancelled services included, all 10 clients count: pages 0, 1, 2 of 4, 4, 2.
    ['cliente/todos?pagina=0&itens_por_pagina=4&cancelado=sim', (body) => {
      assert.equal(body.status, 'success')
      assert.deepEqual(body.paginacao, { primeira_pagina: 0, ultima_pagina: 2, pagina_atual: 0, total_registros: 10 })
      assert.deepEqual(body.clientes.map((c: { id_cliente: number }) => c.id_cliente), simulator.dataset.slice(0, 4).map((c) => c.id_cliente))
    }],
    ['cliente/todos?pagina=2&itens_por_pagina=4&cancelado=sim', (body) => {
      assert.deepEqual(body.clientes.map((c: { id_cliente: number }) => c.id_cliente), simulator.dataset.slice(8).map((c) => c.id_cliente))
    }],
    ['cliente/todos?itens_por_pagina=4', (body) => assert.equal(body.status, 'error')],
    ['cliente/todos?pagina=0&itens_por_pagina=501', (body) => assert.equal(body.status, 'error')],
    ['cliente/all?limit=0', (body) => assert.deepEqual(Object.keys(body).sort(), ['errors', 'msg', 'status'])],
    ['cliente/all?limit=3&cancelado=sim', (body) => assert.equal(body.clientes.length, 3)],
    ['cliente?termo_busca=1', (body) => assert.equal(body.status, 'error')],
    // A lookup without a term (the connection test integrators send) finds no one.
    ['cliente?busca=telefone', (body) => assert.deepEqual(body.clientes, [])],
    // Empty parameters are parameters not sent, as Laravel reads them.
    ['cliente/todos?pagina=0&itens_por_pagina=4&cancelado=&servico_status=&codigo_pacote=&relacoes=', (body) => {
      assert.equal(body.status, 'success')
      assert.equal(body.paginacao.total_registros, simulator.dataset.filter((c) => c.servicos!.length === 0 || c.servicos!.some((s) => s.status_prefixo !== 'cancelado')).length)
    }],
    ['cliente/all/?limit=3&cancelado=sim', (body) => assert.equal(body.clientes.length, 3)]
  ]
  for (const [path, check] of cases) {
    const response = await request(`${simulator.url}/api/v1/integracao/${path}`, { headers: { authorization } })
    assert.equal(response.statusCode, 200, `${path}: the vendor answers validation errors with HTTP 200`)
    check(await response.body.json() as Record<string, any>)
  }
  simulator.legacyAllDiscontinued = true
  const discontinued = await request(`${simulator.url}/api/v1/integracao/cliente/all`, { headers: { authorization } })
  assert.equal(discontinued.statusCode, 403)
  await discontinued.body.dump()
  assert.equal(simulator.counters.requests['cliente/all']!['403'], 1)
  assert.equal(simulator.dataRequestCount(), 1 + cases.length + 1)
})
