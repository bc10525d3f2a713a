// The default /all body compressed once per snapshot and reused: compressing hundreds of MiB
// per request would cost more CPU than everything else the service does.
// Keyed on the snapshot object in a WeakMap, so a swap drops the old bodies with the old
// snapshot; concurrent first requests share one compression.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants, createBrotliCompress, createGzip } from 'node:zlib'
import type { RenderedBody } from '../../snapshot/render.js'
import type { Snapshot } from '../../snapshot/snapshot.js'

export const PRECOMPRESSED_ENCODINGS = ['br', 'gzip'] as const
type PrecompressedEncoding = typeof PRECOMPRESSED_ENCODINGS[number]

/** Brotli quality 4: close to gzip's speed with a better ratio (what @fastify/compress defaults to). */
export const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }

function compressor (encoding: PrecompressedEncoding) {
  return encoding === 'br' ? createBrotliCompress(BROTLI_OPTIONS) : createGzip()
}

async function compressBody (body: Buffer | Readable, encoding: PrecompressedEncoding): Promise<Buffer> {
  const chunks: Buffer[] = []
  await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, compressor(encoding), async (compressed: AsyncIterable<Buffer>) => {
    for await (const chunk of compressed) chunks.push(chunk)
  })
  return Buffer.concat(chunks)
}

/** A compressed body, and how many clients it lists. */
export interface CompressedBody {
  readonly compressed: Buffer
  readonly clients: number
}

async function compressAnswer (rendered: RenderedBody, encoding: PrecompressedEncoding): Promise<CompressedBody> {
  return { compressed: await compressBody(rendered.body, encoding), clients: rendered.clients }
}

export class PrecompressedBodies {
  readonly #bySnapshot = new WeakMap<Snapshot, Map<string, Promise<CompressedBody>>>()
  #compressions = 0

  /** How many bodies were compressed since start (tests count them). */
  get compressions (): number {
    return this.#compressions
  }

  /** The compressed body of `variant` (e.g. the redaction) for this snapshot, compressing it on first use. */
  get (snapshot: Snapshot, variant: string, encoding: PrecompressedEncoding, render: () => RenderedBody): Promise<CompressedBody> {
    let bodies = this.#bySnapshot.get(snapshot)
    if (bodies === undefined) {
      bodies = new Map()
      this.#bySnapshot.set(snapshot, bodies)
    }
    const key = `${variant}:${encoding}`
    let compressed = bodies.get(key)
    if (compressed === undefined) {
      this.#compressions++
      compressed = compressAnswer(render(), encoding)
      // A failure is not cached: the next request tries again.
      compressed.catch(() => bodies.delete(key))
      bodies.set(key, compressed)
    }
    return compressed
  }
}
