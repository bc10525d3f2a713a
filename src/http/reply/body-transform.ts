// Rewrites a response body chunk by chunk: a Buffer stays a Buffer, a stream becomes a stream,
// so the full dump is never held as one piece. The rewriters (pretty-json, ndjson) are byte
// scanners that keep their state between chunks.
import { Transform, pipeline } from 'node:stream'
import type { Readable } from 'node:stream'

export interface ChunkRewriter {
  /** The output for the next input chunk (possibly empty). */
  write: (chunk: Buffer) => Buffer
  /** What is still owed at the end of the input. */
  end: () => Buffer
}

export function rewriteBody (body: Buffer | Readable, rewriter: ChunkRewriter): Buffer | Readable {
  if (Buffer.isBuffer(body)) return Buffer.concat([rewriter.write(body), rewriter.end()])
  const transform = new Transform({
    transform (chunk: Buffer, _encoding, done) { done(null, rewriter.write(chunk)) },
    flush (done) { done(null, rewriter.end()) }
  })
  // pipeline destroys both sides when either fails (a client gone, a render error).
  return pipeline(body, transform, () => {})
}

/** Collects output pieces of one chunk: copied runs of input and inserted bytes. */
export class OutputPieces {
  readonly #pieces: Buffer[] = []
  #length = 0
  push (piece: Buffer): void {
    if (piece.length === 0) return
    this.#pieces.push(piece)
    this.#length += piece.length
  }

  take (): Buffer {
    const joined = Buffer.concat(this.#pieces, this.#length)
    this.#pieces.length = 0
    this.#length = 0
    return joined
  }
}
