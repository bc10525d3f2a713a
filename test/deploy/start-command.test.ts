// Every way of starting the service in production runs it with the same C allocator and V8
// heap settings (README, Performance: memory): the Docker image, `npm run start:prod`, the
// systemd unit, and the bench, which measures memory as deployed. Expected values written by hand.
// The environment is one part; node's own command line (a V8 flag NODE_OPTIONS refuses) the other.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { DEPLOYED_ENV, serviceStartEnv } from '../../bench/start-env.js'
import { unitEnvironment, unitValues } from '../helpers/systemd-unit.js'

const EXPECTED = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-semi-space-size=8' }
const FLAGS = ['--compact-on-every-full-gc']
const root = new URL('../../', import.meta.url)

/** `NAME=value` pairs of every ENV instruction in the runtime stage (after the last FROM). */
function dockerRuntimeEnv (dockerfile: string): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  const pairs = [...runtime.matchAll(/^ENV (.+)$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/))
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]))
}

/** The exec-form CMD of the runtime stage, as the array it is. */
function dockerCmd (dockerfile: string): string[] {
  const commands = [...dockerfile.matchAll(/^CMD (\[.*\])$/gm)]
  return JSON.parse(commands.at(-1)![1]!) as string[]
}

test('the Docker image runs with the allocator and heap settings', () => {
  const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8')
  const env = dockerRuntimeEnv(dockerfile)
  for (const [name, value] of Object.entries(EXPECTED)) assert.equal(env[name], value, name)
  assert.deepEqual(dockerCmd(dockerfile), ['node', ...FLAGS, 'dist/src/server.js'])
})

test('npm run start:prod runs the compiled service with the same settings', () => {
  const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts
  assert.equal(scripts['start:prod'], 'MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 NODE_OPTIONS=--max-semi-space-size=8 node --compact-on-every-full-gc dist/src/server.js')
})

test('the systemd unit runs it with the same settings', () => {
  const env = unitEnvironment()
  for (const [name, value] of Object.entries(EXPECTED)) assert.equal(env[name], value, name)
  assert.deepEqual(unitValues('ExecStart'), [['/usr/bin/node', ...FLAGS, '/opt/hubsoft-bff/dist/src/server.js'].join(' ')])
})

test('the bench starts the service with the same settings', () => {
  assert.deepEqual({ ...DEPLOYED_ENV }, EXPECTED)
  for (const allocator of ['deployed', 'glibc', 'jemalloc']) assert.deepEqual(serviceStartEnv(allocator).execArgv, FLAGS, allocator)
})

test('node accepts the flags on its command line', () => {
  // NODE_OPTIONS refuses some V8 flags; a misspelt one stops node before the service starts.
  assert.equal(execFileSync(process.execPath, [...FLAGS, '-e', 'process.stdout.write("started")'], { encoding: 'utf8' }), 'started')
})
