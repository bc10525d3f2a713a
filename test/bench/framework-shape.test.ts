// The bench's reading of a route's hooks from Fastify's own printRoutes, against apps whose
// hooks the test adds itself.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { routeHooks } from '../../bench/framework-shape.js'

async function printed (build: (app: FastifyInstance) => void): Promise<string> {
  const app = Fastify({ logger: false })
  build(app)
  await app.ready()
  const routes = app.printRoutes({ includeHooks: true, commonPrefix: false })
  await app.close()
  return routes
}

const idle = (_request: unknown, _reply: unknown, done: () => void) => { done() }

test('routeHooks counts the global and the route\'s own hooks of each phase, and only that route\'s', async () => {
  const routes = await printed((app) => {
    app.addHook('onRequest', idle)
    app.addHook('onRequest', idle)
    app.addHook('onSend', (_request, _reply, payload, done) => { done(null, payload) })
    app.get('/items/:id', { onRequest: idle, preHandler: [idle, idle, idle] }, async () => 'one')
    app.get('/items/:id/parts', { preParsing: (_request, _reply, payload, done) => { done(null, payload) } }, async () => 'parts')
  })
  assert.deepEqual(routeHooks(routes, '/:id (GET)'), { onRequest: 3, preHandler: 3, onSend: 1 })
  assert.deepEqual(routeHooks(routes, '/parts (GET)'), { onRequest: 2, preParsing: 1, onSend: 1 })
})

test('routeHooks finds no hooks on a route that has none, and refuses a route not listed', async () => {
  const routes = await printed((app) => {
    app.get('/plain', async () => 'plain')
  })
  assert.deepEqual(routeHooks(routes, '/plain (GET)'), {})
  assert.throws(() => routeHooks(routes, '/elsewhere (GET)'), /lists no '\/elsewhere \(GET\)'/)
})
