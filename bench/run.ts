// npm run bench [-- --quick] [-- --cpu-prof]: the README's performance targets measured on this machine, each figure a
// ratio against a baseline taken in the same run. The simulator, the service and the baseline
// servers each run in their own process; autocannon generates load from this one.
// Writes bench/results/latest.{json,md}; exits 1 when a target is missed.
import { execFile } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import autocannon from 'autocannon'
import { request } from 'undici'
import { fleetFigures } from './fleet.js'
import { Worker } from './ipc.js'
import { BENCH_KEYS } from './keys.js'
import { summariseProfiles } from './profile-summary.js'

const quick = process.argv.includes('--quick')
const cpuProf = process.argv.includes('--cpu-prof')
const clients = Number(process.env.BENCH_CLIENTS ?? (quick ? 10_000 : 100_000))
/** Seconds per measured round; each comparison runs ROUNDS rounds per side. */
const seconds = quick ? { warmUp: 1, lookup: 3 } : { warmUp: 2, lookup: 6 }
/** Full /all answers per measured round. */
const ALL_ANSWERS = quick ? 24 : 8
const ROUNDS = 2
const RESULTS = new URL('./results/', import.meta.url).pathname
/** Where bench/tsconfig.json compiles src/ and bench/: the measured processes run that, as deployed. */
const COMPILED = new URL('../dist-bench/bench/', import.meta.url).pathname
const BASE = '/api/v1/integracao/cliente'
const AUTH = { authorization: `Bearer ${BENCH_KEYS.read}` }
const MiB = 1024 * 1024

interface Figure {
  readonly figure: string
  readonly value: number
  readonly unit: string
  readonly baseline?: number
  /** value / baseline, or the value itself for absolute targets. */
  readonly ratio?: number
  readonly target?: { readonly op: '≥' | '≤', readonly bound: number }
  readonly note?: string
}

function passes (figure: Figure): boolean | null {
  if (figure.target === undefined) return null
  const measured = figure.ratio ?? figure.value
  return figure.target.op === '≥' ? measured >= figure.target.bound : measured <= figure.target.bound
}

function log (line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
}

/**
 * Runs autocannon against `url`, after a short unmeasured warm-up (JIT, connections): for
 * `seconds`, or for `amount` answers. autocannon counts an answer's bytes when it completes, so
 * a handful of 300 MB answers in a fixed window would quantise the rate; a fixed number of
 * them over the time they took does not.
 */
async function load (url: string, options: { seconds?: number, amount?: number, connections: number, headers?: Record<string, string> }) {
  const headers = { ...AUTH, ...options.headers }
  const base = { url, connections: options.connections, headers }
  await autocannon(options.amount === undefined ? { ...base, duration: seconds.warmUp } : { ...base, amount: options.connections })
  const result = await autocannon(options.amount === undefined ? { ...base, duration: options.seconds } : { ...base, amount: options.amount })
  // A revalidation must answer 304 every time; anything else, 2xx.
  const revalidating = options.headers?.['if-none-match'] !== undefined
  const bad = result.errors + result.timeouts + (revalidating ? result.requests.total - result['3xx'] : result.non2xx)
  if (bad > 0) throw new Error(`${url}: ${bad} unexpected answers (2xx ${result['2xx']}, 3xx ${result['3xx']}, errors ${result.errors}, timeouts ${result.timeouts})`)
  const bytesPerSecond = options.amount === undefined ? result.throughput.average : result.throughput.total / result.duration
  return { rps: result.requests.average, p99: result.latency.p99, bytesPerSecond, requests: result.requests.total }
}

type LoadResult = Awaited<ReturnType<typeof load>>

/**
 * Ours and the baseline in alternating rounds, the best round of each kept: on a shared
 * machine a burst of someone else's work then cannot land on one side only.
 */
async function compare (oursUrl: string, bareUrl: string, options: Parameters<typeof load>[1], better: (a: LoadResult, b: LoadResult) => boolean): Promise<{ ours: LoadResult, bare: LoadResult }> {
  let ours: LoadResult | undefined
  let bare: LoadResult | undefined
  for (let round = 0; round < ROUNDS; round++) {
    const o = await load(oursUrl, options)
    const b = await load(bareUrl, options)
    if (ours === undefined || better(o, ours)) ours = o
    if (bare === undefined || better(b, bare)) bare = b
  }
  return { ours: ours!, bare: bare! }
}

