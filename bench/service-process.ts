// The service under measurement, as deployed: buildApp against the bench's simulator with
// every feature on and LOG_LEVEL=info (its lines go to stdout, which the bench points at a
// file), listening on loopback, with probes the bench reads over IPC: ingest time, event-loop
// delay while a refresh runs, where resident memory lives, the log level (the lookup is also
// measured at warn), and the parse-only baseline (the same pages fetched and JSON.parse-d,
// nothing built).
import { readFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { getHeapSpaceStatistics } from 'node:v8'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { fetchClientPages } from '../src/upstream/fetch-clientes.js'
import { HubsoftClient } from '../src/upstream/hubsoft-client.js'
import type { FrameworkShape } from './framework-shape.js'
import { routeHooks } from './framework-shape.js'
import { serve } from './ipc.js'
import { BENCH_KEYS } from './keys.js'
import { benchServiceEnv } from './service-env.js'

const config = loadConfig({
  ...benchServiceEnv('hubsoft-bff-bench-'),
  API_KEYS: `bench-read:${BENCH_KEYS.read}:read,bench-secrets:${BENCH_KEYS.secrets}:secrets`,
  // The load generator is one key sending tens of thousands of requests a second: the per-key
  // limit (default 600 a minute) would measure 429s. Everything else stays as deployed.
  RATE_LIMIT_MAX: '999999999',
  // Likewise the bound on concurrent full downloads (default 4), below the bench's connections.
  FULL_DUMP_CONCURRENCY: '1000',
  LOG_LEVEL: 'info'
})
// The refresh floor is real; the bench moves this clock past it to refresh again.
let clockSkewMs = 0
const app = await buildApp(config, { now: () => Date.now() + clockSkewMs })
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0
const framework: FrameworkShape = {
  limits: config.limits,
  hooks: routeHooks(app.printRoutes({ includeHooks: true, commonPrefix: false }), '/cpf_cnpj/:cpf_cnpj (GET)')
}

/** Full collections a few ticks apart: what an async frame that just ended still held goes too. */
async function gcNow (): Promise<void> {
  for (let round = 0; round < 3; round++) {
    (globalThis as { gc?: () => void }).gc?.()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Peak RSS, sampled while something runs. */
function sampleRss (): () => number {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()) }, 20)
  return () => {
    clearInterval(timer)
    return Math.max(peak, process.memoryUsage.rss())
  }
}

const MS = 1e6

/** The C allocator this process runs with, as its environment chose it. */
function allocatorInUse (): string {
  if (process.env.LD_PRELOAD?.includes('jemalloc') === true) return `jemalloc${process.env.MALLOC_CONF === undefined ? '' : ` (${process.env.MALLOC_CONF})`}`
  const tuning = Object.entries(process.env).filter(([name]) => name.startsWith('MALLOC_')).map(([name, value]) => `${name}=${String(value)}`)
  return `glibc malloc${tuning.length === 0 ? '' : ` (${tuning.join(' ')})`}`
}

/** The kernel's view of this process's memory (kB figures of /proc/self/smaps_rollup, in bytes). */
function smapsRollup (): Record<string, number> {
  const figures: Record<string, number> = {}
  try {
    for (const line of readFileSync('/proc/self/smaps_rollup', 'utf8').split('\n')) {
      const match = /^(\w+):\s+(\d+) kB/.exec(line)
      if (match !== null) figures[match[1]!] = Number(match[2]) * 1024
    }
  } catch {
    // Not Linux: the figure is left out.
  }
  return figures
}

serve({
  ready: async () => ({ port, framework }),

  /** Request loggers are children made per request, so the new level applies from the next one. */
  logLevel: async ({ level }) => {
    app.log.level = String(level)
    return { level: app.log.level }
  },

  /** Fetches every page and only parses it (getJson), as the ingest baseline. */
  parseOnly: async () => {
    // A client of its own (the simulator is plain loopback HTTP), so the app exposes none.
    const { upstream } = config
    const hubsoft = new HubsoftClient({ baseUrl: upstream.url!, credentials: upstream, timeoutMs: upstream.timeoutMs, maxResponseBytes: upstream.maxResponseBytes })
    try {
      const started = performance.now()
      const result = await fetchClientPages(hubsoft, upstream, async () => {})
      return { ms: performance.now() - started, ...result }
    } finally {
      await hubsoft.close()
    }
  },

  /** One refresh, timed, with the event-loop delay and peak RSS while it runs. */
  ingest: async () => {
    clockSkewMs += 24 * 3600_000
    await gcNow()
    const delay = monitorEventLoopDelay({ resolution: 5 })
    const peakRss = sampleRss()
    delay.enable()
    const started = performance.now()
    const outcome = await app.refresher.refresh('manual') as { outcome: string, error?: string, clients: number, bytes: number, pages: number }
    const ms = performance.now() - started
    delay.disable()
    const rssPeak = peakRss()
    if (outcome.outcome !== 'success' && outcome.outcome !== 'unchanged') throw new Error(`refresh ${outcome.outcome}: ${outcome.error ?? ''}`)
    const snapshot = app.refresher.snapshot!
    return {
      ms,
      outcome: outcome.outcome,
      clients: snapshot.size,
      upstreamBytes: outcome.bytes,
      pages: outcome.pages,
      preparedBytes: snapshot.preparedBytes,
      version: snapshot.version,
      loopDelay: { p50: delay.percentile(50) / MS, p99: delay.percentile(99) / MS, max: delay.max / MS },
      rssPeak
    }
  },

  /**
   * Memory after full collections, and the JSON size of the clients as received (counted
   * first: the strings it makes are collected before anything is read). Node's figures and
   * the kernel's are read at the same moment.
   */
  memory: async () => {
    const snapshot = app.refresher.snapshot
    let rawJsonBytes = 0
    for (let position = 0; position < (snapshot?.size ?? 0); position++) rawJsonBytes += Buffer.byteLength(snapshot!.clienteJson(position)) + 1
    await gcNow()
    const usage = process.memoryUsage()
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]))
    const smaps = smapsRollup()
    return { rss: usage.rss, heapTotal: usage.heapTotal, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, rawJsonBytes, spaces, anonymous: smaps.Anonymous, fileBacked: (smaps.Rss ?? 0) - (smaps.Anonymous ?? 0), allocator: allocatorInUse() }
  }
})
