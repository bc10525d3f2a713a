// Assembles the vendor envelope around selected clients as bytes. The default projection
// reuses each client's prepared JSON; other projections are serialised on demand. Large
// answers become a stream of bounded chunks, never one giant string (V8 strings stop near
// 512 MiB and a provider's full list can exceed it).
import { Readable } from 'node:stream'
import { isDefaultRelacoes } from '../query/list-query.js'
import { projectCliente } from '../query/projection.js'
import type { Projection } from '../query/projection.js'
import type { Snapshot } from './snapshot.js'

export const SUCCESS_MSG = 'Dados consultados com sucesso'

export interface RenderedBody {
  /** A Buffer for small answers, a stream of chunks for large ones. */
  readonly body: Buffer | Readable
  readonly byteLength: number
}

const HEAD = Buffer.from(`{"status":"success","msg":${JSON.stringify(SUCCESS_MSG)},"clientes":[`)
const COMMA = Buffer.from(',')
/** Answers up to this size are concatenated; larger ones stream. */
const SINGLE_BUFFER_MAX = 1024 * 1024
const CHUNK_BYTES = 64 * 1024

function clientBytes (snapshot: Snapshot, positions: readonly number[], projection: Projection): Buffer[] {
  const prepared = !projection.includeCancelado && isDefaultRelacoes(projection.relacoes)
    ? (projection.redactSecrets ? snapshot.preparedDefault.redacted : snapshot.preparedDefault.full)
    : undefined
  return positions.map((position) => prepared?.[position] ??
    Buffer.from(JSON.stringify(projectCliente(snapshot.clientes[position]!, projection))))
}

function * chunked (parts: readonly Buffer[]): Generator<Buffer> {
  let pending: Buffer[] = []
  let pendingBytes = 0
  for (const part of parts) {
    pending.push(part)
    pendingBytes += part.length
    if (pendingBytes >= CHUNK_BYTES) {
      yield Buffer.concat(pending, pendingBytes)
      pending = []
      pendingBytes = 0
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes)
}

/**
 * The envelope `{"status":"success","msg":…,"clientes":[…]<extra>}`; `extraFields` is
 * appended after the list as `,"name":value` pairs (the paginated route's `paginacao`).
 */
export function renderClientes (snapshot: Snapshot, positions: readonly number[], projection: Projection, extraFields: Record<string, unknown> = {}): RenderedBody {
  const tailJson = Object.entries(extraFields).map(([name, value]) => `,${JSON.stringify(name)}:${JSON.stringify(value)}`).join('')
  const tail = Buffer.from(`]${tailJson}}`)
  const parts: Buffer[] = [HEAD]
  let byteLength = HEAD.length + tail.length
  clientBytes(snapshot, positions, projection).forEach((bytes, i) => {
    if (i > 0) parts.push(COMMA)
    parts.push(bytes)
    byteLength += bytes.length + (i > 0 ? 1 : 0)
  })
  parts.push(tail)
  const body = byteLength <= SINGLE_BUFFER_MAX ? Buffer.concat(parts, byteLength) : Readable.from(chunked(parts), { objectMode: false })
  return { body, byteLength }
}
