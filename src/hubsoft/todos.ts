// HubSoft's paginated cliente/todos: its query (pages from 0, at most 500 clients a page, the
// filters it shares with cliente/all plus possui_pacote and a servico_status list), the page a
// query asks for and the paginacao block that says where that page sits. The service's route
// and the simulator both read a query and write a page with these.
import { parseDateBounds } from './parameters.js'
import type { DateBounds, RawDateBounds, SimNao } from './parameters.js'
import { parseRelacoes } from './relacoes.js'
import type { Relacao } from './relacoes.js'

export const TODOS_PER_PAGE_MAX = 500

/** The parameters as they arrive, pagina and itens_por_pagina already read as integers. */
export interface RawTodosQuery extends RawDateBounds {
  pagina: number
  itens_por_pagina: number
  cancelado?: SimNao
  possui_pacote?: SimNao
  codigo_pacote?: string
  servico_status?: string
  relacoes?: string
}

/** A parsed query; its fields are in a fixed order, as they make the answer's ETag. */
export interface TodosQuery extends DateBounds {
  readonly includeCancelado: boolean
  readonly codigoPacote?: string
  /** possui_pacote=sim: some shown service has a package; nao (the vendor's default) filters nothing. */
  readonly possuiPacote?: true
  /** Relations to keep, in the canonical order of RELACOES. */
  readonly relacoes: readonly Relacao[]
  /** The servico_status list, blanks dropped, sorted and without repeats; undefined when it names none. */
  readonly statuses?: readonly string[]
  readonly pagina: number
  readonly perPage: number
}

export interface Paginacao {
  readonly primeira_pagina: 0
  readonly ultima_pagina: number
  readonly pagina_atual: number
  readonly total_registros: number
}

/**
 * The servico_status list (cliente/todos, and the lookup route alike): blanks dropped, sorted,
 * without repeats. A list naming no status (`servico_status=,`) is a list not sent: undefined.
 */
export function parseStatuses (value: string | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined
  const statuses = value.split(',').map((status) => status.trim()).filter((status) => status !== '')
  return statuses.length === 0 ? undefined : [...new Set(statuses)].sort()
}

export function parseTodosQuery (raw: RawTodosQuery): TodosQuery {
  const { dataInicio, dataFim } = parseDateBounds(raw)
  return {
    dataInicio,
    dataFim,
    includeCancelado: raw.cancelado === 'sim',
    codigoPacote: raw.codigo_pacote,
    // nao is the vendor's default, so it filters nothing, like an absent parameter.
    possuiPacote: raw.possui_pacote === 'sim' ? true : undefined,
    relacoes: parseRelacoes(raw.relacoes),
    statuses: parseStatuses(raw.servico_status),
    pagina: raw.pagina,
    perPage: raw.itens_por_pagina
  }
}

/** The asked-for page of the clients a query matches, and its paginacao block (last page 0 when none match). */
export function todosPage<T> (matching: readonly T[], { pagina, perPage }: Pick<TodosQuery, 'pagina' | 'perPage'>): { page: T[], paginacao: Paginacao } {
  return {
    page: matching.slice(pagina * perPage, (pagina + 1) * perPage),
    paginacao: {
      primeira_pagina: 0,
      ultima_pagina: Math.max(0, Math.ceil(matching.length / perPage) - 1),
      pagina_atual: pagina,
      total_registros: matching.length
    }
  }
}
