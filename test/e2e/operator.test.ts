// The operator's first day, with the real process (src/server.ts as `npm start` runs it): the
// demo refused when the environment says this is a real deployment, look-alike variables named
// with the closest known one, `--check` exiting 0 or 2 without serving, a port in use as one
// plain line, SIGHUP rotating API_KEYS_FILE (removed keys and their tokens stop working), and
// human-readable logs on a terminal.
import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { serverEnv } from '../helpers/server-process.js'
import { missingTool } from '../helpers/required-tool.js'
import { startRedis } from '../helpers/redis-server.js'
import { KEYS, snapshotDir, startSimulator } from '../helpers/service.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WAIT_MS = 30_000

interface Run {
  readonly child: ChildProcessWithoutNullStreams
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>
  /** Waits until stdout holds a line matching `pattern`, and returns that line. */
  readonly waitFor: (pattern: RegExp) => Promise<string>
}

/** The server (or `command` wrapping it) with only `env` and PATH; SIGKILLed when the test ends if still running. */
function run (t: TestContext, env: Record<string, string>, args: readonly string[] = [], command?: readonly string[]): Run {
  const argv = command ?? [process.execPath, '--import', 'tsx', 'src/server.ts', ...args]
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const waitFor = async (pattern: RegExp) => await new Promise<string>((resolve, reject) => {
    const guard = setTimeout(() => { cleanup(); reject(new Error(`no line matching ${String(pattern)} within ${WAIT_MS} ms; stderr: ${err}`)) }, WAIT_MS)
    const check = () => {
      const line = out.split('\n').find((candidate) => pattern.test(candidate))
      if (line !== undefined) { cleanup(); resolve(line) }
    }
    const onExit = () => { check(); cleanup(); reject(new Error(`exited before a line matched ${String(pattern)}; stderr: ${err}`)) }
    const cleanup = () => { clearTimeout(guard); child.stdout.off('data', check); child.off('exit', onExit) }
    child.stdout.on('data', check)
    child.once('exit', onExit)
    check()
  })
  return { child, stdout: () => out, stderr: () => err, exited, waitFor }
}

/** The one line a refused start-up writes. */
function oneLine (text: string): string {
  const lines = text.split('\n').filter((line) => line !== '')
  assert.equal(lines.length, 1, `one line, not: ${text}`)
  return lines[0]!
}

const CREDENTIALS = { HUBSOFT_CLIENT_ID: '12', HUBSOFT_CLIENT_SECRET: 'cs-0123456789', HUBSOFT_USERNAME: 'integracao', HUBSOFT_PASSWORD: 'pw-0123456789' }

test('the demo is refused when HUBSOFT_URL is misspelled beside real credentials, or under NODE_ENV=production', async (t) => {
  const table: Array<[string, Record<string, string>, RegExp]> = [
    ['misspelled URL', { HUBSOFT_URI: 'https://api.provedor.hubsoft.com.br', ...CREDENTIALS, API_KEYS: `ops:${KEYS.admin}:admin` }, /HUBSOFT_CLIENT_ID.*API_KEYS are set/],
    ['production', { NODE_ENV: 'production' }, /NODE_ENV=production is set/]
  ]
  for (const [label, env, named] of table) {
    const refused = run(t, env)
    assert.equal(await refused.exited, 2, label)
    const line = oneLine(refused.stderr())
    assert.match(line, /^hubsoft-bff: invalid configuration: HUBSOFT_URL is unset/, label)
    assert.match(line, named, label)
    assert.ok(!line.includes(CREDENTIALS.HUBSOFT_CLIENT_SECRET) && !line.includes(KEYS.admin), `${label}: no secret`)
    assert.equal(refused.stdout(), '', `${label}: nothing served, nothing logged`)
  }
})

