// An immutable snapshot of HubSoft's customer list: each client's default answer serialised
// once (prepared bytes, from which the answer with secrets and the client as received are
// rebuilt, see prepared-cliente.ts), slim facts for filters and orderings, lookup indexes and
// the four orderings. No parsed client is kept: memory stays near the size of the JSON.
// Built page by page beside the serving snapshot, in slices that never hold the event loop
// for long, and swapped in by a single assignment (refresh/).
import { createHash } from 'node:crypto'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { ValueError } from '@sinclair/typebox/errors'
import { foldName, loginKey, macKey, storedBuscaKey, telefoneKey } from '../query/busca.js'
import { cpfCnpjIndexKey } from '../query/cpf-cnpj.js'
import type { UpstreamSourceName } from '../upstream/fetch-clientes.js'
import { foldTecnologia, servicosOf } from '../query/filter.js'
import type { FilterableCliente, FilterableServico } from '../query/filter.js'
import { ORDER_BY, ORDER_TYPE } from '../query/list-query.js'
import type { OrderBy, OrderType } from '../query/list-query.js'
import { compareClientes } from '../query/order.js'
import { quotedValue } from '../personal-data.js'
import { ByteSlab } from './byte-slab.js'
import { ClienteSchema, ClienteSchemaRefs } from '../hubsoft/cliente-schema.js'
import { ServicoTally } from './servico-counts.js'
import type { ServicoCounts } from './servico-counts.js'
import type { Cliente, Servico } from '../hubsoft/cliente-schema.js'
import { applyEdits, serialiseCliente, VARIANT, variantLength } from './prepared-cliente.js'
import type { SerialisedCliente } from './prepared-cliente.js'
import { forEachSliced, Slicer, sortSliced } from './sliced.js'

export type OrderKey = `${OrderBy}:${OrderType}`
/** Positions (ascending, so in id_cliente order) of the clients that carry a key. */
export interface PositionIndex {
  get: (key: string) => readonly number[] | undefined
  readonly size: number
}

/** The position of an id_cliente. */
export interface IdIndex {
  get: (idCliente: number) => number | undefined
}

export interface SnapshotIndexes {
  readonly byIdCliente: IdIndex
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

/** Each client's default answer (default relations, cancelado=nao), serialised once per snapshot. */
export interface PreparedDefault {
  /**
   * The JSON bytes for a redaction; null for a client the default answer hides (all its
   * services cancelled). Redacted bytes are a view of the prepared bytes; with secrets they
   * are reassembled from them with a few copies.
   */
  bytes: (position: number, redactSecrets: boolean) => Buffer | null
  /** The length `bytes` would have, without building it; 0 for a hidden client. */
  byteLength: (position: number, redactSecrets: boolean) => number
  /**
   * From `positions[from]`, the longest run of the following positions whose
   * redacted bytes lie back to back in memory, commas between: one view of them all, and how
   * many clients it covers; null when the default answer hides that client. What the full
   * default answer is written from.
   */
  redactedRun: (positions: readonly number[], from: number) => { readonly bytes: Buffer, readonly count: number } | null
}

export interface Snapshot {
  /** Hash of the content: identical data keeps the version (and so clients' ETags). */
  readonly version: string
  readonly fetchedAt: Date
  readonly source: UpstreamSourceName
  /** How many clients the snapshot holds; positions 0…size-1 are in id_cliente order. */
  readonly size: number
  /**
   * What filters and orderings read of each client (id, dates, and of each service its
   * status, technology, packages and lookup fields), by position.
   */
  readonly facts: readonly FilterableCliente[]
  /**
   * The client at a position exactly as HubSoft sent it (every field and relation), as JSON:
   * what persistence writes and what rare projections re-parse.
   */
  clienteJson: (position: number) => string
  readonly servicosCount: number
  /** Services per status_prefixo, cancelled included; '' for none. */
  readonly servicosByStatus: ServicoCounts
  /** Services per technology, case variants under HubSoft's most used spelling; '' for none. */
  readonly servicosByTecnologia: ServicoCounts
  readonly indexes: SnapshotIndexes
  readonly orderings: Readonly<Record<OrderKey, Int32Array>>
  /** Folded names per position, for the substring name buscas (and their ordering by name). */
  readonly foldedNames: { readonly razaoSocial: readonly string[], readonly fantasia: readonly string[] }
  /** Per position, what a busca ordered by codigo_cliente (NaN: none) or cpf_cnpj (its index key) sorts on. */
  readonly sortKeys: { readonly codigoCliente: Float64Array, readonly cpfCnpj: ReadonlyArray<string | null> }
  readonly preparedDefault: PreparedDefault
  /** 1 at the positions the default answer (cancelado=nao) shows, 0 where all services are cancelled. */
  readonly shownByDefault: Uint8Array
  /** Bytes held for the prepared answers and the rest of each client's JSON. */
  readonly preparedBytes: number
}

export interface SnapshotMeta {
  readonly fetchedAt: Date
  readonly source: UpstreamSourceName
}

/** Why a list was refused: a client breaks the schema, an id repeats, nothing came, or too few did. */
export const VALIDATION_FAILURE_KINDS = ['schema', 'duplicate_id', 'empty', 'shrink'] as const
export type ValidationFailureKind = typeof VALIDATION_FAILURE_KINDS[number]

export class SnapshotValidationError extends Error {
  override name = 'SnapshotValidationError'
  readonly kind: ValidationFailureKind

