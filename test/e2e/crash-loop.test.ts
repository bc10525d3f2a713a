// G1 across processes: the real server started and killed (SIGKILL, no cleanup) five times in a
// row on one SNAPSHOT_DIR, like an orchestrator restarting a crashing pod, costs HubSoft at most
// one fetch cycle in total, because the attempt time is on disk before the first byte goes out.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import { KEYS, snapshotDir, startSimulator } from '../helpers/service.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** Log messages that show the process has made its first refresh decision. */
const DECIDED = /^(refresh started|refresh skipped|serving the persisted snapshot)/

interface Run {
  readonly decision: string
  readonly lines: Array<Record<string, unknown>>
}

/** Starts the server, waits for its first refresh decision and then `before`, and kills it without warning. */
async function startAndKill (env: Record<string, string>, before: () => Promise<void> = async () => undefined): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: Array<Record<string, unknown>> = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const decision = await new Promise<string>((resolve, reject) => {
    let pending = ''
    const guard = setTimeout(() => reject(new Error(`no refresh decision within 20 s; stderr: ${stderr}`)), 20_000)
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString()
      const complete = pending.split('\n')
      pending = complete.pop() ?? ''
      for (const text of complete) {
        const line = JSON.parse(text) as Record<string, unknown>
        lines.push(line)
        if (typeof line.msg === 'string' && DECIDED.test(line.msg)) {
          clearTimeout(guard)
          resolve(line.msg)
        }
      }
    })
    child.once('exit', (code) => reject(new Error(`the server exited (${String(code)}) before deciding; stderr: ${stderr}`)))
  })
  await before()
  child.kill('SIGKILL')
  await exited
  return { decision, lines }
}

test('G1: five start-and-kill cycles on one SNAPSHOT_DIR make at most one fetch cycle', async (t) => {
  const simulator = await startSimulator(t, { clients: 200, seed: 21 })
  // Slow pages: the first process dies in the middle of its fetch, with nothing persisted but the attempt.
  simulator.faults = { latencyMs: 300 }
  const env = {
    HUBSOFT_URL: simulator.url,
    HUBSOFT_CLIENT_ID: DEMO_CREDENTIALS.clientId,
    HUBSOFT_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
    HUBSOFT_USERNAME: DEMO_CREDENTIALS.username,
    HUBSOFT_PASSWORD: DEMO_CREDENTIALS.password,
    API_KEYS: `ops:${KEYS.admin}:admin`,
    HUBSOFT_PAGE_SIZE: '20',
    REFRESH_MIN_INTERVAL: '1m',
    SNAPSHOT_DIR: snapshotDir(t),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info'
  }
  // The first process dies once HubSoft has seen its first page request.
  const fetching = async () => {
    for (let waited = 0; simulator.counters.fetchCycles === 0; waited += 20) {
      if (waited > 20_000) throw new Error('the first process never reached HubSoft')
      await sleep(20)
    }
  }
  const decisions: string[] = []
  for (let run = 0; run < 5; run++) decisions.push((await startAndKill(env, run === 0 ? fetching : undefined)).decision)

  assert.match(decisions[0]!, /^refresh started/)
  for (const decision of decisions.slice(1)) assert.match(decision, /^refresh skipped: REFRESH_MIN_INTERVAL/)
  assert.equal(simulator.counters.fetchCycles, 1, 'one fetch cycle in total')
  assert.ok(simulator.requestCount('cliente/todos') < 10, 'and the killed one never finished its 10 pages')
})
