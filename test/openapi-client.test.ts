// A frontend team's view: the typed client package (clients/typescript/: the types generated
// from openapi.yaml with openapi-typescript, kept in sync by `npm run openapi`, and its
// openapi-fetch wrapper) type-checks these calls, and every answer of the running service —
// status, documented headers and body — is checked against the document at run time. Each
// operation of the document must be called.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import createClient from 'openapi-fetch'
import { parse } from 'yaml'
import { createHubsoftBffClient } from '../clients/typescript/src/index.js'
import type { Cliente, paths } from '../clients/typescript/src/index.js'
import { KEYS, startService, startSimulator } from './helpers/service.js'

interface Operation { operationId: string, responses: Record<string, { headers?: Record<string, unknown>, content?: Record<string, unknown> }> }
const document = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, Operation>> }
const DOCUMENT_ID = 'urn:hubsoft-bff:openapi'
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats.default(ajv)
ajv.addSchema({ ...document, $id: DOCUMENT_ID })

const pointer = (...segments: string[]) => segments.map((segment) => encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')
const called = new Set<string>()

/** Checks one answer against the document: a documented status, its headers, and its body for the media type. */
function conforms (template: string, method: string, response: Response, body: unknown) {
  const operation = document.paths[template]?.[method]
  assert.ok(operation, `${method} ${template} is documented`)
  called.add(operation.operationId)
  const documented = operation.responses[String(response.status)]
  assert.ok(documented, `${operation.operationId} documents status ${response.status}`)
  for (const header of Object.keys(documented.headers ?? {})) {
    assert.ok(response.headers.has(header), `${operation.operationId} ${response.status} sends ${header}`)
  }
  if (documented.content === undefined) {
    assert.equal(body, undefined, `${operation.operationId} ${response.status} has no body`)
    return
  }
  const mediaType = String(response.headers.get('content-type')).split(';', 1)[0]!
  assert.ok(mediaType in documented.content, `${operation.operationId} ${response.status} documents ${mediaType}`)
  const validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${pointer('paths', template, method, 'responses', String(response.status), 'content', mediaType, 'schema')}` })
  const items = mediaType === 'application/x-ndjson' ? String(body).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown) : [body]
  for (const item of items) assert.ok(validate(item), `${operation.operationId} ${response.status}: ${ajv.errorsText(validate.errors)}`)
}

test('the typed client generated from openapi.yaml works against the running service', async (t) => {
  const simulator = await startSimulator(t, { clients: 80, seed: 4 })
  const app = await startService(t, simulator)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  // A JSON client, as most frontends have; the NDJSON call below asks for text.
  const client = createHubsoftBffClient(baseUrl, KEYS.read)
  // Routes that need no key, and refusals, through openapi-fetch itself.
  const anonymous = createClient<paths, 'application/json'>({ baseUrl })
  const cliente = simulator.dataset.find((candidate) => (candidate.servicos ?? []).some((servico) => servico.status_prefixo === 'servico_habilitado'))!
  const cpfCnpj = String(cliente.cpf_cnpj)

  const all = await client.GET('/api/v1/integracao/cliente/all', { params: { query: { limit: 3, relacoes: 'pacotes,senhas', order_type: 'desc' } } })
  conforms('/api/v1/integracao/cliente/all', 'get', all.response, all.data)
  assert.equal(all.data?.clientes.length, 3)
  const etag = all.response.headers.get('etag')!
  const unchanged = await client.GET('/api/v1/integracao/cliente/all', { params: { query: { limit: 3, relacoes: 'senhas,pacotes', order_type: 'desc' }, header: { 'if-none-match': etag } } })
  assert.equal(unchanged.response.status, 304)
  conforms('/api/v1/integracao/cliente/all', 'get', unchanged.response, unchanged.data)
  const full = await client.GET('/api/v1/integracao/cliente/all', {})
  conforms('/api/v1/integracao/cliente/all', 'get', full.response, full.data)
  const lines = await client.GET('/api/v1/integracao/cliente/all', { params: { query: { limit: 5 } }, headers: { accept: 'application/x-ndjson' }, parseAs: 'text' })
  conforms('/api/v1/integracao/cliente/all', 'get', lines.response, lines.data)
  const badLimit = await client.GET('/api/v1/integracao/cliente/all', { params: { query: { limit: 0 } } })
  conforms('/api/v1/integracao/cliente/all', 'get', badLimit.response, badLimit.error)
  assert.equal(badLimit.error?.code, 'invalid_parameter')
  const noKey = await anonymous.GET('/api/v1/integracao/cliente/all', {})
  conforms('/api/v1/integracao/cliente/all', 'get', noKey.response, noKey.error)
  assert.equal(noKey.error?.code, 'unauthorized')

  const byCpf = await client.GET('/api/v1/integracao/cliente/all/cpf_cnpj/{cpf_cnpj}', { params: { path: { cpf_cnpj: cpfCnpj } } })
  conforms('/api/v1/integracao/cliente/all/cpf_cnpj/{cpf_cnpj}', 'get', byCpf.response, byCpf.data)
  assert.ok(byCpf.data?.clientes.some((found: Cliente) => found.id_cliente === cliente.id_cliente))
  const unknownCpf = await client.GET('/api/v1/integracao/cliente/all/cpf_cnpj/{cpf_cnpj}', { params: { path: { cpf_cnpj: '00000000191' } } })
  conforms('/api/v1/integracao/cliente/all/cpf_cnpj/{cpf_cnpj}', 'get', unknownCpf.response, unknownCpf.error)
  assert.equal(unknownCpf.error?.code, 'not_found')

  const byStatus = await client.GET('/api/v1/integracao/cliente/all/status/{status_prefixo}', { params: { path: { status_prefixo: 'servico_habilitado' }, query: { limit: 4 } } })
  conforms('/api/v1/integracao/cliente/all/status/{status_prefixo}', 'get', byStatus.response, byStatus.data)
  const byTecnologia = await client.GET('/api/v1/integracao/cliente/all/tecnologia/{tecnologia}', { params: { path: { tecnologia: 'fibra' }, query: { cancelado: 'sim', limit: 4 } } })
  conforms('/api/v1/integracao/cliente/all/tecnologia/{tecnologia}', 'get', byTecnologia.response, byTecnologia.data)

  const page = await client.GET('/api/v1/integracao/cliente/todos', { params: { query: { pagina: 1, itens_por_pagina: 25 } } })
  conforms('/api/v1/integracao/cliente/todos', 'get', page.response, page.data)
  assert.equal(page.data?.paginacao.pagina_atual, 1)
  const busca = await client.GET('/api/v1/integracao/cliente', { params: { query: { busca: 'cpf_cnpj', termo_busca: cpfCnpj } } })
  conforms('/api/v1/integracao/cliente', 'get', busca.response, busca.data)
  assert.ok((busca.data?.clientes.length ?? 0) > 0)

  const live = await anonymous.GET('/health/live', {})
  conforms('/health/live', 'get', live.response, live.data)
  const ready = await anonymous.GET('/health/ready', {})
  conforms('/health/ready', 'get', ready.response, ready.data)
  const status = await client.GET('/status', {})
  conforms('/status', 'get', status.response, status.data)
  assert.equal(status.data?.snapshot?.clients, simulator.dataset.length)
  const metrics = await client.GET('/metrics', { parseAs: 'text' })
  conforms('/metrics', 'get', metrics.response, metrics.data)
  assert.match(String(metrics.data), /^# HELP /m)

  // Inside the refresh floor that followed the start-up fetch, a manual refresh is throttled.
  const admin = createHubsoftBffClient(baseUrl, KEYS.admin)
  const refresh = await admin.POST('/admin/refresh', { params: { query: { accept_shrink: 'false' } } })
  conforms('/admin/refresh', 'post', refresh.response, refresh.error)
  assert.equal(refresh.error?.code, 'refresh_throttled')

  // An integration's drop-in login: HubSoft's password grant, with an API key as the client.
  const token = await anonymous.POST('/oauth/token', { body: { grant_type: 'password', client_id: 'reader', client_secret: KEYS.read, username: 'ignored', password: 'ignored' } })
  conforms('/oauth/token', 'post', token.response, token.data)
  // A request's own Authorization (here the token) wins over the client's key.
  const withToken = createHubsoftBffClient(baseUrl, 'not-a-key-the-service-knows')
  const viaToken = await withToken.GET('/api/v1/integracao/cliente/all', { params: { query: { limit: 1 } }, headers: { authorization: `Bearer ${String(token.data?.access_token)}` } })
  conforms('/api/v1/integracao/cliente/all', 'get', viaToken.response, viaToken.data)
  assert.equal(viaToken.data?.clientes.length, 1)
  const refused = await anonymous.POST('/oauth/token', { body: { grant_type: 'password', client_id: 'reader', client_secret: 'not-the-key-at-all' } })
  conforms('/oauth/token', 'post', refused.response, refused.error)
  assert.equal(refused.error?.code, 'invalid_credentials')

  const everyOperation = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId))
  assert.deepEqual([...called].sort(), everyOperation.sort(), 'every documented operation was called')
})
