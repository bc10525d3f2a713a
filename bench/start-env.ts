// How the bench starts the service: the way the Docker image, `npm run start:prod`, the systemd unit and the
// README's production command start it, so that memory is measured with the allocator and heap
// settings it runs with. BENCH_ALLOCATOR compares: `deployed` (the default), `glibc` (glibc's
// defaults), `jemalloc` (Debian's libjemalloc2 preloaded); V8's settings (the young generation
// bounded, full collections compacting) are the same in all three.
export interface StartEnv {
  readonly env: Record<string, string>
  readonly execArgv: string[]
  readonly description: string
}

/**
 * glibc malloc with a fixed mmap threshold and two arenas (the Dockerfile's ENV). By default
 * glibc raises its mmap threshold to the size of any mmap'd block that is freed (up to 32 MiB,
 * mallopt(3)); after that, the snapshot's 4 MiB slabs and the pages' buffers come from the
 * heap, where a freed slab below a live one cannot be given back: ~300 MiB stayed resident
 * at 100 000 clients. Pinned at 128 KiB, every large buffer is its own mapping, unmapped
 * when freed; two arenas keep the thread pool's (gzip, brotli) from holding freed memory each.
 */
export const DEPLOYED_MALLOC_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const

/**
 * V8's young generation held to 8 MiB semi-spaces. Left to itself it grows to 16 MiB ones
 * while a snapshot is built and keeps them (32 MiB resident at rest, 11 % of the /all JSON at
 * 100 000 clients); held at 8 it was back at 2 MiB once idle. 2 MiB semi-spaces saved a
 * little more but made the ingest ~10 % slower (more of each page's objects promoted).
 */
export const DEPLOYED_NODE_OPTIONS = { NODE_OPTIONS: '--max-semi-space-size=8' } as const

/**
 * V8's flags on node's command line (NODE_OPTIONS refuses this one). Every full collection
 * compacts the old generation: by its own heuristics V8 left 122 MiB of old space committed
 * for ~84 MiB of objects once a snapshot of 100 000 clients was built, 86 MiB with the flag
 * (RSS at rest 577–590 → 542–552 MiB in ingest-and-settle runs), the ingest as fast.
 */
export const DEPLOYED_NODE_FLAGS = ['--compact-on-every-full-gc'] as const

/** What `deployed` sets, as the Dockerfile's ENV, the systemd unit and `npm run start:prod` do. */
export const DEPLOYED_ENV = { ...DEPLOYED_MALLOC_ENV, ...DEPLOYED_NODE_OPTIONS } as const

const described = (env: Record<string, string>) => Object.entries(env).map(([name, value]) => `${name}=${value}`).join(' ')
const flags = DEPLOYED_NODE_FLAGS.join(' ')

/** Debian's libjemalloc2, to compare. */
const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2'

export function serviceStartEnv (allocator = process.env.BENCH_ALLOCATOR ?? 'deployed'): StartEnv {
  switch (allocator) {
    case 'deployed':
      return { env: { ...DEPLOYED_ENV }, execArgv: [...DEPLOYED_NODE_FLAGS], description: `node ${flags} as deployed (${described(DEPLOYED_ENV)})` }
    case 'glibc':
      return { env: { ...DEPLOYED_NODE_OPTIONS }, execArgv: [...DEPLOYED_NODE_FLAGS], description: `node ${flags}, glibc malloc with its defaults (${described(DEPLOYED_NODE_OPTIONS)})` }
    case 'jemalloc':
      return { env: { LD_PRELOAD: JEMALLOC, ...DEPLOYED_NODE_OPTIONS }, execArgv: [...DEPLOYED_NODE_FLAGS], description: `node ${flags}, jemalloc (LD_PRELOAD=${JEMALLOC} ${described(DEPLOYED_NODE_OPTIONS)})` }
    default:
      throw new Error(`BENCH_ALLOCATOR=${allocator}: deployed, glibc or jemalloc`)
  }
}
