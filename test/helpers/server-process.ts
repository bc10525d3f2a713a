// The real process (src/server.ts, as `npm start` runs it) on loopback, read through its stdout:
// started, watched until a JSON log line matches, then killed without warning; or kept running
// while a test talks to it, and stopped by PID when the test ends.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import type { HubsoftSimulator } from '../../src/simulator/simulator.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WAIT_MS = 20_000

/** The environment of a server against `simulator`, on a free loopback port, logging at info; `env` adds to it. */
export function serverEnv (simulator: HubsoftSimulator, env: Record<string, string>): Record<string, string> {
  return {
    HUBSOFT_URL: simulator.url,
    HUBSOFT_CLIENT_ID: DEMO_CREDENTIALS.clientId,
    HUBSOFT_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
    HUBSOFT_USERNAME: DEMO_CREDENTIALS.username,
    HUBSOFT_PASSWORD: DEMO_CREDENTIALS.password,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...env
  }
}

export interface ServerRun {
  /** The msg of the line that matched `until`. */
  readonly matched: string
  /** Every log line up to the kill, parsed (a line that is not JSON fails the run). */
  readonly lines: Array<Record<string, unknown>>
  /** Whether the process was still running when `before` ended. */
  readonly aliveAtKill: boolean
}

/**
 * Starts the server with only `env` (and PATH), waits for a log line whose msg matches `until`,
 * then for `before` (given the lines so far), and SIGKILLs it. `openFileLimit` runs it under
 * `ulimit -n`.
 */
export async function runServerUntil (env: Record<string, string>, until: RegExp, before: (lines: ReadonlyArray<Record<string, unknown>>) => Promise<void> = async () => undefined, openFileLimit?: number): Promise<ServerRun> {
  const command = [process.execPath, '--import', 'tsx', 'src/server.ts']
  const [file, ...args] = openFileLimit === undefined ? command : ['/bin/sh', '-c', `ulimit -n ${openFileLimit} && exec "$@"`, 'sh', ...command]
  const child = spawn(file!, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: Array<Record<string, unknown>> = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let alive = true
  child.once('exit', () => { alive = false })
  const matched = await new Promise<string>((resolve, reject) => {
    let pending = ''
    const guard = setTimeout(() => reject(new Error(`no log line matching ${String(until)} within ${WAIT_MS} ms; stderr: ${stderr}`)), WAIT_MS)
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString()
      const complete = pending.split('\n')
      pending = complete.pop() ?? ''
      for (const text of complete) {
        const line = JSON.parse(text) as Record<string, unknown>
        lines.push(line)
        if (typeof line.msg === 'string' && until.test(line.msg)) {
          clearTimeout(guard)
          resolve(line.msg)
        }
      }
    })
    child.once('exit', (code) => reject(new Error(`the server exited (${String(code)}) before a line matched ${String(until)}; stderr: ${stderr}`)))
  })
  await before(lines)
  const aliveAtKill = alive
  child.kill('SIGKILL')
  await exited
  return { matched, lines, aliveAtKill }
}

/** A free loopback port: bound once by the OS and released, for a process that must be told its PORT. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface ServerProcess {
  /** Resolves with the first match of `pattern` in stdout (JSON log lines and, in demo mode, the banner), waiting up to WAIT_MS for it. */
  readonly waitFor: (pattern: RegExp) => Promise<RegExpMatchArray>
}

/**
 * Starts `npm start`'s entry point with only `env` (and PATH) and keeps it running until the
 * test ends, then stops it by PID with SIGTERM (SIGKILL if it has not exited within WAIT_MS).
 */
export function startServerProcess (t: TestContext, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  let exitCode: number | null | undefined
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', (code) => { exitCode = code; resolve() }))
  t.after(async () => {
    if (exitCode !== undefined) return
    child.kill('SIGTERM')
    const guard = setTimeout(() => child.kill('SIGKILL'), WAIT_MS)
    await exited
    clearTimeout(guard)
  })
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + WAIT_MS
    for (let round = 0; Date.now() < deadline && round < WAIT_MS / 50; round++) {
      const match = stdout.match(pattern)
      if (match !== null) return match
      if (exitCode !== undefined) break
      await delay(50)
    }
    throw new Error(`no output matching ${String(pattern)} (exit ${String(exitCode)}); stderr: ${stderr}`)
  }
  return { waitFor }
}
