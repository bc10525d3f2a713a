// The Refresher with a fleet coordinator, in process, two replicas on one real redis-server:
// a snapshot fetched by one is served by the other without an upstream request, and an attempt
// that provably sent nothing to HubSoft gives the fleet floor back to the next one.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startRedis } from '../helpers/redis-server.js'
import { loggedLines, snapshotDir, startService, startSimulator } from '../helpers/service.js'

type Json = Record<string, any>

test('a snapshot one replica fetched is served by the other from Redis, with no upstream request of its own', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const simulator = await startSimulator(t, { clients: 120, seed: 3 })
  const env = { REDIS_URL: redis.url, REFRESH_MIN_INTERVAL: '1m' }
  const a = await startService(t, simulator, env)
  assert.equal(simulator.counters.fetchCycles, 1)
  const b = await startService(t, simulator, env)
  assert.equal(simulator.counters.fetchCycles, 1, 'b fetched nothing')
  assert.equal(b.refresher.snapshot?.version, a.refresher.snapshot?.version)
  assert.equal(b.refresher.snapshot?.size, simulator.dataset.length)
  assert.equal(loggedLines(b, /^took the fleet's snapshot from Redis/).length, 1)
  // b asks for a refresh: the fleet floor a claimed refuses it, though b itself never fetched.
  const refused = await b.refresher.refresh('manual') as Json
  assert.equal(refused.refused, 'floor')
  assert.ok(refused.retryAt.getTime() > Date.now() + 50_000, 'about a minute left of the floor a started')
})

test('an attempt that never reached HubSoft gives the fleet floor back', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const simulator = await startSimulator(t, { clients: 60, seed: 4 })
  const env = { REDIS_URL: redis.url, REFRESH_MIN_INTERVAL: '1m' }
  // a cannot record its attempt time in SNAPSHOT_DIR (a directory sits where the file goes), so
  // it stops before its first request to HubSoft.
  const dirA = snapshotDir(t)
  mkdirSync(join(dirA, 'last-attempt.json'))
  writeFileSync(join(dirA, 'last-attempt.json', 'occupied'), '')
  const a = await startService(t, simulator, { ...env, SNAPSHOT_DIR: dirA }, { start: false })
  // It joins the fleet without start()'s own decision (which would find the attempt unreadable and wait).
  await a.fleet!.start(a.refresher)
  const failed = await a.refresher.refresh('manual') as Json
  assert.equal(failed.outcome, 'failed')
  assert.equal(failed.reason, 'persistence')
  assert.equal(simulator.requestCount('oauth/token') + simulator.requestCount('cliente/todos'), 0, 'nothing reached HubSoft')
  assert.equal(loggedLines(a, /^nothing reached HubSoft: the fleet floor claimed for this attempt is given back/).length, 1)

  // The next replica may fetch at once: the floor a claimed is gone.
  const b = await startService(t, simulator, env)
  assert.equal(simulator.counters.fetchCycles, 1)
  assert.equal(b.refresher.lastOutcome?.outcome, 'success')
})
