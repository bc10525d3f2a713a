// One full fetch of the customer list, page by page: from cliente/todos (pages 0…ultima_pagina,
// count checked against total_registros) or the legacy cliente/all (limit/offset). Always with
// every relation and cancelled services, so every answer the service gives can be computed
// from the snapshot. Pages are parsed one at a time (never one giant body, which would
// need the whole list in memory at once) and
// clients are de-duplicated by id_cliente across pages, which shift when HubSoft inserts
// while we page. Each page goes to a sink as soon as it is parsed, so a snapshot can be built
// page by page without ever holding the whole parsed list.
import { setTimeout as sleep } from 'node:timers/promises'
import { RELACOES } from '../hubsoft/relacoes.js'
import { UpstreamError } from './errors.js'
import type { HubsoftClient } from './hubsoft-client.js'

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
 * page), with the page's body bytes (so a walk that fails later still reports what it fetched)
 * and the number of pages the walk has as far as HubSoft announced it (null when unknown).
 */
export type PageSink = (clientes: readonly unknown[], bytes: number, pagesTotal: number | null) => Promise<void>

export interface FetchPagesResult {
  /** Distinct id_cliente values seen. */
  readonly clients: number
  readonly pages: number
  readonly bytes: number
}

/** A runaway ultima_pagina (or an upstream that never ends a legacy walk) stops here. */
const MAX_PAGES = 100_000
const ALL_RELACOES = RELACOES.join(',')

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

  constructor (sink: PageSink) {
    this.#sink = sink
  }

  /** Checks one page and hands it on; a repeated id inside one page is corrupt data, across pages it is a shift. */
  async add (route: string, clientes: unknown[], page: number, bytes: number, pagesTotal: number | null): Promise<void> {
    const inPage = new Set<number>()
    for (const cliente of clientes) {
      const id = idOf(route, cliente, page)
      if (inPage.has(id)) throw new UpstreamError('invalid_page', route, `page ${page} of ${route} lists id_cliente ${id} twice`)
      inPage.add(id)
      this.#ids.add(id)
    }
    this.pages++
    this.bytes += bytes
    await this.#sink(clientes, bytes, pagesTotal)
  }

  result (): FetchPagesResult {
    return { clients: this.#ids.size, pages: this.pages, bytes: this.bytes }
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
    const { body, bytes } = await client.getJson(route, {
      pagina: page,
      itens_por_pagina: options.pageSize,
      cancelado: 'sim',
      relacoes: ALL_RELACOES
    }, options.signal)
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
    await accumulator.add(route, clientes, page, bytes, announcedLast + 1)
    // HubSoft can insert or delete while we page. Walk to the newest last page, but demand
    // the largest total any page announced: a deletion in an earlier page shifts a client
    // we have not seen into a page we already read, and only the count can tell.
    lastPage = announcedLast
    total = Math.max(total, announcedTotal)
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
  const query = { cancelado: 'sim', relacoes: ALL_RELACOES, order_by: 'data_cadastro', order_type: 'asc' }
  if (options.pageSize === 0) {
    const { body, bytes } = await client.getJson(route, query, options.signal)
    await accumulator.add(route, pageClientes(route, body, 0), 0, bytes, 1)
    return accumulator.result()
  }
  for (let page = 0; page < MAX_PAGES; page++) {
    if (page > 0 && options.pageDelayMs > 0) await sleep(options.pageDelayMs, undefined, { signal: options.signal })
    const { body, bytes } = await client.getJson(route, { ...query, limit: options.pageSize, offset: page * options.pageSize }, options.signal)
    const clientes = pageClientes(route, body, page)
    // Paged by limit/offset, cliente/all never says how many pages there are.
    await accumulator.add(route, clientes, page, bytes, null)
    if (clientes.length < options.pageSize) return accumulator.result()
  }
  throw new UpstreamError('invalid_page', route, `${route} did not end within ${MAX_PAGES} pages`)
}

/** One full walk, each page handed to `sink` once parsed and checked; nothing is kept here. */
export async function fetchClientPages (client: HubsoftClient, options: FetchClientesOptions, sink: PageSink): Promise<FetchPagesResult> {
  return options.source === 'todos' ? await fetchTodos(client, options, sink) : await fetchAll(client, options, sink)
}