async function saveBody (url: string, path: string, headers: Record<string, string> = {}): Promise<{ bytes: number, encoding: string | undefined, etag: string | undefined }> {
  const response = await request(url, { headers: { ...AUTH, ...headers } })
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`)
  await pipeline(response.body, createWriteStream(path))
  const { size } = await stat(path)
  const header = (name: string) => { const value = response.headers[name]; return typeof value === 'string' ? value : undefined }
  return { bytes: size, encoding: header('content-encoding'), etag: header('etag') }
}

async function main (): Promise<number> {
  const startedAt = new Date()
  const loadBefore = loadavg()
  const work = await mkdtemp(join(tmpdir(), 'hubsoft-bff-bench-'))
  const profileDir = join(RESULTS, 'profiles')
  if (cpuProf) {
    // Only this run's profiles are summarised.
    await rm(profileDir, { recursive: true, force: true })
    await mkdir(profileDir, { recursive: true })
  }
  log(`${clients} clients${quick ? ' (quick)' : ''}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`)
  await promisify(execFile)(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', new URL('./tsconfig.json', import.meta.url).pathname])
  log('compiled the service and the baselines')

  const { worker: simulator, ready: sim } = await Worker.start(new URL('./simulator-process.ts', import.meta.url).pathname, { BENCH_CLIENTS: String(clients) })
  const credentials = sim.credentials as Record<string, string>
  log(`simulator ready at ${String(sim.url)}`)
  const { worker: service, ready: svc } = await Worker.start(join(COMPILED, 'service-process.js'), {
    BENCH_HUBSOFT_URL: String(sim.url),
    BENCH_CLIENT_ID: credentials.clientId!,
    BENCH_CLIENT_SECRET: credentials.clientSecret!,
    BENCH_USERNAME: credentials.username!,
    BENCH_PASSWORD: credentials.password!
  }, cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])
  const serviceUrl = `http://127.0.0.1:${String(svc.port)}`
  const figures: Figure[] = []
  let baseline: Worker | null = null

  try {
    // Ingest: the same pages fetched and parsed only, against the whole build.
    const parsed = [await service.request('parseOnly'), await service.request('parseOnly')] as Array<{ ms: number, bytes: number, pages: number }>
    const parseMs = Math.min(...parsed.map((p) => p.ms))
    log(`parse only: ${parsed.map((p) => (p.ms / 1000).toFixed(1)).join(' s, ')} s (${(parsed[0]!.bytes / MiB).toFixed(0)} MiB in ${parsed[0]!.pages} pages)`)
    const ingest = await service.request('ingest') as { ms: number, clients: number, preparedBytes: number, loopDelay: { p99: number, max: number }, rssPeak: number }
    log(`ingest: ${(ingest.ms / 1000).toFixed(1)} s, loop delay p99 ${ingest.loopDelay.p99.toFixed(1)} ms (max ${ingest.loopDelay.max.toFixed(0)}), ${ingest.clients} clients`)
    figures.push({ figure: 'Ingest time vs fetch + JSON.parse only', value: ingest.ms / 1000, unit: 's', baseline: parseMs / 1000, ratio: ingest.ms / parseMs, target: { op: '≤', bound: 2 } })
    // Steady state: V8 gives back heap it grew during the build once allocation calms down.
    await new Promise((resolve) => setTimeout(resolve, (quick ? 3 : 10) * 1000))
    const memory = await service.request('memory') as { rss: number, heapTotal: number, heapUsed: number, external: number, rawJsonBytes: number }

    // The bytes both sides answer: the full default /all and one lookup.
    const allPath = join(work, 'all.json')
    const all = await saveBody(`${serviceUrl}${BASE}/all`, allPath)
    const sample = await request(`${serviceUrl}${BASE}/all?limit=1&offset=${Math.floor(clients / 2)}`, { headers: AUTH })
    const cpf = ((await sample.body.json()) as { clientes: Array<{ cpf_cnpj: string }> }).clientes[0]!.cpf_cnpj
    const lookupUrl = `${serviceUrl}${BASE}/all/cpf_cnpj/${encodeURIComponent(cpf)}`
    const lookupPath = join(work, 'lookup.json')
    const lookup = await saveBody(lookupUrl, lookupPath)
    const gzipPath = join(work, 'all.json.gz')
    const gzip = await saveBody(`${serviceUrl}${BASE}/all`, gzipPath, { 'accept-encoding': 'gzip' })
    const servesGzip = gzip.encoding === 'gzip'
    log(`/all is ${(all.bytes / MiB).toFixed(1)} MiB; gzip ${servesGzip ? `${(gzip.bytes / MiB).toFixed(1)} MiB` : 'not served'}; lookup ${lookup.bytes} bytes`)
    const parts = `heap ${(memory.heapUsed / MiB).toFixed(0)} of ${(memory.heapTotal / MiB).toFixed(0)} MiB, external ${(memory.external / MiB).toFixed(0)} MiB (prepared bytes ${(ingest.preparedBytes / MiB).toFixed(0)} MiB)`
    figures.push({ figure: 'RSS after ingest (settled) / JSON bytes of /all', value: memory.rss / MiB, unit: 'MiB', baseline: all.bytes / MiB, ratio: memory.rss / all.bytes, target: { op: '≤', bound: 2 }, note: parts })
    figures.push({ figure: 'RSS after ingest (settled) / JSON bytes of the clients as received', value: memory.rss / MiB, unit: 'MiB', baseline: memory.rawJsonBytes / MiB, ratio: memory.rss / memory.rawJsonBytes, target: { op: '≤', bound: 2 }, note: 'every relation and cancelled service, as persisted' })

    const files: Record<string, { path: string, encoding?: string }> = { lookup: { path: lookupPath }, all: { path: allPath } }
    if (servesGzip) files['all-gzip'] = { path: gzipPath, encoding: 'gzip' }
    const started = await Worker.start(join(COMPILED, 'baseline-process.js'), { BENCH_BASELINE_FILES: JSON.stringify(files) })
    baseline = started.worker
    const baselineUrl = `http://127.0.0.1:${String(started.ready.port)}`

    // Lookups by CPF/CNPJ against a constant answer; then revalidations of the same URL.
    const lookupLoad = { seconds: seconds.lookup, connections: 20 }
    const { ours, bare } = await compare(lookupUrl, `${baselineUrl}/lookup`, lookupLoad, (a, b) => a.rps > b.rps)
    log(`lookups: ${ours.rps.toFixed(0)} req/s (p99 ${ours.p99} ms) vs bare ${bare.rps.toFixed(0)} req/s (p99 ${bare.p99} ms)`)
    figures.push({ figure: 'Lookup by CPF/CNPJ, req/s', value: ours.rps, unit: 'req/s', baseline: bare.rps, ratio: ours.rps / bare.rps, target: { op: '≥', bound: 0.9 } })
    figures.push({ figure: 'Lookup by CPF/CNPJ, latency p99', value: ours.p99, unit: 'ms', baseline: bare.p99, ratio: bare.p99 === 0 ? undefined : ours.p99 / bare.p99 })
    let revalidated: LoadResult | undefined
    for (let round = 0; round < ROUNDS; round++) {
      const result = await load(lookupUrl, { ...lookupLoad, headers: { 'if-none-match': lookup.etag ?? '' } })
      if (revalidated === undefined || result.rps > revalidated.rps) revalidated = result
    }
    figures.push({ figure: '304 revalidation req/s vs lookups', value: revalidated!.rps, unit: 'req/s', baseline: ours.rps, ratio: revalidated!.rps / ours.rps, target: { op: '≥', bound: 1 } })

    // The full dump against the same bytes from a constant Buffer.
    const allLoad = { amount: ALL_ANSWERS, connections: 2 }
    const faster = (a: LoadResult, b: LoadResult) => a.bytesPerSecond > b.bytesPerSecond
    const { ours: allOurs, bare: allBare } = await compare(`${serviceUrl}${BASE}/all`, `${baselineUrl}/all`, allLoad, faster)
    log(`/all: ${(allOurs.bytesPerSecond / MiB).toFixed(0)} MiB/s vs constant ${(allBare.bytesPerSecond / MiB).toFixed(0)} MiB/s`)
    figures.push({ figure: 'Full /all (identity), MiB/s', value: allOurs.bytesPerSecond / MiB, unit: 'MiB/s', baseline: allBare.bytesPerSecond / MiB, ratio: allOurs.bytesPerSecond / allBare.bytesPerSecond, target: { op: '≥', bound: 0.8 }, note: `${allOurs.requests} vs ${allBare.requests} answers` })
    if (servesGzip) {
      const { ours: gzOurs, bare: gzBare } = await compare(`${serviceUrl}${BASE}/all`, `${baselineUrl}/all-gzip`, { ...allLoad, headers: { 'accept-encoding': 'gzip' } }, faster)
      figures.push({ figure: 'Full /all (gzip), MiB/s', value: gzOurs.bytesPerSecond / MiB, unit: 'MiB/s', baseline: gzBare.bytesPerSecond / MiB, ratio: gzOurs.bytesPerSecond / gzBare.bytesPerSecond, target: { op: '≥', bound: 0.8 } })
    } else {
      figures.push({ figure: 'Full /all (gzip), MiB/s', value: Number.NaN, unit: 'MiB/s', note: 'the service answered identity to Accept-Encoding: gzip; nothing to compare' })
    }

    // A second refresh while lookups run: the event loop must keep serving.
    let during: autocannon.Instance | undefined
    const duringDone = new Promise<autocannon.Result>((resolve, reject) => {
      during = autocannon({ url: lookupUrl, duration: 3600, connections: 10, headers: AUTH }, (error, result) => error === null || error === undefined ? resolve(result) : reject(error))
    })
    const refresh = await service.request('ingest') as typeof ingest
    during!.stop()
    const duringResult = await duringDone
    log(`refresh under load: ${(refresh.ms / 1000).toFixed(1)} s, loop delay p99 ${refresh.loopDelay.p99.toFixed(1)} ms (max ${refresh.loopDelay.max.toFixed(0)}), lookups ${duringResult.requests.average.toFixed(0)} req/s p99 ${duringResult.latency.p99} ms`)
    figures.push({ figure: 'Event-loop delay p99 during a refresh under lookups', value: refresh.loopDelay.p99, unit: 'ms', target: { op: '≤', bound: 50 }, note: `max ${refresh.loopDelay.max.toFixed(0)} ms; lookups meanwhile ${duringResult.requests.average.toFixed(0)} req/s, p99 ${duringResult.latency.p99} ms` })
    figures.push({ figure: 'Peak RSS during a refresh / JSON bytes of /all', value: refresh.rssPeak / MiB, unit: 'MiB', baseline: all.bytes / MiB, ratio: refresh.rssPeak / all.bytes, target: { op: '≤', bound: 3.5 }, note: 'same data: every client shares its bytes with the serving snapshot' })

    // The worst refresh for memory: every client changed, nothing shared.
    await simulator.request('changeEveryClient')
    const changed = await service.request('ingest') as typeof ingest
    log(`refresh with every client changed: ${(changed.ms / 1000).toFixed(1)} s, peak RSS ${(changed.rssPeak / MiB).toFixed(0)} MiB`)
    figures.push({ figure: 'Peak RSS during a refresh that changes every client / JSON bytes of /all', value: changed.rssPeak / MiB, unit: 'MiB', baseline: all.bytes / MiB, ratio: changed.rssPeak / all.bytes, target: { op: '≤', bound: 3.5 }, note: `loop delay p99 ${changed.loopDelay.p99.toFixed(1)} ms` })
    // The fleet (REDIS_URL): bench/fleet.ts, alone with the simulator.
    await service.stop()
    figures.push(...await fleetFigures({ compiled: COMPILED, serviceEnv: { BENCH_HUBSOFT_URL: String(sim.url), BENCH_CLIENT_ID: credentials.clientId!, BENCH_CLIENT_SECRET: credentials.clientSecret!, BENCH_USERNAME: credentials.username!, BENCH_PASSWORD: credentials.password! }, log }))
  } finally {
    await baseline?.stop()
    await service.stop()
    await simulator.stop()
    await rm(work, { recursive: true, force: true })
  }

  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    loadAverageBefore: loadBefore.map((l) => Number(l.toFixed(2))),
    loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2)))
  }
  const profile = cpuProf ? await summariseProfiles(profileDir) : undefined
  const report = { startedAt: startedAt.toISOString(), durationS: Math.round((Date.now() - startedAt.getTime()) / 1000), clients, quick, machine, figures: figures.map((f) => ({ ...f, pass: passes(f) })), profile }
  await mkdir(RESULTS, { recursive: true })
  await writeFile(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`)
  await writeFile(join(RESULTS, 'latest.md'), markdown(report))
  process.stdout.write(markdown(report))
  return figures.every((f) => passes(f) !== false) ? 0 : 1
}

function number (value: number | undefined, digits = 2): string {
  if (value === undefined) return '—'
  if (Number.isNaN(value)) return 'n/a'
  return value >= 100 ? value.toFixed(0) : value.toFixed(digits)
}

function markdown (report: { startedAt: string, durationS: number, clients: number, quick: boolean, machine: Record<string, unknown>, figures: Array<Figure & { pass: boolean | null }>, profile?: string }): string {
  const rows = report.figures.map((f) => `| ${f.figure} | ${number(f.value)} ${f.unit} | ${f.baseline === undefined ? '—' : `${number(f.baseline)} ${f.unit}`} | ${number(f.ratio)} | ${f.target === undefined ? '—' : `${f.target.op} ${f.target.bound}`} | ${f.pass === null ? '—' : f.pass ? 'pass' : '**FAIL**'} | ${f.note ?? ''} |`)
  const m = report.machine
  return [
    `### npm run bench — ${report.clients} clients${report.quick ? ' (quick)' : ''}, ${report.startedAt}`,
    '',
    '| Figure | Value | Baseline | Ratio | Target | Result | Note |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Machine: ${String(m.cpus)}, ${String(m.memory)}, Node ${String(m.node)}; load average before ${JSON.stringify(m.loadAverageBefore)}, after ${JSON.stringify(m.loadAverageAfter)}; the run took ${report.durationS} s.`,
    ...(report.profile === undefined ? [] : ['', 'Service CPU profile (self time, top functions):', '', '```', report.profile, '```']),
    ''
  ].join('\n')
}

process.exitCode = await main()
