// The leader killed with SIGKILL in the middle of its refresh: another replica becomes the leader
// once the dead one's lease runs out, takes the refresh over once the refresh lock's TTL has run
// out, and still waits for the fleet floor that the dead one's attempt started.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { allReady, eventually, fleetEnv, startReplica } from '../helpers/fleet.js'
import { startRedis } from '../helpers/redis-server.js'
import { startSimulator } from '../helpers/service.js'

const FLOOR_MS = 60_000

test('the leader SIGKILLed mid-refresh: another replica takes over after the lock\'s TTL, and the floor still holds', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const simulator = await startSimulator(t, { clients: 300, seed: 62 })
  // Slow pages: the first walk (6 pages) takes several seconds, long enough to be killed in the middle.
  simulator.faults = { latencyMs: 2000, times: 6 }
  const env = fleetEnv(simulator, redis)
  const first = await startReplica(t, 'a', env)
  await first.waitForLine(/^elected the fleet leader/, 60_000)
  const cycleTimes: number[] = []
  await eventually('the leader reaches HubSoft', () => simulator.counters.fetchCycles === 1, 60_000, 20)
  cycleTimes.push(Date.now())
  await first.kill('SIGKILL')
  const pagesWhenKilled = simulator.requestCount('cliente/todos')
  assert.ok(pagesWhenKilled < 6, 'it died before its walk was complete')
  const others = await Promise.all(['b', 'c'].map(async (name) => await startReplica(t, name, env)))

  // Another replica is elected, waits for the floor the dead attempt claimed, and fetches.
  await eventually('a second fetch cycle', () => {
    if (simulator.counters.fetchCycles === 2 && cycleTimes.length === 1) cycleTimes.push(Date.now())
    return simulator.counters.fetchCycles >= 2
  }, FLOOR_MS + 60_000, 50)
  await allReady(others, 60_000)
  assert.equal(simulator.counters.fetchCycles, 2)
  assert.ok(cycleTimes[1]! - cycleTimes[0]! >= FLOOR_MS - 1000, `the second fetch started ${cycleTimes[1]! - cycleTimes[0]!} ms after the first: the floor held`)
  const statuses = await Promise.all(others.map(async (replica) => await replica.status()))
  assert.equal(statuses.filter((status) => status.fleet.role === 'leader').length, 1, 'one of the two is the leader now')
  const leader = statuses.find((status) => status.fleet.role === 'leader')!
  assert.equal(leader.fleet.publisher, leader.fleet.replica, 'and it is the one that fetched and published')
  assert.equal(new Set(statuses.map((status) => status.snapshot.version)).size, 1)
  assert.equal(statuses[0]!.snapshot.clients, simulator.dataset.length)
})
