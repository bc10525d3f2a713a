// A misbehaving HubSoft (SECURITY.md, "A misbehaving HubSoft"): page walks no correct HubSoft
// produces stop at the first page that shows it, as `implausible`, counted in the floor and in
// /metrics, and cost no more requests than a correct walk of the largest list they announced;
// HubSoft's own messages reach the log with personal data masked. The request counts expected
// here are worked out by hand from the dataset size and the page size.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Cliente } from '../../src/hubsoft/cliente-schema.js'
import { generateDataset } from '../../src/simulator/dataset.js'
import type { SimulatorFaults } from '../../src/simulator/simulator.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { parseExposition, sampleValue } from '../helpers/prometheus-text.js'
import { bearer, loggedLines, startService, startSimulator } from '../helpers/service.js'

type Json = Record<string, any>

/** 120 clients at HUBSOFT_PAGE_SIZE 50: a correct walk is pages 0, 1 and 2. */
const CLIENTS = 120

async function attemptsLabelled (app: FastifyInstance, reason: string): Promise<number> {
  const text = (await app.inject({ url: '/metrics', headers: bearer('admin') })).body
  return sampleValue(parseExposition(text), 'hubsoft_bff_refresh_attempts_total', { trigger: 'startup', outcome: 'upstream_error', reason, status: '' })
}

async function hostileStart (t: TestContext, faults: SimulatorFaults, env: Record<string, string> = {}) {
  const simulator = await startSimulator(t, { clients: CLIENTS, seed: 131 })
  simulator.faults = faults
  const clock = new FakeClock()
  const app = await startService(t, simulator, env, { now: clock.now, timers: clock, random: () => 0 })
  return { simulator, app }
}

const walks: Array<{ name: string, faults: SimulatorFaults, env?: Record<string, string>, requests: number, largestAnnouncedWalk: number }> = [
  // Empty pages, total_registros 0 and ultima_pagina 99 999: a list of 0 ends at page 0.
  { name: 'empty pages announced up to page 99 999', faults: { shrinkTo: 0, paginacao: { ultima_pagina: 99_999 } }, requests: 1, largestAnnouncedWalk: 1 },
  // Pages of one client each (ultima_pagina 119 for 120 clients), though 50 were asked for.
  { name: 'one new client per page', faults: { clientsPerPage: 1 }, requests: 1, largestAnnouncedWalk: 3 },
  // Same, with an ultima_pagina that fits the total: page 0 is short and not the last.
  { name: 'short pages before the last', faults: { clientsPerPage: 1, paginacao: { ultima_pagina: 2 } }, requests: 1, largestAnnouncedWalk: 3 },
  // pagina ignored, every page is page 0, ultima_pagina 3000 for the 120 it counts.
  { name: 'pagina ignored, ultima_pagina 3000', faults: { ignorePagina: true, paginacao: { ultima_pagina: 3000 } }, requests: 1, largestAnnouncedWalk: 3 },
  // pagina ignored with a paginacao that fits itself (150 050 at 50 a page ends at 3000): page 1 repeats page 0.
  { name: 'pagina ignored, consistent paginacao', faults: { ignorePagina: true, paginacao: { ultima_pagina: 3000, total_registros: 150_050 } }, requests: 2, largestAnnouncedWalk: 3001 },
  // 10 000 announced over pages 0–199, 120 served: page 2 holds 20 and is not the last.
  { name: 'a total far above what it serves', faults: { paginacao: { ultima_pagina: 199, total_registros: 10_000 } }, requests: 3, largestAnnouncedWalk: 200 },
  // The legacy route ignoring offset: page 1 (offset 50) is page 0 again.
  { name: 'cliente/all ignoring offset', faults: { ignoreOffset: true }, env: { HUBSOFT_SOURCE: 'all' }, requests: 2, largestAnnouncedWalk: 3 }
]

for (const walk of walks) {
  test(`an implausible walk stops at once: ${walk.name}`, async (t) => {
    const { simulator, app } = await hostileStart(t, walk.faults, walk.env)
    const route = walk.env?.HUBSOFT_SOURCE === 'all' ? 'cliente/all' : 'cliente/todos'
    const last = app.refresher.lastOutcome
    assert.equal(last?.outcome, 'failed')
    assert.equal(last?.reason, 'implausible', last?.error)
    assert.equal(simulator.requestCount(route), walk.requests, 'requests HubSoft received')
    assert.ok(walk.requests <= walk.largestAnnouncedWalk, 'never more than a correct walk of the largest list announced')
    assert.equal(app.refresher.snapshot, null, 'nothing of it is served')
    assert.equal(await attemptsLabelled(app, 'implausible'), 1)
    // It reached HubSoft, so it starts the floor: an admin cannot walk it again at once.
    simulator.faults = {}
    const again = await app.inject({ method: 'POST', url: '/admin/refresh', headers: bearer('admin') })
    assert.equal(again.statusCode, 429)
    assert.equal(simulator.requestCount(route), walk.requests)
  })
}

test('a correct walk still passes beside these checks', async (t) => {
  const { simulator, app } = await hostileStart(t, {})
  assert.equal(app.refresher.lastOutcome?.outcome, 'success')
  assert.equal(app.refresher.snapshot?.size, CLIENTS)
  assert.equal(simulator.requestCount('cliente/todos'), 3)
})

