// The compatibility suite: the requests real HubSoft integrations send, replayed byte for byte
// (method, path, query, headers, body) against the service over loopback, each named after the
// kind of client that sends it. Each asserts what that client needs from the answer — a token
// it can use, the same clients as without its empty parameters, names holding the letter it
// scanned, the order it asked for — not merely that it was not refused. Expected clients come
// from the simulator's raw dataset through the independent oracle (oracle.ts).
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { expectedClientes, plain } from './oracle.js'
import { bearer, startService, startSimulator } from '../helpers/service.js'

type Json = Record<string, any>

const CLIENT_ID = 'erp-integracao'
/** '+' and '/' are escaped by clients that form-encode Basic credentials (RFC 6749 §2.3.1). */
const CLIENT_SECRET = 'Sx9+k2/Lw8QzT4vB7nR1'
const ORIGIN = 'https://painel.provedor.example'
const PATH = '/api/v1/integracao/cliente'

async function setup (t: TestContext, { cors = true } = {}) {
  const simulator = await startSimulator(t, { clients: 150, seed: 17 })
  // A service field HubSoft sends when relacoes asks for it: the snapshot keeps it as fetched.
  const withConnection = simulator.dataset.find((cliente) => (cliente.servicos ?? []).some((servico) => servico.status_prefixo !== 'cancelado'))!
  const servico = withConnection.servicos!.find((candidate) => candidate.status_prefixo !== 'cancelado')!
  servico.ultima_conexao = { data_inicio: '2026-11-30 21:14:03', ip: '100.64.0.9' }
  const app = await startService(t, simulator, {
    API_KEYS: `${CLIENT_ID}:${CLIENT_SECRET}:read,reader:key-read-0123456789abcdef:read`,
    ...(cors ? { CORS_ORIGINS: ORIGIN } : {})
  })
  assert.equal(app.refresher.lastOutcome?.outcome, 'success', app.refresher.lastOutcome?.error)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  return { base, dataset: simulator.dataset as Json[], withConnection: withConnection as Json }
}

async function send (base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const response = await fetch(`${base}${path}`, { method, headers, body })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) as Json }
}

const read = { ...bearer('read'), accept: 'application/json' }

test('token requests as PHP, Python, Go, C# and Java clients send them each give a usable token', async (t) => {
  const { base } = await setup(t)
  const form = `grant_type=password&client_id=${CLIENT_ID}&client_secret=${encodeURIComponent(CLIENT_SECRET)}&username=suporte%40provedor.example&password=senha-do-usuario`
  const boundary = '------------------------d74496d66958873e'
  const multipartField = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`
  const requests: Array<[string, Record<string, string>, string]> = [
    // The vendor's PHP example (curl with a JSON body), and axios in TypeScript integrations.
    ['vendor PHP / axios: JSON', { 'content-type': 'application/json', accept: 'application/json' },
      JSON.stringify({ grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, username: 'suporte@provedor.example', password: 'senha-do-usuario' })],
    // Python requests with data={...}; the vendor's jQuery example ($.ajax with a plain object) sends the same.
    ['Python requests data= / jQuery $.ajax: form', { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', accept: '*/*' }, form],
    // PHP Unirest\Request::post($url, $headers, $array): curl turns the array into multipart.
    ['PHP Unirest: multipart', { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'application/json', 'user-agent': 'unirest-php/2.0' },
      multipartField('grant_type', 'password') + multipartField('client_id', CLIENT_ID) + multipartField('client_secret', CLIENT_SECRET) +
      multipartField('username', 'suporte@provedor.example') + multipartField('password', 'senha-do-usuario') + `--${boundary}--\r\n`],
    // Go golang.org/x/oauth2 PasswordCredentialsToken: client credentials in Basic, form-escaped, the user's in the form.
    ['Go x/oauth2: Basic + form', { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Go-http-client/1.1' },
      'grant_type=password&password=senha-do-usuario&username=suporte%40provedor.example'],
    // C# RestSharp with AddParameter for each field, and extra ones its integrators add.
    ['C# RestSharp: form with extra fields', { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json, text/json, text/x-json, text/javascript, application/xml, text/xml' },
      `${form}&scope=&provider=users`],
    // A Java client (OkHttp + Jackson) serialising its whole settings object.
    ['Java OkHttp: JSON with extra fields', { 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify({ grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, username: 'u', password: 'p', scope: '*', base_url: 'https://erp.example' })]
  ]
  for (const [client, headers, body] of requests) {
    const token = await send(base, 'POST', '/oauth/token', headers, body)
    assert.equal(token.status, 200, `${client}: ${JSON.stringify(token.body)}`)
    assert.equal(token.body!.token_type, 'Bearer', client)
    assert.ok(Number.isInteger(token.body!.expires_in) && token.body!.expires_in > 0, client)
    assert.equal(typeof token.body!.refresh_token, 'string', client)
    // What the client needs: the token opens the data routes.
    const used = await send(base, 'GET', `${PATH}/all?limit=1`, { authorization: `${token.body!.token_type as string} ${token.body!.access_token as string}` })
    assert.equal(used.status, 200, `${client}: the token is accepted`)
    assert.equal(used.body!.clientes.length, 1, client)
  }

  // Wrong credentials keep HubSoft's 401 body, which integrations parse for error_description.
  const wrong = await send(base, 'POST', '/oauth/token', { 'content-type': 'application/json' }, JSON.stringify({ grant_type: 'password', client_id: CLIENT_ID, client_secret: 'wrong-secret-0123456789' }))
  assert.equal(wrong.status, 401)
  assert.equal(wrong.body!.error, 'invalid_credentials')
  assert.equal(typeof wrong.body!.error_description, 'string')
  assert.equal(wrong.body!.message, wrong.body!.error_description)
  const wrongBasic = await send(base, 'POST', '/oauth/token', { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:nope-nope-nope-nope`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, 'grant_type=password')
  assert.equal(wrongBasic.status, 401)
  // A file in a multipart token body is refused, never buffered.
  const withFile = `--${boundary}\r\nContent-Disposition: form-data; name="client_id"\r\n\r\n${CLIENT_ID}\r\n--${boundary}\r\nContent-Disposition: form-data; name="cert"; filename="a.pem"\r\nContent-Type: application/octet-stream\r\n\r\nxxxx\r\n--${boundary}--\r\n`
  const refused = await send(base, 'POST', '/oauth/token', { 'content-type': `multipart/form-data; boundary=${boundary}` }, withFile)
  assert.equal(refused.status, 413)
  assert.equal(refused.body!.code, 'payload_too_large')
})