  constructor (kind: ValidationFailureKind, message: string) {
    super(message)
    this.kind = kind
  }
}

const checkCliente = TypeCompiler.Compile(ClienteSchema, [...ClienteSchemaRefs])

/** What one client may hold before it is refused as `schema`. */
export interface ClienteBounds {
  /** Services of one client (HUBSOFT_MAX_SERVICOS): each is indexed and scanned by every filter. */
  readonly maxServicos: number
}

export const DEFAULT_CLIENTE_BOUNDS: ClienteBounds = { maxServicos: 1000 }

/**
 * How deep a client's JSON may nest. HubSoft's deepest field is 5 levels down
 * (servicos[].endereco_instalacao.coordenadas.latitude); an unknown field nested thousands
 * deep would overflow the stack of the serialiser instead of failing validation.
 */
export const MAX_CLIENTE_DEPTH = 32

/** Whether `value` nests deeper than `levels` more objects or arrays; stops at the bound. */
function nestsDeeper (value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false
  if (levels === 0) return true
  if (Array.isArray(value)) {
    for (const item of value) if (nestsDeeper(item, levels - 1)) return true
    return false
  }
  for (const key in value) if (nestsDeeper((value as Record<string, unknown>)[key], levels - 1)) return true
  return false
}

/** The bounds a client's size must keep, checked before the schema so nothing walks a hostile shape. */
function checkBounds (cliente: unknown, index: number, bounds: ClienteBounds): void {
  const id = (cliente as { id_cliente?: unknown } | null)?.id_cliente
  const servicos = (cliente as { servicos?: unknown } | null)?.servicos
  if (Array.isArray(servicos) && servicos.length > bounds.maxServicos) {
    throw new SnapshotValidationError('schema', `client #${index} (id_cliente ${quotedValue(id)}) has ${servicos.length} services, more than HUBSOFT_MAX_SERVICOS (${bounds.maxServicos})`)
  }
  if (nestsDeeper(cliente, MAX_CLIENTE_DEPTH)) {
    throw new SnapshotValidationError('schema', `client #${index} (id_cliente ${quotedValue(id)}) nests deeper than ${MAX_CLIENTE_DEPTH} levels`)
  }
}

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

/** Checks one client against the schema; a problem is thrown with its place, never the value. */
function validateCliente (cliente: unknown, index: number): asserts cliente is Cliente {
  if (checkCliente.Check(cliente)) return
  const error = deepestError(checkCliente.Errors(cliente))
  const id = (cliente as { id_cliente?: unknown } | null)?.id_cliente
  // The kind of the offending value, never the value: it may be personal data.
  const got = error?.value === null ? 'null' : Array.isArray(error?.value) ? 'array' : typeof error?.value
  throw new SnapshotValidationError('schema', `client #${index} (id_cliente ${quotedValue(id)}) violates the schema at ${error?.path ?? '/'}: ${error?.message ?? 'invalid'} (got ${got})`)
}

/** Keys of a client's own fields, computed as it arrives and dropped once the indexes exist. */
interface ClienteKeys {
  readonly codigoCliente: string | null
  readonly cpfCnpj: string | null
  readonly telefones: readonly string[]
  readonly razaoSocial: string
  readonly fantasia: string
}

function keysOf (cliente: Cliente): ClienteKeys {
  const telefones: string[] = []
  for (const telefone of [cliente.telefone_primario, cliente.telefone_secundario, cliente.telefone_terciario]) {
    if (typeof telefone === 'string') telefones.push(telefoneKey(telefone))
  }
  return {
    codigoCliente: storedBuscaKey('codigo_cliente', cliente.codigo_cliente),
    cpfCnpj: typeof cliente.cpf_cnpj === 'string' ? cpfCnpjIndexKey(cliente.cpf_cnpj) : null,
    telefones,
    razaoSocial: foldName(cliente.nome_razaosocial ?? ''),
    fantasia: foldName(cliente.nome_fantasia ?? '')
  }
}

/** One copy of each repeated short value (statuses, technologies, package codes). */
class Interner {
  readonly #values = new Map<string, string>()
  readonly #pacotes = new Map<string | null | undefined, { readonly codigo?: string | null }>()

