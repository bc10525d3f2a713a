// The security guarantees end to end (SECURITY.md): HubSoft-style tokens and their scopes,
// per-key rate limits with Retry-After, the full-download bound on the real routes, load
// shedding, no leak through ETag/304, one audit line per data request, masked URLs in logs,
// and header/body size limits.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { KEYS, bearer, startService, startSimulator } from '../helpers/service.js'

type Json = Record<string, any>
const BASE = '/api/v1/integracao/cliente'

async function setup (t: TestContext, env: Record<string, string> = {}, options: Parameters<typeof startService>[3] = {}) {
  const simulator = await startSimulator(t, { clients: 60, seed: 11 })
  const app = await startService(t, simulator, env, options)
  return { simulator, app, dataset: simulator.dataset as Json[] }
}

async function token (app: Awaited<ReturnType<typeof startService>>, clientId: string, clientSecret: string) {
  const response = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'password', client_id: clientId, client_secret: clientSecret, username: 'ignored', password: 'ignored' } })
  return { status: response.statusCode, body: response.json() as Json }
}

const senhas = (clientes: Json[]) => clientes.flatMap((cliente) => cliente.servicos as Json[]).flatMap((servico) => [servico.senha, ...(servico.senhas as Json[] ?? []).map((senha) => senha.senha)])

test('/oauth/token issues HubSoft-shaped tokens that carry exactly their key\'s scopes', async (t) => {
  const { app, dataset } = await setup(t)
  const read = await token(app, 'reader', KEYS.read)
  assert.equal(read.status, 200)
  assert.deepEqual(Object.keys(read.body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type'])
  assert.equal(read.body.token_type, 'Bearer')
  assert.equal(read.body.expires_in, 3600)

  const asRead = await app.inject({ url: `${BASE}/all`, headers: { authorization: `Bearer ${read.body.access_token}` } })
  assert.equal(asRead.statusCode, 200)
  assert.ok(senhas(asRead.json().clientes).every((senha) => senha === null), 'a read token sees passwords redacted')

  const secrets = await token(app, 'provisioning', KEYS.secrets)
  const asSecrets = await app.inject({ url: `${BASE}/all?cancelado=sim`, headers: { authorization: `Bearer ${secrets.body.access_token}` } })
  assert.deepEqual(senhas(asSecrets.json().clientes).filter((senha) => senha !== null).sort(), senhas(dataset).filter((senha) => senha !== null).sort())

  // The admin-only key has no data scope: its token gets 403, as the key does.
  const admin = await token(app, 'ops', KEYS.admin)
  assert.equal((await app.inject({ url: `${BASE}/all?limit=1`, headers: { authorization: `Bearer ${admin.body.access_token}` } })).statusCode, 403)
  assert.equal((await app.inject({ url: '/status', headers: { authorization: `Bearer ${admin.body.access_token}` } })).statusCode, 200)

  // Form bodies work too, and a refresh token gives a new access token once.
  const form = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `grant_type=refresh_token&client_id=reader&client_secret=${KEYS.read}&refresh_token=${read.body.refresh_token}`
  })
  assert.equal(form.statusCode, 200)
  assert.equal((await app.inject({ url: `${BASE}/all?limit=1`, headers: { authorization: `Bearer ${form.json().access_token}` } })).statusCode, 200)
  assert.equal((await app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=refresh_token&client_id=reader&client_secret=${KEYS.read}&refresh_token=${read.body.refresh_token}` })).statusCode, 401)
})

test('HTTP Basic carries the key as the password (or as the user with an empty password); a 401 always says how to authenticate', async (t) => {
  const { app } = await setup(t)
  const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`
  const as = async (authorization: string | undefined, url = '/status', accept?: string) => {
    const headers: Record<string, string> = {}
    if (authorization !== undefined) headers.authorization = authorization
    if (accept !== undefined) headers.accept = accept
    return await app.inject({ url, headers })
  }
  const accepted: Array<[string, string, string, string]> = [
    ['any user, the key as password', basic(`anyone:${KEYS.read}`), '/status', 'reader'],
    ['curl -u KEY:', basic(`${KEYS.admin}:`), '/status', 'ops'],
    ['the scheme is case-insensitive', basic(`x:${KEYS.read}`).replace('Basic', 'bAsIc'), '/status', 'reader'],
    ['on a data route too, with the key\'s scope', basic(`x:${KEYS.secrets}`), `${BASE}/all?limit=1`, 'provisioning']
  ]
  for (const [name, authorization, url] of accepted) assert.equal((await as(authorization, url)).statusCode, 200, name)
  // Scopes still apply: the admin-only key reads no data through Basic either.
  assert.equal((await as(basic(`x:${KEYS.admin}`), `${BASE}/all?limit=1`)).statusCode, 403)

  const refused: Array<[string, string | undefined, RegExp]> = [
    ['no credentials', undefined, /required/],
    ['wrong key', basic('x:wrong-key-0123456789abcdef'), /not valid/],
    ['the key as user with a wrong password', basic(`${KEYS.read}:wrong`), /not valid/],
    ['empty user and password', basic(':'), /required/],
    ['Basic with nothing after it', 'Basic', /required/],
    ['malformed base64', 'Basic !!!not-base64!!!', /not valid/],
    ['no colon inside', basic(KEYS.read), /not valid/],
    ['not UTF-8 inside', `Basic ${Buffer.from([0x78, 0x3a, 0xff]).toString('base64')}`, /not valid/]
  ]
  for (const [name, authorization, message] of refused) {
    const response = await as(authorization)
    assert.equal(response.statusCode, 401, name)
    assert.equal(response.json().code, 'unauthorized', name)
    assert.match(response.json().msg, message, name)
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="hubsoft-bff"', `${name}: an API client is offered Bearer`)
    const browser = await as(authorization, '/status', 'text/html,application/xhtml+xml,*/*;q=0.8')
    assert.equal(browser.statusCode, 401, name)
    assert.deepEqual(browser.headers['www-authenticate'], ['Bearer realm="hubsoft-bff"', 'Basic realm="hubsoft-bff", charset="UTF-8"'], `${name}: a browser is offered Basic too`)
  }
  // A data route's 401 carries the challenge as well.
  assert.equal((await as(undefined, `${BASE}/all?limit=1`)).headers['www-authenticate'], 'Bearer realm="hubsoft-bff"')
})

test('wrong credentials get HubSoft\'s own 401 invalid_credentials; bad requests a 400', async (t) => {
  const { app } = await setup(t)
  const hubsoftBody = { error: 'invalid_credentials', message: 'The user credentials were incorrect.' }
  for (const [clientId, clientSecret] of [['reader', 'wrong-key-0123456789abcdef'], ['provisioning', KEYS.read], ['nobody', KEYS.read], ['reader', '']]) {
    const { status, body } = await token(app, clientId!, clientSecret!)
    assert.equal(status, 401, `${clientId}`)
    assert.deepEqual({ error: body.error, message: body.message }, hubsoftBody)
    assert.equal(body.code, 'invalid_credentials')
  }
  const unsupported = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: 'reader', client_secret: KEYS.read } })
  assert.equal(unsupported.statusCode, 400)
  assert.equal(unsupported.json().error, 'invalid_request')
  const missing = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'password' } })
  assert.equal(missing.statusCode, 400)
  const notJson = await app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":' })
  assert.equal(notJson.statusCode, 400)
  assert.equal(notJson.json().status, 'error')
})

