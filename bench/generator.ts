// The load generator, outside every process it measures: wrk (one thread, its own process,
// https://github.com/wg/wrk) where it is installed, otherwise autocannon in a worker thread of
// the bench. Both rotate over a list of requests (path and headers) and report the same
// figures, so a run says which one produced them and every ratio is taken within one of them.
import { execFileSync, spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import autocannon from 'autocannon'

export interface Request {
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
}

export interface LoadSpec {
  /** Origin only (`http://127.0.0.1:port`); the paths come from `requests`. */
  readonly origin: string
  /** Sent in turn, each connection continuing where the last request left off. */
  readonly requests: readonly Request[]
  readonly connections: number
}

export interface LoadResult {
  readonly rps: number
  readonly p99Ms: number
  readonly bytesPerSecond: number
  readonly requests: number
  /** Socket errors, timeouts and answers outside 2xx/3xx. */
  readonly failures: number
}

export interface Generator {
  readonly name: string
  /** Loads for `seconds` and reports. */
  run: (spec: LoadSpec, seconds: number) => Promise<LoadResult>
  /** Loads until `stop` is called (for a background load while something else is measured). */
  start: (spec: LoadSpec) => { stop: () => Promise<LoadResult> }
}

function hasWrk (): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
    return true
  } catch (error) {
    // `wrk --version` prints its usage and exits 1: installed. ENOENT: not.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT'
  }
}

/** A Lua string literal: wrk's scripts are Lua (https://github.com/wg/wrk/blob/master/SCRIPTING). */
function lua (value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`
}

/**
 * The requests are formatted once per thread (`init`) and handed out in turn (`request`), so
 * the rotation costs wrk a table index; `done` prints the figures as one JSON line.
 */
function wrkScript (requests: readonly Request[]): string {
  const table = requests.map((r) => `{ ${lua(r.path)}, { ${Object.entries(r.headers).map(([k, v]) => `[${lua(k)}] = ${lua(v)}`).join(', ')} } }`).join(',\n')
  return `local requests = {\n${table}\n}
local prepared = {}
local next = 0
function init (args)
  for i, r in ipairs(requests) do prepared[i] = wrk.format("GET", r[1], r[2]) end
end
function request ()
  next = next % #prepared + 1
  return prepared[next]
end
function done (summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests":%d,"durationUs":%d,"bytes":%d,"failures":%d,"p99Us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(99)))
end
`
}

function wrkGenerator (scriptDir: string): Generator {
  let scripts = 0
  const launch = async (spec: LoadSpec, seconds: number) => {
    const script = join(scriptDir, `load-${scripts++}.lua`)
    await writeFile(script, wrkScript(spec.requests))
    // One thread: wrk takes one core, the server under measurement the other. A full /all
    // answer takes seconds, so the timeout is far above wrk's default 2 s.
    const child = spawn('wrk', ['-t1', `-c${spec.connections}`, `-d${seconds}s`, '--timeout', '120s', '-s', script, spec.origin], { stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
    const result = new Promise<LoadResult>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (code) => {
        const line = output.split('\n').find((l) => l.startsWith('BENCH '))
        if (line === undefined) return reject(new Error(`wrk exited ${String(code)} without figures:\n${output}`))
        const r = JSON.parse(line.slice(6)) as { requests: number, durationUs: number, bytes: number, failures: number, p99Us: number }
        const s = r.durationUs / 1e6
        resolve({ rps: r.requests / s, p99Ms: r.p99Us / 1000, bytesPerSecond: r.bytes / s, requests: r.requests, failures: r.failures })
      })
    })
    return { child, result }
  }
  return {
    name: `wrk ${wrkVersion()} (1 thread, separate process)`,
    run: async (spec, seconds) => await (await launch(spec, seconds)).result,
    start: (spec) => {
      const launched = launch(spec, 3600)
      return {
        // wrk stops on SIGINT and still prints its figures.
        stop: async () => {
          const { child, result } = await launched
          child.kill('SIGINT')
          return await result
        }
      }
    }
  }
}

function wrkVersion (): string {
  try {
    return execFileSync('wrk', ['--version'], { encoding: 'utf8' }).split(' ')[1] ?? '?'
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? ''
    return stdout.split(' ')[1] ?? '?'
  }
}

function fromAutocannon (result: autocannon.Result, revalidating: boolean): LoadResult {
  const seconds = result.duration
  const unexpected = result.errors + result.timeouts + result.non2xx - (revalidating ? result['3xx'] : 0)
  return { rps: result.requests.total / seconds, p99Ms: result.latency.p99, bytesPerSecond: result.throughput.total / seconds, requests: result.requests.total, failures: unexpected }
}

function autocannonOptions (spec: LoadSpec) {
  return {
    url: spec.origin,
    connections: spec.connections,
    requests: spec.requests.map((r) => ({ method: 'GET' as const, path: r.path, headers: { ...r.headers } })),
    timeout: 120
  }
}

const revalidates = (spec: LoadSpec) => spec.requests.some((r) => r.headers['if-none-match'] !== undefined)

function autocannonGenerator (): Generator {
  return {
    name: 'autocannon (worker thread of the bench; wrk not installed)',
    run: async (spec, seconds) => fromAutocannon(await autocannon({ ...autocannonOptions(spec), duration: seconds, workers: 1 }), revalidates(spec)),
    // autocannon's worker mode cannot be stopped early with its figures: this one runs in the
    // bench's own thread, which does nothing else meanwhile.
    start: (spec) => {
      let instance: autocannon.Instance | undefined
      const done = new Promise<autocannon.Result>((resolve, reject) => {
        instance = autocannon({ ...autocannonOptions(spec), duration: 3600 }, (error, result) => error === null || error === undefined ? resolve(result) : reject(error))
      })
      return { stop: async () => { instance!.stop(); return fromAutocannon(await done, revalidates(spec)) } }
    }
  }
}

/** wrk if installed, else autocannon; `scriptDir` holds wrk's generated scripts. */
export function pickGenerator (scriptDir: string): Generator {
  return hasWrk() ? wrkGenerator(scriptDir) : autocannonGenerator()
}