  value<T> (value: T): T {
    if (typeof value !== 'string') return value
    const known = this.#values.get(value)
    if (known !== undefined) return known as T
    this.#values.set(value, value)
    return value
  }

  pacote (pacote: { codigo?: string | null } | null): { readonly codigo?: string | null } | null {
    if (pacote === null) return null
    let known = this.#pacotes.get(pacote.codigo)
    if (known === undefined) {
      known = Object.freeze(pacote.codigo === undefined ? {} : { codigo: this.value(pacote.codigo) })
      this.#pacotes.set(pacote.codigo, known)
    }
    return known
  }
}

/** One empty list for every client without services and service without packages. */
const NONE: readonly never[] = Object.freeze([])

/**
 * A client's facts. Login, IPv4 and MAC are kept as their index keys (the busca predicates
 * normalise idempotently, so they match alike), and the index shares the same strings.
 */
function factsOf (cliente: Cliente, intern: Interner): FilterableCliente {
  const servicoFacts = (servico: Servico): FilterableServico => ({
    status_prefixo: intern.value(servico.status_prefixo),
    tecnologia: intern.value(servico.tecnologia),
    login: typeof servico.login === 'string' ? loginKey(servico.login) : servico.login,
    ipv4: typeof servico.ipv4 === 'string' ? storedBuscaKey('ipv4', servico.ipv4) : servico.ipv4,
    mac_addr: typeof servico.mac_addr === 'string' ? macKey(servico.mac_addr) : servico.mac_addr,
    id_cliente_servico: servico.id_cliente_servico,
    pacotes: Array.isArray(servico.pacotes) ? listOf(servico.pacotes, (pacote) => intern.pacote(pacote)) : servico.pacotes
  })
  const servicos = Array.isArray(cliente.servicos) ? listOf(cliente.servicos, servicoFacts) : cliente.servicos
  return { id_cliente: cliente.id_cliente, data_cadastro: cliente.data_cadastro, data_fechamento: cliente.data_fechamento, servicos }
}

/** `items` mapped, or the shared empty list. */
function listOf<T, U> (items: readonly T[], map: (item: T) => U): readonly U[] {
  return items.length === 0 ? NONE : items.map(map)
}

/**
 * Most keys (a CPF, a login, a MAC) belong to one client: those hold the position itself, and
 * only shared keys an array, which saves an array per key (~45 MiB at 100 000 clients).
 */
class CompactIndex implements PositionIndex {
  readonly #positions = new Map<string, number | number[]>()

  /** Adds positions in ascending order; a repeated position is ignored. */
  add (key: string | null | undefined, position: number): void {
    if (key === null || key === undefined || key === '') return
    const known = this.#positions.get(key)
    if (known === undefined) this.#positions.set(key, position)
    else if (typeof known === 'number') {
      if (known !== position) this.#positions.set(key, [known, position])
    } else if (known[known.length - 1] !== position) known.push(position)
  }

