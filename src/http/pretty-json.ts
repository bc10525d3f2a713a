// `?pretty`: re-indents compact JSON bytes with two spaces, as JSON.stringify(value, null, 2)
// would (plus a final newline), without parsing: a byte scanner that tracks strings and nesting, so it streams
// through the full dump. UTF-8 continuation bytes are never ASCII, so scanning bytes is safe.
import type { ChunkRewriter } from './body-transform.js'
import { OutputPieces } from './body-transform.js'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPENERS = new Set([0x7b, 0x5b]) // { [
const CLOSERS = new Set([0x7d, 0x5d]) // } ]
const COMMA = 0x2c
const COLON = 0x3a
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d])
const COLON_SPACE = Buffer.from(': ')

const newlines: Buffer[] = []
/** "\n" plus the indent of a depth, built once per depth. */
function newline (depth: number): Buffer {
  newlines[depth] ??= Buffer.from(`\n${'  '.repeat(depth)}`)
  return newlines[depth]
}

export function prettyJsonRewriter (): ChunkRewriter {
  let depth = 0
  let inString = false
  let escaped = false
  /** An opener was just written: its newline waits until we know it is not empty (`[]`, `{}`). */
  let openPending = false

  return {
    write (chunk) {
      const out = new OutputPieces()
      let runStart = 0
      const flushRun = (end: number) => { out.push(chunk.subarray(runStart, end)) }
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!
        if (inString) {
          if (escaped) escaped = false
          else if (byte === BACKSLASH) escaped = true
          else if (byte === QUOTE) inString = false
          continue
        }
        if (WHITESPACE.has(byte)) {
          flushRun(i)
          runStart = i + 1
          continue
        }
        if (openPending) {
          openPending = false
          if (!CLOSERS.has(byte)) {
            flushRun(i)
            runStart = i
            depth++
            out.push(newline(depth))
          }
          if (CLOSERS.has(byte)) continue
        } else if (CLOSERS.has(byte)) {
          flushRun(i)
          runStart = i
          depth--
          out.push(newline(depth))
          continue
        }
        if (byte === QUOTE) inString = true
        else if (OPENERS.has(byte)) openPending = true
        else if (byte === COMMA) {
          flushRun(i + 1)
          runStart = i + 1
          out.push(newline(depth))
        } else if (byte === COLON) {
          flushRun(i)
          runStart = i + 1
          out.push(COLON_SPACE)
        }
      }
      flushRun(chunk.length)
      return out.take()
    },
    // A final newline, so a shell prompt does not follow the closing brace.
    end: () => newline(0)
  }
}
