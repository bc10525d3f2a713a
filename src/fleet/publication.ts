// One snapshot for the fleet: the replica that fetched writes the snapshot in its persisted form
// (gzip'd NDJSON with its checksummed trailer, as in SNAPSHOT_DIR) to Redis in chunks, then swaps
// in a manifest that points at them, announces it on a channel, and deletes the chunks the old
// manifest pointed at. Chunks are written with a TTL that the swap removes, so a publisher that
// dies half-way leaves nothing behind for long. Readers take the manifest first and the chunks
// after; a reader that finds a chunk gone (a newer publication replaced it) starts over.
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Redis } from 'ioredis'
import { persistedForm, readSnapshotStream } from '../snapshot/persist.js'
import { SnapshotBuilder } from '../snapshot/snapshot.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import type { FleetKeys } from './redis.js'

/** Redis takes values up to 512 MiB but blocks on each one; a MiB keeps every command short. */
export const CHUNK_BYTES = 1024 * 1024
/** Chunks of a publication not yet swapped in expire on their own after this. */
const PENDING_CHUNK_TTL_MS = 15 * 60_000

export interface FleetManifest {
  /** Names this publication's chunks; a new one for every publication, even of the same version. */
  readonly publication: string
  readonly version: string
  readonly fetched_at: string
  readonly source: Snapshot['source']
  readonly clients: number
  /** The persisted form's size and SHA-256, checked by every reader before it swaps. */
  readonly bytes: number
  readonly sha256: string
  readonly chunks: number
  readonly published_at: string
  readonly publisher: string
}

/** Makes the chunks permanent and points the manifest at them, unless one of them is gone; answers the old manifest. */
const SWAP = `
for i = 2, #KEYS do
  if redis.call('PERSIST', KEYS[i]) == 0 and redis.call('EXISTS', KEYS[i]) == 0 then
    return redis.error_reply('a chunk of the publication expired before its manifest was written')
  end
end
local old = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
if old then return old end
return ''`

export function parseManifest (text: string | null): FleetManifest | null {
  if (text === null || text === '') return null
  const manifest = JSON.parse(text) as Partial<FleetManifest>
  if (typeof manifest.publication !== 'string' || typeof manifest.version !== 'string' || typeof manifest.chunks !== 'number' ||
    typeof manifest.sha256 !== 'string' || typeof manifest.bytes !== 'number' || Number.isNaN(Date.parse(manifest.fetched_at ?? ''))) {
    throw new Error('the fleet manifest in Redis is incomplete')
  }
  return manifest as FleetManifest
}

export async function readManifest (redis: Redis, keys: FleetKeys): Promise<FleetManifest | null> {
  return parseManifest(await redis.get(keys.manifest))
}

/** Writes `snapshot` to Redis, swaps its manifest in, announces it and deletes the previous chunks. */
export async function publishSnapshot (redis: Redis, keys: FleetKeys, snapshot: Snapshot, publisher: string, now: () => number): Promise<FleetManifest> {
  const publication = randomBytes(8).toString('hex')
  const hash = createHash('sha256')
  const chunkKeys: string[] = []
  let bytes = 0
  for await (const piece of chunked(persistedForm(snapshot), CHUNK_BYTES)) {
    hash.update(piece)
    bytes += piece.length
    const key = keys.chunk(publication, chunkKeys.length)
    chunkKeys.push(key)
    await redis.set(key, piece, 'PX', PENDING_CHUNK_TTL_MS)
  }
  const manifest: FleetManifest = {
    publication,
    version: snapshot.version,
    fetched_at: snapshot.fetchedAt.toISOString(),
    source: snapshot.source,
    clients: snapshot.size,
    bytes,
    sha256: hash.digest('hex'),
    chunks: chunkKeys.length,
    published_at: new Date(now()).toISOString(),
    publisher
  }
  const old = String(await redis.eval(SWAP, 1 + chunkKeys.length, keys.manifest, ...chunkKeys, JSON.stringify(manifest)))
  await redis.publish(keys.announcements, publication)
  await deleteChunks(redis, keys, old)
  return manifest
}

/** Deletes the chunks of a replaced manifest (a reader still on them starts over). */
async function deleteChunks (redis: Redis, keys: FleetKeys, oldManifest: string): Promise<void> {
  let old: FleetManifest | null
  try {
    old = parseManifest(oldManifest)
  } catch {
    return
  }
  if (old === null || old.chunks === 0) return
  await redis.unlink(...Array.from({ length: old.chunks }, (_, index) => keys.chunk(old.publication, index)))
}

/** Regroups a stream's buffers into pieces of `size` bytes (the last one shorter). */
async function * chunked (source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = []
  let length = 0
  for await (const buffer of source) {
    pending.push(buffer)
    length += buffer.length
    while (length >= size) {
      const joined = Buffer.concat(pending)
      yield joined.subarray(0, size)
      pending = [joined.subarray(size)]
      length -= size
    }
  }
  if (length > 0) yield Buffer.concat(pending)
}

export class StalePublicationError extends Error {
  override name = 'StalePublicationError'
}

/**
 * Downloads the publication `manifest` names, chunk by chunk, into a snapshot built beside
 * `current` (unchanged clients share its bytes); it checks the size and SHA-256 of the whole, the
 * persisted form's own trailer, and that the built snapshot has the manifest's version. Throws
 * StalePublicationError when a chunk is gone (the manifest was replaced meanwhile).
 */
export async function downloadSnapshot (redis: Redis, keys: FleetKeys, manifest: FleetManifest, current: Snapshot | null): Promise<Snapshot> {
  const hash = createHash('sha256')
  let bytes = 0
  async function * chunks (): AsyncGenerator<Buffer> {
    for (let index = 0; index < manifest.chunks; index++) {
      const chunk = await redis.getBuffer(keys.chunk(manifest.publication, index))
      if (chunk === null) throw new StalePublicationError(`chunk ${index} of publication ${manifest.publication} is gone`)
      hash.update(chunk)
      bytes += chunk.length
      yield chunk
    }
  }
  const builder = new SnapshotBuilder(current)
  const loaded = await readSnapshotStream(Readable.from(chunks()), manifest.bytes, async (clientes) => await builder.addPage(clientes, 'reject'))
  if (bytes !== manifest.bytes || hash.digest('hex') !== manifest.sha256) throw new Error('the fleet snapshot does not match its manifest\'s size and checksum')
  const snapshot = await builder.finish(loaded.meta)
  if (snapshot.version !== manifest.version) throw new Error(`the fleet snapshot built as version ${snapshot.version}, its manifest says ${manifest.version}`)
  return snapshot
}
