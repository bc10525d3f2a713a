// Redis stopped under a running fleet: every replica keeps serving and stays ready, and nothing
// reaches HubSoft, not even once the floor has passed and every replica has been asked for a
// manual refresh, until Redis is back.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { allReady, eventually, fleetEnv, startReplica, upstreamRequests } from '../helpers/fleet.js'
import { startRedis } from '../helpers/redis-server.js'
import { bearer, startSimulator } from '../helpers/service.js'

const FLOOR_MS = 60_000

test('Redis stopped: every replica serves and stays ready, and nothing reaches HubSoft until Redis is back', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const simulator = await startSimulator(t, { clients: 300, seed: 63 })
  const env = fleetEnv(simulator, redis)
  const replicas = await Promise.all(['a', 'b', 'c'].map(async (name) => await startReplica(t, name, env)))
  await allReady(replicas)
  const fetchedAt = Date.now()
  const before = upstreamRequests(simulator)

  await redis.stop()
  await Promise.all(replicas.map(async (replica) => await eventually(`${replica.name} sees Redis gone`, async () => (await replica.status()).fleet.redis_reachable === false)))
  // Past the floor: only Redis is in the way now.
  while (Date.now() - fetchedAt < FLOOR_MS + 5000) {
    for (const replica of replicas) {
      assert.equal(await replica.refresh(), 429, 'a manual refresh is refused while the fleet floor cannot be checked')
      assert.equal((await replica.get('/health/ready')).status, 200)
      assert.equal((await replica.get('/api/v1/integracao/cliente/all?limit=1')).status, 200)
    }
    await sleep(1000)
  }
  assert.equal(upstreamRequests(simulator), before, 'nothing reached HubSoft while Redis was away')
  const metrics = await fetch(`http://127.0.0.1:${replicas[0]!.port}/metrics`, { headers: bearer('admin') })
  assert.match(await metrics.text(), /^hubsoft_bff_fleet_redis_up 0$/m)

  await redis.start()
  await Promise.all(replicas.map(async (replica) => await eventually(`${replica.name} sees Redis back`, async () => (await replica.status()).fleet.redis_reachable === true)))
  assert.equal(await replicas[1]!.refresh(), 202, 'with Redis back, a manual refresh is allowed again')
  await eventually('the refresh reaches HubSoft', () => simulator.counters.fetchCycles === 2)
  await allReady(replicas)
})
