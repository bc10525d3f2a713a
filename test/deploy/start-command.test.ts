// Every way of starting the service in production runs it with the same C allocator and V8
// heap settings (README, Performance: memory): the Docker image, `npm run start:prod`, the
// systemd unit, and the bench, which measures memory as deployed. Expected values written by hand.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { DEPLOYED_ENV } from '../../bench/start-env.js'
import { unitEnvironment } from '../helpers/systemd-unit.js'

const EXPECTED = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-semi-space-size=8' }
const root = new URL('../../', import.meta.url)

/** `NAME=value` pairs of every ENV instruction in the runtime stage (after the last FROM). */
function dockerRuntimeEnv (dockerfile: string): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  const pairs = [...runtime.matchAll(/^ENV (.+)$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/))
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]))
}

test('the Docker image runs with the allocator and heap settings', () => {
  const env = dockerRuntimeEnv(readFileSync(new URL('Dockerfile', root), 'utf8'))
  for (const [name, value] of Object.entries(EXPECTED)) assert.equal(env[name], value, name)
})

test('npm run start:prod runs the compiled service with the same settings', () => {
  const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts
  assert.equal(scripts['start:prod'], 'MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 NODE_OPTIONS=--max-semi-space-size=8 node dist/src/server.js')
})

test('the systemd unit runs it with the same settings', () => {
  const env = unitEnvironment()
  for (const [name, value] of Object.entries(EXPECTED)) assert.equal(env[name], value, name)
})

test('the bench starts the service with the same settings', () => {
  assert.deepEqual({ ...DEPLOYED_ENV }, EXPECTED)
})
