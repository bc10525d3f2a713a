// The committed openapi.yaml is what the code generates, and the live document is served.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { renderOpenapiYaml } from '../src/http/openapi-document.js'

test('openapi.yaml is in sync with the route schemas (run npm run openapi)', async () => {
  const committed = readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')
  assert.equal(committed, await renderOpenapiYaml())
})

test('the document describes every route with an operationId and the error envelope', async () => {
  const document = parse(await renderOpenapiYaml()) as { openapi: string, paths: Record<string, Record<string, { operationId?: string, responses: Record<string, unknown> }>>, components: { schemas: Record<string, unknown> } }
  assert.equal(document.openapi, '3.1.0')
  const expectedPaths = [
    '/api/v1/integracao/cliente/all',
    '/api/v1/integracao/cliente/all/cpf_cnpj/{cpf_cnpj}',
    '/api/v1/integracao/cliente/all/status/{status_prefixo}',
    '/api/v1/integracao/cliente/all/tecnologia/{tecnologia}',
    '/api/v1/integracao/cliente/todos',
    '/api/v1/integracao/cliente',
    '/health/live',
    '/health/ready',
    '/oauth/token',
    '/status'
  ]
  assert.deepEqual(Object.keys(document.paths).sort(), [...expectedPaths].sort())
  const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId))
  assert.equal(new Set(operationIds).size, operationIds.length)
  assert.ok(operationIds.every((id) => typeof id === 'string'))
  for (const name of ['Cliente', 'Servico', 'Endereco', 'ErrorEnvelope', 'ClientesEnvelope', 'TodosEnvelope']) {
    assert.ok(name in document.components.schemas, name)
  }
})