test("the vendor's Postman templates, every optional parameter sent empty, answer as without them", async (t) => {
  const { base, dataset } = await setup(t)
  const cpf = dataset.find((cliente) => typeof cliente.cpf_cnpj === 'string' && (cliente.servicos ?? []).some((servico: Json) => servico.status_prefixo !== 'cancelado'))!.cpf_cnpj as string
  const pairs: Array<[string, string, string]> = [
    // The Postman collection's cliente/all request and a PHP loader built from it.
    ['Postman cliente/all', `${PATH}/all?data_inicio=&data_fim=&cancelado=&codigo_pacote=&relacoes=&limit=&offset=&order_by=&order_type=&ultima_conexao=`, `${PATH}/all`],
    // The Postman collection's cliente/todos request, as its loaders page through it.
    ['Postman cliente/todos', `${PATH}/todos?pagina=0&itens_por_pagina=100&data_inicio=&data_fim=&cancelado=&possui_pacote=&codigo_pacote=&servico_status=&relacoes=`, `${PATH}/todos?pagina=0&itens_por_pagina=100`],
    // A bare flag (a query builder writing `servico_status` with no value).
    ['bare servico_status', `${PATH}/todos?pagina=1&itens_por_pagina=50&servico_status`, `${PATH}/todos?pagina=1&itens_por_pagina=50`],
    // possui_pacote=nao is the vendor's default: it filters nothing.
    ['possui_pacote=nao', `${PATH}/todos?pagina=0&itens_por_pagina=100&possui_pacote=nao`, `${PATH}/todos?pagina=0&itens_por_pagina=100`],
    // The Postman busca request with its blank optional fields.
    ['Postman busca', `${PATH}?busca=cpf_cnpj&termo_busca=${encodeURIComponent(cpf)}&limit=&cancelado=&order_by=&order_type=&relacoes=&servico_status=`, `${PATH}?busca=cpf_cnpj&termo_busca=${encodeURIComponent(cpf)}`]
  ]
  for (const [client, withEmpty, without] of pairs) {
    const [lenient, plainAnswer] = [await send(base, 'GET', withEmpty, read), await send(base, 'GET', without, read)]
    assert.equal(lenient.status, 200, `${client}: ${JSON.stringify(lenient.body)}`)
    assert.deepEqual(lenient.body, plainAnswer.body, client)
    assert.ok(lenient.body!.clientes.length > 0, `${client}: the loader sees the provider's clients`)
  }
  const todos = await send(base, 'GET', pairs[1]![1], read)
  assert.equal(todos.body!.paginacao.total_registros, expectedClientes(dataset).length, 'total_registros counts every client, as without the empty parameters')
  assert.deepEqual((await send(base, 'GET', pairs[0]![1], read)).body!.clientes, expectedClientes(dataset))
})

