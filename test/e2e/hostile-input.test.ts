// Hostile input, property-based (fast-check): thousands of generated requests over every
// route's path and query parameters — random unicode, huge numbers, arrays for scalars,
// duplicated parameters, percent-encoding tricks, path traversal, odd credentials and bodies —
// never get a 5xx, a stack trace or a secret back; the service's log lines are scanned for
// secrets and documents by startService when it closes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { ERROR_CATALOGUE } from '../../src/errors.js'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import { KEYS, startService, startSimulator } from '../helpers/service.js'

type Json = Record<string, any>
const BASE = '/api/v1/integracao/cliente'
/** At least this many requests per run. */
const RUNS = 2000

const PARAMETERS = ['data_inicio', 'data_fim', 'cancelado', 'codigo_pacote', 'relacoes', 'limit', 'offset', 'order_by', 'order_type', 'ultima_conexao',
  'pagina', 'itens_por_pagina', 'possui_pacote', 'servico_status', 'busca', 'termo_busca', '__proto__', 'constructor', 'limit[]', 'a']
const WORDS = ['sim', 'nao', 'asc', 'desc', 'data_cadastro', 'data_fechamento', 'pacotes,senhas', 'cpf_cnpj', 'telefone', 'login_radius', 'ipv4', 'mac',
  'nome_razaosocial', 'codigo_cliente', 'id_cliente_servico', 'servico_habilitado', 'fibra', '2020-01-01', '2020-02-30', '1', '0', '-1', '500', '501']
const TRICKS = ['%', '%zz', '%00', '%2e%2e%2f', '..%2f..%2f', '%c0%ae%c0%ae', '%ff%fe', '%u0041', '%25', '%2525', '[]', '{}', '%E2%80%AE', '%0d%0aSet-Cookie:%20x=1',
  '9'.repeat(400), '1e308', '-0', 'NaN', 'Infinity', '0x10', '1.5', '99999999999999999999999', '__proto__', 'toString', '<script>', "'; DROP TABLE--", '../../etc/passwd']

const hostileValue = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(...TRICKS),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.double().map(String),
  fc.stringMatching(/^[0-9.\-/]{0,20}$/)
)

const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMETERS), fc.string({ maxLength: 8 }).map(encodeURIComponent)), hostileValue), { maxLength: 6 })
  .map((pairs) => pairs.length === 0 ? '' : `?${pairs.map(([name, value]) => `${name}=${value}`).join('&')}`)

const path = fc.oneof(
  fc.constant(`${BASE}/all`),
  fc.constant(`${BASE}/todos`),
  fc.constant(BASE),
  hostileValue.map((value) => `${BASE}/all/cpf_cnpj/${value}`),
  hostileValue.map((value) => `${BASE}/all/status/${value}`),
  hostileValue.map((value) => `${BASE}/all/tecnologia/${value}`),
  fc.constantFrom('/status', '/health/live', '/health/ready', '/oauth/token', `${BASE}/../../../etc/passwd`, `${BASE}/%2e%2e/%2e%2e/status`,
    `${BASE}/all/`, `${BASE}//all`, '/API/V1/INTEGRACAO/CLIENTE/ALL', `${BASE}/all/cpf_cnpj/`, `${BASE}/all;limit=1`),
  hostileValue.map((value) => `/${value}`)
)

const credentials = fc.constantFrom<Record<string, string>>(
  {},
  { authorization: `Bearer ${KEYS.read}` },
  { 'x-api-key': KEYS.read },
  { authorization: 'Bearer ' },
  { authorization: `Basic ${Buffer.from(`reader:${KEYS.read}`).toString('base64')}` },
  { authorization: `Bearer ${KEYS.read}x` },
  { authorization: 'Bearer hbat_forged-token-0123456789abcdefghijklmnopqrstu' },
  { 'x-api-key': `${KEYS.read.slice(0, -1)}` }
)

