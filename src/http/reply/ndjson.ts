// `Accept: application/x-ndjson`: the clients of a list answer, one JSON object per line, for
// `jq` and bulk loaders. A byte scanner over the rendered envelope keeps exactly the elements
// of its first array (`clientes`), so it streams through the full dump and reuses the bytes
// the renderer prepared.
import type { ChunkRewriter } from './body-transform.js'
import { OutputPieces } from './body-transform.js'

export const NDJSON_TYPE = 'application/x-ndjson'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const NEWLINE = Buffer.from('\n')

/** True when the Accept header lists application/x-ndjson with a non-zero quality. */
export function acceptsNdjson (accept: string | undefined): boolean {
  if (accept === undefined) return false
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase())
    return type === NDJSON_TYPE && !params.some((param) => /^q=0(\.0*)?$/.test(param))
  })
}

/** Keeps the elements of the envelope's first array, each followed by a newline. */
export function ndjsonRewriter (): ChunkRewriter {
  let depth = 0
  let inString = false
  let escaped = false
  /** 0 before the list, 1 inside it, 2 after it. */
  let phase: 0 | 1 | 2 = 0
  let elementOpen = false

  return {
    write (chunk) {
      const out = new OutputPieces()
      // An element cut by the previous chunk continues from this chunk's first byte.
      let keepFrom = elementOpen ? 0 : -1
      for (let i = 0; i < chunk.length && phase < 2; i++) {
        const byte = chunk[i]!
        if (inString) {
          if (escaped) escaped = false
          else if (byte === BACKSLASH) escaped = true
          else if (byte === QUOTE) inString = false
          continue
        }
        if (phase === 1 && depth === 2 && !elementOpen && byte !== 0x5d && byte !== COMMA && byte > 0x20) {
          keepFrom = i
          elementOpen = true
        }
        if (byte === QUOTE) inString = true
        else if (byte === 0x7b || byte === 0x5b) {
          depth++
          if (phase === 0 && depth === 2 && byte === 0x5b) phase = 1
        } else if (byte === 0x7d || byte === 0x5d) {
          depth--
          if (phase === 1 && depth === 1) {
            if (keepFrom !== -1) out.push(chunk.subarray(keepFrom, i))
            if (elementOpen) out.push(NEWLINE)
            keepFrom = -1
            elementOpen = false
            phase = 2
          }
        } else if (byte === COMMA && phase === 1 && depth === 2) {
          if (keepFrom !== -1) out.push(chunk.subarray(keepFrom, i))
          out.push(NEWLINE)
          keepFrom = -1
          elementOpen = false
        }
      }
      if (phase === 1 && keepFrom !== -1) out.push(chunk.subarray(keepFrom))
      return out.take()
    },
    end: () => Buffer.alloc(0)
  }
}