test('lookups as integrators write them: one-letter scans, connection tests, impossible terms, field orderings', async (t) => {
  const { base, dataset } = await setup(t)
  const hasA = (cliente: Json) => plain(cliente.nome_razaosocial).includes('a')

  // A chatbot's contact import scans the list letter by letter, 100 at a time.
  const scan = await send(base, 'GET', `${PATH}?busca=nome_razaosocial&termo_busca=a&limit=100`, read)
  assert.equal(scan.status, 200)
  assert.ok(scan.body!.clientes.length > 0)
  for (const cliente of scan.body!.clientes) assert.ok(hasA(cliente), `${cliente.nome_razaosocial as string} holds an a`)
  assert.deepEqual(scan.body!.clientes, expectedClientes(dataset, { clientHas: hasA, limit: 100 }))

  // An ordering by codigo_cliente, written by hand: numeric, descending.
  const byCodigo = await send(base, 'GET', `${PATH}?busca=nome_razaosocial&termo_busca=A&limit=100&order_by=codigo_cliente&order_type=desc`, read)
  assert.equal(byCodigo.status, 200)
  const expectedCodigos = expectedClientes(dataset, { clientHas: hasA }).map((cliente) => Number(cliente.codigo_cliente)).sort((a, b) => b - a).slice(0, 100)
  assert.deepEqual(byCodigo.body!.clientes.map((cliente: Json) => Number(cliente.codigo_cliente)), expectedCodigos)
  // By name, as the vendor's example orders: without case or accents.
  const byName = await send(base, 'GET', `${PATH}?busca=nome_razaosocial&termo_busca=a&limit=100&order_by=nome_razaosocial`, read)
  const names = byName.body!.clientes.map((cliente: Json) => plain(cliente.nome_razaosocial).trim().replace(/\s+/g, ' '))
  assert.deepEqual(names, [...names].sort())
  assert.equal(names.length, Math.min(100, expectedClientes(dataset, { clientHas: hasA }).length))

  // Connection tests (an empty term) and terms no client can have find no one: 200, empty list.
  const empties: Array<[string, string]> = [
    ['a connection test', `${PATH}?busca=cpf_cnpj&termo_busca=`],
    ['a connection test without termo_busca', `${PATH}?busca=nome_razaosocial`],
    ['a negative codigo_cliente', `${PATH}?busca=codigo_cliente&termo_busca=-5`],
    ['a short phone', `${PATH}?busca=telefone&termo_busca=1234`]
  ]
  for (const [client, path] of empties) {
    const answer = await send(base, 'GET', path, read)
    assert.equal(answer.status, 200, client)
    assert.deepEqual(answer.body, { status: 'success', msg: 'Dados consultados com sucesso', clientes: [] }, client)
  }

  // A Go integrator sends ultima_conexao=sim (and inativo, incluir_*) on every lookup: ignored there.
  const codigo = (scan.body!.clientes as Json[])[0]!.codigo_cliente as number
  const goLookup = await send(base, 'GET', `${PATH}?busca=codigo_cliente&termo_busca=${codigo}&ultima_conexao=sim&inativo=nao&incluir_contrato=sim&incluir_alarmes`, read)
  assert.equal(goLookup.status, 200)
  assert.deepEqual(goLookup.body!.clientes.map((cliente: Json) => cliente.codigo_cliente), [codigo])
  // On /all it stays the clear 400: live data a snapshot cannot answer.
  const live = await send(base, 'GET', `${PATH}/all?ultima_conexao=sim`, read)
  assert.equal(live.status, 400)
  assert.match(live.body!.msg, /ultima_conexao/)

  // relacoes, cancelado and servico_status on a lookup mean what they mean on /all and /todos.
  const relacoes = await send(base, 'GET', `${PATH}?busca=nome_razaosocial&termo_busca=a&limit=100&relacoes=grupos&cancelado=sim`, read)
  assert.deepEqual(relacoes.body!.clientes, expectedClientes(dataset, { clientHas: hasA, limit: 100, relations: ['grupos'], cancelado: true }))
  const suspended = await send(base, 'GET', `${PATH}?busca=nome_razaosocial&termo_busca=a&limit=100&servico_status=suspenso_debito`, read)
  assert.deepEqual(suspended.body!.clientes, expectedClientes(dataset, { clientHas: hasA, limit: 100, serviceHas: (servico) => servico.status_prefixo === 'suspenso_debito' }))
  assert.ok(suspended.body!.clientes.length > 0)
})