  get (key: string): readonly number[] | undefined {
    const known = this.#positions.get(key)
    return typeof known === 'number' ? [known] : known
  }

  get size (): number {
    return this.#positions.size
  }
}

/** Positions are in id_cliente order, so the sorted ids are the index: a binary search, no Map. */
class SortedIds implements IdIndex {
  readonly #ids: Float64Array

  constructor (ids: Float64Array) {
    this.#ids = ids
  }

  get (idCliente: number): number | undefined {
    let low = 0
    let high = this.#ids.length - 1
    while (low <= high) {
      const middle = (low + high) >>> 1
      const id = this.#ids[middle]!
      if (id === idCliente) return middle
      if (id < idCliente) low = middle + 1
      else high = middle - 1
    }
    return undefined
  }
}

/** Where one client's bytes are: a base, an overlay and a run of edits. */
interface StoredCliente {
  readonly id: number
  /** Moved when the bytes were shared from a chunk the new snapshot barely uses. */
  baseAt: number
  readonly baseLength: number
  overlayAt: number
  readonly overlayLength: number
  /** Its edits are #edits[editStart…editStart+editCount) of the builder. */
  readonly editStart: number
  readonly editCount: number
  readonly visibleByDefault: boolean
  readonly facts: FilterableCliente
  readonly keys: ClienteKeys
}

/** What to do with an id_cliente seen before: within one list it is corrupt data, across pages a shift. */
export type DuplicatePolicy = 'reject' | 'replace'

/**
 * Builds a snapshot from pages of clients as they arrive: each client is validated,
 * serialised and reduced to its facts at once, so its parsed object can go; `finish` sorts,
 * indexes and hashes. Every step runs in short slices.
 */
export class SnapshotBuilder {
  readonly #previous: { readonly prepared: PreparedClientes, readonly byIdCliente: IdIndex } | null
  readonly #base = new ByteSlab()
  readonly #overlay = new ByteSlab()
  readonly #intern = new Interner()
  readonly #slotOf = new Map<number, number>()
  readonly #stored: StoredCliente[] = []
  /** Every client's edits back to back (one array, not one typed array per client). */
  readonly #edits: number[] = []
  readonly #slicer = new Slicer()
  readonly #bounds: ClienteBounds
  #seen = 0

  /**
   * `previous` is the snapshot being served, if any: a client whose bytes did not change
   * shares them with it instead of storing them again.
   */
  constructor (previous?: Snapshot | null, bounds: ClienteBounds = DEFAULT_CLIENTE_BOUNDS) {
    this.#bounds = bounds
    const prepared = previous === null || previous === undefined ? undefined : preparedOf.get(previous)
    this.#previous = prepared === undefined ? null : { prepared, byIdCliente: previous!.indexes.byIdCliente }
  }

  async addPage (clientes: readonly unknown[], duplicates: DuplicatePolicy = 'replace'): Promise<void> {
    for (const cliente of clientes) {
      this.#add(cliente, duplicates)
      await this.#slicer.maybeYield()
    }
  }

