// The vendor's lookup route `cliente?busca=…&termo_busca=…`: which field a busca searches, how
// a term and a stored value are normalised to the same index key, and the validation of the
// term. Exact-match keys go through indexes; names are substring matches.
import { BUSCA_LIMIT_DEFAULT } from '../hubsoft/busca.js'
import type { BuscaTipo } from '../hubsoft/busca.js'
import type { Cliente } from '../hubsoft/cliente-schema.js'
import { ParameterError, clip } from '../hubsoft/parameters.js'
import type { SimNao } from '../hubsoft/parameters.js'
import { DEFAULT_RELACOES } from '../hubsoft/relacoes.js'
import { cpfCnpjIndexKey, parseCpfCnpj } from './cpf-cnpj.js'
import type { ServicoPredicate } from './filter.js'
import type { ClienteListQuery, OrderBy, OrderType } from './list-query.js'

const NAME_MIN_LENGTH = 3

export interface RawBuscaQuery {
  busca: BuscaTipo
  termo_busca: string
  limit?: number
  cancelado?: SimNao
  order_by?: OrderBy
  order_type?: OrderType
}

export interface BuscaQuery {
  readonly busca: BuscaTipo
  /** The term as an index key (exact-match buscas) or folded text (name buscas). */
  readonly key: string
  readonly limit: number
  readonly includeCancelado: boolean
  readonly orderBy: OrderBy
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

function invalid (busca: BuscaTipo, termo: string, expected: string): never {
  throw new ParameterError('termo_busca', `termo_busca '${clip(termo)}' is not a valid ${busca}: expected ${expected}`)
}

/** Normalises and validates a term for its busca; a malformed term is a ParameterError that says why. */
export function buscaKey (busca: BuscaTipo, termo: string): string {
  const trimmed = termo.trim()
  switch (busca) {
    case 'nome_razaosocial':
    case 'nome_fantasia': {
      const folded = foldName(trimmed)
      if (folded.length < NAME_MIN_LENGTH) invalid(busca, termo, `at least ${NAME_MIN_LENGTH} characters`)
      return folded
    }
    case 'cpf_cnpj':
      return parseCpfCnpj(trimmed)?.key ?? invalid(busca, termo, 'a CPF (11 digits) or CNPJ (14 characters), with or without punctuation')
    case 'codigo_cliente':
    case 'id_cliente_servico':
      return INTEGER.test(trimmed) ? String(Number(trimmed)) : invalid(busca, termo, 'a whole number')
    case 'telefone': {
      const digits = telefoneKey(trimmed)
      return digits.length >= 8 && digits.length <= 13 ? digits : invalid(busca, termo, 'a phone number of 8 to 13 digits')
    }
    case 'login_radius':
      return trimmed !== '' ? loginKey(trimmed) : invalid(busca, termo, 'a non-empty login')
    case 'ipv4':
      return IPV4.test(trimmed) ? trimmed : invalid(busca, termo, 'an IPv4 address such as 10.0.0.1')
    case 'mac': {
      const hex = macKey(trimmed)
      return hex.length === 12 && /^[0-9a-f:.\-\s]+$/i.test(trimmed) ? hex : invalid(busca, termo, 'a MAC address such as AA:BB:CC:DD:EE:FF')
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
    key: buscaKey(raw.busca, raw.termo_busca),
    limit: raw.limit ?? BUSCA_LIMIT_DEFAULT,
    includeCancelado: raw.cancelado === 'sim',
    orderBy: raw.order_by ?? 'data_cadastro',
    orderType: raw.order_type ?? 'asc'
  }
}

/** The list a busca answers: its first `limit` clients in its order, with the default relations. */
export function buscaListQuery ({ includeCancelado, limit, orderBy, orderType }: BuscaQuery): ClienteListQuery {
  return { includeCancelado, limit, orderBy, orderType, relacoes: DEFAULT_RELACOES, offset: 0 }
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