test('relacoes=…,ultima_conexao and trailing slashes reach the same answers; unknown names stay 400', async (t) => {
  const { base, dataset, withConnection } = await setup(t)
  // An integrator's cliente/todos walk asking for ultima_conexao with the packages.
  const todos = await send(base, 'GET', `${PATH}/todos?pagina=0&itens_por_pagina=500&relacoes=pacotes,ultima_conexao`, read)
  assert.equal(todos.status, 200)
  assert.deepEqual(todos.body!.clientes, expectedClientes(dataset, { relations: ['pacotes'] }))
  const served = (todos.body!.clientes as Json[]).find((cliente) => cliente.id_cliente === withConnection.id_cliente)!
  assert.deepEqual(served.servicos.find((servico: Json) => servico.ultima_conexao !== undefined)?.ultima_conexao, { data_inicio: '2026-11-30 21:14:03', ip: '100.64.0.9' },
    'served as the snapshot holds it')
  const unknown = await send(base, 'GET', `${PATH}/todos?pagina=0&itens_por_pagina=5&relacoes=pacotes,foo`, read)
  assert.equal(unknown.status, 400)
  assert.match(unknown.body!.msg, /foo/)

  // Base URLs configured with a trailing slash, and paths joined with one.
  const slashes: Array<[string, string]> = [
    [`${PATH}/all/?limit=3`, `${PATH}/all?limit=3`],
    [`${PATH}/todos/?pagina=0&itens_por_pagina=10`, `${PATH}/todos?pagina=0&itens_por_pagina=10`],
    [`${PATH}/?busca=nome_razaosocial&termo_busca=a`, `${PATH}?busca=nome_razaosocial&termo_busca=a`]
  ]
  for (const [withSlash, without] of slashes) {
    const answer = await send(base, 'GET', withSlash, read)
    assert.equal(answer.status, 200, withSlash)
    assert.ok(answer.body!.clientes.length > 0, withSlash)
    assert.deepEqual(answer.body, (await send(base, 'GET', without, read)).body, withSlash)
  }
})

test('a browser integration on a listed origin gets CORS answers; other origins get none', async (t) => {
  const { base, dataset } = await setup(t)
  // A single-page app's fetch() with an Authorization header: the browser preflights first.
  const preflight = await send(base, 'OPTIONS', `${PATH}/all?limit=5`, {
    origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-api-key'
  })
  assert.equal(preflight.status, 204)
  assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN)
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /\bGET\b/)
  for (const header of ['authorization', 'x-api-key', 'content-type']) {
    assert.match((preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase(), new RegExp(`\\b${header}\\b`), header)
  }
  // The token route, posted as JSON from the page.
  const tokenPreflight = await send(base, 'OPTIONS', '/oauth/token', { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' })
  assert.equal(tokenPreflight.status, 204)
  assert.equal(tokenPreflight.headers.get('access-control-allow-origin'), ORIGIN)

  // The cross-origin GET itself: readable by the page, and the answer varies on Origin.
  const get = await send(base, 'GET', `${PATH}/all?limit=5`, { ...read, origin: ORIGIN })
  assert.equal(get.status, 200)
  assert.equal(get.headers.get('access-control-allow-origin'), ORIGIN)
  assert.match(get.headers.get('vary') ?? '', /\borigin\b/i)
  assert.match(get.headers.get('vary') ?? '', /\bauthorization\b/i)
  assert.match((get.headers.get('access-control-expose-headers') ?? '').toLowerCase(), /\betag\b/)
  assert.deepEqual(get.body!.clientes, expectedClientes(dataset, { limit: 5 }))
  // A refusal is readable by the page too (it can tell a bad key from a network failure).
  const refused = await send(base, 'GET', `${PATH}/all?limit=5`, { origin: ORIGIN })
  assert.equal(refused.status, 401)
  assert.equal(refused.headers.get('access-control-allow-origin'), ORIGIN)

  // Any other origin: no CORS header, so the browser keeps the answer from the page.
  const stranger = await send(base, 'OPTIONS', `${PATH}/all`, { origin: 'https://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' })
  assert.equal(stranger.headers.get('access-control-allow-origin'), null)
  const strangerGet = await send(base, 'GET', `${PATH}/all?limit=1`, { ...read, origin: 'https://evil.example' })
  assert.equal(strangerGet.headers.get('access-control-allow-origin'), null)
})

test('without CORS_ORIGINS no CORS header is sent', async (t) => {
  const { base } = await setup(t, { cors: false })
  const get = await send(base, 'GET', `${PATH}/all?limit=1`, { ...read, origin: ORIGIN })
  assert.equal(get.status, 200)
  assert.equal(get.headers.get('access-control-allow-origin'), null)
  assert.doesNotMatch(get.headers.get('vary') ?? '', /origin/i)
})
