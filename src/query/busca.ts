// The vendor's lookup route `cliente?busca=…&termo_busca=…`: which field a busca searches, how
// a term and a stored value are normalised to the same index key, and which terms can match at
// all. HubSoft answers a lookup with its matches, none for a term no client can have (an empty
// term, `codigo_cliente=-5`), so only a malformed CPF/CNPJ is refused (README, "Drop-in").
// Exact-match keys go through indexes; names are substring matches of any length.
import { BUSCA_FIELD_ORDER_BY, BUSCA_LIMIT_DEFAULT } from '../hubsoft/busca.js'
import type { BuscaFieldOrderBy, BuscaTipo } from '../hubsoft/busca.js'
import type { Cliente } from '../hubsoft/cliente-schema.js'
import { ParameterError, clip } from '../hubsoft/parameters.js'
import type { SimNao } from '../hubsoft/parameters.js'
import { parseRelacoes } from '../hubsoft/relacoes.js'
import type { Relacao } from '../hubsoft/relacoes.js'
import { parseStatuses } from '../hubsoft/todos.js'
import { cpfCnpjIndexKey, parseCpfCnpj } from './cpf-cnpj.js'
import type { ServicoPredicate } from './filter.js'
import { ORDER_BY } from './list-query.js'
import type { ClienteListQuery, OrderBy, OrderType } from './list-query.js'

/** The dates of cliente/all, then the lookup fields. */
export const BUSCA_ORDER_BY = [...ORDER_BY, ...BUSCA_FIELD_ORDER_BY] as const
export type BuscaOrderBy = OrderBy | BuscaFieldOrderBy

export interface RawBuscaQuery {
  busca: BuscaTipo
  /** Absent (or sent empty, which is the same) finds no one: integrations test the connection so. */
  termo_busca?: string
  limit?: number
  cancelado?: SimNao
  relacoes?: string
  servico_status?: string
  order_by?: BuscaOrderBy
  order_type?: OrderType
}

export interface BuscaQuery {
  readonly busca: BuscaTipo
  /** The term as an index key (exact-match buscas) or folded text (name buscas); null when no client can match it. */
  readonly key: string | null
  readonly limit: number
  readonly includeCancelado: boolean
  /** Relations to keep, in the canonical order of RELACOES (as on cliente/all). */
  readonly relacoes: readonly Relacao[]
  /** cliente/todos' servico_status list: a shown service in one of them; undefined when absent. */
  readonly statuses?: readonly string[]
  readonly orderBy: BuscaOrderBy
  readonly orderType: OrderType
}

/** Names compare without case or accents: "joão" finds "JOAO" and "João". */
export function foldName (name: string): string {
  return name.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()
}

export function telefoneKey (telefone: string): string {
  return telefone.replace(/\D/g, '')
}

export function macKey (mac: string): string {
  return mac.replace(/[^0-9a-f]/gi, '').toLowerCase()
}

