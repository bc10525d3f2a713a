// The fleet floor against a real redis-server: one claim per REFRESH_MIN_INTERVAL whoever asks,
// given back only by the claim that set it, and the last attempt kept for a new leader.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FleetFloor } from '../../src/fleet/floor.js'
import { fleetConnectionsTo, startRedis } from '../helpers/redis-server.js'

const MINUTE = 60_000

test('a claim holds the floor for every replica until REFRESH_MIN_INTERVAL has passed on Redis\'s clock', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands, keys } = fleetConnectionsTo(t, redis)
  await commands.connect()
  const now = () => Date.parse('2026-12-01T12:00:00Z')
  const a = new FleetFloor(commands, keys, 'replica-a', now)
  const b = new FleetFloor(commands, keys, 'replica-b', now)

  const first = await a.claim(15 * MINUTE, 'claim-1')
  assert.equal(first.claimed, true)
  for (const [floor, claim] of [[b, 'claim-2'], [a, 'claim-3']] as const) {
    const refused = await floor.claim(15 * MINUTE, claim)
    assert.equal(refused.claimed, false)
    if (refused.claimed) return
    // Redis still has (almost) the whole 15 minutes to run.
    const left = refused.retryAt.getTime() - now()
    assert.ok(left > 14 * MINUTE && left <= 15 * MINUTE, `${left} ms left`)
  }
  assert.deepEqual(await b.lastAttempt(), { at: new Date(now()), replica: 'replica-a', claim: 'claim-1' })

  // Once the key has run out (here: made to run out), the next claim succeeds.
  await commands.pexpire(keys.floor, 1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal((await b.claim(15 * MINUTE, 'claim-4')).claimed, true)
  assert.equal((await b.lastAttempt())?.replica, 'replica-b')
})

test('only the claim that set the floor can give it back (an attempt that sent nothing)', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands, keys } = fleetConnectionsTo(t, redis)
  await commands.connect()
  const a = new FleetFloor(commands, keys, 'replica-a', Date.now)
  const b = new FleetFloor(commands, keys, 'replica-b', Date.now)
  const claimed = await a.claim(15 * MINUTE, 'claim-1')
  assert.ok(claimed.claimed)
  if (!claimed.claimed) return
  assert.equal(await b.release({ ...claimed.attempt, claim: 'someone-else' }), false)
  assert.equal((await b.claim(15 * MINUTE, 'claim-2')).claimed, false, 'a foreign release leaves the floor in place')
  assert.equal(await a.release(claimed.attempt), true)
  assert.equal((await b.claim(15 * MINUTE, 'claim-3')).claimed, true, 'given back, the floor allows the next attempt')
})

test('with Redis gone a claim throws: the caller must not fetch', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const { commands, keys } = fleetConnectionsTo(t, redis)
  await commands.connect()
  await redis.stop()
  const floor = new FleetFloor(commands, keys, 'replica-a', Date.now)
  await assert.rejects(floor.claim(15 * MINUTE, 'claim-1'))
})
