// Turns cliente/all's query parameters into a validated, normalised query. The HTTP schema
// has already checked enums and integer shapes; this adds what a schema cannot say (real
// calendar dates, data_fim ≥ data_inicio, the relacoes list, with HubSoft's grammar from
// hubsoft/) and refuses the live-only parameter a snapshot cannot answer.
import { ParameterError, parseDateBounds } from '../hubsoft/parameters.js'
import type { DateBounds, RawDateBounds, SimNao } from '../hubsoft/parameters.js'
import { isDefaultRelacoes, parseRelacoes } from '../hubsoft/relacoes.js'
import type { Relacao } from '../hubsoft/relacoes.js'

export const ORDER_BY = ['data_cadastro', 'data_fechamento'] as const
export const ORDER_TYPE = ['asc', 'desc'] as const

export type OrderBy = typeof ORDER_BY[number]
export type OrderType = typeof ORDER_TYPE[number]

/** Parameters of cliente/all and its sub-routes as they arrive (strings, integers already coerced). */
export interface RawListQuery extends RawDateBounds {
  cancelado?: SimNao
  codigo_pacote?: string
  relacoes?: string
  limit?: number
  offset?: number
  order_by?: OrderBy
  order_type?: OrderType
  ultima_conexao?: SimNao
}

/** Which clients and services a query keeps. */
export interface ClienteFilter extends DateBounds {
  readonly includeCancelado: boolean
  readonly codigoPacote?: string
  /** The paginated route's possui_pacote: some shown service has (true) or none has (false) a package. */
  readonly possuiPacote?: boolean
}

export interface Ordering {
  readonly orderBy: OrderBy
  readonly orderType: OrderType
}

export interface ClienteListQuery extends ClienteFilter, Ordering {
  /** Relations to keep, in the canonical order of RELACOES. */
  readonly relacoes: readonly Relacao[]
  readonly offset: number
  readonly limit?: number
}

export function parseListQuery (raw: RawListQuery): ClienteListQuery {
  if (raw.ultima_conexao === 'sim') {
    throw new ParameterError('ultima_conexao', 'ultima_conexao=sim asks HubSoft for live RADIUS data, which a snapshot cannot answer; omit it or use ultima_conexao=nao')
  }
  // Named, not spread: spreading the bounds object costs ~15 µs per call in V8, a lookup's whole budget.
  const { dataInicio, dataFim } = parseDateBounds(raw)
  return {
    dataInicio,
    dataFim,
    includeCancelado: raw.cancelado === 'sim',
    codigoPacote: raw.codigo_pacote,
    relacoes: parseRelacoes(raw.relacoes),
    offset: raw.offset ?? 0,
    limit: raw.limit,
    orderBy: raw.order_by ?? 'data_cadastro',
    orderType: raw.order_type ?? 'asc'
  }
}

/** True for cliente/all's default answer: every client, default relations and order, cancelled services dropped. */
export function isDefaultListQuery (query: ClienteListQuery): boolean {
  return query.dataInicio === undefined && query.dataFim === undefined && !query.includeCancelado &&
    query.codigoPacote === undefined && query.possuiPacote === undefined && query.offset === 0 && query.limit === undefined &&
    query.orderBy === 'data_cadastro' && query.orderType === 'asc' && isDefaultRelacoes(query.relacoes)
}