const extraHeaders = fc.record({
  'if-none-match': fc.option(fc.oneof(fc.constant('*'), fc.string({ maxLength: 30 }).map((tag) => `"${tag.replace(/[^\x20-\x7e]/g, '')}"`)), { nil: undefined }),
  accept: fc.option(fc.constantFrom('application/json', '*/*', 'text/html', 'application/xml'), { nil: undefined })
}, { requiredKeys: [] })

function definedOnly (headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

const tokenBody = fc.oneof(
  fc.record({ grant_type: fc.oneof(fc.constantFrom('password', 'refresh_token', 'client_credentials'), fc.string()), client_id: fc.oneof(fc.constantFrom('reader', 'ops'), fc.string(), fc.integer()), client_secret: fc.oneof(fc.constant(KEYS.read), fc.string(), fc.array(fc.string())), refresh_token: fc.string() }, { requiredKeys: [] }).map((body) => ({ type: 'application/json', payload: JSON.stringify(body) })),
  fc.string({ maxLength: 200 }).map((payload) => ({ type: 'application/json', payload })),
  query.map((form) => ({ type: 'application/x-www-form-urlencoded', payload: form.slice(1) })),
  fc.string({ maxLength: 100 }).map((payload) => ({ type: 'text/plain', payload }))
)

const request = fc.oneof(
  { weight: 8, arbitrary: fc.record({ method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD'), url: fc.tuple(path, query).map(([p, q]) => `${p}${q}`), headers: fc.tuple(credentials, extraHeaders).map(([a, b]) => ({ ...a, ...definedOnly(b) })) }) },
  { weight: 2, arbitrary: fc.record({ method: fc.constant('POST'), url: fc.constant('/oauth/token'), headers: fc.constant({}), body: tokenBody }) }
)

/** A response body must never show how the code is laid out. */
const STACK_TRACE = /\bat [\w.<>]+ \(|\.ts:\d+:\d+|node:internal|node_modules|\n\s+at /

test(`hostile requests (${RUNS} per run): never a 5xx, a stack trace or a secret`, async (t) => {
  const simulator = await startSimulator(t, { clients: 40, seed: 31 })
  const app = await startService(t, simulator)
  const dataset = simulator.dataset as Json[]
  // read and stranger callers only: a secrets caller is meant to see passwords.
  const secrets = [...Object.values(KEYS), DEMO_CREDENTIALS.password, DEMO_CREDENTIALS.clientSecret,
    ...dataset.flatMap((cliente) => cliente.servicos as Json[]).flatMap((servico) => [servico.senha, ...(servico.senhas as Json[]).map((senha) => senha.senha)])
      .filter((senha): senha is string => typeof senha === 'string' && senha.length >= 8)]
  let requests = 0
  const statuses = new Map<number, number>()

  await fc.assert(fc.asyncProperty(request, async (generated) => {
    requests++
    const body = 'body' in generated ? generated.body : undefined
    const response = await app.inject({
      method: generated.method as 'GET',
      url: generated.url,
      headers: body === undefined ? generated.headers as Record<string, string> : { 'content-type': body.type },
      payload: body?.payload
    })
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1)
    const where = `${generated.method} ${generated.url} → ${response.statusCode} ${response.body.slice(0, 200)}`
    assert.ok(response.statusCode < 500, where)
    assert.equal(STACK_TRACE.test(response.body), false, where)
    for (const secret of secrets) assert.equal(response.body.includes(secret), false, `a secret in ${where}`)
    if (response.statusCode >= 400 && generated.method !== 'HEAD') {
      const error = JSON.parse(response.body) as Json
      assert.equal(error.status, 'error', where)
      assert.ok(Object.hasOwn(ERROR_CATALOGUE, error.code), where)
    }
  }), { numRuns: RUNS })

  assert.ok(requests >= RUNS, `${requests} requests`)
  // The generators reach the handlers, not only the guards in front of them.
  const summary = JSON.stringify(Object.fromEntries(statuses))
  for (const status of [200, 400, 401, 404]) assert.ok((statuses.get(status) ?? 0) >= RUNS / 50, `too few ${status}: ${summary}`)
  assert.equal(app.capturedLog.lines.some((line) => line.includes('"level":50')), false, 'no request logged an error')
})
