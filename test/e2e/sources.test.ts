// HUBSOFT_SOURCE=todos (the default) and the legacy all, paged or in one request, build the
// same snapshot and serve byte-identical answers: integrations cannot tell which route fed it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bearer, startService, startSimulator } from '../helpers/service.js'

const BASE = '/api/v1/integracao/cliente'

test('the todos and all sources serve identical answers', async (t) => {
  const simulator = await startSimulator(t, { clients: 260, seed: 11 })
  const services = [
    await startService(t, simulator),
    await startService(t, simulator, { HUBSOFT_SOURCE: 'all', HUBSOFT_PAGE_SIZE: '70' }),
    await startService(t, simulator, { HUBSOFT_SOURCE: 'all', HUBSOFT_PAGE_SIZE: '0' })
  ]
  for (const app of services) assert.equal(app.refresher.lastOutcome?.outcome, 'success', app.refresher.lastOutcome?.error)
  assert.equal(simulator.requestCount('cliente/todos'), 6, '260 clients at 50 per page')
  assert.equal(simulator.requestCount('cliente/all'), 4 + 1, 'four pages of 70 plus one whole request')
  const [todos, ...legacy] = services
  for (const app of legacy) assert.equal(app.refresher.snapshot!.version, todos!.refresher.snapshot!.version)

  const urls = [
    `${BASE}/all`,
    `${BASE}/all?cancelado=sim&relacoes=grupos,porta_atendimento,status_conexao,senhas`,
    `${BASE}/all?order_by=data_fechamento&order_type=desc&limit=40&offset=3`,
    `${BASE}/all/status/suspenso_debito`,
    `${BASE}/all/tecnologia/fibra?data_inicio=2018-01-01`,
    `${BASE}/todos?pagina=1&itens_por_pagina=100`
  ]
  for (const url of urls) {
    for (const key of ['read', 'secrets'] as const) {
      const expected = await todos!.inject({ url, headers: bearer(key) })
      assert.equal(expected.statusCode, 200, url)
      for (const app of legacy) {
        const answer = await app.inject({ url, headers: bearer(key) })
        assert.equal(answer.body, expected.body, `${url} as ${key}`)
        assert.equal(answer.headers.etag, expected.headers.etag)
      }
    }
  }
})

test('a tenant whose cliente/all answers 403 fails the legacy source clearly', async (t) => {
  const simulator = await startSimulator(t, { clients: 30, seed: 11, legacyAllDiscontinued: true })
  const app = await startService(t, simulator, { HUBSOFT_SOURCE: 'all' })
  const status = await app.inject({ url: '/status', headers: bearer('read') })
  const last = status.json().refresh.last
  assert.equal(last.outcome, 'failed')
  assert.equal(last.reason, 'http_status')
  assert.match(last.error, /403.*HUBSOFT_SOURCE=todos/)
  assert.doesNotMatch(status.body, /descontinuada/, 'the upstream body is not relayed')
})