test('an access token stops working after ACCESS_TOKEN_TTL', async (t) => {
  let clock = Date.parse('2026-11-26T12:00:00Z')
  const { app } = await setup(t, { ACCESS_TOKEN_TTL: '10m' }, { now: () => clock })
  const { body } = await token(app, 'reader', KEYS.read)
  assert.equal(body.expires_in, 600)
  const call = async () => (await app.inject({ url: `${BASE}/all?limit=1`, headers: { authorization: `Bearer ${body.access_token}` } })).statusCode
  assert.equal(await call(), 200)
  clock += 599_000
  assert.equal(await call(), 200)
  clock += 1000
  assert.equal(await call(), 401)
})

test('the rate limit is per key, answers 429 with Retry-After, and throttles key guessing per IP', async (t) => {
  const { app } = await setup(t, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1m' })
  const as = async (headers: Record<string, string>, url = `${BASE}/all?limit=1`) => await app.inject({ url, headers })
  for (let i = 0; i < 3; i++) assert.equal((await as(bearer('read'))).statusCode, 200)
  const limited = await as(bearer('read'))
  assert.equal(limited.statusCode, 429)
  assert.equal(limited.headers['retry-after'], '60')
  assert.equal(limited.json().code, 'rate_limited')
  // The same key through a token shares its budget; another key has its own.
  const { body } = await token(app, 'reader', KEYS.read)
  assert.equal((await as({ authorization: `Bearer ${body.access_token}` })).statusCode, 429)
  assert.equal((await as(bearer('secrets'))).statusCode, 200)
  // Health checks are never limited.
  for (let i = 0; i < 5; i++) assert.equal((await app.inject({ url: '/health/live' })).statusCode, 200)
  // Wrong keys count against the caller's IP (the token request above used one of its 3).
  const guesses = []
  for (let i = 0; i < 3; i++) guesses.push((await as({ 'x-api-key': `guess-${i}-0123456789abcdef` })).statusCode)
  assert.deepEqual(guesses, [401, 401, 429])
})

test('full downloads beyond FULL_DUMP_CONCURRENCY are refused with 503 and Retry-After; bounded lists pass', async (t) => {
  const { app } = await setup(t, { FULL_DUMP_CONCURRENCY: '1' })
  const held = app.fullDumps.tryAcquire()
  assert.ok(typeof held === 'function', 'the one slot is free')
  for (const url of [`${BASE}/all`, `${BASE}/all?limit=5000`, `${BASE}/all/status/servico_habilitado`, `${BASE}/all/tecnologia/fibra?offset=3`]) {
    const refused = await app.inject({ url, headers: bearer('read') })
    assert.equal(refused.statusCode, 503, url)
    assert.equal(refused.headers['retry-after'], '10')
    assert.equal(refused.json().code, 'full_dump_busy')
  }
  for (const url of [`${BASE}/all?limit=1000`, `${BASE}/todos?pagina=0&itens_por_pagina=500`, `${BASE}?busca=codigo_cliente&termo_busca=1`]) {
    assert.equal((await app.inject({ url, headers: bearer('read') })).statusCode, 200, url)
  }
  // Strangers never reach the gate.
  assert.equal((await app.inject({ url: `${BASE}/all` })).statusCode, 401)
  held()
  assert.equal((await app.inject({ url: `${BASE}/all`, headers: bearer('read') })).statusCode, 200)
  assert.equal(app.fullDumps.inFlight, 0, 'the answered download gave its slot back')
})

test('under memory pressure data routes shed load with 503 overloaded; liveness still answers', async (t) => {
  const { app } = await setup(t, { OVERLOAD_HEAP_MB: '1' }, { pressureSampleIntervalMs: 20 })
  const deadline = Date.now() + 5000
  let response = await app.inject({ url: `${BASE}/all?limit=1`, headers: bearer('read') })
  while (response.statusCode !== 503 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    response = await app.inject({ url: `${BASE}/all?limit=1`, headers: bearer('read') })
  }
  assert.equal(response.statusCode, 503)
  assert.equal(response.json().code, 'overloaded')
  assert.equal(response.headers['retry-after'], '10')
  assert.equal((await app.inject({ url: '/health/live' })).statusCode, 200)
})

test('no ETag or 304 hands a secrets body to a read caller, or anything to a stranger', async (t) => {
  const { app } = await setup(t)
  const url = `${BASE}/all?limit=20`
  const secrets = await app.inject({ url, headers: bearer('secrets') })
  const etag = String(secrets.headers.etag)
  assert.ok(senhas(secrets.json().clientes).some((senha) => senha !== null), 'the secrets body has passwords')
  assert.match(String(secrets.headers['cache-control']), /^private, max-age=\d+$/, 'shared caches never keep a data answer')
  assert.match(String(secrets.headers.vary), /authorization/)
  assert.match(String(secrets.headers.vary), /x-api-key/)

  const { body } = await token(app, 'reader', KEYS.read)
  for (const headers of [bearer('read'), { authorization: `Bearer ${body.access_token}` }]) {
    const read = await app.inject({ url, headers: { ...headers, 'if-none-match': etag } })
    assert.equal(read.statusCode, 200, 'a read caller never revalidates into the secrets variant')
    assert.notEqual(read.headers.etag, etag)
    assert.ok(senhas(read.json().clientes).every((senha) => senha === null), 'and gets passwords redacted')
  }
  for (const ifNoneMatch of [etag, '*']) {
    const stranger = await app.inject({ url, headers: { 'if-none-match': ifNoneMatch } })
    assert.equal(stranger.statusCode, 401)
    assert.equal(stranger.headers.etag, undefined)
    assert.equal(stranger.json().code, 'unauthorized')
    const wrongKey = await app.inject({ url, headers: { 'if-none-match': ifNoneMatch, 'x-api-key': 'not-a-key-0123456789abcdef' } })
    assert.equal(wrongKey.statusCode, 401)
  }
})

test('one line per request, with the audit (key name, route, result count, status) for data requests; never the URL', async (t) => {
  const { app, dataset } = await setup(t)
  const cpf = dataset.find((cliente) => cliente.tipo_pessoa === 'pf' && typeof cliente.cpf_cnpj === 'string')!.cpf_cnpj as string
  const before = app.capturedLog.lines.length
  await app.inject({ url: `${BASE}/all?limit=7`, headers: bearer('read') })
  await app.inject({ url: `${BASE}/all/cpf_cnpj/${cpf}`, headers: bearer('secrets') })
  await app.inject({ url: `${BASE}?busca=cpf_cnpj&termo_busca=${cpf}` })
  await app.inject({ url: '/health/ready' })
  const lines = app.capturedLog.lines.slice(before).map((line) => JSON.parse(line) as Json)
  const audits = lines.filter((line) => line.audit !== undefined)
  assert.deepEqual(audits.map((line) => line.audit), [
    { keyName: 'reader', route: `${BASE}/all`, status: 200, results: 7 },
    { keyName: 'provisioning', route: `${BASE}/all/cpf_cnpj/:cpf_cnpj`, status: 200, results: dataset.filter((cliente) => cliente.cpf_cnpj === cpf).length },
    { keyName: null, route: BASE, status: 401, results: null }
  ])
  assert.ok(audits.every((line) => line.msg === 'data request' && line.level === 30), 'info lines')
  // One line per request, the audit in it for data routes; Fastify's own two lines are off.
  const requestLines = lines.filter((line) => line.req !== undefined)
  assert.equal(requestLines.length, 4)
  assert.deepEqual(requestLines.map((line) => [line.msg, line.res?.statusCode]), [['data request', 200], ['data request', 200], ['data request', 401], ['request completed', 200]])
  assert.equal(lines.some((line) => line.msg === 'incoming request'), false)
  const digits = cpf.replace(/\D/g, '')
  // Three digits, stars (punctuation kept), two digits: nothing in between survives.
  assert.match(requestLines[1]?.req.url, new RegExp(`cpf_cnpj/${digits.slice(0, 3)}[.*-]+${digits.slice(9)}$`))
  assert.match(requestLines[2]?.req.url, new RegExp(`termo_busca=${digits.slice(0, 3)}[.*-]+${digits.slice(9)}$`))
  assert.equal(JSON.stringify(lines).includes(digits), false)
})

test('the audit counts the clients of answers served from a cache: a repeated projection, the precompressed /all', async (t) => {
  const { app, dataset } = await setup(t)
  const cpf = dataset.find((cliente) => cliente.tipo_pessoa === 'pf' && typeof cliente.cpf_cnpj === 'string')!.cpf_cnpj as string
  const identity = await app.inject({ url: `${BASE}/all`, headers: bearer('read') })
  const listed = (identity.json() as { clientes: unknown[] }).clientes.length
  const before = app.capturedLog.lines.length
  // cancelado=sim is a projection the snapshot did not prepare: the second answer comes from the projection cache.
  for (let i = 0; i < 2; i++) assert.equal((await app.inject({ url: `${BASE}/all/cpf_cnpj/${cpf}?cancelado=sim`, headers: bearer('read') })).statusCode, 200)
  // The default /all gzip'd is compressed once; the second answer reuses the bytes.
  for (let i = 0; i < 2; i++) assert.equal((await app.inject({ url: `${BASE}/all`, headers: { ...bearer('read'), 'accept-encoding': 'gzip' } })).headers['content-encoding'], 'gzip')
  const results = app.capturedLog.lines.slice(before).map((line) => (JSON.parse(line) as Json).audit?.results)
  const withCpf = dataset.filter((cliente) => cliente.cpf_cnpj === cpf).length
  assert.deepEqual(results, [withCpf, withCpf, listed, listed])
})

test('oversized headers get 431 and oversized bodies 413, before any work; slow requests time out', async (t) => {
  const { app } = await setup(t, { REQUEST_TIMEOUT: '20s' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  assert.equal(app.server.requestTimeout, 20_000)
  assert.equal(app.server.timeout, 20_000)
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const huge = await fetch(`${base}/health/live`, { headers: { 'x-filler': 'a'.repeat(20 * 1024) } })
  assert.equal(huge.status, 431)
  const body = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 'reader', client_secret: 'x'.repeat(32 * 1024) }) })
  assert.equal(body.status, 413)
  assert.equal((await body.json() as Json).status, 'error')
})

test('behind a trusted proxy, callers without a key are limited by their X-Forwarded-For address', async (t) => {
  const { app } = await setup(t, { RATE_LIMIT_MAX: '1', TRUST_PROXY: '127.0.0.1' })
  const stranger = async (forwardedFor: string) => (await app.inject({ url: `${BASE}/all`, headers: { 'x-forwarded-for': forwardedFor } })).statusCode
  assert.equal(await stranger('203.0.113.7'), 401)
  assert.equal(await stranger('203.0.113.8'), 401, 'another address has its own budget')
  assert.equal(await stranger('203.0.113.7'), 429)
})
