// Which clients and services a query keeps: date bounds on data_cadastro,
// cancelled services, package code, and the sub-routes' service predicates. They read only
// the fields below, so they run alike on a whole parsed client (the simulator) and on the
// slim facts a snapshot keeps per client instead of the parsed object.
import type { Cliente, Servico } from '../hubsoft/cliente-schema.js'
import type { ClienteFilter } from './list-query.js'

/** What filters, buscas on services and orderings read of a service. */
export type FilterableServico = Pick<Servico, 'status_prefixo' | 'tecnologia' | 'login' | 'ipv4' | 'mac_addr' | 'id_cliente_servico'> & {
  readonly pacotes?: ReadonlyArray<{ readonly codigo?: string | null } | null> | null
}

/** What filters and orderings read of a client. */
export type FilterableCliente = Pick<Cliente, 'id_cliente' | 'data_cadastro' | 'data_fechamento'> & {
  readonly servicos?: readonly FilterableServico[] | null
}

export type ServicoPredicate = (servico: FilterableServico) => boolean

export function isCancelado (servico: FilterableServico): boolean {
  return servico.status_prefixo === 'cancelado'
}

/** A client's services; HubSoft may send null or omit them. */
export function servicosOf<S extends FilterableServico> (cliente: { readonly servicos?: readonly S[] | null }): readonly S[] {
  return Array.isArray(cliente.servicos) ? cliente.servicos : []
}

/** The services an answer shows: all of them with cancelado=sim, else those not cancelled. */
export function visibleServicos<S extends FilterableServico> (cliente: { readonly servicos?: readonly S[] | null }, includeCancelado: boolean): readonly S[] {
  const servicos = servicosOf(cliente)
  return includeCancelado ? servicos : servicos.filter((servico) => !isCancelado(servico))
}

/** The calendar day of a "YYYY-MM-DD HH:MM:SS" timestamp, or null when it has none. */
export function datePart (timestamp: unknown): string | null {
  return typeof timestamp === 'string' && timestamp.length >= 10 ? timestamp.slice(0, 10) : null
}

export function withinDateBounds (cliente: FilterableCliente, filter: Pick<ClienteFilter, 'dataInicio' | 'dataFim'>): boolean {
  if (filter.dataInicio === undefined && filter.dataFim === undefined) return true
  const day = datePart(cliente.data_cadastro)
  if (day === null) return false
  return (filter.dataInicio === undefined || day >= filter.dataInicio) &&
    (filter.dataFim === undefined || day <= filter.dataFim)
}

export function hasAnyPacote (servico: FilterableServico): boolean {
  return Array.isArray(servico.pacotes) && servico.pacotes.length > 0
}

export function hasPacote (servico: FilterableServico, codigo: string): boolean {
  return Array.isArray(servico.pacotes) && servico.pacotes.some((pacote) => pacote?.codigo === codigo)
}

/**
 * Whether a client belongs in an answer. Service conditions (package code, the sub-route's
 * predicate) are judged on the services the answer will show, so a client is never listed
 * for a service it does not display. A client whose services were all cancelled is dropped
 * with cancelado=nao; a client that never had a service is kept.
 */
export function clienteMatches (cliente: FilterableCliente, filter: ClienteFilter, servicoPredicate?: ServicoPredicate): boolean {
  if (!withinDateBounds(cliente, filter)) return false
  const visible = visibleServicos(cliente, filter.includeCancelado)
  if (visible.length === 0 && servicosOf(cliente).length > 0) return false
  const { codigoPacote, possuiPacote } = filter
  if (codigoPacote !== undefined && !visible.some((servico) => hasPacote(servico, codigoPacote))) return false
  if (possuiPacote !== undefined && visible.some(hasAnyPacote) !== possuiPacote) return false
  if (servicoPredicate !== undefined && !visible.some(servicoPredicate)) return false
  return true
}

/** Technologies are provider-defined (FIBRA, Fibra, fibra): compare them case-insensitively. */
export function foldTecnologia (tecnologia: string): string {
  return tecnologia.normalize('NFC').trim().toLocaleLowerCase('pt-BR')
}

/** Services in any of the given statuses (the paginated route's servico_status takes a list). */
export function hasStatusPrefixo (...statusPrefixos: string[]): ServicoPredicate {
  return (servico) => typeof servico.status_prefixo === 'string' && statusPrefixos.includes(servico.status_prefixo)
}

/** cliente/todos' servico_status list as a predicate; none when the parameter is absent. */
export function servicoStatusPredicate (statuses: readonly string[] | undefined): ServicoPredicate | undefined {
  return statuses === undefined ? undefined : hasStatusPrefixo(...statuses)
}

/** A service meeting every given predicate (a busca's field and its servico_status list); undefined for none. */
export function allOf (...predicates: Array<ServicoPredicate | undefined>): ServicoPredicate | undefined {
  const given = predicates.filter((predicate): predicate is ServicoPredicate => predicate !== undefined)
  if (given.length <= 1) return given[0]
  return (servico) => given.every((predicate) => predicate(servico))
}

export function hasTecnologia (tecnologia: string): ServicoPredicate {
  const wanted = foldTecnologia(tecnologia)
  return (servico) => typeof servico.tecnologia === 'string' && foldTecnologia(servico.tecnologia) === wanted
}
