// An immutable snapshot of HubSoft's customer list: validated clients, lookup indexes, the
// four orderings, and each client's default answer serialised once (per redaction) so hot
// routes write prepared bytes instead of re-stringifying. Built beside the serving snapshot
// and swapped in by a single assignment (refresh/).
import { createHash } from 'node:crypto'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { ValueError } from '@sinclair/typebox/errors'
import { foldName, loginKey, macKey, storedBuscaKey, telefoneKey } from '../query/busca.js'
import { cpfCnpjIndexKey } from '../query/cpf-cnpj.js'
import type { UpstreamSourceName } from '../upstream/fetch-clientes.js'
import { clienteMatches, foldTecnologia, servicosOf } from '../query/filter.js'
import { ORDER_BY, ORDER_TYPE } from '../query/list-query.js'
import type { OrderBy, OrderType } from '../query/list-query.js'
import { compareClientes } from '../query/order.js'
import { projectCliente } from '../query/projection.js'
import { DEFAULT_RELACOES } from '../query/relacoes.js'
import { ClienteSchema, ClienteSchemaRefs } from './cliente-schema.js'
import type { Cliente } from './cliente-schema.js'

export type OrderKey = `${OrderBy}:${OrderType}`
/** Positions (indexes into `clientes`) of the clients that carry a key. */
export type PositionIndex = ReadonlyMap<string, readonly number[]>

export interface SnapshotIndexes {
  readonly byIdCliente: ReadonlyMap<number, number>
  readonly byCodigoCliente: PositionIndex
  readonly byCpfCnpj: PositionIndex
  readonly byStatusPrefixo: PositionIndex
  /** Keyed by the case-folded technology. */
  readonly byTecnologia: PositionIndex
  readonly byPacoteCodigo: PositionIndex
  readonly byLogin: PositionIndex
  readonly byIpv4: PositionIndex
  readonly byTelefone: PositionIndex
  readonly byMac: PositionIndex
  readonly byIdClienteServico: PositionIndex
}

export interface Snapshot {
  /** Hash of the content: identical data keeps the version (and so clients' ETags). */
  readonly version: string
  readonly fetchedAt: Date
  readonly source: UpstreamSourceName
  /** Sorted by id_cliente; positions in every index refer to this array. */
  readonly clientes: readonly Cliente[]
  /** How many clients the snapshot holds. */
  readonly size: number
  /**
   * The client at a position exactly as HubSoft sent it (every field and relation), as JSON:
   * what persistence writes and what rare projections may re-parse.
   */
  clienteJson: (position: number) => string
  readonly servicosCount: number
  readonly indexes: SnapshotIndexes
  readonly orderings: Readonly<Record<OrderKey, Int32Array>>
  /** Folded names per position, for the substring name buscas. */
  readonly foldedNames: { readonly razaoSocial: readonly string[], readonly fantasia: readonly string[] }
  /**
   * Each client's default answer (default relations, cancelado=nao) as JSON bytes, per
   * redaction; null for a client that answer hides (all its services cancelled).
   */
  readonly preparedDefault: { readonly redacted: readonly (Buffer | null)[], readonly full: readonly (Buffer | null)[] }
  readonly preparedBytes: number
}

export class SnapshotValidationError extends Error {
  override name = 'SnapshotValidationError'
}

const checkCliente = TypeCompiler.Compile(ClienteSchema, [...ClienteSchemaRefs])
const YIELD_EVERY = 2000

/** TypeBox reports a failed union (every nullable field) at the union; the deepest variant error names the field. */
function deepestError (errors: Iterable<ValueError>): ValueError | undefined {
  let deepest: ValueError | undefined
  for (const error of errors) {
    const nested = deepestError(error.errors.flatMap((variant) => [...variant]))
    const candidate = nested !== undefined && nested.path.length > error.path.length ? nested : error
    if (deepest === undefined || candidate.path.length > deepest.path.length) deepest = candidate
  }
  return deepest
}

/** Checks every client against the schema and id uniqueness; the first problem is thrown with its place. */
export function validateClientes (clientes: readonly unknown[]): asserts clientes is readonly Cliente[] {
  if (clientes.length === 0) throw new SnapshotValidationError('the customer list is empty')
  const seen = new Set<number>()
  clientes.forEach((cliente, i) => {
    if (!checkCliente.Check(cliente)) {
      const error = deepestError(checkCliente.Errors(cliente))
      const id = (cliente as { id_cliente?: unknown } | null)?.id_cliente
      // The kind of the offending value, never the value: it may be personal data.
      const got = error?.value === null ? 'null' : Array.isArray(error?.value) ? 'array' : typeof error?.value
      throw new SnapshotValidationError(`client #${i} (id_cliente ${String(id)}) violates the schema at ${error?.path ?? '/'}: ${error?.message ?? 'invalid'} (got ${got})`)
    }
    if (seen.has(cliente.id_cliente)) throw new SnapshotValidationError(`duplicate id_cliente ${cliente.id_cliente}`)
    seen.add(cliente.id_cliente)
  })
}

class IndexBuilder {
  readonly map = new Map<string, number[]>()
  add (key: string | null | undefined, position: number): void {
    if (key === null || key === undefined || key === '') return
    const positions = this.map.get(key)
    if (positions === undefined) this.map.set(key, [position])
    else if (positions[positions.length - 1] !== position) positions.push(position)
  }
}

