// The fleet's figures (README, Deployment): a follower's first ingest, downloaded from Redis and
// built, against the leader's, fetched from HubSoft, built and published; and each replica's
// settled RSS against the single-process memory budget. Runs a redis-server of its own (skipped,
// with a note, where none is installed) and two compiled replica processes against the bench's
// simulator. Self-contained: bench/run.ts calls fleetFigures once.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, kill, spawnRedis } from '../test/helpers/redis-process.js'
import { Worker } from './ipc.js'
import { serviceStartEnv } from './start-env.js'
import type { Figure } from './figure.js'

const MiB = 1024 * 1024

export interface FleetBenchOptions {
  /** The compiled bench directory (dist-bench/bench/). */
  readonly compiled: string
  /** BENCH_HUBSOFT_URL and the simulator's credentials, as the service process takes them. */
  readonly serviceEnv: Record<string, string>
  readonly log: (line: string) => void
}

/** A throwaway redis-server on loopback, or null when it is not installed. */
async function startRedis (dir: string): Promise<{ url: string, stop: () => Promise<void> } | null> {
  const port = await freePort()
  const child = await spawnRedis(port, dir)
  if (child === 'missing') return null
  return { url: `redis://127.0.0.1:${port}`, stop: async () => await kill(child) }
}

interface Started { ms: number, rssPeak: number, clients: number, version: string, role: string, upstreamRequests: number, publishedBytes: number }
interface Memory { rss: number, rawJsonBytes: number }

export async function fleetFigures ({ compiled, serviceEnv, log }: FleetBenchOptions): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hubsoft-bff-bench-redis-'))
  const redis = await startRedis(dir)
  if (redis === null) {
    await rm(dir, { recursive: true, force: true })
    log('fleet: redis-server is not installed; its figures are left out')
    return [{ figure: 'Follower ingest from Redis vs leader ingest', value: Number.NaN, unit: 's', note: 'redis-server not installed (Debian package redis-server)' }]
  }
  const replicas: Worker[] = []
  const startEnv = serviceStartEnv()
  try {
    const start = async () => {
      // Each replica as deployed: the allocator and V8 settings the single service runs with.
      const { worker } = await Worker.start(join(compiled, 'fleet-process.js'), { ...startEnv.env, ...serviceEnv, BENCH_REDIS_URL: redis.url }, startEnv.execArgv)
      replicas.push(worker)
      return worker
    }
    const leader = await start()
    const led = await leader.request('start') as Started
    log(`fleet: leader ingest ${(led.ms / 1000).toFixed(1)} s (fetch, build, save, publish ${(led.publishedBytes / MiB).toFixed(0)} MiB to Redis)`)
    // The leader is idle and settled before the follower starts: one measurement at a time.
    const leaderMemory = await leader.request('memory') as Memory
    const follower = await start()
    const followed = await follower.request('start') as Started
    log(`fleet: follower ingest ${(followed.ms / 1000).toFixed(1)} s from Redis, ${followed.upstreamRequests} upstream requests`)
    if (followed.version !== led.version) throw new Error(`the follower built version ${followed.version}, the leader ${led.version}`)
    const followerMemory = await follower.request('memory') as Memory
    const json = leaderMemory.rawJsonBytes
    return [
      { figure: 'Follower ingest from Redis vs leader ingest', value: followed.ms / 1000, unit: 's', baseline: led.ms / 1000, ratio: followed.ms / led.ms, note: `${followed.clients} clients; ${(led.publishedBytes / MiB).toFixed(0)} MiB in Redis; follower upstream requests: ${followed.upstreamRequests}` },
      { figure: 'Fleet leader RSS after ingest (settled) / JSON bytes of the clients', value: leaderMemory.rss / MiB, unit: 'MiB', baseline: json / MiB, ratio: leaderMemory.rss / json, target: { op: '≤', bound: 2 }, note: `peak ${(led.rssPeak / MiB).toFixed(0)} MiB during the ingest` },
      { figure: 'Fleet follower RSS after ingest (settled) / JSON bytes of the clients', value: followerMemory.rss / MiB, unit: 'MiB', baseline: json / MiB, ratio: followerMemory.rss / json, target: { op: '≤', bound: 2 }, note: `peak ${(followed.rssPeak / MiB).toFixed(0)} MiB during the ingest` },
      { figure: 'Fleet follower peak RSS during its ingest / JSON bytes of the clients', value: followed.rssPeak / MiB, unit: 'MiB', baseline: json / MiB, ratio: followed.rssPeak / json, target: { op: '≤', bound: 3.5 } }
    ]
  } finally {
    for (const replica of replicas) await replica.stop()
    await redis.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
