// npm run bench [-- --quick] [-- --cpu-prof]: the README's performance targets measured on this
// machine, each figure a ratio against a baseline the same load generator measured in the same
// run. The simulator, the service (compiled, as deployed: LOG_LEVEL=info, every feature on) and
// the baselines (bare Fastify and bare node:http answering the service's own bytes from
// constants, and a Fastify configured as the service, doing none of its work) each run in their
// own process; the load comes from wrk, a process of its own (autocannon in a worker thread
// where wrk is not installed).
// Writes bench/results/latest.{json,md}, and on a full run the README's Performance table;
// exits 1 when a target is missed.
import { execFile } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { request } from 'undici'
import type { Figure } from './figure.js'
import { fleetFigures } from './fleet.js'
import type { FrameworkShape } from './framework-shape.js'
import { collectAnswers } from './answers.js'
import { pickGenerator } from './generator.js'
import type { LoadResult, LoadSpec } from './generator.js'
import { Worker } from './ipc.js'
import { BENCH_KEYS } from './keys.js'
import { summariseProfiles } from './profile-summary.js'
import { updateReadme } from './readme.js'
import { serviceStartEnv } from './start-env.js'

const quick = process.argv.includes('--quick')
const cpuProf = process.argv.includes('--cpu-prof')
const clients = Number(process.env.BENCH_CLIENTS ?? (quick ? 10_000 : 100_000))
/** Seconds per round: an unmeasured warm-up (JIT, connections), then the measured part. */
const seconds = quick ? { warmUp: 1, lookup: 3, all: 4 } : { warmUp: 2, lookup: 5, all: 10 }
/** Each comparison alternates its sides over this many rounds and keeps each side's best. */
const ROUNDS = quick ? 2 : 3
/** wrk's connections for small answers; a full /all is a few connections, as its callers are. */
const CONNECTIONS = 32
const ALL_CONNECTIONS = 2
/** Lookups rotate over this many distinct CPF/CNPJs. */
const ROTATION = 1000
const RESULTS = new URL('./results/', import.meta.url).pathname
/** Where bench/tsconfig.json compiles src/ and bench/: the measured processes run that, as deployed. */
const COMPILED = new URL('../dist-bench/bench/', import.meta.url).pathname
const AUTH = { authorization: `Bearer ${BENCH_KEYS.read}` }
const MiB = 1024 * 1024

function passes (figure: Figure): boolean | null {
  if (figure.target === undefined) return null
  const measured = figure.ratio ?? figure.value
  return figure.target.op === '≥' ? measured >= figure.target.bound : measured <= figure.target.bound
}

function log (line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
}

/** One side of a comparison: who answers, what is sent, and what to set before its rounds. */
interface Side {
  readonly name: string
  readonly spec: LoadSpec
  readonly before?: () => Promise<unknown>
}

interface Compared { readonly best: LoadResult, readonly rounds: readonly LoadResult[] }

/**
 * The sides in alternating rounds, each side's best kept: on a shared machine a burst of
 * someone else's work then cannot land on one side only. `score` says what "best" is.
 */
