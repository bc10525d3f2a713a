// Swagger UI pre-fills every parameter's example, so a person's first "Execute" sends them all
// together: against the demo data (DEMO_SEED, DEMO_CLIENTS) that request must answer clients.
// The examples are read from the committed openapi.yaml, and each answer is compared with the
// oracle's independent reading of the same parameters over the simulator's raw dataset.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { DEMO_DEFAULT_CLIENTS, DEMO_DEFAULT_SEED } from '../src/simulator/dataset.js'
import { documentDigits, expectedClientes } from './e2e/oracle.js'
import type { Expectation } from './e2e/oracle.js'
import { bearer, startService, startSimulator } from './helpers/service.js'

type Json = Record<string, any>
interface Parameter { name: string, in: 'query' | 'path' | 'header', required?: boolean, example?: unknown, examples?: Record<string, { value: unknown }> }
interface Operation { operationId: string, tags: string[], parameters?: Parameter[] }

const document = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, Operation>> }

/** The values Swagger UI offers for a parameter: its example, or each of its named examples (the first is pre-selected). */
function exampleValues (parameter: Parameter): string[] {
  if (parameter.example !== undefined) return [String(parameter.example)]
  return Object.values(parameter.examples ?? {}).map((example) => String(example.value))
}

/** How the oracle reads each documented parameter; one without a reading fails the test, so new examples get checked too. */
const READINGS: Record<string, (value: string, e: Expectation) => Expectation> = {
  data_inicio: (value, e) => ({ ...e, dataInicio: value }),
  data_fim: (value, e) => ({ ...e, dataFim: value }),
  pretty: (_value, e) => e,
  cpf_cnpj: (value, e) => ({ ...e, clientHas: (cliente) => documentDigits(cliente.cpf_cnpj) === documentDigits(value) }),
  status_prefixo: (value, e) => ({ ...e, serviceHas: (servico) => servico.status_prefixo === value }),
  tecnologia: (value, e) => ({ ...e, serviceHas: (servico) => typeof servico.tecnologia === 'string' && servico.tecnologia.toLowerCase() === value.toLowerCase() }),
  pagina: (value, e) => ({ ...e, offset: Number(value) * Number(e.limit) }),
  itens_por_pagina: (value, e) => ({ ...e, limit: Number(value) })
}

/** busca/termo_busca as one reading: the term means nothing without the field it is looked up in. */
function buscaReading (query: Record<string, string>, e: Expectation): Expectation {
  assert.equal(query.busca, 'cpf_cnpj', 'the oracle reads the cpf_cnpj busca only: extend it with the new example')
  return { ...e, limit: 5, clientHas: (cliente) => documentDigits(cliente.cpf_cnpj) === documentDigits(query.termo_busca) }
}

interface ExampleRequest { operationId: string, url: string, expectation: Expectation }

/** One request per named example of a parameter (the others at their first), as a person would try them in turn. */
function exampleRequests (template: string, operation: Operation): ExampleRequest[] {
  const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in !== 'header' && exampleValues(parameter).length > 0)
  const missing = (operation.parameters ?? []).filter((parameter) => parameter.required === true && exampleValues(parameter).length === 0)
  assert.deepEqual(missing.map((parameter) => parameter.name), [], `${operation.operationId}: a required parameter without an example leaves Swagger UI's form unfilled`)
  const variants = parameters.flatMap((varied) => exampleValues(varied).slice(1).map((value) => ({ [varied.name]: value })))
  return [{}, ...variants].map((override) => {
    const values: Record<string, string> = Object.fromEntries(parameters.map((parameter) => [parameter.name, exampleValues(parameter)[0]!]))
    Object.assign(values, override)
    let path = template
    const query: Record<string, string> = {}
    for (const parameter of parameters) {
      const value = values[parameter.name]!
      if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, encodeURIComponent(value))
      else query[parameter.name] = value
    }
    // itens_por_pagina first, so pagina can be read as a page of that size.
    let expectation: Expectation = {}
    for (const name of Object.keys(values).sort((a, b) => Number(b === 'itens_por_pagina') - Number(a === 'itens_por_pagina'))) {
      if (name === 'busca' || name === 'termo_busca') continue
      const reading = READINGS[name]
      assert.ok(reading, `${operation.operationId}: no oracle reading for the example of ${name}`)
      expectation = reading(values[name]!, expectation)
    }
    if ('busca' in values) expectation = buscaReading(values, expectation)
    return { operationId: operation.operationId, url: `${path}?${new URLSearchParams(query).toString()}`, expectation }
  })
}

test('every list operation answers clients with the examples Swagger UI pre-fills, against the demo data', async (t) => {
  const simulator = await startSimulator(t, { clients: DEMO_DEFAULT_CLIENTS, seed: DEMO_DEFAULT_SEED })
  const app = await startService(t, simulator)
  const dataset = simulator.dataset as Json[]
  const requests = Object.entries(document.paths).flatMap(([template, item]) => Object.values(item)
    .filter((operation) => operation.tags.includes('clientes'))
    .flatMap((operation) => exampleRequests(template, operation)))
  assert.deepEqual([...new Set(requests.map((request) => request.operationId))].sort(),
    ['listClientes', 'listClientesByCpfCnpj', 'listClientesByStatus', 'listClientesByTecnologia', 'listClientesPaginated', 'searchClientes'])
  for (const { operationId, url, expectation } of requests) {
    const response = await app.inject({ method: 'GET', url, headers: bearer('read') })
    assert.equal(response.statusCode, 200, `${operationId} ${url}: ${response.body.slice(0, 200)}`)
    const ids = (JSON.parse(response.body) as { clientes: Json[] }).clientes.map((cliente) => cliente.id_cliente as number)
    const expected = expectedClientes(dataset, expectation).map((cliente) => cliente.id_cliente as number)
    assert.ok(expected.length > 0, `${operationId} ${url}: the demo data holds no client for these examples`)
    assert.deepEqual(ids.sort((a, b) => a - b), expected.sort((a, b) => a - b), `${operationId} ${url}`)
  }
})
