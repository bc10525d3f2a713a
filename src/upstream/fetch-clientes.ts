// One full fetch of the customer list, page by page: from cliente/todos (pages 0…ultima_pagina,
// count checked against total_registros) or the legacy cliente/all (limit/offset). Always with
// every relation and cancelled services, so every answer the service gives can be computed
// from the snapshot. Pages are parsed one at a time (never one giant body, which would
// need the whole list in memory at once) and
// clients are de-duplicated by id_cliente across pages, which shift when HubSoft inserts
// while we page. Each page goes to a sink as soon as it is parsed, so a snapshot can be built
// page by page without ever holding the whole parsed list. A walk that cannot be a correct one
// (a paginacao out of proportion to its total, pages that repeat, a legacy walk that does not
// advance) stops at the first page that shows it, as `implausible`.
import { setTimeout as sleep } from 'node:timers/promises'
import { UPSTREAM_RELACOES } from '../hubsoft/relacoes.js'
import { quotedValue } from '../personal-data.js'
import { UpstreamError } from './errors.js'
import type { HubsoftClient, JsonResponse } from './hubsoft-client.js'

export type UpstreamSourceName = 'todos' | 'all'

export interface FetchClientesOptions {
  readonly source: UpstreamSourceName
  /** Clients per page; for `all`, 0 asks for everything in one request. */
  readonly pageSize: number
  readonly pageDelayMs: number
  readonly signal?: AbortSignal
}

/**
 * Receives each page's clients as soon as the page is parsed (e.g. to build a snapshot page by
 * page), with the page's body bytes and its characters replaced as not UTF-8 (so a walk that
 * fails later still reports what it fetched), and the pages the walk has as HubSoft announced
 * them (null when it does not say).
 */
export type PageSink = (clientes: readonly unknown[], bytes: number, replacedCharacters: number, pagesTotal: number | null) => Promise<void>

export interface FetchPagesResult {
  /** Distinct id_cliente values seen. */
  readonly clients: number
  readonly pages: number
  readonly bytes: number
  /** Bytes that were not UTF-8, decoded as U+FFFD. */
  readonly replacedCharacters: number
}

/** The last net under the checks below, for a legacy walk that keeps bringing new clients. */
const MAX_PAGES = 100_000

function pageClientes (route: string, body: Record<string, unknown>, page: number): unknown[] {
  if (!Array.isArray(body.clientes)) {
    throw new UpstreamError('invalid_page', route, `page ${page} of ${route} has no clientes list`)
  }
  return body.clientes
}

function idOf (route: string, cliente: unknown, page: number): number {
  const id = (cliente as { id_cliente?: unknown } | null)?.id_cliente
  if (typeof id !== 'number' || !Number.isInteger(id)) {
    throw new UpstreamError('invalid_page', route, `page ${page} of ${route} has a client without an integer id_cliente`)
  }
  return id
}

class Accumulator {
  readonly #ids = new Set<number>()
  readonly #sink: PageSink
  pages = 0
  bytes = 0
  replacedCharacters = 0

  constructor (sink: PageSink) {
    this.#sink = sink
  }

