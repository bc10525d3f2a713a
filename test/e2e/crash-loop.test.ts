// G1 across processes: the real server started and killed (SIGKILL, no cleanup) five times in a
// row on one SNAPSHOT_DIR, like an orchestrator restarting a crashing pod, costs HubSoft at most
// one fetch cycle in total, because the attempt time is on disk before the first byte goes out.
import { test } from 'node:test'
import assert from 'node:assert/strict'
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
