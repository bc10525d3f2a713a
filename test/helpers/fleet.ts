// A fleet of real service processes (src/server.ts) sharing one redis-server, each with its own
// SNAPSHOT_DIR, against one simulator; read over loopback HTTP like a load balancer would.
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { HubsoftSimulator } from '../../src/simulator/simulator.js'
import type { RedisServer } from './redis-server.js'
import { serverEnv, startWatchedServer } from './server-process.js'
import type { RunningServer } from './server-process.js'
import { KEYS, snapshotDir } from './service.js'

type Json = Record<string, any>

export interface Replica extends RunningServer {
  readonly name: string
  readonly snapshotDir: string
  get: (path: string) => Promise<{ status: number, body: Json }>
  /** POST /admin/refresh; the status code (202, 409 or 429). */
  refresh: () => Promise<number>
  status: () => Promise<Json>
}

/** What every replica of a test fleet gets: a 1-minute floor (the least allowed) and short leases. */
export function fleetEnv (simulator: HubsoftSimulator, redis: RedisServer, env: Record<string, string> = {}): Record<string, string> {
  return serverEnv(simulator, {
    API_KEYS: `ops:${KEYS.admin}:read+admin`,
    HUBSOFT_PAGE_SIZE: '50',
    REFRESH_MIN_INTERVAL: '1m',
    REDIS_URL: redis.url,
    REDIS_LEADER_TTL: '2s',
    REDIS_LOCK_TTL: '3s',
    REDIS_POLL_INTERVAL: '2s',
    RATE_LIMIT_MAX: '1000000',
    OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
    ...env
  })
}

export async function startReplica (t: TestContext, name: string, env: Record<string, string>, dir = snapshotDir(t)): Promise<Replica> {
  const server = await startWatchedServer(t, { ...env, SNAPSHOT_DIR: dir })
  const base = `http://127.0.0.1:${server.port}`
  const headers = { authorization: `Bearer ${KEYS.admin}` }
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers })
    const text = await response.text()
    return { status: response.status, body: text === '' ? {} : JSON.parse(text) as Json }
  }
  return {
    ...server,
    name,
    snapshotDir: dir,
    get,
    refresh: async () => {
      const response = await fetch(`${base}/admin/refresh`, { method: 'POST', headers })
      await response.arrayBuffer()
      return response.status
    },
    status: async () => (await get('/status')).body
  }
}

/** Waits (bounded) until `check` holds, polling every `everyMs`; throws `what` when it never does. */
export async function eventually (what: string, check: () => Promise<boolean> | boolean, waitMs = 20_000, everyMs = 100): Promise<void> {
  for (let waited = 0; waited <= waitMs; waited += everyMs) {
    if (await check()) return
    await sleep(everyMs)
  }
  throw new Error(`${what}: not within ${waitMs} ms`)
}

/** Ready means /health/ready answers 200. */
export async function allReady (replicas: readonly Replica[], waitMs = 30_000): Promise<void> {
  await eventually(`every replica ready (${replicas.map((replica) => replica.name).join(', ')})`, async () => {
    const answers = await Promise.all(replicas.map(async (replica) => (await replica.get('/health/ready')).status))
    return answers.every((status) => status === 200)
  }, waitMs)
}

/** Every upstream request the simulator received, tokens included. */
export function upstreamRequests (simulator: HubsoftSimulator): number {
  return simulator.requestCount('oauth/token') + simulator.requestCount('cliente/todos') + simulator.requestCount('cliente/all') + simulator.requestCount('cliente')
}
