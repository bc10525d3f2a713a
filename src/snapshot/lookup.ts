// Which clients a lookup names, from the snapshot's indexes: a CPF/CNPJ, a service status or
// technology, a busca term. A lookup gives the candidates a selection starts from and, for a
// lookup on a service field, the predicate a shown service must meet, so a client is never
// listed for a service the answer hides. Parsing came first (query/); select.ts takes it on.
import type { BuscaFieldOrderBy } from '../hubsoft/busca.js'
import { buscaServicoPredicate, compareSortKeys, isFieldOrderBy } from '../query/busca.js'
import type { BuscaQuery } from '../query/busca.js'
import { allOf, hasStatusPrefixo, hasTecnologia, servicoStatusPredicate } from '../query/filter.js'
import type { ServicoPredicate } from '../query/filter.js'
import type { Snapshot } from './snapshot.js'

export interface Lookup {
  readonly candidates: readonly number[]
  readonly servicoPredicate?: ServicoPredicate
  /** An ordering of positions the snapshot does not keep precomputed (a busca by a lookup field). */
  readonly compare?: (a: number, b: number) => number
}

/** The clients registered under a CPF/CNPJ index key; undefined when none is. */
export function lookupCpfCnpj (snapshot: Snapshot, key: string): Lookup | undefined {
  const candidates = snapshot.indexes.byCpfCnpj.get(key)
  return candidates === undefined ? undefined : { candidates }
}

export function lookupStatus (snapshot: Snapshot, statusPrefixo: string): Lookup {
  return { candidates: snapshot.indexes.byStatusPrefixo.get(statusPrefixo) ?? [], servicoPredicate: hasStatusPrefixo(statusPrefixo) }
}

/** `tecnologia` folded as the index is (query/path-params.ts). */
export function lookupTecnologia (snapshot: Snapshot, tecnologia: string): Lookup {
  return { candidates: snapshot.indexes.byTecnologia.get(tecnologia) ?? [], servicoPredicate: hasTecnologia(tecnologia) }
}

function positionsWhere (names: readonly string[], key: string): number[] {
  const positions: number[] = []
  names.forEach((name, position) => { if (name.includes(key)) positions.push(position) })
  return positions
}

/** The sort key at a position for a field ordering, as fieldSortKey (query/busca.ts) reads a client. */
function sortKeyAt (snapshot: Snapshot, field: BuscaFieldOrderBy): (position: number) => string | number | null {
  const { foldedNames, sortKeys } = snapshot
  switch (field) {
    case 'codigo_cliente': return (position) => Number.isNaN(sortKeys.codigoCliente[position]) ? null : sortKeys.codigoCliente[position]!
    case 'nome_razaosocial': return (position) => foldedNames.razaoSocial[position] || null
    case 'nome_fantasia': return (position) => foldedNames.fantasia[position] || null
    case 'cpf_cnpj': return (position) => sortKeys.cpfCnpj[position] ?? null
  }
}

/** A busca ordered by a lookup field: by its sort key, ties by id_cliente (positions are in id_cliente order). */
function buscaCompare (snapshot: Snapshot, { orderBy, orderType = 'asc' }: Partial<Pick<BuscaQuery, 'orderBy' | 'orderType'>>): Lookup['compare'] {
  if (orderBy === undefined || !isFieldOrderBy(orderBy)) return undefined
  const keyAt = sortKeyAt(snapshot, orderBy)
  return (a, b) => compareSortKeys(keyAt(a), keyAt(b), orderType) || a - b
}

/**
 * Exact-match buscas read an index; names are a substring scan of the folded names; a term no
 * client can have finds no one. A servico_status list narrows the service a busca must show.
 */
export function lookupBusca (snapshot: Snapshot, query: Pick<BuscaQuery, 'busca' | 'key'> & Partial<Pick<BuscaQuery, 'statuses' | 'orderBy' | 'orderType'>>): Lookup {
  const { candidates, servicoPredicate } = buscaCandidates(snapshot, query)
  return { candidates, servicoPredicate: allOf(servicoPredicate, servicoStatusPredicate(query.statuses)), compare: buscaCompare(snapshot, query) }
}

function buscaCandidates (snapshot: Snapshot, { busca, key }: Pick<BuscaQuery, 'busca' | 'key'>): Lookup {
  if (key === null) return { candidates: [] }
  const { indexes, foldedNames } = snapshot
  const fromIndex = {
    nome_razaosocial: undefined,
    nome_fantasia: undefined,
    cpf_cnpj: indexes.byCpfCnpj,
    codigo_cliente: indexes.byCodigoCliente,
    telefone: indexes.byTelefone,
    login_radius: indexes.byLogin,
    ipv4: indexes.byIpv4,
    mac: indexes.byMac,
    id_cliente_servico: indexes.byIdClienteServico
  }[busca]
  if (fromIndex !== undefined) return { candidates: fromIndex.get(key) ?? [], servicoPredicate: buscaServicoPredicate(busca, key) }
  return { candidates: positionsWhere(busca === 'nome_razaosocial' ? foldedNames.razaoSocial : foldedNames.fantasia, key) }
}
