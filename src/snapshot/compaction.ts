// Whole-heap compaction at rest, V8's own choice while a snapshot is built (README, "Memory").
// Started as deployed, with --compact-on-every-full-gc, V8 compacts every old-space page at each
// full collection, which gives back the room a build leaves behind. During a build the same
// collections cost peak memory: each copies every live object before it frees a page, with both
// snapshots in the heap. So while any snapshot is built (a refresh, the persisted file at start,
// a fleet publication) the flag is off, and it is back on once the last build has ended.
import { setFlagsFromString } from 'node:v8'

const FLAG = 'compact-on-every-full-gc'

/** Whether node was started with the flag (V8 reads `-` and `_` alike). */
export function startedCompacting (execArgv: readonly string[]): boolean {
  return execArgv.some((argument) => argument.replaceAll('_', '-') === `--${FLAG}`)
}

/**
 * `duringSnapshotBuild(build)` runs `build` with whole-heap compaction off, for a process
 * started with it; one started without keeps V8's defaults untouched. Builds may overlap.
 */
export function compactionToggle (compacting: boolean, setFlags: (flags: string) => void = setFlagsFromString) {
  let building = 0
  return async function duringSnapshotBuild<T> (build: () => Promise<T>): Promise<T> {
    if (!compacting) return await build()
    if (building++ === 0) setFlags(`--no-${FLAG}`)
    try {
      return await build()
    } finally {
      if (--building === 0) setFlags(`--${FLAG}`)
    }
  }
}

export const duringSnapshotBuild = compactionToggle(startedCompacting(process.execArgv))
