// Attacks on the service over loopback, each bounded in count and time, and the bound that
// stops it (SECURITY.md's "Abuse limits"): long parameters, cached keys, personal data in
// logged URLs, and the token answer's caching headers.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { request } from 'undici'
import { KEYS, bearer, loggedLines, snapshotDir, startService, startSimulator } from '../helpers/service.js'
import { runServerUntil, serverEnv } from '../helpers/server-process.js'
import { parseExposition, sampleValue } from '../helpers/prometheus-text.js'

type Json = Record<string, any>
const BASE = '/api/v1/integracao/cliente'

/** A started service listening on a loopback port, and its base URL. */
export async function listening (t: TestContext, env: Record<string, string> = {}, options: Parameters<typeof startService>[3] = {}, clients = 60) {
  const simulator = await startSimulator(t, { clients, seed: 13 })
  const app = await startService(t, simulator, env, options)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(typeof address === 'object' && address !== null)
  return { app, simulator, origin: `http://127.0.0.1:${address.port}`, port: address.port, dataset: simulator.dataset as Json[] }
}

async function get (origin: string, path: string, headers: Record<string, string> = bearer('read')) {
  const response = await request(`${origin}${path}`, { headers })
  const text = await response.body.text()
  return { status: response.statusCode, headers: response.headers, text }
}

/** Everything the service sends on one raw connection until it closes it; `talk` writes what it likes. */
async function rawConnection (port: number, talk: (socket: Socket) => void): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.on('data', (chunk: Buffer) => { received += chunk.toString() })
    socket.once('error', reject)
    socket.once('close', () => resolve(received))
    socket.once('connect', () => talk(socket))
  })
}

/** The status line and the JSON body of a raw answer. */
function rawAnswer (text: string): { statusLine: string, body: Json } {
  const [head, body = ''] = text.split('\r\n\r\n', 2)
  return { statusLine: head!.split('\r\n', 1)[0]!, body: JSON.parse(body) as Json }
}

async function scrape (origin: string) {
  return parseExposition((await get(origin, '/metrics')).text)
}

test('free-text parameters of kilobytes are a 400; cached answers count their keys in the budget', async (t) => {
  const { origin } = await listening(t)
  const long = 'Q'.repeat(15 * 1024)
  for (const path of [`${BASE}/all?codigo_pacote=${long}`, `${BASE}/todos?pagina=0&itens_por_pagina=1&codigo_pacote=${long}`, `${BASE}?busca=nome_razaosocial&termo_busca=${long}`]) {
    const answer = await get(origin, path)
    assert.equal(answer.status, 400, path.slice(0, 60))
    assert.equal(JSON.parse(answer.text).code, 'invalid_parameter')
  }
  // 200 characters are still a lookup; 40 distinct ones in a non-prepared projection are cached,
  // each under a key of more than 200 characters that the cache's bytes account for.
  const distinct = 40
  for (let i = 0; i < distinct; i++) {
    const answer = await get(origin, `${BASE}/all?cancelado=sim&limit=1&codigo_pacote=${String(i).padStart(200, 'x')}`)
    assert.equal(answer.status, 200)
  }
  const metrics = await scrape(origin)
  assert.equal(sampleValue(metrics, 'hubsoft_bff_projection_cache_entries'), distinct)
  assert.ok(sampleValue(metrics, 'hubsoft_bff_projection_cache_bytes') >= distinct * 2 * 200, 'keys are counted at two bytes a character')
})

test('URLs are logged masked after decoding: an escaped CPF in an escaped segment name, a CNPJ-shaped package code', async (t) => {
  const { app, origin, dataset } = await listening(t)
  const cpf = dataset.map((cliente) => cliente.cpf_cnpj).find((value): value is string => typeof value === 'string' && value.replace(/\D/g, '').length === 11)!
  const digits = cpf.replace(/\D/g, '')
  const punctuated = `${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6, 9)}-${digits.slice(9)}`
  const escaped = encodeURIComponent(punctuated).replaceAll('.', '%2E').replaceAll('-', '%2D')
  assert.equal((await get(origin, `${BASE}/all/cpf%5Fcnpj/${escaped}`)).status, 200)
  assert.equal((await get(origin, `${BASE}/all?limit=1&codigo_pacote=QIWUAB12CD3442`)).status, 200)
  const urls = loggedLines(app, /incoming request/).map((line) => String(line.req.url))
  const lookup = urls.find((url) => url.includes('cpf%5Fcnpj'))
  assert.equal(lookup, `${BASE}/all/cpf%5Fcnpj/${digits.slice(0, 3)}.***.***-${digits.slice(9)}`)
  assert.ok(urls.some((url) => url.endsWith('codigo_pacote=QIW*********42')), urls.join('\n'))
  // The log scan on close (test/helpers/service.ts) decodes escapes before looking for documents.
})

