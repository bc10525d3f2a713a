// G1 across processes: the real server started and killed (SIGKILL, no cleanup) five times in a
// row on one SNAPSHOT_DIR, like an orchestrator restarting a crashing pod, costs HubSoft at most
// one fetch cycle in total, because the attempt time is on disk before the first byte goes out;
// an attempt that never reached HubSoft does not count, one that was answered always does.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { runServerUntil, serverEnv } from '../helpers/server-process.js'
import { KEYS, snapshotDir, startSimulator } from '../helpers/service.js'

/** Log messages that show the process has made its first refresh decision. */
const DECIDED = /^(refresh started|refresh skipped|serving the persisted snapshot)/

test('G1: five start-and-kill cycles on one SNAPSHOT_DIR make at most one fetch cycle', async (t) => {
  const simulator = await startSimulator(t, { clients: 200, seed: 21 })
  // Slow pages: the first process dies in the middle of its fetch, with nothing persisted but the attempt.
  simulator.faults = { latencyMs: 300 }
  const env = serverEnv(simulator, {
    API_KEYS: `ops:${KEYS.admin}:admin`,
    HUBSOFT_PAGE_SIZE: '20',
    REFRESH_MIN_INTERVAL: '1m',
    SNAPSHOT_DIR: snapshotDir(t)
  })
  // The first process dies once HubSoft has seen its first page request.
  const fetching = async () => {
    for (let waited = 0; simulator.counters.fetchCycles === 0; waited += 20) {
      if (waited > 20_000) throw new Error('the first process never reached HubSoft')
      await sleep(20)
    }
  }
  const decisions: string[] = []
  for (let run = 0; run < 5; run++) decisions.push((await runServerUntil(env, DECIDED, run === 0 ? fetching : undefined)).matched)

  assert.match(decisions[0]!, /^refresh started/)
  for (const decision of decisions.slice(1)) assert.match(decision, /^refresh skipped: REFRESH_MIN_INTERVAL/)
  assert.equal(simulator.counters.fetchCycles, 1, 'one fetch cycle in total')
  assert.ok(simulator.requestCount('cliente/todos') < 10, 'and the killed one never finished its 10 pages')
})

test('G1: a crash loop whose attempts reach HubSoft and fail (HTTP 500) still costs one fetch per floor', async (t) => {
  const simulator = await startSimulator(t, { clients: 50, seed: 22 })
  simulator.faults = { forceStatus: 500 }
  const env = serverEnv(simulator, { API_KEYS: `ops:${KEYS.admin}:admin`, REFRESH_MIN_INTERVAL: '1m', SNAPSHOT_DIR: snapshotDir(t) })
  const decisions: string[] = []
  for (let run = 0; run < 5; run++) decisions.push((await runServerUntil(env, /^(refresh failed|refresh skipped)/)).matched)
  assert.match(decisions[0]!, /^refresh failed; no snapshot to serve yet/)
  assert.doesNotMatch(decisions[0]!, /not reached/, 'a 500 is an answer: HubSoft was reached')
  for (const decision of decisions.slice(1)) assert.match(decision, /^refresh skipped: REFRESH_MIN_INTERVAL/)
  assert.equal(simulator.requestCount('cliente/todos'), 1, 'one request to the heavy route in five starts')
})

test('G1: an attempt that never reached HubSoft (connection refused) leaves the floor alone across a restart', async (t) => {
  const simulator = await startSimulator(t, { clients: 50, seed: 23 })
  const dir = snapshotDir(t)
  const right = serverEnv(simulator, { API_KEYS: `ops:${KEYS.admin}:admin`, SNAPSHOT_DIR: dir })
  // The wrong port: one just freed, which nothing listens on.
  const free = createServer()
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve))
  const { port } = free.address() as AddressInfo
  await new Promise<void>((resolve) => free.close(() => resolve()))
  const wrongUrl = `http://127.0.0.1:${port}`
  const refused = await runServerUntil({ ...right, HUBSOFT_URL: wrongUrl }, /^refresh failed/)
  assert.match(refused.matched, /HubSoft was not reached, so REFRESH_MIN_INTERVAL did not start/)
  // The operator fixes HUBSOFT_URL and restarts: the fetch happens at once, no 15-minute wait.
  const fixed = await runServerUntil(right, /^(refresh finished|refresh skipped)/)
  assert.equal(fixed.matched, 'refresh finished')
  assert.equal(simulator.counters.fetchCycles, 1)
})
