// X-Request-Id: a safe presented id is kept, echoed and logged as the request's id; anything
// else is replaced by a fresh UUID; error answers carry it too.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bearer, loggedLines, startService, startSimulator } from '../../helpers/service.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

test('a presented X-Request-Id is echoed and is the reqId of the request\'s log lines', async (t) => {
  const simulator = await startSimulator(t, { clients: 5, seed: 1 })
  const app = await startService(t, simulator)
  const answer = await app.inject({ url: '/status', headers: { ...bearer('read'), 'x-request-id': 'nginx-7f3a9c0d1e2b' } })
  assert.equal(answer.statusCode, 200)
  assert.equal(answer.headers['x-request-id'], 'nginx-7f3a9c0d1e2b')
  const completed = loggedLines(app, /^request completed$/).filter((line) => line.reqId === 'nginx-7f3a9c0d1e2b')
  assert.equal(completed.length, 1, 'the access line carries the presented id')

  const refused = await app.inject({ url: '/status', headers: { 'x-request-id': 'trace:00-4bf92f3577b34da6' } })
  assert.equal(refused.statusCode, 401)
  assert.equal(refused.headers['x-request-id'], 'trace:00-4bf92f3577b34da6', 'error answers carry it too')
})

test('a missing, over-long or unsafe X-Request-Id is replaced by a fresh UUID', async (t) => {
  const simulator = await startSimulator(t, { clients: 5, seed: 1 })
  const app = await startService(t, simulator)
  const ids = new Set<string>()
  for (const presented of [undefined, 'x'.repeat(129), 'a b', '"><script>', '{"msg":"forged"}', '']) {
    const headers: Record<string, string> = presented === undefined ? bearer('read') : { ...bearer('read'), 'x-request-id': presented }
    const id = (await app.inject({ url: '/health/live', headers })).headers['x-request-id']
    assert.match(String(id), UUID, `${String(presented)} → ${String(id)}`)
    ids.add(String(id))
  }
  assert.equal(ids.size, 6, 'each one new')
  assert.equal((await app.inject({ url: '/health/live', headers: { 'x-request-id': 'x'.repeat(128) } })).headers['x-request-id'], 'x'.repeat(128), '128 characters are kept')
})