test('the token answer is never stored: Cache-Control no-store and Pragma no-cache (RFC 6749 §5.1)', async (t) => {
  const { origin } = await listening(t)
  const response = await request(`${origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', client_id: 'reader', client_secret: KEYS.read })
  })
  const body = await response.body.json() as Json
  assert.equal(response.statusCode, 200)
  assert.equal(typeof body.access_token, 'string')
  assert.equal(response.headers['cache-control'], 'no-store')
  assert.equal(response.headers.pragma, 'no-cache')
})

test('the OpenAPI documents and /docs are rendered once and rate-limited per address, like any keyless caller', async (t) => {
  const { app, origin } = await listening(t, { RATE_LIMIT_MAX: '6' })
  let renders = 0
  const swagger = app.swagger.bind(app)
  app.swagger = ((options?: { yaml?: boolean }) => { renders++; return swagger(options as never) }) as typeof app.swagger
  const statuses: number[] = []
  for (let i = 0; i < 10; i++) statuses.push((await get(origin, i % 2 === 0 ? '/openapi.yaml' : '/openapi.json', {})).status)
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429, 429])
  assert.equal(renders, 2, 'one render of each document, not one per request')
  assert.equal((await get(origin, '/docs/', {})).status, 429, 'the UI shares the address\'s budget')
  assert.equal((await get(origin, '/health/live', {})).status, 200)
})

test('HTML answers forbid scripts, framing and sniffing: the status page and Swagger UI', async (t) => {
  const { origin } = await listening(t)
  const page = await get(origin, '/status', { ...bearer('admin'), accept: 'text/html' })
  assert.equal(page.status, 200)
  assert.match(String(page.headers['content-type']), /^text\/html/)
  assert.match(String(page.headers['content-security-policy']), /default-src 'none'/)
  assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/)
  assert.equal(page.headers['x-content-type-options'], 'nosniff')
  assert.equal(page.headers['x-frame-options'], 'DENY')
  const ui = await get(origin, '/docs/', {})
  assert.equal(ui.status, 200)
  assert.match(String(ui.headers['content-security-policy']), /frame-ancestors 'none'/)
  assert.doesNotMatch(String(ui.headers['content-security-policy']), /validator\.swagger\.io/)
  assert.equal(ui.headers['x-content-type-options'], 'nosniff')
})

test('CSRF: a cross-site text/plain form replaying a browser\'s Basic sign-in changes nothing; each defence holds alone', async (t) => {
  const { origin, simulator, port } = await listening(t, {}, { start: false })
  const basicAdmin = `Basic ${Buffer.from(`ops:${KEYS.admin}`).toString('base64')}`
  const post = async (headers: Record<string, string>, body?: string) => {
    const response = await request(`${origin}/admin/refresh?accept_shrink=true`, { method: 'POST', headers, body })
    return { status: response.statusCode, body: await response.body.json() as Json }
  }
  const attacks: Array<[string, Record<string, string>, string | undefined, number, string]> = [
    ['the forged form as a browser sends it', { authorization: basicAdmin, 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, 'x=y', 415, 'unsupported_media_type'],
    ['no body, but from another site', { ...bearer('admin'), 'sec-fetch-site': 'cross-site' }, undefined, 403, 'forbidden'],
    ['a same-site sibling is another origin too', { ...bearer('admin'), 'sec-fetch-site': 'same-site' }, undefined, 403, 'forbidden'],
    ['an older browser: Origin only', { ...bearer('admin'), origin: 'https://evil.example' }, undefined, 403, 'forbidden'],
    ['a sandboxed frame: Origin null', { ...bearer('admin'), origin: 'null' }, undefined, 403, 'forbidden'],
    ['Basic from this very origin', { authorization: basicAdmin, 'sec-fetch-site': 'same-origin' }, undefined, 403, 'forbidden'],
    ['a JSON body the route does not read', { ...bearer('admin'), 'content-type': 'application/json' }, '{}', 415, 'unsupported_media_type']
  ]
  for (const [name, headers, body, status, code] of attacks) {
    const answer = await post(headers, body)
    assert.deepEqual([answer.status, answer.body.code], [status, code], name)
  }
  assert.equal(simulator.dataRequestCount(), 0, 'no refused request reached HubSoft')

  // The same request from a script (no ambient credential), from this origin, is accepted.
  const accepted = await post({ ...bearer('admin'), origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' })
  assert.equal(accepted.status, 202)
})

test('REQUEST_TIMEOUT bounds a slow head, a slow body and an idle keep-alive; parser refusals answer the envelope', { timeout: 30_000 }, async (t) => {
  const { origin, port } = await listening(t, { REQUEST_TIMEOUT: '1s' })
  // Node's defaults would keep each of these three open for a minute or more: the test's own
  // time limit is the bound shown. Node closes a timed-out connection without an answer.
  const slowHead = await rawConnection(port, (socket) => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: '))
  assert.equal(slowHead, '')
  const slowBody = await rawConnection(port, (socket) => socket.write('POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"grant_'))
  assert.equal(slowBody, '')
  const idle = await rawConnection(port, (socket) => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'))
  assert.match(idle, /^HTTP\/1\.1 200 OK/, 'answered, then the idle connection was closed')

  const hugeHead = await rawConnection(port, (socket) => socket.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`))
  assert.deepEqual(rawAnswer(hugeHead), { statusLine: 'HTTP/1.1 431 Request Header Fields Too Large', body: { status: 'error', msg: 'The request head is larger than 16 KiB', code: 'headers_too_large' } })
  const notHttp = await rawConnection(port, (socket) => socket.write('HELLO THERE\r\n\r\n'))
  assert.deepEqual(rawAnswer(notHttp), { statusLine: 'HTTP/1.1 400 Bad Request', body: { status: 'error', msg: 'The request is not valid HTTP/1.1', code: 'invalid_request' } })

  const metrics = await scrape(origin)
  assert.equal(sampleValue(metrics, 'hubsoft_bff_connections_cut_total', { reason: 'headers_too_large' }), 1)
  assert.equal(sampleValue(metrics, 'hubsoft_bff_connections_cut_total', { reason: 'invalid_request' }), 1)
})

