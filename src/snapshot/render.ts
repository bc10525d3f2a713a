// Assembles the vendor envelope around selected clients as bytes. The default projection
// writes each client's prepared bytes; other projections re-parse the client's stored JSON
// and serialise it on demand. Large answers become a stream of bounded chunks produced as the
// socket drains, never one giant string (V8 strings stop near 512 MiB and a provider's full
// list can exceed it), so a slow reader holds one chunk, not the body.
import { Readable } from 'node:stream'
import type { Cliente } from '../hubsoft/cliente-schema.js'
import { CLIENTES_ENVELOPE_HEAD } from '../hubsoft/envelope.js'
import { isDefaultRelacoes } from '../hubsoft/relacoes.js'
import { projectCliente } from '../query/projection.js'
import type { Projection } from '../query/projection.js'
import type { Snapshot } from './snapshot.js'

export interface RenderedBody {
  /** A Buffer for small answers, a stream of chunks for large ones. */
  readonly body: Buffer | Readable
  /** Known in advance except for large on-demand answers, which go out chunked. */
  readonly byteLength?: number
  /** How many clients the answer lists (the audit line's `results`), kept wherever the body is. */
  readonly clients: number
}

const HEAD = Buffer.from(CLIENTES_ENVELOPE_HEAD)
const COMMA = Buffer.from(',')
/** Answers up to this size are concatenated; larger ones stream. */
const SINGLE_BUFFER_MAX = 1024 * 1024
const CHUNK_BYTES = 256 * 1024
/** On-demand answers with at most this many clients are serialised at once (a few ms); larger ones as they stream. */
const ON_DEMAND_EAGER_MAX = 100

/** Whether the snapshot holds this projection's bytes ready (default relations, cancelado=nao). */
export function isPreparedProjection (projection: Projection): boolean {
  return !projection.includeCancelado && isDefaultRelacoes(projection.relacoes)
}

/**
 * Whether answering `count` clients in `projection` costs a re-parse of more than a few ms:
 * such answers stream, are never cached, and are bounded like full downloads.
 */
export function isCostlyRender (projection: Projection, count: number): boolean {
  return !isPreparedProjection(projection) && count > ON_DEMAND_EAGER_MAX
}

/** A client's bytes in a projection the snapshot did not prepare: from its JSON as received. */
export function projectedBytes (snapshot: Snapshot, position: number, projection: Projection): Buffer {
  const cliente = JSON.parse(snapshot.clienteJson(position)) as Cliente
  return Buffer.from(JSON.stringify(projectCliente(cliente, projection)))
}

/** The bytes of the clients at positions[index…index+count), commas between. */
type Run = { readonly bytes: Buffer, readonly count: number }

/** The whole answer in one Buffer: HEAD, the clients separated by commas, the tail. */
function concatenated (count: number, runAt: (index: number) => Run, tail: Buffer): Buffer {
  const parts: Buffer[] = [HEAD]
  for (let index = 0; index < count;) {
    const run = runAt(index)
    if (index > 0) parts.push(COMMA)
    parts.push(run.bytes)
    index += run.count
  }
  parts.push(tail)
  return Buffer.concat(parts)
}

/** Gathers small parts into chunks of about `chunkBytes`. */
class Chunker {
  readonly #chunkBytes: number
  #pending: Buffer[] = []
  #pendingBytes = 0

  constructor (chunkBytes: number) {
    this.#chunkBytes = chunkBytes
  }

  /** Adds a part; returns a chunk to write now, if one is complete. */
  add (part: Buffer): Buffer | null {
    this.#pending.push(part)
    this.#pendingBytes += part.length
    return this.#pendingBytes >= this.#chunkBytes ? this.flush() : null
  }

  flush (): Buffer | null {
    if (this.#pendingBytes === 0) return null
    const chunk = Buffer.concat(this.#pending, this.#pendingBytes)
    this.#pending = []
    this.#pendingBytes = 0
    return chunk
  }
}

/**
 * HEAD, the runs of clients separated by commas, and the tail, as chunks. A run of a chunk or
 * more goes out as it is, a view of the stored bytes: copying it into a fresh buffer would cost
 * a copy and, worse, the page faults of fresh memory for every byte of a full /all.
 */
function * chunked (count: number, runAt: (index: number) => Run, tail: Buffer): Generator<Buffer> {
  const chunker = new Chunker(CHUNK_BYTES)
  const parts = function * (): Generator<Buffer> {
    yield HEAD
    for (let index = 0; index < count;) {
      const run = runAt(index)
      if (index > 0) yield COMMA
      yield run.bytes
      index += run.count
    }
    yield tail
  }
  for (const part of parts()) {
    if (part.length >= CHUNK_BYTES) {
      const pending = chunker.flush()
      if (pending !== null) yield pending
      yield part
      continue
    }
    const chunk = chunker.add(part)
    if (chunk !== null) yield chunk
  }
  const rest = chunker.flush()
  if (rest !== null) yield rest
}

/** The end of the list and of the envelope without extra fields: most answers. */
const PLAIN_TAIL = Buffer.from(']}')

function envelopeTail (extraFields: Record<string, unknown>): Buffer {
  const tailJson = Object.entries(extraFields).map(([name, value]) => `,${JSON.stringify(name)}:${JSON.stringify(value)}`).join('')
  return tailJson === '' ? PLAIN_TAIL : Buffer.from(`]${tailJson}}`)
}

/**
 * The envelope `{"status":"success","msg":…,"clientes":[…]<extra>}`; `extraFields` is
 * appended after the list as `,"name":value` pairs (the paginated route's `paginacao`).
 */
export function renderClientes (snapshot: Snapshot, positions: readonly number[], projection: Projection, extraFields: Record<string, unknown> = {}): RenderedBody {
  const tail = envelopeTail(extraFields)
  const prepared = isPreparedProjection(projection)
  const { redactSecrets } = projection
  const single = (bytes: Buffer): Run => ({ bytes, count: 1 })
  const onDemand = (index: number) => single(projectedBytes(snapshot, positions[index]!, projection))
  // Redacted default bytes go out in runs of clients stored back to back; others one by one.
  const runAt = !prepared
    ? onDemand
    : redactSecrets
      ? (index: number) => snapshot.preparedDefault.redactedRun(positions, index) ?? onDemand(index)
      : (index: number) => {
          const bytes = snapshot.preparedDefault.bytes(positions[index]!, false)
          return bytes === null ? onDemand(index) : single(bytes)
        }
  const whole = () => concatenated(positions.length, runAt, tail)
  const stream = () => Readable.from(chunked(positions.length, runAt, tail), { objectMode: false })

  if (!prepared) {
    if (isCostlyRender(projection, positions.length)) return { body: stream(), clients: positions.length }
    const body = whole()
    return { body, byteLength: body.length, clients: positions.length }
  }
  let byteLength = HEAD.length + tail.length + Math.max(0, positions.length - 1)
  for (const position of positions) byteLength += snapshot.preparedDefault.byteLength(position, projection.redactSecrets)
  return { body: byteLength <= SINGLE_BUFFER_MAX ? whole() : stream(), byteLength, clients: positions.length }
}