async function compare (generator: ReturnType<typeof pickGenerator>, sides: readonly Side[], measureS: number, score: (r: LoadResult) => number, check: (side: Side, r: LoadResult) => void = () => {}): Promise<Record<string, Compared>> {
  const rounds: Record<string, LoadResult[]> = Object.fromEntries(sides.map((s) => [s.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of sides) {
      await side.before?.()
      await generator.run(side.spec, seconds.warmUp)
      const result = await generator.run(side.spec, measureS)
      if (result.failures > 0) throw new Error(`${side.name}: ${result.failures} failed requests of ${result.requests}`)
      check(side, result)
      rounds[side.name]!.push(result)
    }
  }
  return Object.fromEntries(Object.entries(rounds).map(([name, results]) => [name, { best: results.reduce((a, b) => score(b) > score(a) ? b : a), rounds: results }]))
}

const roundsNote = (c: Compared, unit: (r: LoadResult) => string) => `rounds ${c.rounds.map(unit).join(', ')}`
const rps = (r: LoadResult) => r.rps.toFixed(0)
/** What the configured baseline has of the service's framework. */
const shapeNote = (framework: FrameworkShape) => {
  const hooks = Object.entries(framework.hooks).map(([phase, count]) => `${count} ${phase}`).join(', ')
  return `its server options, route schemas and answer headers, and hooks that do nothing (${hooks})`
}
const mibps = (r: LoadResult) => (r.bytesPerSecond / MiB).toFixed(0)

async function main (): Promise<number> {
  const startedAt = new Date()
  const loadBefore = loadavg()
  const work = await mkdtemp(join(tmpdir(), 'hubsoft-bff-bench-'))
  const generator = pickGenerator(work)
  const profileDir = join(RESULTS, 'profiles')
  if (cpuProf) {
    // Only this run's profiles are summarised.
    await rm(profileDir, { recursive: true, force: true })
    await mkdir(profileDir, { recursive: true })
  }
  log(`${clients} clients${quick ? ' (quick)' : ''}; load generator ${generator.name}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`)
  await promisify(execFile)(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', new URL('./tsconfig.json', import.meta.url).pathname])
  log('compiled the service and the baselines')

  const { worker: simulator, ready: sim } = await Worker.start(new URL('./simulator-process.ts', import.meta.url).pathname, { BENCH_CLIENTS: String(clients) })
  const credentials = sim.credentials as Record<string, string>
  log(`simulator ready at ${String(sim.url)}`)
  // As deployed, the service's log lines go to standard output; here into a file.
  const logFile = join(work, 'service.log')
  const logFd = openSync(logFile, 'w')
  const startEnv = serviceStartEnv()
  const { worker: service, ready: svc } = await Worker.start(join(COMPILED, 'service-process.js'), {
    ...startEnv.env,
    BENCH_HUBSOFT_URL: String(sim.url),
    BENCH_CLIENT_ID: credentials.clientId!,
    BENCH_CLIENT_SECRET: credentials.clientSecret!,
    BENCH_USERNAME: credentials.username!,
    BENCH_PASSWORD: credentials.password!
  }, [...startEnv.execArgv, ...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])], logFd)
  closeSync(logFd)
  const serviceUrl = `http://127.0.0.1:${String(svc.port)}`
  const figures: Figure[] = []
  const baselines: Worker[] = []
  const logLevel = (level: string) => async () => await service.request('logLevel', { level })

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
    const memory = await service.request('memory') as Memory

    const answers = await collectAnswers(serviceUrl, AUTH, work, clients, ROTATION)
    log(`/all is ${(answers.allBytes / MiB).toFixed(1)} MiB; gzip ${answers.allGzipBytes === null ? 'not served' : `${(answers.allGzipBytes / MiB).toFixed(1)} MiB`}; lookups ${answers.lookupBytes} bytes on average over ${answers.lookups.length} CPF/CNPJs`)
    figures.push(restFigure('RSS at rest after ingest / JSON bytes of /all', memory, answers.allBytes))
    figures.push({ figure: 'RSS at rest after ingest / JSON bytes of the clients as received', value: memory.rss / MiB, unit: 'MiB', baseline: memory.rawJsonBytes / MiB, ratio: memory.rss / memory.rawJsonBytes, target: { op: '≤', bound: 2 }, note: 'every relation and cancelled service, as persisted' })

    const manifest = join(work, 'manifest.json')
    await writeFile(manifest, JSON.stringify(answers.manifest))
    const origins: Record<string, string> = { service: serviceUrl }
    const framework = svc.framework as FrameworkShape
    for (const kind of ['fastify', 'http', 'configured']) {
      const started = await Worker.start(join(COMPILED, 'baseline-process.js'), { BENCH_BASELINE: kind, BENCH_BASELINE_MANIFEST: manifest, BENCH_BASELINE_FRAMEWORK: JSON.stringify(framework) })
      baselines.push(started.worker)
      origins[kind] = `http://127.0.0.1:${String(started.ready.port)}`
    }
    const sides = (requests: LoadSpec['requests'], connections = CONNECTIONS, withWarn = true): Side[] => [
      { name: 'info', spec: { origin: origins.service!, requests, connections }, before: logLevel('info') },
      { name: 'fastify', spec: { origin: origins.fastify!, requests, connections } },
      { name: 'http', spec: { origin: origins.http!, requests, connections } },
      ...(withWarn
        ? [
            { name: 'warn', spec: { origin: origins.service!, requests, connections }, before: logLevel('warn') },
            { name: 'configured', spec: { origin: origins.configured!, requests, connections } }
          ]
        : [])
    ]
    const byRps = (r: LoadResult) => r.rps
    const byBytes = (r: LoadResult) => r.bytesPerSecond

    // Lookups by CPF/CNPJ and busca by cpf_cnpj, at info (as deployed) and at warn.
    for (const [what, requests] of [['Lookup by CPF/CNPJ', answers.lookups], ['busca=cpf_cnpj', answers.busca]] as const) {
      const r = await compare(generator, sides(requests), seconds.lookup, byRps)
      const [info, warn, bare, http, configured] = [r.info!, r.warn!, r.fastify!, r.http!, r.configured!]
      log(`${what}: info ${rps(info.best)} req/s, warn ${rps(warn.best)}, bare Fastify ${rps(bare.best)}, node:http ${rps(http.best)}, Fastify configured as the service ${rps(configured.best)}`)
      figures.push({ figure: `${what}, LOG_LEVEL=info, req/s vs bare Fastify`, value: info.best.rps, unit: 'req/s', baseline: bare.best.rps, ratio: info.best.rps / bare.best.rps, target: { op: '≥', bound: 0.5 }, note: `p99 ${info.best.p99Ms.toFixed(2)} ms vs ${bare.best.p99Ms.toFixed(2)} ms; ${roundsNote(info, rps)} vs ${roundsNote(bare, rps)}` })
      figures.push({ figure: `${what}, LOG_LEVEL=warn, req/s vs bare Fastify`, value: warn.best.rps, unit: 'req/s', baseline: bare.best.rps, ratio: warn.best.rps / bare.best.rps, target: { op: '≥', bound: 0.7 }, note: `p99 ${warn.best.p99Ms.toFixed(2)} ms; ${roundsNote(warn, rps)}` })
      figures.push({ figure: `${what}: bare Fastify vs bare node:http, req/s`, value: bare.best.rps, unit: 'req/s', baseline: http.best.rps, ratio: bare.best.rps / http.best.rps, note: `the framework's own cost; node:http p99 ${http.best.p99Ms.toFixed(2)} ms, ${roundsNote(http, rps)}` })
      figures.push({ figure: `${what}: Fastify configured as the service, none of its work, vs bare Fastify, req/s`, value: configured.best.rps, unit: 'req/s', baseline: bare.best.rps, ratio: configured.best.rps / bare.best.rps, note: `${shapeNote(framework)}; the service at warn answers ${(warn.best.rps / configured.best.rps).toFixed(2)} × it; ${roundsNote(configured, rps)}` })
    }

    // Revalidations: every answer a 304, here and from the bare Fastify answering the same.
    const notModified = (side: Side, result: LoadResult) => {
      // A 304 carries headers only: a few hundred bytes against the lookup's thousands.
      if (result.bytesPerSecond / result.rps > answers.lookupBytes / 2) throw new Error(`${side.name}: revalidations answered bodies (${(result.bytesPerSecond / result.rps).toFixed(0)} bytes each)`)
    }
    await expect304(serviceUrl, answers.revalidations[0]!)
    {
      const r = await compare(generator, sides(answers.revalidations, CONNECTIONS, false), seconds.lookup, byRps, notModified)
      const [info, bare, http] = [r.info!, r.fastify!, r.http!]
      log(`304: ${rps(info.best)} req/s vs bare Fastify ${rps(bare.best)}, node:http ${rps(http.best)}`)
      figures.push({ figure: '304 revalidation, LOG_LEVEL=info, req/s vs bare Fastify 304', value: info.best.rps, unit: 'req/s', baseline: bare.best.rps, ratio: info.best.rps / bare.best.rps, target: { op: '≥', bound: 0.6 }, note: `p99 ${info.best.p99Ms.toFixed(2)} ms vs ${bare.best.p99Ms.toFixed(2)} ms; node:http ${rps(http.best)} req/s` })
    }

    // The full dump against the same bytes from a constant Buffer, identity and gzip.
    for (const [what, all] of [['identity', answers.all], ['gzip', answers.allGzip]] as const) {
      if (all === null) {
        figures.push({ figure: `Full /all (${what}), MiB/s vs a constant Buffer`, value: Number.NaN, unit: 'MiB/s', note: 'the service answered identity to Accept-Encoding: gzip; nothing to compare' })
        continue
      }
      const r = await compare(generator, sides([all], ALL_CONNECTIONS, false), seconds.all, byBytes)
      const [ours, bare, http] = [r.info!, r.fastify!, r.http!]
      log(`/all ${what}: ${mibps(ours.best)} MiB/s vs constant ${mibps(bare.best)} MiB/s (node:http ${mibps(http.best)})`)
      figures.push({ figure: `Full /all (${what}), MiB/s vs a constant Buffer`, value: ours.best.bytesPerSecond / MiB, unit: 'MiB/s', baseline: bare.best.bytesPerSecond / MiB, ratio: ours.best.bytesPerSecond / bare.best.bytesPerSecond, target: { op: '≥', bound: 0.8 }, note: `bare Fastify; node:http ${mibps(http.best)} MiB/s; ${roundsNote(ours, mibps)} vs ${roundsNote(bare, mibps)}` })
    }
    await service.request('logLevel', { level: 'info' })

    // A second refresh while lookups run: the event loop must keep serving.
    const during = generator.start({ origin: serviceUrl, requests: answers.lookups, connections: 10 })
    const refresh = await service.request('ingest') as typeof ingest
    const duringResult = await during.stop()
    log(`refresh under load: ${(refresh.ms / 1000).toFixed(1)} s, loop delay p99 ${refresh.loopDelay.p99.toFixed(1)} ms (max ${refresh.loopDelay.max.toFixed(0)}), lookups ${rps(duringResult)} req/s p99 ${duringResult.p99Ms.toFixed(1)} ms`)
    figures.push({ figure: 'Event-loop delay p99 during a refresh under lookups', value: refresh.loopDelay.p99, unit: 'ms', target: { op: '≤', bound: 50 }, note: `max ${refresh.loopDelay.max.toFixed(0)} ms; lookups meanwhile ${rps(duringResult)} req/s, p99 ${duringResult.p99Ms.toFixed(1)} ms` })
    figures.push({ figure: 'Peak RSS during a refresh / JSON bytes of /all', value: refresh.rssPeak / MiB, unit: 'MiB', baseline: answers.allBytes / MiB, ratio: refresh.rssPeak / answers.allBytes, target: { op: '≤', bound: 3.5 }, note: 'same data: every client shares its bytes with the serving snapshot' })

    // The worst refresh for memory: every client changed, nothing shared.
    await simulator.request('changeEveryClient')
    const changed = await service.request('ingest') as typeof ingest
    log(`refresh with every client changed: ${(changed.ms / 1000).toFixed(1)} s, peak RSS ${(changed.rssPeak / MiB).toFixed(0)} MiB`)
    figures.push({ figure: 'Peak RSS during a refresh that changes every client / JSON bytes of /all', value: changed.rssPeak / MiB, unit: 'MiB', baseline: answers.allBytes / MiB, ratio: changed.rssPeak / answers.allBytes, target: { op: '≤', bound: 3.5 }, note: `loop delay p99 ${changed.loopDelay.p99.toFixed(1)} ms` })
    await new Promise((resolve) => setTimeout(resolve, (quick ? 3 : 10) * 1000))
    figures.push(restFigure('RSS at rest after both refreshes / JSON bytes of /all', await service.request('memory') as Memory, answers.allBytes))
    const logBytes = (await stat(logFile)).size
    figures.push({ figure: 'Service log written', value: logBytes / MiB, unit: 'MiB', note: 'one line per request at info; none at warn' })
    // The fleet (REDIS_URL): bench/fleet.ts, alone with the simulator.
    await service.stop()
    figures.push(...await fleetFigures({ compiled: COMPILED, serviceEnv: { BENCH_HUBSOFT_URL: String(sim.url), BENCH_CLIENT_ID: credentials.clientId!, BENCH_CLIENT_SECRET: credentials.clientSecret!, BENCH_USERNAME: credentials.username!, BENCH_PASSWORD: credentials.password! }, log }))
  } finally {
    for (const baseline of baselines) await baseline.stop()
    await service.stop()
    await simulator.stop()
    await rm(work, { recursive: true, force: true })
  }

  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    loadGenerator: generator.name,
    serviceStart: startEnv.description,
    loadAverageBefore: loadBefore.map((l) => Number(l.toFixed(2))),
    loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2)))
  }
  const profile = cpuProf ? await summariseProfiles(profileDir) : undefined
  const report = { startedAt: startedAt.toISOString(), durationS: Math.round((Date.now() - startedAt.getTime()) / 1000), clients, quick, machine, figures: figures.map((f) => ({ ...f, pass: passes(f) })), profile }
  await mkdir(RESULTS, { recursive: true })
  await writeFile(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`)
  const table = markdown(report)
  await writeFile(join(RESULTS, 'latest.md'), table)
  if (!quick && !cpuProf) await updateReadme(table)
  process.stdout.write(table)
  return figures.every((f) => passes(f) !== false) ? 0 : 1
}

interface Memory {
  readonly rss: number
  readonly heapTotal: number
  readonly heapUsed: number
  readonly external: number
  readonly rawJsonBytes: number
  readonly anonymous?: number
  readonly fileBacked: number
  readonly allocator: string
}

/** RSS against the /all JSON, with where it lives: V8's heap, external buffers, the rest. */
function restFigure (figure: string, memory: Memory, allBytes: number): Figure {
  const outside = memory.rss - memory.heapTotal - memory.external - memory.fileBacked
  const note = `${memory.allocator}: heap ${(memory.heapUsed / MiB).toFixed(0)} of ${(memory.heapTotal / MiB).toFixed(0)} MiB, external ${(memory.external / MiB).toFixed(0)} MiB, file-backed ${(memory.fileBacked / MiB).toFixed(0)} MiB, the rest ${(outside / MiB).toFixed(0)} MiB`
  return { figure, value: memory.rss / MiB, unit: 'MiB', baseline: allBytes / MiB, ratio: memory.rss / allBytes, target: { op: '≤', bound: 2 }, note }
}

async function expect304 (origin: string, revalidation: { path: string, headers: Record<string, string> }): Promise<void> {
  const response = await request(`${origin}${revalidation.path}`, { headers: revalidation.headers })
  await response.body.dump()
  if (response.statusCode !== 304) throw new Error(`a revalidation of ${revalidation.path} answered ${response.statusCode}`)
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
    `#### npm run bench — ${report.clients} clients${report.quick ? ' (quick)' : ''}, ${report.startedAt}`,
    '',
    '| Figure | Value | Baseline | Ratio | Target | Result | Note |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Load generator: ${String(m.loadGenerator)}. Service started with ${String(m.serviceStart)}. Machine: ${String(m.cpus)}, ${String(m.memory)}, Node ${String(m.node)}; load average before ${JSON.stringify(m.loadAverageBefore)}, after ${JSON.stringify(m.loadAverageAfter)}; the run took ${report.durationS} s.`,
    ...(report.profile === undefined ? [] : ['', 'Service CPU profile (self time, top functions):', '', '```', report.profile, '```']),
    ''
  ].join('\n')
}

process.exitCode = await main()