test('HubSoft\'s msg is logged with personal data masked, and not at all when it names a password', async (t) => {
  const cpf = '266.181.148-61'
  const messages: Array<[string, RegExp]> = [
    [`Cliente Maria da Silva, CPF ${cpf}, e-mail maria.silva@example.com, fone (31) 99876-5432: erro ao consultar`, /CPF 266\.\*\*\*\.\*\*\*-61, e-mail mar\*\*\.\*\*\*\*\*@\*\*\*\*\*\*\*\.\*om, fone \(31\) 9\*\*\*\*-\*\*32/],
    [`Falha ao gravar: senha hunter2-secret do cliente ${cpf}`, /^\[redacted: the text names a password\]$/]
  ]
  for (const [msg, logged] of messages) {
    const { app } = await hostileStart(t, { errorMsg: msg })
    const lines = loggedLines(app, /refresh failed/)
    assert.equal(lines.length, 1)
    const line = lines[0] as Json
    assert.equal(line.refresh.reason, 'error_body')
    assert.match(line.refresh.upstreamMsg, logged)
    const everything = app.capturedLog.lines.join('\n')
    for (const secret of ['266.181.148-61', '26618114861', 'maria.silva@example.com', '99876-5432', 'hunter2-secret']) {
      assert.equal(everything.includes(secret), false, `${secret} reached the log`)
    }
  }
})

/** A service on a simulator holding `dataset`, whose first refresh has run. */
async function serviceOver (t: TestContext, dataset: Cliente[], faults: SimulatorFaults = {}, env: Record<string, string> = {}) {
  const simulator = await startSimulator(t, { dataset })
  simulator.faults = faults
  const app = await startService(t, simulator, env)
  return { simulator, app, last: app.refresher.lastOutcome }
}

/** A copy of a small generated dataset, with `edit` applied to its fourth client. */
function datasetWith (edit: (cliente: Cliente) => void): Cliente[] {
  const dataset = structuredClone(generateDataset({ clients: 30, seed: 132 }))
  edit(dataset[3]!)
  return dataset
}

function withServicos (count: number): (cliente: Cliente) => void {
  return (cliente) => {
    const servico = cliente.servicos![0]!
    cliente.servicos = Array.from({ length: count }, (_, i) => ({ ...servico, id_cliente_servico: 900_000 + i }))
  }
}

test('a client with more services than HUBSOFT_MAX_SERVICOS is refused as schema; one with that many passes', async (t) => {
  const over = await serviceOver(t, datasetWith(withServicos(51)), {}, { HUBSOFT_MAX_SERVICOS: '50' })
  assert.equal(over.last?.outcome, 'rejected')
  assert.equal(over.last?.reason, 'schema')
  assert.match(over.last?.error ?? '', /51 services, more than HUBSOFT_MAX_SERVICOS \(50\)/)
  assert.equal(over.app.refresher.snapshot, null)
  const at = await serviceOver(t, datasetWith(withServicos(50)), {}, { HUBSOFT_MAX_SERVICOS: '50' })
  assert.equal(at.last?.outcome, 'success')
  assert.equal(at.app.refresher.snapshot?.servicosCount, at.simulator.dataset.reduce((sum, cliente) => sum + (cliente.servicos?.length ?? 0), 0))
})

test('an unknown field nested 100 000 deep is refused as schema, not a stack overflow; a shallow one passes', async (t) => {
  const deep = await serviceOver(t, generateDataset({ clients: 30, seed: 133 }), { nestedFieldDepth: 100_000 })
  assert.equal(deep.last?.outcome, 'rejected')
  assert.equal(deep.last?.reason, 'schema', deep.last?.error)
  assert.match(deep.last?.error ?? '', /nests deeper than 32 levels/)
  const shallow = await serviceOver(t, generateDataset({ clients: 30, seed: 133 }), { nestedFieldDepth: 20 })
  assert.equal(shallow.last?.outcome, 'success', shallow.last?.error)
})

test('bytes that are not UTF-8 are counted in the refresh outcome, /status and /metrics', async (t) => {
  // Everything ASCII but one name, sent as Latin-1: ã, ç and ã are the bytes E3, E7 and E3,
  // none of them a valid UTF-8 sequence with what follows, so three U+FFFD.
  const ascii = (value: unknown): unknown => typeof value === 'string' ? value.normalize('NFD').replace(/[^\x20-\x7e]/g, '') : value
  const dataset = JSON.parse(JSON.stringify(generateDataset({ clients: 30, seed: 134 }), (_key, value: unknown) => ascii(value))) as Cliente[]
  dataset[5]!.nome_razaosocial = 'João Ação'
  const { app, last } = await serviceOver(t, dataset, { latin1: true })
  assert.equal(last?.outcome, 'success')
  assert.equal(last?.replacedCharacters, 3)
  const status = (await app.inject({ url: '/status', headers: bearer('admin') })).json() as Json
  assert.equal(status.refresh.last.replaced_characters, 3)
  const text = (await app.inject({ url: '/metrics', headers: bearer('admin') })).body
  assert.equal(sampleValue(parseExposition(text), 'hubsoft_bff_refresh_replaced_characters_total'), 3)
})

test('an id_cliente shaped like a CPF is quoted masked in the refresh error and the log', async (t) => {
  const cpfShaped = (cliente: Cliente) => {
    withServicos(51)(cliente)
    cliente.id_cliente = 26618114861
  }
  const { app, last } = await serviceOver(t, datasetWith(cpfShaped), {}, { HUBSOFT_MAX_SERVICOS: '50' })
  assert.equal(last?.reason, 'schema')
  assert.match(last?.error ?? '', /id_cliente 266\*{6}61\)/)
  assert.equal(app.capturedLog.lines.join('\n').includes('26618114861'), false)
})
