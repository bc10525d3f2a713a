// The refresh lock and the leader election against a real redis-server: one holder at a time,
// kept while renewed, freed by its TTL when the holder stops renewing (it died).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { LeaderElection } from '../../src/fleet/leader.js'
import { Lease } from '../../src/fleet/lease.js'
import { RefreshLock } from '../../src/fleet/lock.js'
import { fleetConnectionsTo, startRedis } from '../helpers/redis-server.js'

test('a lease has one holder; only the holder renews or releases it; an abandoned one expires', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands } = fleetConnectionsTo(t, redis)
  await commands.connect()
  const a = new Lease(commands, 'test:lease', 'a', 300)
  const b = new Lease(commands, 'test:lease', 'b', 300)
  assert.equal(await a.acquire(), true)
  assert.equal(await b.acquire(), false)
  assert.equal(await b.renew(), false)
  await b.release()
  assert.equal(await commands.get('test:lease'), 'a', 'a foreign release leaves the holder in place')
  assert.equal(await a.renew(), true)
  // a stops renewing, as a killed process does: Redis frees the key by itself.
  for (let waited = 0; await commands.exists('test:lease') === 1 && waited < 5000; waited += 50) await sleep(50)
  assert.equal(await b.acquire(), true)
  assert.equal(await b.holder(), 'b')
})

test('a held refresh lock is renewed while held and refuses others with the time it still runs', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands } = fleetConnectionsTo(t, redis)
  await commands.connect()
  let lost = 0
  const a = new RefreshLock(commands, 'test:lock', 'a', 300, () => lost++)
  const b = new RefreshLock(commands, 'test:lock', 'b', 300, () => lost++)
  const held = await a.take()
  assert.ok(!('busyForMs' in held))
  if ('busyForMs' in held) return
  // Several TTLs later it is still a's: the renewals kept it.
  await sleep(1000)
  const refused = await b.take()
  assert.ok('busyForMs' in refused && refused.busyForMs > 0 && refused.busyForMs <= 300)
  assert.equal(held.held, true)
  await held.release()
  const taken = await b.take()
  assert.ok(!('busyForMs' in taken))
  if (!('busyForMs' in taken)) await taken.release()
  assert.equal(lost, 0)
})

test('a lock whose renewal finds Redis gone reports it lost', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands } = fleetConnectionsTo(t, redis)
  await commands.connect()
  let lost = 0
  const held = await new RefreshLock(commands, 'test:lock', 'a', 300, () => lost++).take()
  if ('busyForMs' in held) return assert.fail('the lock was free')
  await redis.stop()
  for (let waited = 0; held.held && waited < 5000; waited += 50) await sleep(50)
  assert.equal(lost, 1)
  assert.equal(held.held, false)
})

test('one leader among three; when it stops, another takes over', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands } = fleetConnectionsTo(t, redis)
  await commands.connect()
  const elected: string[] = []
  const elections = ['a', 'b', 'c'].map((name) => new LeaderElection(commands, 'test:leader', name, 300, { elected: () => elected.push(name), deposed: () => undefined }))
  t.after(async () => { for (const election of elections) await election.stop() })
  for (const election of elections) await election.start()
  assert.deepEqual(elections.map((election) => election.leader), [true, false, false])
  await sleep(700)
  assert.deepEqual(elections.map((election) => election.leader), [true, false, false], 'the leader keeps its lease by renewing it')
  await elections[0]!.stop()
  for (let waited = 0; !elections.some((election) => election.leader) && waited < 5000; waited += 50) await sleep(50)
  assert.equal(elections.filter((election) => election.leader).length, 1)
  assert.equal(elected.length, 2)
  assert.equal(elected[0], 'a')
})
