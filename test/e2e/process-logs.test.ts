// What ops read in the real process's log: one JSON line at start-up with the effective
// configuration (secrets masked) and one per refresh with its outcome and sizes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import { runServerUntil, serverEnv } from '../helpers/server-process.js'
import { KEYS, snapshotDir, startSimulator } from '../helpers/service.js'

const PAGE_SIZE = 20

test('one start-up line with the masked configuration, one line per refresh', async (t) => {
  const simulator = await startSimulator(t, { clients: 45, seed: 31 })
  const env = serverEnv(simulator, {
    API_KEYS: `ops:${KEYS.admin}:admin,reader:${KEYS.read}:read`,
    HUBSOFT_PAGE_SIZE: String(PAGE_SIZE),
    SNAPSHOT_DIR: snapshotDir(t)
  })
  const { lines } = await runServerUntil(env, /^refresh (finished|failed)/)
  const text = lines.map((line) => JSON.stringify(line)).join('\n')
  for (const secret of [DEMO_CREDENTIALS.clientSecret, DEMO_CREDENTIALS.password, KEYS.admin, KEYS.read]) {
    assert.ok(!text.includes(secret), 'no secret in any line')
  }

  const starting = lines.filter((line) => line.msg === 'starting hubsoft-bff')
  assert.equal(starting.length, 1)
  const config = starting[0]!.config as Record<string, any>
  assert.equal(config.mode, 'upstream')
  assert.equal(config.upstream.url, simulator.url)
  assert.equal(config.upstream.pageSize, PAGE_SIZE)
  assert.equal(config.upstream.clientSecret, '***')
  assert.equal(config.upstream.password, '***')
  assert.deepEqual(config.apiKeys, [{ name: 'ops', scopes: ['admin'] }, { name: 'reader', scopes: ['read'] }])
  assert.equal(config.snapshotDir, env.SNAPSHOT_DIR)

  const refreshes = lines.filter((line) => typeof line.msg === 'string' && /^refresh (finished|failed)/.test(line.msg))
  assert.equal(refreshes.length, 1)
  const refresh = refreshes[0]!.refresh as Record<string, unknown>
  assert.equal(refresh.trigger, 'startup')
  assert.equal(refresh.outcome, 'success')
  assert.equal(refresh.clients, simulator.dataset.length)
  assert.equal(refresh.pages, Math.ceil(simulator.dataset.length / PAGE_SIZE))
  assert.ok(typeof refresh.version === 'string' && typeof refresh.durationMs === 'number' && (refresh.bytes as number) > 0)
})