  /**
   * Checks one page and counts the clients it brings that no earlier page did; a repeated id
   * inside one page is corrupt data, across pages it is a shift.
   */
  count (route: string, clientes: unknown[], page: number): number {
    const inPage = new Set<number>()
    let fresh = 0
    for (const cliente of clientes) {
      const id = idOf(route, cliente, page)
      if (inPage.has(id)) throw new UpstreamError('invalid_page', route, `page ${page} of ${route} lists id_cliente ${quotedValue(id)} twice`)
      inPage.add(id)
      if (!this.#ids.has(id)) fresh++
      this.#ids.add(id)
    }
    return fresh
  }

  /** Hands a page that passed every check on to the sink. */
  async add (clientes: unknown[], { bytes, replacedCharacters }: JsonResponse, pagesTotal: number | null): Promise<void> {
    this.pages++
    this.bytes += bytes
    this.replacedCharacters += replacedCharacters
    await this.#sink(clientes, bytes, replacedCharacters, pagesTotal)
  }

  result (): FetchPagesResult {
    return { clients: this.#ids.size, pages: this.pages, bytes: this.bytes, replacedCharacters: this.replacedCharacters }
  }
}

/**
 * A walk that stops making progress is a HubSoft ignoring `pagina`/`offset` (the same clients
 * page after page) or paging in a loop: a page must bring at least half of its clients new.
 * Pages shift by the few clients inserted or deleted while we page, never by half a page.
 */
function checkProgress (route: string, page: number, clientes: readonly unknown[], fresh: number): void {
  if (clientes.length > 0 && fresh * 2 < clientes.length) {
    throw new UpstreamError('implausible', route, `page ${page} of ${route} brings ${fresh} new of its ${clientes.length} clients: HubSoft repeats pages it already sent`)
  }
}

function checkPageLength (route: string, page: number, clientes: readonly unknown[], pageSize: number): void {
  if (clientes.length > pageSize) {
    throw new UpstreamError('implausible', route, `page ${page} of ${route} holds ${clientes.length} clients, more than the ${pageSize} asked for`)
  }
}

/**
 * The announced paginacao must describe a correct walk of the largest total_registros any page
 * announced: its last page is ceil(total / page size) - 1 (0 for an empty list), and only that
 * page may be short. So no misbehaviour costs more requests than that correct walk would.
 */
function checkPaginacao (route: string, page: number, clientes: readonly unknown[], pageSize: number, announcedLast: number, largestTotal: number): void {
  const plausibleLast = Math.max(0, Math.ceil(largestTotal / pageSize) - 1)
  if (announcedLast > plausibleLast) {
    throw new UpstreamError('implausible', route, `page ${page} of ${route} announces ultima_pagina ${announcedLast}, but total_registros ${largestTotal} at ${pageSize} a page ends at page ${plausibleLast}`)
  }
  if (page < announcedLast && clientes.length > 0 && clientes.length < pageSize) {
    throw new UpstreamError('implausible', route, `page ${page} of ${route} holds ${clientes.length} of ${pageSize} clients but is not the last page (ultima_pagina ${announcedLast})`)
  }
}

function nonNegativeInteger (value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null
}

async function fetchTodos (client: HubsoftClient, options: FetchClientesOptions, sink: PageSink): Promise<FetchPagesResult> {
  const route = 'cliente/todos'
  const accumulator = new Accumulator(sink)
  let lastPage = 0
  let total = 0
  for (let page = 0; page <= lastPage; page++) {
    if (page > 0 && options.pageDelayMs > 0) await sleep(options.pageDelayMs, undefined, { signal: options.signal })
    const response = await client.getJson(route, {
      pagina: page,
      itens_por_pagina: options.pageSize,
      cancelado: 'sim',
      relacoes: UPSTREAM_RELACOES
    }, options.signal)
    const { body } = response
    const paginacao = body.paginacao as Record<string, unknown> | undefined
    const announcedLast = nonNegativeInteger(paginacao?.ultima_pagina)
    const announcedTotal = nonNegativeInteger(paginacao?.total_registros)
    if (announcedLast === null || announcedTotal === null || announcedLast >= MAX_PAGES) {
      throw new UpstreamError('invalid_page', route, `page ${page} of ${route} has no valid paginacao block`)
    }
    const clientes = pageClientes(route, body, page)
    if (clientes.length === 0 && announcedTotal > 0) {
      throw new UpstreamError('incomplete', route, `page ${page} of ${route} came back empty before ultima_pagina ${announcedLast}`)
    }
    // HubSoft can insert or delete while we page. Walk to the newest last page, but demand
    // the largest total any page announced: a deletion in an earlier page shifts a client
    // we have not seen into a page we already read, and only the count can tell.
    total = Math.max(total, announcedTotal)
    checkPageLength(route, page, clientes, options.pageSize)
    checkPaginacao(route, page, clientes, options.pageSize, announcedLast, total)
    checkProgress(route, page, clientes, accumulator.count(route, clientes, page))
    await accumulator.add(clientes, response, announcedLast + 1)
    lastPage = announcedLast
  }
  const result = accumulator.result()
  if (result.clients < total) {
    throw new UpstreamError('incomplete', route, `${route} gave ${result.clients} distinct clients but announced total_registros ${total}; the list changed while paging or a page was lost`)
  }
  return result
}

async function fetchAll (client: HubsoftClient, options: FetchClientesOptions, sink: PageSink): Promise<FetchPagesResult> {
  const route = 'cliente/all'
  const accumulator = new Accumulator(sink)
  const query = { cancelado: 'sim', relacoes: UPSTREAM_RELACOES, order_by: 'data_cadastro', order_type: 'asc' }
  if (options.pageSize === 0) {
    const response = await client.getJson(route, query, options.signal)
    const clientes = pageClientes(route, response.body, 0)
    accumulator.count(route, clientes, 0)
    await accumulator.add(clientes, response, 1)
    return accumulator.result()
  }
  for (let page = 0; page < MAX_PAGES; page++) {
    if (page > 0 && options.pageDelayMs > 0) await sleep(options.pageDelayMs, undefined, { signal: options.signal })
    const response = await client.getJson(route, { ...query, limit: options.pageSize, offset: page * options.pageSize }, options.signal)
    const clientes = pageClientes(route, response.body, page)
    checkPageLength(route, page, clientes, options.pageSize)
    checkProgress(route, page, clientes, accumulator.count(route, clientes, page))
    // Paged by limit/offset, cliente/all never says how many pages there are.
    await accumulator.add(clientes, response, null)
    if (clientes.length < options.pageSize) return accumulator.result()
  }
  throw new UpstreamError('invalid_page', route, `${route} did not end within ${MAX_PAGES} pages`)
}

/** One full walk, each page handed to `sink` once parsed and checked; nothing is kept here. */
export async function fetchClientPages (client: HubsoftClient, options: FetchClientesOptions, sink: PageSink): Promise<FetchPagesResult> {
  return options.source === 'todos' ? await fetchTodos(client, options, sink) : await fetchAll(client, options, sink)
}
