// Answers in projections the snapshot did not prepare (other relacoes, cancelado=sim) cost a
// re-parse per client; the last ones asked are kept here, bounded by bytes, for the snapshot
// they came from. A new snapshot version empties the cache before anything else is read. The
// budget counts what an entry really holds, its key included: a key is the caller's normalised
// query, so a caller choosing long parameter values must not grow the heap beyond the bound.
import { LRUCache } from 'lru-cache'
import type { RenderedBody } from './render.js'
import type { Snapshot } from './snapshot.js'

export const PROJECTION_CACHE_BYTES = 64 * 1024 * 1024
/** One answer may take at most this share of the cache, so a few large ones cannot evict everything. */
const MAX_ENTRY_SHARE = 8
/**
 * What an entry holds beside its body: the key (counted at two bytes a character, V8's widest
 * string form) and about this much of bookkeeping (the Buffer object and the LRU's slots).
 */
export const ENTRY_OVERHEAD_BYTES = 128

/** The bytes an entry takes from the budget. */
export function entryBytes (body: Buffer, key: string): number {
  return body.length + key.length * 2 + ENTRY_OVERHEAD_BYTES
}

export interface ProjectionCacheStats {
  readonly entries: number
  readonly bytes: number
  readonly hits: number
  readonly misses: number
}

/** A cached answer: its bytes, and how many clients they list. */
interface CachedAnswer {
  readonly body: Buffer
  readonly clients: number
}

export class ProjectionCache {
  readonly #bodies: LRUCache<string, CachedAnswer>
  #version: string | null = null
  #hits = 0
  #misses = 0

  constructor (maxBytes = PROJECTION_CACHE_BYTES) {
    this.#bodies = new LRUCache<string, CachedAnswer>({
      maxSize: maxBytes,
      maxEntrySize: Math.floor(maxBytes / MAX_ENTRY_SHARE),
      sizeCalculation: (answer, key) => entryBytes(answer.body, key)
    })
  }

  /**
   * The cached answer for `key` (scope and normalised query) in this snapshot, else `render`'s,
   * kept when it is a whole Buffer small enough; streamed answers pass through uncached.
   */
  render (snapshot: Snapshot, key: string, render: () => RenderedBody): RenderedBody {
    if (this.#version !== snapshot.version) {
      this.#bodies.clear()
      this.#version = snapshot.version
    }
    const cached = this.#bodies.get(key)
    if (cached !== undefined) {
      this.#hits++
      return { body: cached.body, byteLength: cached.body.length, clients: cached.clients }
    }
    this.#misses++
    const rendered = render()
    if (Buffer.isBuffer(rendered.body)) this.#bodies.set(key, { body: rendered.body, clients: rendered.clients })
    return rendered
  }

  /** Answers held and the bytes they take (keys and bookkeeping included); lookups answered from the cache and rendered, since start. */
  get stats (): ProjectionCacheStats {
    return { entries: this.#bodies.size, bytes: this.#bodies.calculatedSize, hits: this.#hits, misses: this.#misses }
  }
}