function buildOrdering (clientes: readonly Cliente[], orderBy: OrderBy, orderType: OrderType): Int32Array {
  const compare = compareClientes({ orderBy, orderType })
  const positions = Array.from(clientes.keys())
  positions.sort((a, b) => compare(clientes[a]!, clientes[b]!))
  return Int32Array.from(positions)
}

export interface SnapshotMeta {
  readonly fetchedAt: Date
  readonly source: UpstreamSourceName
}

/**
 * Builds a snapshot from a validated-on-the-way list. Yields to the event loop as it goes so
 * that serving the current snapshot continues while the next one is built.
 */
export async function buildSnapshot (input: readonly unknown[], meta: SnapshotMeta): Promise<Snapshot> {
  validateClientes(input)
  const clientes = [...input].sort((a, b) => a.id_cliente - b.id_cliente)
  const hash = createHash('sha256')
  const builders = {
    byCodigoCliente: new IndexBuilder(),
    byCpfCnpj: new IndexBuilder(),
    byStatusPrefixo: new IndexBuilder(),
    byTecnologia: new IndexBuilder(),
    byPacoteCodigo: new IndexBuilder(),
    byLogin: new IndexBuilder(),
    byIpv4: new IndexBuilder(),
    byTelefone: new IndexBuilder(),
    byMac: new IndexBuilder(),
    byIdClienteServico: new IndexBuilder()
  }
  const byIdCliente = new Map<number, number>()
  const foldedNames = { razaoSocial: [] as string[], fantasia: [] as string[] }
  const redacted: (Buffer | null)[] = []
  const full: (Buffer | null)[] = []
  let servicosCount = 0
  let preparedBytes = 0
  const defaultFilter = { includeCancelado: false }

  for (let position = 0; position < clientes.length; position++) {
    if (position % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop()
    const cliente = clientes[position]!
    hash.update(JSON.stringify(cliente)).update('\n')
    byIdCliente.set(cliente.id_cliente, position)
    builders.byCodigoCliente.add(storedBuscaKey('codigo_cliente', cliente.codigo_cliente), position)
    if (typeof cliente.cpf_cnpj === 'string') builders.byCpfCnpj.add(cpfCnpjIndexKey(cliente.cpf_cnpj), position)
    for (const telefone of [cliente.telefone_primario, cliente.telefone_secundario, cliente.telefone_terciario]) {
      if (typeof telefone === 'string') builders.byTelefone.add(telefoneKey(telefone), position)
    }
    foldedNames.razaoSocial.push(foldName(cliente.nome_razaosocial ?? ''))
    foldedNames.fantasia.push(foldName(cliente.nome_fantasia ?? ''))
    for (const servico of servicosOf(cliente)) {
      servicosCount++
      builders.byStatusPrefixo.add(servico.status_prefixo, position)
      if (typeof servico.tecnologia === 'string') builders.byTecnologia.add(foldTecnologia(servico.tecnologia), position)
      if (typeof servico.login === 'string') builders.byLogin.add(loginKey(servico.login), position)
      builders.byIpv4.add(storedBuscaKey('ipv4', servico.ipv4), position)
      if (typeof servico.mac_addr === 'string') builders.byMac.add(macKey(servico.mac_addr), position)
      builders.byIdClienteServico.add(storedBuscaKey('id_cliente_servico', servico.id_cliente_servico), position)
      for (const pacote of Array.isArray(servico.pacotes) ? servico.pacotes : []) {
        builders.byPacoteCodigo.add(pacote?.codigo, position)
      }
    }
    if (clienteMatches(cliente, defaultFilter)) {
      const redactedBytes = Buffer.from(JSON.stringify(projectCliente(cliente, { relacoes: DEFAULT_RELACOES, includeCancelado: false, redactSecrets: true })))
      const fullBytes = Buffer.from(JSON.stringify(projectCliente(cliente, { relacoes: DEFAULT_RELACOES, includeCancelado: false, redactSecrets: false })))
      // Clients without secrets share one buffer between both redactions.
      const shared = redactedBytes.equals(fullBytes) ? redactedBytes : fullBytes
      redacted.push(redactedBytes)
      full.push(shared)
      preparedBytes += redactedBytes.length + (shared === redactedBytes ? 0 : shared.length)
    } else {
      redacted.push(null)
      full.push(null)
    }
  }

  const orderings = {} as Record<OrderKey, Int32Array>
  for (const orderBy of ORDER_BY) {
    for (const orderType of ORDER_TYPE) {
      await yieldToEventLoop()
      orderings[`${orderBy}:${orderType}`] = buildOrdering(clientes, orderBy, orderType)
    }
  }
  const indexes = Object.fromEntries(Object.entries(builders).map(([name, builder]) => [name, builder.map])) as unknown as Omit<SnapshotIndexes, 'byIdCliente'>

  return Object.freeze({
    version: hash.digest('hex').slice(0, 20),
    fetchedAt: meta.fetchedAt,
    source: meta.source,
    clientes: Object.freeze(clientes),
    size: clientes.length,
    clienteJson: (position: number) => JSON.stringify(clientes[position]),
    servicosCount,
    indexes: Object.freeze({ ...indexes, byIdCliente }),
    orderings: Object.freeze(orderings),
    foldedNames,
    preparedDefault: Object.freeze({ redacted, full }),
    preparedBytes
  })
}