test('a look-alike variable is warned about with the closest known name; the demo prints its keys before its first fetch', async (t) => {
  const demo = run(t, { PORT: '0', HOST: '127.0.0.1', DEMO_CLIENTS: '30', REFRESH_MIN_INTERVALL: '1h', SNAPSHOT_DIRECTORY: '/tmp/x' })
  const warning = JSON.parse(await demo.waitFor(/REFRESH_MIN_INTERVALL/)) as Record<string, unknown>
  assert.equal(warning.level, 40)
  assert.equal(warning.msg, 'REFRESH_MIN_INTERVALL is not a variable this service knows, so it is ignored; did you mean REFRESH_MIN_INTERVAL?')
  assert.match(await demo.waitFor(/SNAPSHOT_DIRECTORY/), /did you mean SNAPSHOT_DIR\?/)
  await demo.waitFor(/"msg":"refresh finished"/)
  const out = demo.stdout()
  const banner = out.indexOf('read key (passwords redacted):')
  assert.ok(banner > 0, 'the banner is printed')
  assert.ok(banner < out.indexOf('"msg":"refresh started"'), 'before the first fetch starts')
})

test('--check exits 0 on a good configuration and 2 on an unusable SNAPSHOT_DIR, without serving', async (t) => {
  const simulator = await startSimulator(t, { clients: 10, seed: 4 })
  const dir = snapshotDir(t)
  const good = run(t, serverEnv(simulator, { API_KEYS: `ops:${KEYS.admin}:admin`, SNAPSHOT_DIR: dir }), ['--check'])
  assert.equal(await good.exited, 0, good.stderr())
  assert.match(good.stdout(), new RegExp(`configuration: valid \\(HubSoft at ${simulator.url.replace(/[.]/g, '\\.')}\\)`))
  assert.match(good.stdout(), /SNAPSHOT_DIR '.*': writable; no snapshot yet/)
  assert.match(good.stdout(), /last fetch attempt: none recorded/)
  assert.equal(simulator.requestCount('oauth/token') + simulator.dataRequestCount(), 0, 'HubSoft is not asked anything')

  const file = join(dir, 'not-a-directory')
  writeFileSync(file, '')
  const bad = run(t, serverEnv(simulator, { API_KEYS: `ops:${KEYS.admin}:admin`, SNAPSHOT_DIR: join(file, 'data') }), ['--check'])
  assert.equal(await bad.exited, 2)
  assert.match(bad.stdout(), /SNAPSHOT_DIR: SNAPSHOT_DIR='.*' is not a writable directory/)

  const invalid = run(t, serverEnv(simulator, { API_KEYS: `ops:${KEYS.admin}:admin`, REFRESH_MIN_INTERVAL: '30d' }), ['--check'])
  assert.equal(await invalid.exited, 2)
  assert.match(oneLine(invalid.stderr()), /REFRESH_MIN_INTERVAL='30d' is invalid: expected a duration from 1m to 7d/)
})

test('--check with REDIS_URL asks the fleet\'s Redis: 0 when it answers, 2 when it does not', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return
  const simulator = await startSimulator(t, { clients: 10, seed: 4 })
  const env = { API_KEYS: `ops:${KEYS.admin}:admin`, SNAPSHOT_DIR: snapshotDir(t), REDIS_URL: redis.url }
  const up = run(t, serverEnv(simulator, env), ['--check'])
  assert.equal(await up.exited, 0, up.stderr())
  assert.match(up.stdout(), /REDIS_URL: answers; no snapshot published yet/)
  await redis.stop()
  const down = run(t, serverEnv(simulator, env), ['--check'])
  assert.equal(await down.exited, 2)
  assert.match(down.stdout(), /REDIS_URL: does not answer/)
  assert.equal(simulator.requestCount('oauth/token') + simulator.dataRequestCount(), 0, 'HubSoft is not asked anything')
})

test('a port in use ends start-up with one plain line naming it', async (t) => {
  const holder = createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  t.after(() => holder.close())
  const { port } = holder.address() as AddressInfo
  const blocked = run(t, { PORT: String(port), HOST: '127.0.0.1', DEMO_CLIENTS: '10' })
  assert.equal(await blocked.exited, 1)
  assert.equal(oneLine(blocked.stderr()), `hubsoft-bff: cannot listen on 127.0.0.1:${port}: the address is already in use by another process; stop it, or set PORT or HOST`)
})

