// The committed openapi.yaml (and the types generated from it) are what the code generates;
// the document lints clean with Redocly's strict ruleset; it documents every route, every
// error code and the caching headers; and it is served as JSON, YAML and Swagger UI.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createConfig, lintFromString } from '@redocly/openapi-core'
import { parse } from 'yaml'
import { OPENAPI_TYPES_FILE, renderOpenapiTypes } from '../scripts/openapi-types.js'
import { ERROR_CATALOGUE, ERROR_CODE_LIST } from '../src/errors.js'
import { renderOpenapiYaml } from '../scripts/openapi-document.js'
import { startService, startSimulator } from './helpers/service.js'

interface Operation { operationId?: string, responses: Record<string, { description: string, headers?: Record<string, unknown>, content?: Record<string, unknown> }> }
interface OpenapiDocument {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, { enum?: string[], description?: string }> }
}

const committedYaml = readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')
const BASE = '/api/v1/integracao/cliente'
const DATA_PATHS = [`${BASE}/all`, `${BASE}/all/cpf_cnpj/{cpf_cnpj}`, `${BASE}/all/status/{status_prefixo}`, `${BASE}/all/tecnologia/{tecnologia}`, `${BASE}/todos`, BASE]

test('openapi.yaml and its generated types are in sync with the route schemas (run npm run openapi)', async () => {
  assert.equal(committedYaml, await renderOpenapiYaml())
  assert.equal(readFileSync(OPENAPI_TYPES_FILE, 'utf8'), await renderOpenapiTypes(committedYaml))
})

test('the document lints with zero problems (Redocly recommended-strict)', async () => {
  // Health probes have no client error to document; every other operation must document its 4xx.
  const config = await createConfig({ extends: ['recommended-strict'], rules: { 'operation-4xx-response': 'off' } })
  const problems = await lintFromString({ source: committedYaml, absoluteRef: new URL('../openapi.yaml', import.meta.url).pathname, config })
  assert.deepEqual(problems.map((problem) => `${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer ?? ''}`), [])
  const withoutHealth = parse(committedYaml) as OpenapiDocument
  for (const [path, item] of Object.entries(withoutHealth.paths)) {
    if (path.startsWith('/health/')) continue
    for (const operation of Object.values(item)) assert.ok(Object.keys(operation.responses).some((status) => status.startsWith('4')), path)
  }
})

test('the document describes every route, every error code and the caching headers', () => {
  const document = parse(committedYaml) as OpenapiDocument
  assert.equal(document.openapi, '3.1.0')
  assert.deepEqual(Object.keys(document.paths).sort(), [...DATA_PATHS, '/health/live', '/health/ready', '/status', '/metrics', '/admin/refresh', '/oauth/token'].sort())
  const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId))
  assert.equal(new Set(operationIds).size, operationIds.length)
  assert.ok(operationIds.every((id) => typeof id === 'string'))
  for (const name of ['Cliente', 'Servico', 'Endereco', 'ErrorEnvelope', 'ErrorCode', 'ClientesEnvelope', 'TodosEnvelope']) {
    assert.ok(name in document.components.schemas, name)
  }
  // Client fields carry their description and the vendor's example value (the vendor docs page for cliente/all).
  const properties = (name: string) => (document.components.schemas[name] as unknown as { properties: Record<string, { description?: string, examples?: unknown[] }> }).properties
  assert.deepEqual(properties('Cliente').cpf_cnpj!.examples, ['10682083681'])
  assert.match(properties('Cliente').cpf_cnpj!.description!, /CPF/)
  assert.deepEqual(properties('Cliente').codigo_cliente!.examples, [421])
  assert.deepEqual(properties('Servico').status_prefixo!.examples, ['servico_habilitado'])
  assert.deepEqual(properties('Servico').valor!.examples, [119.9])
  assert.deepEqual(properties('Pacote').valor!.examples, ['20'])
  assert.deepEqual(properties('Coordenadas').latitude!.examples, [-20.086592])
  assert.equal(properties('Cliente').nome_fantasia!.examples, undefined, 'null in the vendor example: no example')
  // Every catalogue code, with its status, is listed where clients look for it.
  const errorCode = document.components.schemas.ErrorCode!
  assert.deepEqual(errorCode.enum, ERROR_CODE_LIST)
  for (const code of ERROR_CODE_LIST) assert.ok(errorCode.description!.includes(`\`${code}\` (${ERROR_CATALOGUE[code].status})`), code)
  for (const path of DATA_PATHS) {
    const { responses } = document.paths[path]!.get!
    for (const status of ['200', '304']) {
      assert.deepEqual(Object.keys(responses[status]!.headers ?? {}).sort(), ['Cache-Control', 'ETag', 'Last-Modified', 'Vary', 'X-Snapshot-Age', 'X-Snapshot-Version'], `${path} ${status}`)
    }
    assert.equal(responses['304']!.content, undefined)
    for (const [status, code] of [['400', 'invalid_parameter'], ['401', 'unauthorized'], ['403', 'forbidden'], ['500', 'internal_error'], ['503', 'no_snapshot']] as const) {
      assert.match(responses[status]!.description, new RegExp(`\`${code}\``), `${path} ${status}`)
    }
  }
  assert.match(document.paths[`${BASE}/all/cpf_cnpj/{cpf_cnpj}`]!.get!.responses['404']!.description, /`not_found`/)
  assert.equal(document.paths[`${BASE}/all`]!.get!.responses['404'], undefined, 'only lookups document not_found')
  assert.ok('application/x-ndjson' in document.paths[`${BASE}/all`]!.get!.responses['200']!.content!)
  // A route that declares error statuses as plain envelope refs gets them described with their codes.
  const refresh = document.paths['/admin/refresh']!.post!.responses
  assert.match(refresh['409']!.description, /`refresh_running`/)
  assert.match(refresh['429']!.description, /`refresh_throttled`/)
  assert.ok('Retry-After' in (refresh['429']!.headers ?? {}))
})

test('the document is served as JSON and YAML, and Swagger UI at /docs', async (t) => {
  const simulator = await startSimulator(t, { clients: 5, seed: 1 })
  const app = await startService(t, simulator, {}, { start: false })
  const json = await app.inject({ url: '/openapi.json' })
  assert.equal(json.statusCode, 200)
  assert.deepEqual(JSON.parse(json.body).paths, (parse(committedYaml) as OpenapiDocument).paths)
  const yaml = await app.inject({ url: '/openapi.yaml' })
  assert.match(String(yaml.headers['content-type']), /^application\/yaml/)
  assert.deepEqual(parse(yaml.body).paths, (parse(committedYaml) as OpenapiDocument).paths)
  const ui = await app.inject({ url: '/docs/' })
  assert.equal(ui.statusCode, 200)
  assert.match(String(ui.headers['content-type']), /^text\/html/)
  assert.match(ui.body, /swagger-ui/i)
  const uiDocument = await app.inject({ url: '/docs/json' })
  assert.equal(JSON.parse(uiDocument.body).openapi, '3.1.0')
})