  #add (cliente: unknown, duplicates: DuplicatePolicy): void {
    checkBounds(cliente, this.#seen, this.#bounds)
    validateCliente(cliente, this.#seen++)
    const id = cliente.id_cliente
    const slot = this.#slotOf.get(id)
    if (slot !== undefined && duplicates === 'reject') throw new SnapshotValidationError('duplicate_id', `duplicate id_cliente ${quotedValue(id)}`)
    const serialised = serialiseCliente(cliente)
    const baseLength = Buffer.byteLength(serialised.base)
    const overlayLength = Buffer.byteLength(serialised.overlay)
    const unchanged = this.#unchanged(id, serialised, baseLength, overlayLength)
    const stored: StoredCliente = {
      id,
      // Followed by a comma: clients stored one after the other (pages come in the default
      // order) are then one contiguous slice of the answer, commas included (render.ts).
      baseAt: unchanged?.baseAt ?? this.#base.append(`${serialised.base},`),
      baseLength,
      overlayAt: unchanged?.overlayAt ?? (overlayLength === 0 ? 0 : this.#overlay.append(serialised.overlay)),
      overlayLength,
      editStart: this.#edits.length,
      editCount: serialised.edits.length,
      visibleByDefault: serialised.visibleByDefault,
      facts: factsOf(cliente, this.#intern),
      keys: keysOf(cliente)
    }
    for (const value of serialised.edits) this.#edits.push(value)
    // A client met again on a later page (HubSoft shifted the pages) keeps its first slot with its newest data.
    if (slot === undefined) {
      this.#slotOf.set(id, this.#stored.length)
      this.#stored.push(stored)
    } else {
      this.#stored[slot] = stored
    }
  }

  /** The addresses, adopted here, of the previous snapshot's bytes for this client when they are the same. */
  #unchanged (id: number, serialised: SerialisedCliente, baseLength: number, overlayLength: number): { baseAt: number, overlayAt: number } | undefined {
    const previous = this.#previous
    const position = previous?.byIdCliente.get(id)
    if (previous === null || position === undefined) return undefined
    const { base, overlay, columns } = previous.prepared
    const [baseAt, overlayAt] = [columns.baseAt[position]!, columns.overlayAt[position]!]
    if (columns.baseLength[position] !== baseLength || columns.overlayLength[position] !== overlayLength) return undefined
    if (!base.holds(baseAt, baseLength, serialised.base) || !overlay.holds(overlayAt, overlayLength, serialised.overlay)) return undefined
    return {
      baseAt: this.#base.adopt(base, baseAt, baseLength + 1),
      overlayAt: overlayLength === 0 ? 0 : this.#overlay.adopt(overlay, overlayAt, overlayLength)
    }
  }

  /** Copies the bytes shared from sparsely used chunks of the previous snapshot, then lets those chunks go. */
  async #compact (slicer: Slicer): Promise<void> {
    const stored = this.#stored
    await forEachSliced(stored.length, (slot) => {
      const record = stored[slot]!
      if (this.#base.isSparse(record.baseAt)) record.baseAt = this.#base.copyOwn(record.baseAt, record.baseLength + 1)
      if (record.overlayLength > 0 && this.#overlay.isSparse(record.overlayAt)) record.overlayAt = this.#overlay.copyOwn(record.overlayAt, record.overlayLength)
    }, slicer)
    this.#base.releaseSparse()
    this.#overlay.releaseSparse()
  }

  /** Puts the clients in id order, indexes, hashes and sorts them, and packs their bytes. */
  async finish (meta: SnapshotMeta): Promise<Snapshot> {
    const count = this.#stored.length
    if (count === 0) throw new SnapshotValidationError('empty', 'the customer list is empty')
    const slicer = this.#slicer
    const { ids, byPosition } = await this.#inIdOrder()
    await this.#compact(slicer)
    const layout = new ColumnsWriter(byPosition, this.#base, this.#overlay, this.#edits)
    const catalogue = new CatalogueWriter(count)
    await forEachSliced(count, (position) => {
      const stored = byPosition[position]!
      layout.write(position, stored)
      catalogue.write(position, stored)
    }, slicer)
    const { version, columns, edits } = layout.end()
    const orderings = await sortOrderings(catalogue.facts, slicer)
    // A refresh beside a previous snapshot keeps its layout (see packInOrder).
    const base = this.#previous === null ? await packInOrder(this.#base, columns, orderings['data_cadastro:asc'], slicer) : this.#base
    base.trim()
    this.#overlay.trim()
    this.#release()
    return assembleSnapshot({
      version,
      meta,
      facts: catalogue.facts,
      servicosCount: catalogue.servicosCount,
      servicosByStatus: catalogue.tally.byStatus(),
      servicosByTecnologia: catalogue.tally.byTecnologia(),
      indexes: { ...catalogue.indexes, byIdCliente: new SortedIds(ids) },
      orderings,
      foldedNames: catalogue.foldedNames,
      sortKeys: catalogue.sortKeys,
      prepared: new PreparedClientes(base, this.#overlay, columns, edits),
      shownByDefault: columns.visible,
      preparedBytes: base.bytes + this.#overlay.bytes + edits.byteLength
    })
  }

  /** The sorted ids, and each position's record: positions are in id_cliente order. */
  async #inIdOrder (): Promise<{ ids: Float64Array, byPosition: StoredCliente[] }> {
    const ids = Float64Array.from(this.#stored, (stored) => stored.id).sort()
    await this.#slicer.maybeYield()
    const byPosition = Array.from(ids, (id) => this.#stored[this.#slotOf.get(id)!]!)
    await this.#slicer.maybeYield()
    return { ids, byPosition }
  }

  /** One snapshot per builder: the per-client records are not needed any more. */
  #release (): void {
    this.#stored.length = 0
    this.#edits.length = 0
    this.#slotOf.clear()
  }
}

/** Where each position's bytes and edits are, written in position order, and the content hash over them. */
class ColumnsWriter {
  readonly columns: PreparedColumns
  readonly edits: Int32Array
  readonly #hash = createHash('sha256')
  readonly #base: ByteSlab
  readonly #overlay: ByteSlab
  readonly #builderEdits: readonly number[]
  #editAt = 0

  constructor (byPosition: readonly StoredCliente[], base: ByteSlab, overlay: ByteSlab, builderEdits: readonly number[]) {
    const count = byPosition.length
    this.columns = {
      baseAt: new Float64Array(count),
      baseLength: new Int32Array(count),
      overlayAt: new Float64Array(count),
      overlayLength: new Int32Array(count),
      editStart: new Int32Array(count + 1),
      visible: new Uint8Array(count)
    }
    let editInts = 0
    for (const stored of byPosition) editInts += stored.editCount
    this.edits = new Int32Array(editInts)
    this.#base = base
    this.#overlay = overlay
    this.#builderEdits = builderEdits
  }

  write (position: number, stored: StoredCliente): void {
    const { columns, edits } = this
    const editAt = this.#editAt
    columns.baseAt[position] = stored.baseAt
    columns.baseLength[position] = stored.baseLength
    columns.overlayAt[position] = stored.overlayAt
    columns.overlayLength[position] = stored.overlayLength
    columns.visible[position] = stored.visibleByDefault ? 1 : 0
    columns.editStart[position] = editAt
    for (let i = 0; i < stored.editCount; i++) edits[editAt + i] = this.#builderEdits[stored.editStart + i]!
    // The bytes determine the client exactly, so hashing them in id order hashes the content.
    const hash = this.#hash
    hash.update(this.#base.read(stored.baseAt, stored.baseLength)).update(this.#overlay.read(stored.overlayAt, stored.overlayLength))
    if (stored.editCount > 0) hash.update(new Uint8Array(edits.buffer, editAt * 4, stored.editCount * 4))
    hash.update('\n')
    this.#editAt = editAt + stored.editCount
  }

  /** After the last position: the version (content hash), the finished columns and the edits. */
  end (): { readonly version: string, readonly columns: PreparedColumns, readonly edits: Int32Array } {
    const { columns, edits } = this
    columns.editStart[columns.editStart.length - 1] = this.#editAt
    return { version: this.#hash.digest('hex').slice(0, 20), columns, edits }
  }
}

/** What filters, lookups and the service tallies read, written in position order. */
class CatalogueWriter {
  readonly facts: FilterableCliente[]
  readonly foldedNames: { razaoSocial: string[], fantasia: string[] }
  readonly sortKeys: { codigoCliente: Float64Array, cpfCnpj: Array<string | null> }
  readonly indexes = {
    byCodigoCliente: new CompactIndex(),
    byCpfCnpj: new CompactIndex(),
    byStatusPrefixo: new CompactIndex(),
    byTecnologia: new CompactIndex(),
    byPacoteCodigo: new CompactIndex(),
    byLogin: new CompactIndex(),
    byIpv4: new CompactIndex(),
    byTelefone: new CompactIndex(),
    byMac: new CompactIndex(),
    byIdClienteServico: new CompactIndex()
  }

  readonly tally = new ServicoTally()
  servicosCount = 0
  /** A provider has a handful of technologies; folding (locale-aware) once each is enough. */
  readonly #foldedTecnologia = new Map<string, string>()

  constructor (count: number) {
    this.facts = new Array(count)
    this.foldedNames = { razaoSocial: new Array<string>(count), fantasia: new Array<string>(count) }
    this.sortKeys = { codigoCliente: new Float64Array(count), cpfCnpj: new Array<string | null>(count) }
  }

  write (position: number, stored: StoredCliente): void {
    const { indexes } = this
    const { keys } = stored
    this.facts[position] = stored.facts
    this.foldedNames.razaoSocial[position] = keys.razaoSocial
    this.foldedNames.fantasia[position] = keys.fantasia
    this.sortKeys.codigoCliente[position] = keys.codigoCliente === null ? NaN : Number(keys.codigoCliente)
    this.sortKeys.cpfCnpj[position] = keys.cpfCnpj
    indexes.byCodigoCliente.add(keys.codigoCliente, position)
    indexes.byCpfCnpj.add(keys.cpfCnpj, position)
    for (const telefone of keys.telefones) indexes.byTelefone.add(telefone, position)
    for (const servico of servicosOf(stored.facts)) {
      this.servicosCount++
      this.tally.add(servico)
      indexes.byStatusPrefixo.add(servico.status_prefixo, position)
      if (typeof servico.tecnologia === 'string') indexes.byTecnologia.add(this.#folded(servico.tecnologia), position)
      indexes.byLogin.add(servico.login, position)
      indexes.byIpv4.add(servico.ipv4, position)
      indexes.byMac.add(servico.mac_addr, position)
      indexes.byIdClienteServico.add(storedBuscaKey('id_cliente_servico', servico.id_cliente_servico), position)
      for (const pacote of Array.isArray(servico.pacotes) ? servico.pacotes : []) indexes.byPacoteCodigo.add(pacote?.codigo, position)
    }
  }

  #folded (tecnologia: string): string {
    let key = this.#foldedTecnologia.get(tecnologia)
    if (key === undefined) this.#foldedTecnologia.set(tecnologia, key = foldTecnologia(tecnologia))
    return key
  }
}

/** Every ordering the list routes offer, as positions. */
async function sortOrderings (facts: readonly FilterableCliente[], slicer: Slicer): Promise<Record<OrderKey, Int32Array>> {
  const orderings = {} as Record<OrderKey, Int32Array>
  for (const orderBy of ORDER_BY) {
    for (const orderType of ORDER_TYPE) {
      const compare = compareClientes({ orderBy, orderType })
      const positions = Int32Array.from({ length: facts.length }, (_, position) => position)
      orderings[`${orderBy}:${orderType}`] = await sortSliced(positions, (a, b) => compare(facts[a]!, facts[b]!), slicer)
    }
  }
  return orderings
}

/**
 * Copies the base bytes into a new slab in the default order (data_cadastro ascending), the
 * clients the default answer shows first: the full default /all then goes out as a few large
 * slices (render.ts). Pages need not arrive in that order (HubSoft pages by id). A refresh
 * beside a previous snapshot skips this: its unchanged clients keep the previous layout.
 */
async function packInOrder (from: ByteSlab, columns: PreparedColumns, order: Int32Array, slicer: Slicer): Promise<ByteSlab> {
  const packed = new ByteSlab()
  for (const shown of [1, 0]) {
    await forEachSliced(order.length, (index) => {
      const position = order[index]!
      if (columns.visible[position] !== shown) return
      columns.baseAt[position] = packed.append(from.read(columns.baseAt[position]!, columns.baseLength[position]! + 1))
    }, slicer)
  }
  return packed
}

/**
 * The snapshot object, made outside the builder: its closures must not share a scope with the
 * build's locals, or they would keep every intermediate record alive as long as the snapshot.
 */
function assembleSnapshot (parts: {
  version: string
  meta: SnapshotMeta
  facts: FilterableCliente[]
  servicosCount: number
  servicosByStatus: ServicoCounts
  servicosByTecnologia: ServicoCounts
  indexes: SnapshotIndexes
  orderings: Record<OrderKey, Int32Array>
  foldedNames: { razaoSocial: string[], fantasia: string[] }
  sortKeys: { codigoCliente: Float64Array, cpfCnpj: Array<string | null> }
  prepared: PreparedClientes
  shownByDefault: Uint8Array
  preparedBytes: number
}): Snapshot {
  const { prepared } = parts
  const snapshot: Snapshot = Object.freeze({
    version: parts.version,
    fetchedAt: parts.meta.fetchedAt,
    source: parts.meta.source,
    size: parts.facts.length,
    facts: Object.freeze(parts.facts),
    clienteJson: (position: number) => prepared.variant(position, VARIANT.raw).toString('utf8'),
    servicosCount: parts.servicosCount,
    servicosByStatus: parts.servicosByStatus,
    servicosByTecnologia: parts.servicosByTecnologia,
    indexes: Object.freeze(parts.indexes),
    orderings: Object.freeze(parts.orderings),
    foldedNames: Object.freeze(parts.foldedNames),
    sortKeys: Object.freeze(parts.sortKeys),
    preparedDefault: Object.freeze({
      bytes: (position: number, redactSecrets: boolean) => prepared.defaultBytes(position, redactSecrets),
      byteLength: (position: number, redactSecrets: boolean) => prepared.defaultByteLength(position, redactSecrets),
      redactedRun: (positions: readonly number[], from: number) => prepared.redactedRun(positions, from)
    }),
    shownByDefault: parts.shownByDefault,
    preparedBytes: parts.preparedBytes
  })
  preparedOf.set(snapshot, prepared)
  return snapshot
}

/** Each snapshot's stored bytes, for the next builder to share what did not change. */
const preparedOf = new WeakMap<Snapshot, PreparedClientes>()

interface PreparedColumns {
  readonly baseAt: Float64Array
  readonly baseLength: Int32Array
  readonly overlayAt: Float64Array
  readonly overlayLength: Int32Array
  /** Edits of position p are edits[editStart[p]…editStart[p+1]). */
  readonly editStart: Int32Array
  /** 1 when the default answer shows the client. */
  readonly visible: Uint8Array
}

/** Reads the prepared bytes back per position and variant. */
class PreparedClientes {
  readonly base: ByteSlab
  readonly overlay: ByteSlab
  readonly columns: PreparedColumns
  readonly #edits: Int32Array

  constructor (base: ByteSlab, overlay: ByteSlab, columns: PreparedColumns, edits: Int32Array) {
    this.base = base
    this.overlay = overlay
    this.columns = columns
    this.#edits = edits
  }

  variant (position: number, variant: number): Buffer {
    const c = this.columns
    const base = this.base.read(c.baseAt[position]!, c.baseLength[position]!)
    const from = c.editStart[position]!
    const to = c.editStart[position + 1]!
    if (variant === VARIANT.redacted || from === to) return base
    return applyEdits(base, this.overlay.read(c.overlayAt[position]!, c.overlayLength[position]!), this.#edits, from, to, variant)
  }

  defaultBytes (position: number, redactSecrets: boolean): Buffer | null {
    if (this.columns.visible[position] === 0) return null
    return this.variant(position, redactSecrets ? VARIANT.redacted : VARIANT.full)
  }

  redactedRun (positions: readonly number[], from: number): { bytes: Buffer, count: number } | null {
    const { baseAt, baseLength, visible } = this.columns
    if (visible[positions[from]!] === 0) return null
    const start = baseAt[positions[from]!]!
    let end = start + baseLength[positions[from]!]!
    let next = from + 1
    // Each base is stored followed by its comma, so the next client starts one byte after.
    while (next < positions.length && visible[positions[next]!] === 1 && baseAt[positions[next]!] === end + 1 && this.base.sameChunk(start, end + 1)) {
      end = baseAt[positions[next]!]! + baseLength[positions[next]!]!
      next++
    }
    return { bytes: this.base.read(start, end - start), count: next - from }
  }

  defaultByteLength (position: number, redactSecrets: boolean): number {
    const c = this.columns
    if (c.visible[position] === 0) return 0
    if (redactSecrets) return c.baseLength[position]!
    return variantLength(c.baseLength[position]!, this.#edits, c.editStart[position]!, c.editStart[position + 1]!, VARIANT.full)
  }
}
