// Which clients a lookup names, from the snapshot's indexes: a CPF/CNPJ, a service status or
// technology, a busca term. A lookup gives the candidates a selection starts from and, for a
// lookup on a service field, the predicate a shown service must meet, so a client is never
// listed for a service the answer hides. Parsing came first (query/); select.ts takes it on.
import { buscaServicoPredicate } from '../query/busca.js'
import type { BuscaQuery } from '../query/busca.js'
import { hasStatusPrefixo, hasTecnologia } from '../query/filter.js'
import type { ServicoPredicate } from '../query/filter.js'
import type { Snapshot } from './snapshot.js'

export interface Lookup {
  readonly candidates: readonly number[]
  readonly servicoPredicate?: ServicoPredicate
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

/** Exact-match buscas read an index; names are a substring scan of the folded names. */
export function lookupBusca (snapshot: Snapshot, { busca, key }: Pick<BuscaQuery, 'busca' | 'key'>): Lookup {
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
