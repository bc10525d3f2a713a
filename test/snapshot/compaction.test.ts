// Whole-heap compaction is off while a snapshot is built and back on after, in a process started
// with it; a process started without it is left alone.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { compactionToggle, startedCompacting } from '../../src/snapshot/compaction.js'

test('startedCompacting reads node\'s command line as V8 does', () => {
  const cases: Array<[string[], boolean]> = [
    [[], false],
    [['--compact-on-every-full-gc'], true],
    [['--compact_on_every_full_gc'], true],
    [['--expose-gc', '--compact-on-every-full-gc', '--cpu-prof'], true],
    [['--no-compact-on-every-full-gc'], false],
    [['--max-semi-space-size=8'], false]
  ]
  for (const [execArgv, expected] of cases) assert.equal(startedCompacting(execArgv), expected, execArgv.join(' '))
})

/** A toggle whose flag changes are written down instead of reaching V8. */
function recorded (compacting: boolean) {
  const flags: string[] = []
  return { flags, duringSnapshotBuild: compactionToggle(compacting, (flag) => flags.push(flag)) }
}

test('a build runs with compaction off, and it is back on once the build ends', async () => {
  const { flags, duringSnapshotBuild } = recorded(true)
  const result = await duringSnapshotBuild(async () => {
    assert.deepEqual(flags, ['--no-compact-on-every-full-gc'])
    return 'built'
  })
  assert.equal(result, 'built')
  assert.deepEqual(flags, ['--no-compact-on-every-full-gc', '--compact-on-every-full-gc'])
})

test('overlapping builds keep compaction off until the last one ends', async () => {
  const { flags, duringSnapshotBuild } = recorded(true)
  let finishFirst!: () => void
  const first = duringSnapshotBuild(async () => { await new Promise<void>((resolve) => { finishFirst = resolve }) })
  let finishSecond!: () => void
  const second = duringSnapshotBuild(async () => { await new Promise<void>((resolve) => { finishSecond = resolve }) })
  finishFirst()
  await first
  assert.deepEqual(flags, ['--no-compact-on-every-full-gc'], 'the second build still runs')
  finishSecond()
  await second
  assert.deepEqual(flags, ['--no-compact-on-every-full-gc', '--compact-on-every-full-gc'])
})

test('a failed build still turns compaction back on, and its error reaches the caller', async () => {
  const { flags, duringSnapshotBuild } = recorded(true)
  await assert.rejects(duringSnapshotBuild(async () => { throw new Error('page 3 broke the schema') }), /page 3 broke the schema/)
  assert.deepEqual(flags, ['--no-compact-on-every-full-gc', '--compact-on-every-full-gc'])
})

test('a process started without compaction keeps V8\'s own settings', async () => {
  const { flags, duringSnapshotBuild } = recorded(false)
  assert.equal(await duringSnapshotBuild(async () => 42), 42)
  assert.deepEqual(flags, [])
})

test('node takes the flag back and forth at run time, collections included', () => {
  const script = [
    "const v8 = require('node:v8')",
    'const held = Array.from({ length: 200000 }, (_, i) => ({ i }))',
    "v8.setFlagsFromString('--no-compact-on-every-full-gc'); gc()",
    "v8.setFlagsFromString('--compact-on-every-full-gc'); gc()",
    'process.stdout.write(String(held.length))'
  ].join('\n')
  assert.equal(execFileSync(process.execPath, ['--compact-on-every-full-gc', '--expose-gc', '-e', script], { encoding: 'utf8' }), '200000')
})