test('SIGHUP re-reads API_KEYS_FILE: a removed key and its tokens stop working, the others keep theirs', async (t) => {
  const simulator = await startSimulator(t, { clients: 10, seed: 4 })
  const keysFile = join(snapshotDir(t), 'api-keys')
  writeFileSync(keysFile, `leaving:${KEYS.read}:read\nstaying:${KEYS.admin}:read+admin\n`)
  // Two cores shared by parallel test files: event-loop stalls there are the machine's.
  const service = run(t, serverEnv(simulator, { API_KEYS_FILE: keysFile, SNAPSHOT_DIR: snapshotDir(t), OVERLOAD_EVENT_LOOP_DELAY_MS: '0' }))
  const listening = JSON.parse(await service.waitFor(/"msg":"Server listening at/)) as { msg: string }
  const base = /(http:\/\/127\.0\.0\.1:\d+)/.exec(listening.msg)![1]!
  await service.waitFor(/"msg":"refresh finished"/)
  const status = async (authorization: string) => (await request(`${base}/status`, { headers: { authorization } }).then(async (answer) => { await answer.body.dump(); return answer })).statusCode
  const token = await request(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', client_id: 'leaving', client_secret: KEYS.read })
  }).then(async (answer) => (await answer.body.json() as { access_token: string }).access_token)
  assert.equal(await status(`Bearer ${KEYS.read}`), 200)
  assert.equal(await status(`Bearer ${token}`), 200)

  writeFileSync(keysFile, `staying:${KEYS.admin}:read+admin\n`)
  service.child.kill('SIGHUP')
  const reloaded = JSON.parse(await service.waitFor(/SIGHUP: reloaded API_KEYS_FILE/)) as { keys: string[], revokedKeys: string[] }
  assert.deepEqual(reloaded.keys, ['staying'])
  assert.deepEqual(reloaded.revokedKeys, ['leaving'])
  assert.equal(await status(`Bearer ${KEYS.read}`), 401, 'the removed key')
  assert.equal(await status(`Bearer ${token}`), 401, 'its token')
  assert.equal(await status(`Bearer ${KEYS.admin}`), 200, 'the key that stayed')
  assert.equal(service.child.exitCode, null, 'SIGHUP does not stop the service')

  // A file that does not load leaves the keys as they are.
  writeFileSync(keysFile, 'staying:short:read\n')
  service.child.kill('SIGHUP')
  await service.waitFor(/SIGHUP: API_KEYS_FILE was not reloaded; the current keys stay/)
  assert.equal(await status(`Bearer ${KEYS.admin}`), 200)
})

test('on a terminal the log is human-readable (pino-pretty); piped, it is JSON', async (t) => {
  // script(1) gives the process a pseudo-terminal as stdout; timeout(1) ends it (SIGTERM) even
  // if the test dies, since killing script does not reach the server behind the terminal.
  const env = { PORT: '0', HOST: '127.0.0.1', DEMO_CLIENTS: '10', TERM: 'dumb' }
  const terminal = run(t, env, [], ['script', '-qec', `exec timeout 20 ${process.execPath} --import tsx src/server.ts`, '/dev/null'])
  const exit = await Promise.race([terminal.waitFor(/refresh finished/).then(() => 'logged'), terminal.exited.then(() => 'exited')])
  if (exit === 'exited' && /ENOENT|not found/.test(terminal.stderr())) {
    missingTool('script (util-linux/bsdutils) is needed to give the server a terminal')
    return
  }
  const line = await terminal.waitFor(/refresh finished/)
  assert.doesNotMatch(line, /^\s*\{/, 'not a JSON line')
  assert.match(line, /INFO/)
  terminal.child.kill('SIGTERM')

  const piped = await run(t, env).waitFor(/refresh finished/)
  assert.doesNotThrow(() => JSON.parse(piped))
})
