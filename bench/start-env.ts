// How the bench starts the service: the way the README's production command and the Docker
// image start it, so that memory is measured with the allocator it runs with. BENCH_ALLOCATOR
// (glibc, arena2, jemalloc) overrides it to compare.
export interface StartEnv {
  readonly env: Record<string, string>
  readonly execArgv: string[]
  readonly description: string
}

export function serviceStartEnv (allocator = process.env.BENCH_ALLOCATOR ?? 'glibc'): StartEnv {
  switch (allocator) {
    case 'glibc':
      return { env: {}, execArgv: [], description: 'node, glibc malloc with its defaults' }
    case 'arena2':
      return { env: { MALLOC_ARENA_MAX: '2' }, execArgv: [], description: 'node, glibc malloc, MALLOC_ARENA_MAX=2' }
    case 'jemalloc':
      return { env: { LD_PRELOAD: JEMALLOC }, execArgv: [], description: `node, jemalloc (LD_PRELOAD=${JEMALLOC})` }
    default:
      throw new Error(`BENCH_ALLOCATOR=${allocator}: glibc, arena2 or jemalloc`)
  }
}

/** Debian's libjemalloc2 (the Docker image installs it). */
const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2'