/** A download whose reader stops reading after the first bytes; `resume` lets it drain what it was sent. */
function slowReader (port: number, path: string, key: keyof typeof KEYS): { resume: () => void, received: Promise<string> } {
  const socket = connect(port, '127.0.0.1')
  const received = new Promise<string>((resolve, reject) => {
    let text = ''
    socket.on('data', (chunk: Buffer) => {
      // Read nothing more for now: the kernel's buffers fill and the answer stalls.
      if (text === '') socket.pause()
      text += chunk.toString('latin1')
    })
    socket.once('error', reject)
    socket.once('close', () => resolve(text))
    socket.once('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS[key]}\r\n\r\n`))
  })
  return { resume: () => socket.resume(), received }
}

async function until (condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  assert.ok(condition(), 'the condition never held')
}

test('slow readers of full downloads hold at most FULL_DUMP_PER_KEY slots, and only for FULL_DUMP_TIMEOUT', { timeout: 60_000 }, async (t) => {
  // 3 000 clients re-rendered (cancelado=sim) are ~10 MB: more than loopback buffers take.
  const { app, origin, port } = await listening(t, { FULL_DUMP_CONCURRENCY: '4', FULL_DUMP_PER_KEY: '2', FULL_DUMP_TIMEOUT: '2s', HUBSOFT_PAGE_SIZE: '500' }, {}, 3000)
  const path = `${BASE}/all?cancelado=sim`
  const readers = [slowReader(port, path, 'read'), slowReader(port, path, 'read')]
  await until(() => app.fullDumps.inFlight === 2)
  // The same key's third is refused; another key still gets a download.
  const refused = await get(origin, path, bearer('read'))
  assert.equal(refused.status, 503)
  assert.deepEqual(JSON.parse(refused.text), { status: 'error', code: 'full_dump_busy', msg: 'Too many full downloads are running (at most 2 at once for one key); retry shortly or pass limit' })
  assert.equal((await get(origin, `${BASE}/all`, bearer('secrets'))).status, 200)
  // FULL_DUMP_TIMEOUT cuts both stalled answers mid-body and frees their slots.
  await until(() => app.fullDumps.inFlight === 0)
  assert.equal(sampleValue(await scrape(origin), 'hubsoft_bff_connections_cut_total', { reason: 'full_dump_timeout' }), 2)
  for (const reader of readers) reader.resume()
  for (const text of await Promise.all(readers.map(async (reader) => await reader.received))) {
    assert.match(text, /^HTTP\/1\.1 200 OK/)
    assert.doesNotMatch(text.slice(-200), /\]\}(\r\n0\r\n\r\n)?$/, 'the body was cut before its end')
  }
  assert.equal((await get(origin, path, bearer('read'))).status, 200, 'the key downloads again')
})

