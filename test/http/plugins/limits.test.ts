// Proves the full-download gate: at most N answers at once, the N+1th refused with a clear 503
// and Retry-After, a slot held until the answer is sent or the caller goes away.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { PassThrough } from 'node:stream'
import Fastify from 'fastify'
import { Agent, request as undiciRequest } from 'undici'
import { loadConfig } from '../../../src/config.js'
import errorDocsPlugin from '../../../src/http/plugins/error-docs.js'
import errorsPlugin from '../../../src/http/plugins/errors.js'
import { ConcurrencyGate } from '../../../src/http/plugins/limits/concurrency-gate.js'
import limitsPlugin from '../../../src/http/plugins/limits/limits.js'
import { ErrorCodeSchema, ErrorEnvelopeSchema } from '../../../src/http/schemas/errors.js'

test('ConcurrencyGate admits max holders, and a release (once) frees one slot', () => {
  const gate = new ConcurrencyGate(2)
  const first = gate.tryAcquire()
  const second = gate.tryAcquire()
  assert.ok(typeof first === 'function' && typeof second === 'function', 'two slots')
  assert.equal(gate.tryAcquire(), 'full')
  first()
  first()
  assert.equal(gate.inFlight, 1)
  const third = gate.tryAcquire()
  assert.ok(typeof third === 'function', 'a freed slot is reused')
  assert.equal(gate.tryAcquire(), 'full')
})

test('ConcurrencyGate holds at most maxPerHolder slots for one holder, leaving the rest to others', () => {
  const gate = new ConcurrencyGate(4, 2)
  const a1 = gate.tryAcquire('a')
  assert.ok(typeof a1 === 'function')
  assert.ok(typeof gate.tryAcquire('a') === 'function')
  assert.equal(gate.tryAcquire('a'), 'holder', 'a third for the same holder')
  assert.ok(typeof gate.tryAcquire('b') === 'function')
  assert.ok(typeof gate.tryAcquire('b') === 'function')
  assert.equal(gate.tryAcquire('c'), 'full')
  a1()
  assert.equal(gate.tryAcquire('b'), 'holder')
  assert.ok(typeof gate.tryAcquire('a') === 'function', 'a released slot is the holder\'s again')
})

/** The real plugin in front of a list route whose body we hold open. */
async function gatedApp (t: import('node:test').TestContext, concurrency: number) {
  const { limits } = loadConfig({ FULL_DUMP_CONCURRENCY: String(concurrency), FULL_DUMP_PER_KEY: String(concurrency), RATE_LIMIT_MAX: '1000' })
  const app = Fastify()
  await app.register(errorsPlugin)
  app.decorateRequest('apiKey', null)
  await app.register(limitsPlugin, { limits })
  const bodies: PassThrough[] = []
  const querystring = { type: 'object', properties: { limit: { type: 'integer' } } }
  app.get('/api/v1/integracao/cliente/all', { config: { fullDump: true }, schema: { querystring } }, async (_request, reply) => {
    const body = new PassThrough()
    bodies.push(body)
    body.write('{"status":"success","clientes":[')
    return await reply.type('application/json').send(body)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  // Our own connection pool, closed first, so no keep-alive socket holds the server open.
  const agent = new Agent()
  t.after(async () => {
    for (const body of bodies) body.end()
    await agent.close()
    await app.close()
  })
  const request = async (target: string) => await undiciRequest(target, { dispatcher: agent })
  return { app, bodies, request, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/integracao/cliente/all` }
}

test('the N+1th concurrent full download is refused until one finishes or is abandoned', async (t) => {
  const { app, bodies, url, request } = await gatedApp(t, 2)
  const first = await request(url)
  const second = await request(url)
  assert.equal(first.statusCode, 200)
  assert.equal(app.fullDumps.inFlight, 2)

  const refused = await request(url)
  assert.equal(refused.statusCode, 503)
  assert.equal(refused.headers['retry-after'], '10')
  assert.deepEqual(await refused.body.json(), { status: 'error', code: 'full_dump_busy', msg: 'Too many full downloads are running (at most 2 at once); retry shortly or pass limit' })

  // A bounded page is not a full download.
  const page = await request(`${url}?limit=10`)
  assert.equal(page.statusCode, 200)
  bodies[2]!.end(']}')
  await page.body.text()

  // The first finishes: its slot is free again.
  bodies[0]!.end(']}')
  await first.body.text()
  const third = await request(url)
  assert.equal(third.statusCode, 200)

  // The second caller hangs up mid-answer: its slot is freed too.
  second.body.destroy()
  bodies[1]!.write('{}')
  while (app.fullDumps.inFlight > 1) await once(bodies[1]!, 'close').catch(() => undefined).then(() => new Promise((resolve) => setImmediate(resolve)))
  const fourth = await request(url)
  assert.equal(fourth.statusCode, 200)
  for (const body of bodies) body.end(']}')
  await Promise.all([third.body.text(), fourth.body.text()])
})

test('a route declared config.fullDump is gated and documents full_dump_busy; an undeclared one neither', async (t) => {
  const { limits } = loadConfig({ FULL_DUMP_CONCURRENCY: '1', RATE_LIMIT_MAX: '1000' })
  const app = Fastify()
  t.after(() => app.close())
  app.addSchema(ErrorCodeSchema)
  app.addSchema(ErrorEnvelopeSchema)
  await app.register(errorsPlugin)
  await app.register(errorDocsPlugin)
  app.decorateRequest('apiKey', null)
  await app.register(limitsPlugin, { limits })
  const documented = new Map<string, string[]>()
  app.addHook('onRoute', (route) => {
    if (route.method === 'GET') documented.set(route.url, Object.keys(route.schema?.response ?? {}))
  })
  const schema = () => ({ response: { 200: { type: 'object' } } })
  app.get('/new-list', { config: { fullDump: true }, schema: schema() }, async () => ({}))
  app.get('/new-lookup', { schema: schema() }, async () => ({}))
  await app.ready()
  // Documented: 500 internal_error for every route, and 503 full_dump_busy for the declared list only.
  assert.deepEqual(documented.get('/new-list'), ['200', '500', '503'])
  assert.deepEqual(documented.get('/new-lookup'), ['200', '500'])

  const held = app.fullDumps.tryAcquire()
  assert.ok(typeof held === 'function')
  const refused = await app.inject({ url: '/new-list' })
  assert.equal(refused.statusCode, 503)
  assert.equal(refused.json().code, 'full_dump_busy')
  assert.equal((await app.inject({ url: '/new-lookup' })).statusCode, 200)
  held()
  assert.equal((await app.inject({ url: '/new-list' })).statusCode, 200)
})
