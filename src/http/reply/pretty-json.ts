// `?pretty`: whether a query asks for it, and the rewriter that re-indents compact JSON bytes
// with two spaces, as JSON.stringify(value, null, 2) would (plus a final newline), without
// parsing: a byte scanner that tracks strings and nesting, so it streams through the full
// dump. UTF-8 continuation bytes are never ASCII, so scanning bytes is safe.
import type { ChunkRewriter } from './body-transform.js'

const QUOTE = 1
const OPENER = 2
const CLOSER = 3
const COMMA = 4
const COLON = 5
const SPACE = 6
const BACKSLASH = 7

/** The class of every byte that matters to the scanner (0 for plain bytes). */
const CLASS = new Uint8Array(256)
CLASS[0x22] = QUOTE
CLASS[0x7b] = OPENER
CLASS[0x5b] = OPENER
CLASS[0x7d] = CLOSER
CLASS[0x5d] = CLOSER
CLASS[0x2c] = COMMA
CLASS[0x3a] = COLON
for (const space of [0x20, 0x09, 0x0a, 0x0d]) CLASS[space] = SPACE
CLASS[0x5c] = BACKSLASH

/** `?pretty`, `?pretty=` or `?pretty=1` ask for it; `?pretty=false` and `?pretty=0` do not. */
export function wantsPretty (query: unknown): boolean {
  const value = (query as Record<string, unknown> | null | undefined)?.pretty
  if (value === undefined) return false
  return !['false', '0'].includes(String(value).toLowerCase())
}

export function prettyJsonRewriter (): ChunkRewriter {
  let depth = 0
  let inString = false
  let escaped = false
  /** An opener was just written: its newline waits until we know it is not empty (`[]`, `{}`). */
  let openPending = false

  return {
    write (chunk) {
      // Input bytes yield at most two bytes each (`:` becomes `: `); newlines grow the buffer as needed.
      let out = Buffer.allocUnsafe(chunk.length * 2 + 64)
      let length = 0
      const newline = (position: number) => {
        const needed = length + 1 + 2 * depth + 2 * (chunk.length - position)
        if (needed > out.length) {
          const grown = Buffer.allocUnsafe(needed * 2)
          out.copy(grown, 0, 0, length)
          out = grown
        }
        out[length++] = 0x0a
        for (let pad = 2 * depth; pad > 0; pad--) out[length++] = 0x20
      }
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!
        const kind = CLASS[byte]!
        if (inString) {
          out[length++] = byte
          if (escaped) escaped = false
          else if (kind === BACKSLASH) escaped = true
          else if (kind === QUOTE) inString = false
          continue
        }
        if (kind === SPACE) continue
        if (openPending) {
          openPending = false
          if (kind !== CLOSER) {
            depth++
            newline(i)
          }
        } else if (kind === CLOSER) {
          depth--
          newline(i)
        }
        out[length++] = byte
        if (kind === QUOTE) inString = true
        else if (kind === OPENER) openPending = true
        else if (kind === COMMA) newline(i + 1)
        else if (kind === COLON) out[length++] = 0x20
      }
      return out.subarray(0, length)
    },
    // A final newline, so a shell prompt does not follow the closing brace.
    end: () => Buffer.from('\n')
  }
}