test('answers are bounded by what they cost: a limit=1000&cancelado=sim flood is shed while slow readers hold the slots', { timeout: 60_000 }, async (t) => {
  const { app, origin, port } = await listening(t, { FULL_DUMP_CONCURRENCY: '4', FULL_DUMP_PER_KEY: '2', HUBSOFT_PAGE_SIZE: '500' }, {}, 3000)
  // Two slow readers hold the key's two slots (a 1 000-client answer would fit in loopback's buffers).
  const readers = [0, 1].map((offset) => slowReader(port, `${BASE}/all?cancelado=sim&offset=${offset}`, 'read'))
  await until(() => app.fullDumps.inFlight === 2)
  // 60 bounded lists at once from the same key, each re-rendering 1 000 clients at its own
  // offset (so never cached): as costly as a download, so all refused at once.
  const flood = await Promise.all(Array.from({ length: 60 }, async (_, i) => await get(origin, `${BASE}/all?limit=1000&cancelado=sim&offset=${i + 2}`)))
  assert.deepEqual([...new Set(flood.map((answer) => answer.status))], [503])
  assert.equal(app.fullDumps.inFlight, 2, 'the key never held more than its share')
  assert.equal((await get(origin, '/health/live', {})).status, 200)
  assert.equal(sampleValue(await scrape(origin), 'hubsoft_bff_shed_requests_total', { reason: 'full_dump_busy' }), 60)
  // The same page size in the prepared projection costs a copy of bytes: it is not gated, nor is a small re-render.
  assert.equal((await get(origin, `${BASE}/all?limit=1000&offset=5`)).status, 200)
  assert.equal((await get(origin, `${BASE}/all?limit=100&cancelado=sim`)).status, 200)
  // A cliente/todos page of 500 re-rendered clients is as costly.
  assert.equal((await get(origin, `${BASE}/todos?pagina=0&itens_por_pagina=500&cancelado=sim`)).status, 503)
  for (const reader of readers) reader.resume()
  await Promise.all(readers.map(async (reader) => await reader.received))
})

test('under ulimit -n 300, 400 idle connections are bounded by MAX_CONNECTIONS and the process lives on', { timeout: 60_000 }, async (t) => {
  const simulator = await startSimulator(t, { clients: 20, seed: 13 })
  const env = serverEnv(simulator, { API_KEYS: `reader:${KEYS.read}:read`, SNAPSHOT_DIR: snapshotDir(t), OVERLOAD_EVENT_LOOP_DELAY_MS: '0' })
  let metrics = ''
  let live = 0
  const run = await runServerUntil(env, /^Server listening at/, async (lines) => {
    const listening = lines.find((line) => typeof line.msg === 'string' && line.msg.startsWith('Server listening at'))!
    const origin = String(listening.msg).replace('Server listening at ', '')
    const port = Number(new URL(origin).port)
    // Half-open callers: connected, sending nothing (each holds a descriptor until REQUEST_TIMEOUT).
    const sockets = await Promise.all(Array.from({ length: 400 }, async () => await new Promise<Socket>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.on('error', () => undefined)
      socket.once('connect', () => resolve(socket))
      socket.once('close', () => resolve(socket))
    })))
    // Give the under-pressure timer (1 s) a few samples with every descriptor the bound allows in use.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => setTimeout(resolve, 200))
    live = (await get(origin, '/health/live', {})).status
    metrics = (await get(origin, '/metrics')).text
  }, 300)
  assert.equal(run.aliveAtKill, true, 'the process survived')
  assert.equal(live, 200)
  // ulimit -n 300 less 64 kept for the service: at most 236 connections, so at least 164 dropped.
  const dropped = sampleValue(parseExposition(metrics), 'hubsoft_bff_connections_cut_total', { reason: 'max_connections' })
  assert.ok(dropped >= 400 - 236, `${dropped} dropped`)
  assert.equal(run.lines.some((line) => /EMFILE/.test(JSON.stringify(line))), false, 'no descriptor ran out')
})
