// One replica of a fleet under measurement (REDIS_URL set): buildApp against the bench's
// simulator and Redis, started on request so the bench can time its first ingest: the leader's
// fetch, build and publication, or a follower's download from Redis and build. Runs compiled.
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { serve } from './ipc.js'
import { BENCH_KEYS } from './keys.js'
import { benchServiceEnv } from './service-env.js'

const config = loadConfig({
  ...benchServiceEnv('hubsoft-bff-bench-fleet-'),
  API_KEYS: `bench-read:${BENCH_KEYS.read}:read`,
  REDIS_URL: process.env.BENCH_REDIS_URL,
  REDIS_KEY_PREFIX: 'bench:',
  LOG_LEVEL: 'warn'
})
const app = await buildApp(config)

async function gcNow (): Promise<void> {
  for (let round = 0; round < 3; round++) {
    (globalThis as { gc?: () => void }).gc?.()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

serve({
  ready: async () => ({}),

  /** refresher.start(): the first ingest, whichever way it comes; timed, with the peak RSS. */
  start: async () => {
    await gcNow()
    let rssPeak = process.memoryUsage.rss()
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage.rss()) }, 20)
    const started = performance.now()
    await app.refresher.start()
    // A follower writes its copy to SNAPSHOT_DIR after the swap: counted, as the leader's save is.
    await app.refresher.idle()
    const ms = performance.now() - started
    clearInterval(sampler)
    const snapshot = app.refresher.snapshot
    if (snapshot === null) throw new Error('no snapshot after start')
    // What was asked of HubSoft, as /status reports it.
    const status = (await app.inject({ method: 'GET', url: '/status', headers: { authorization: `Bearer ${BENCH_KEYS.read}` } })).json<{ upstream: { requests: Record<string, Record<string, number>>, token_requests: number } }>()
    const upstreamRequests = status.upstream.token_requests + Object.values(status.upstream.requests).flatMap((byStatus) => Object.values(byStatus)).reduce((sum, count) => sum + count, 0)
    return { ms, rssPeak: Math.max(rssPeak, process.memoryUsage.rss()), clients: snapshot.size, version: snapshot.version, role: app.fleet?.role, upstreamRequests, publishedBytes: app.fleet?.manifest?.bytes ?? 0 }
  },

  /** RSS after full collections, and the JSON size of the clients as received. */
  memory: async () => {
    await gcNow()
    const rss = process.memoryUsage.rss()
    const snapshot = app.refresher.snapshot
    let rawJsonBytes = 0
    for (let position = 0; position < (snapshot?.size ?? 0); position++) rawJsonBytes += Buffer.byteLength(snapshot!.clienteJson(position)) + 1
    return { rss, rawJsonBytes }
  },

  close: async () => {
    await app.close()
    return {}
  }
})