export function loginKey (login: string): string {
  return login.trim().toLowerCase()
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const INTEGER = /^\d{1,15}$/

/**
 * The key a term is matched under for its busca, or null when no client can have it (empty,
 * `codigo_cliente=-5`, a 7-digit phone): HubSoft finds no one then. Only a term that is not a
 * CPF/CNPJ at all is a ParameterError, as on the cpf_cnpj sub-route.
 */
export function buscaKey (busca: BuscaTipo, termo: string): string | null {
  const trimmed = termo.trim()
  if (trimmed === '') return null
  switch (busca) {
    case 'nome_razaosocial':
    case 'nome_fantasia': {
      const folded = foldName(trimmed)
      return folded === '' ? null : folded
    }
    case 'cpf_cnpj': {
      const parsed = parseCpfCnpj(trimmed)
      if (parsed === null) throw new ParameterError('termo_busca', `termo_busca '${clip(termo)}' is not a valid cpf_cnpj: expected a CPF (11 digits) or CNPJ (14 characters), with or without punctuation`)
      return parsed.key
    }
    case 'codigo_cliente':
    case 'id_cliente_servico':
      return INTEGER.test(trimmed) ? String(Number(trimmed)) : null
    case 'telefone': {
      const digits = telefoneKey(trimmed)
      return digits.length >= 8 && digits.length <= 13 ? digits : null
    }
    case 'login_radius':
      return loginKey(trimmed)
    case 'ipv4':
      return IPV4.test(trimmed) ? trimmed : null
    case 'mac': {
      const hex = macKey(trimmed)
      return hex.length === 12 && /^[0-9a-f:.\-\s]+$/i.test(trimmed) ? hex : null
    }
  }
}

/**
 * The key a stored value is indexed and matched under, by the same rules as a term; null
 * when the stored value could never be asked for (e.g. a non-numeric codigo_cliente).
 */
export function storedBuscaKey (busca: BuscaTipo, stored: unknown): string | null {
  const text = typeof stored === 'string' ? stored : typeof stored === 'number' ? String(stored) : null
  if (text === null) return null
  try {
    return buscaKey(busca, text)
  } catch {
    return null
  }
}

export function parseBuscaQuery (raw: RawBuscaQuery): BuscaQuery {
  return {
    busca: raw.busca,
    key: raw.termo_busca === undefined ? null : buscaKey(raw.busca, raw.termo_busca),
    limit: raw.limit ?? BUSCA_LIMIT_DEFAULT,
    includeCancelado: raw.cancelado === 'sim',
    relacoes: parseRelacoes(raw.relacoes),
    statuses: parseStatuses(raw.servico_status),
    orderBy: raw.order_by ?? 'data_cadastro',
    orderType: raw.order_type ?? 'asc'
  }
}

/** True for the orderings by a lookup field, which the snapshot does not keep precomputed. */
export function isFieldOrderBy (orderBy: BuscaOrderBy): orderBy is BuscaFieldOrderBy {
  return (BUSCA_FIELD_ORDER_BY as readonly string[]).includes(orderBy)
}

/**
 * The list a busca answers: its first `limit` clients, with its relations. A field ordering
 * is the lookup's to apply (fieldSortKey, ties by id_cliente); the list's own is then unused.
 */
export function buscaListQuery ({ includeCancelado, limit, orderBy, orderType, relacoes }: BuscaQuery): ClienteListQuery {
  return isFieldOrderBy(orderBy)
    ? { includeCancelado, limit, orderBy: 'data_cadastro', orderType: 'asc', relacoes, offset: 0 }
    : { includeCancelado, limit, orderBy, orderType, relacoes, offset: 0 }
}

/** What a field ordering reads of a client. */
export type SortableCliente = Pick<Cliente, 'codigo_cliente' | 'nome_razaosocial' | 'nome_fantasia' | 'cpf_cnpj'>

/**
 * A client's key for a field ordering: the key a busca on that field matches (folded names, so
 * "álvaro" sorts with "alvaro"; a CPF/CNPJ's index key), codigo_cliente as a number; null when
 * the client has none.
 */
export function fieldSortKey (field: BuscaFieldOrderBy, cliente: SortableCliente): string | number | null {
  switch (field) {
    case 'codigo_cliente': {
      const key = storedBuscaKey('codigo_cliente', cliente.codigo_cliente)
      return key === null ? null : Number(key)
    }
    case 'nome_razaosocial':
    case 'nome_fantasia': {
      const folded = foldName(cliente[field] ?? '')
      return folded === '' ? null : folded
    }
    case 'cpf_cnpj': return typeof cliente.cpf_cnpj === 'string' ? cpfCnpjIndexKey(cliente.cpf_cnpj) : null
  }
}

/** Sort keys compared in a direction; clients without one come last either way, as with the dates. */
export function compareSortKeys (left: string | number | null, right: string | number | null, orderType: OrderType): number {
  if (left === right) return 0
  if (left === null) return 1
  if (right === null) return -1
  return (left < right ? -1 : 1) * (orderType === 'desc' ? -1 : 1)
}

/**
 * For a busca on a service field (login, IP, MAC, service id), the predicate a shown service
 * must satisfy; undefined for buscas on the client's own fields.
 */
export function buscaServicoPredicate (busca: BuscaTipo, key: string): ServicoPredicate | undefined {
  switch (busca) {
    case 'login_radius': return (servico) => typeof servico.login === 'string' && loginKey(servico.login) === key
    case 'ipv4': return (servico) => servico.ipv4 === key
    case 'mac': return (servico) => typeof servico.mac_addr === 'string' && macKey(servico.mac_addr) === key
    case 'id_cliente_servico': return (servico) => storedBuscaKey('id_cliente_servico', servico.id_cliente_servico) === key
    default: return undefined
  }
}

/** Whether a client's own fields answer a busca on them (names, cpf_cnpj, codigo_cliente, telefone). */
export function clienteFieldMatches (cliente: Cliente, busca: BuscaTipo, key: string): boolean {
  switch (busca) {
    case 'nome_razaosocial': return foldName(cliente.nome_razaosocial ?? '').includes(key)
    case 'nome_fantasia': return foldName(cliente.nome_fantasia ?? '').includes(key)
    case 'cpf_cnpj': return typeof cliente.cpf_cnpj === 'string' && cpfCnpjIndexKey(cliente.cpf_cnpj) === key
    case 'codigo_cliente': return storedBuscaKey('codigo_cliente', cliente.codigo_cliente) === key
    case 'telefone': return [cliente.telefone_primario, cliente.telefone_secundario, cliente.telefone_terciario]
      .some((telefone) => typeof telefone === 'string' && telefoneKey(telefone) === key)
    default: return false
  }
}
