// The embedded HubSoft of demo mode and the tests: the vendor's auth and customer routes over
// real HTTP, with the vendor's quirks (validation errors as HTTP 200 + status "error", 401 for
// any bad token, a legacy cliente/all that can answer 403), fault injection for tests, and
// counters of every request it receives so tests can prove how often the service calls HubSoft.
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { gzipSync } from 'node:zlib'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { BUSCA_LIMIT_MAX, BUSCA_TIPOS } from '../hubsoft/busca.js'
import type { BuscaTipo } from '../hubsoft/busca.js'
import type { Cliente } from '../hubsoft/cliente-schema.js'
import { SUCCESS_ENVELOPE } from '../hubsoft/envelope.js'
import { ParameterError } from '../hubsoft/parameters.js'
import { parseQueryString } from '../hubsoft/query-string.js'
import { TODOS_PER_PAGE_MAX, parseTodosQuery, todosPage } from '../hubsoft/todos.js'
import { BUSCA_ORDER_BY, buscaListQuery, buscaServicoPredicate, clienteFieldMatches, compareSortKeys, fieldSortKey, isFieldOrderBy, parseBuscaQuery } from '../query/busca.js'
import type { BuscaOrderBy } from '../query/busca.js'
import { allOf, clienteMatches, servicoStatusPredicate } from '../query/filter.js'
import type { ServicoPredicate } from '../query/filter.js'
import { parseListQuery } from '../query/list-query.js'
import type { ClienteListQuery, OrderType, RawListQuery } from '../query/list-query.js'
import { compareClientes, pageWindow } from '../query/order.js'
import { projectCliente } from '../query/projection.js'
import type { Projection } from '../query/projection.js'
import type { HubsoftCredentials } from '../upstream/hubsoft-client.js'
import { DEMO_DEFAULT_CLIENTS, DEMO_DEFAULT_SEED, generateDataset } from './dataset.js'

export type SimulatorRoute = 'oauth/token' | 'cliente/todos' | 'cliente/all' | 'cliente'
type DataRoute = Exclude<SimulatorRoute, 'oauth/token'>

/** Faults a test switches on; each applies to the data routes listed (default: all of them). */
export interface SimulatorFaults {
  latencyMs?: number
  /** Answer this HTTP status with an error body instead of data. */
  forceStatus?: number
  /** Answer HTTP 200 with `{"status":"error",…}` and a stack trace, as HubSoft does. */
  errorBody200?: boolean
  /** Cut the JSON body in half. */
  truncatedBody?: boolean
  /** Answer an HTML error page with HTTP 200. */
  invalidJson?: boolean
  /** Serve only the first N clients of the dataset. */
  shrinkTo?: number
  /** Send a gzip body cut short (with Content-Encoding: gzip) to a caller that accepts gzip. */
  truncatedGzip?: boolean
  /** Answer HTTP 200 with `{"status":"error"}` and this msg (e.g. one naming a customer). */
  errorMsg?: string
  // Page walks no correct HubSoft produces (cliente/todos unless said otherwise):
  /** Announce these paginacao values instead of the true ones. */
  paginacao?: { readonly ultima_pagina?: number, readonly total_registros?: number }
  /** Answer page 0 whatever `pagina` asks for. */
  ignorePagina?: boolean
  /** Answer pages of this many clients whatever `itens_por_pagina` asks for, paginacao to match. */
  clientsPerPage?: number
  /** cliente/all: answer from offset 0 whatever `offset` asks for. */
  ignoreOffset?: boolean
  /** Encode the body as Latin-1 instead of UTF-8, as a misconfigured install does. */
  latin1?: boolean
  /** Give the first client of each answer an unknown field of arrays nested this deep. */
  nestedFieldDepth?: number
  routes?: readonly DataRoute[]
  /** Serve this many matching requests normally before the faults start (a fault mid-walk). */
  skip?: number
  /** How many matching requests the faults apply to; unlimited when absent. */
  times?: number
}

export interface SimulatorOptions {
  readonly clients?: number
  readonly seed?: number
  /** Use this dataset instead of generating one. */
  readonly dataset?: Cliente[]
  readonly credentials?: HubsoftCredentials
  /** Answer 403 on cliente/all, like tenants where the vendor discontinued it. */
  readonly legacyAllDiscontinued?: boolean
  /** Compress data answers for callers that send Accept-Encoding: gzip, as HubSoft's web server does (default true). */
  readonly gzip?: boolean
  readonly host?: string
  readonly port?: number
  /** Serve every route under this path, like an install behind a reverse proxy (e.g. /hubsoft). */
  readonly pathPrefix?: string
  /** Serve HTTPS with this PEM key and certificate, like a self-hosted install with a private CA. */
  readonly tls?: { readonly key: string, readonly cert: string }
}

export interface SimulatorCounters {
  /** `route → HTTP status → count`. */
  readonly requests: Record<string, Record<string, number>>
  tokensIssued: number
  /** Full fetches begun: first pages of cliente/todos (pagina=0) and cliente/all (no offset or 0). */
  fetchCycles: number
  /** Data answers sent gzip'd. */
  gzipResponses: number
  /** The most data requests ever in progress at once (1 when pages come one after another). */
  maxInFlight: number
}

export const DEMO_CREDENTIALS: HubsoftCredentials = Object.freeze({
  clientId: 'demo-client',
  clientSecret: 'demo-client-secret',
  username: 'demo@provedor.example',
  password: 'demo-password'
})

/** Laravel reads `cancelado=` as absent and routes `/cliente/` as `/cliente` (hubsoft/query-string.ts). */
const HUBSOFT_ROUTER = { ignoreTrailingSlash: true, querystringParser: (queryString: string) => parseQueryString(queryString) }

function vendorError (reply: FastifyReply, msg: string, errors: string[] = [msg]) {
  // HubSoft answers validation errors with HTTP 200.
  return reply.code(200).send({ status: 'error', msg, errors })
}

function single (query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new ParameterError(name, `O campo ${name} deve ser um valor único.`)
  return value
}

function integerParam (query: Record<string, unknown>, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = single(query, name)
  if (value === undefined) return undefined
  const number = /^\d+$/.test(value) ? Number(value) : NaN
  if (!(number >= min && number <= max)) throw new ParameterError(name, `O campo ${name} deve ser um número inteiro entre ${min} e ${max}.`)
  return number
}

/** What the vendor shows of a client: its visible services with the asked-for relations, passwords and all. */
function shown (query: Pick<Projection, 'relacoes' | 'includeCancelado'>): (cliente: Cliente) => Cliente {
  const projection = { relacoes: query.relacoes, includeCancelado: query.includeCancelado, redactSecrets: false }
  return (cliente) => projectCliente(cliente, projection)
}

function simNao (query: Record<string, unknown>, name: string): 'sim' | 'nao' | undefined {
  const value = single(query, name)
  if (value !== undefined && value !== 'sim' && value !== 'nao') throw new ParameterError(name, `O campo ${name} deve ser sim ou nao.`)
  return value
}

const NESTED_FIELD_MARK = '"nested-field-mark"'

/** Writes a field nested `depth` arrays deep into the first client as text: JSON.stringify could not write it. */
function withNestedField (json: string, depth: number | undefined): string {
  if (depth === undefined) return json
  return json.replace('"clientes":[{', `"clientes":[{"campo_aninhado":${'['.repeat(depth)}${NESTED_FIELD_MARK}${']'.repeat(depth)},`)
}

function orderType (query: Record<string, unknown>): OrderType | undefined {
  const value = single(query, 'order_type')
  if (value !== undefined && value !== 'asc' && value !== 'desc') throw new ParameterError('order_type', 'O campo order_type é inválido.')
  return value
}

export class HubsoftSimulator {
  /** The customers HubSoft holds, sorted by id_cliente; tests may replace or edit it. */
  dataset: Cliente[]
  faults: SimulatorFaults = {}
  legacyAllDiscontinued: boolean
  readonly credentials: HubsoftCredentials
  readonly counters: SimulatorCounters = { requests: {}, tokensIssued: 0, fetchCycles: 0, gzipResponses: 0, maxInFlight: 0 }
  gzip: boolean
  readonly #app: FastifyInstance
  readonly #tokens = new Set<string>()
  #inFlight = 0
  #url = ''

  private constructor (options: SimulatorOptions) {
    this.dataset = options.dataset ?? generateDataset({ clients: options.clients ?? DEMO_DEFAULT_CLIENTS, seed: options.seed ?? DEMO_DEFAULT_SEED })
    this.credentials = options.credentials ?? DEMO_CREDENTIALS
    this.legacyAllDiscontinued = options.legacyAllDiscontinued ?? false
    this.gzip = options.gzip ?? true
    this.#app = options.tls === undefined
      ? Fastify({ logger: false, bodyLimit: 64 * 1024, routerOptions: HUBSOFT_ROUTER })
      : Fastify({ logger: false, bodyLimit: 64 * 1024, routerOptions: HUBSOFT_ROUTER, https: options.tls }) as unknown as FastifyInstance
    this.#app.register(async (app) => this.#routes(app), { prefix: options.pathPrefix ?? '' })
  }

  static async start (options: SimulatorOptions = {}): Promise<HubsoftSimulator> {
    const simulator = new HubsoftSimulator(options)
    const address = await simulator.#app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 })
    simulator.#url = `${address}${options.pathPrefix ?? ''}`
    return simulator
  }

  get url (): string {
    return this.#url
  }

  /** Requests received on a route, all statuses together. */
  requestCount (route: SimulatorRoute): number {
    return Object.values(this.counters.requests[route] ?? {}).reduce((sum, count) => sum + count, 0)
  }

  /** Data requests (everything but oauth/token). */
  dataRequestCount (): number {
    return this.requestCount('cliente/todos') + this.requestCount('cliente/all') + this.requestCount('cliente')
  }

  /** HubSoft revokes every token during its updates. */
  revokeTokens (): void {
    this.#tokens.clear()
  }

  async close (): Promise<void> {
    await this.#app.close()
  }

  #routes (app: FastifyInstance): void {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    })
    app.addHook('onResponse', async (request, reply) => {
      const route = (request.routeOptions.config as { route?: SimulatorRoute }).route ?? 'unknown'
      const byStatus = this.counters.requests[route] ??= {}
      byStatus[reply.statusCode] = (byStatus[reply.statusCode] ?? 0) + 1
    })

    app.post('/oauth/token', { config: { route: 'oauth/token' } }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>
      const { credentials } = this
      const valid = body.grant_type === 'password' && body.client_id === credentials.clientId &&
        body.client_secret === credentials.clientSecret && body.username === credentials.username && body.password === credentials.password
      if (!valid) {
        return await reply.code(401).send({ error: 'invalid_credentials', error_description: 'The user credentials were incorrect.', message: 'The user credentials were incorrect.' })
      }
      const token = randomBytes(24).toString('hex')
      this.#tokens.add(token)
      this.counters.tokensIssued++
      return { token_type: 'Bearer', expires_in: 2_592_000, access_token: token, refresh_token: randomBytes(24).toString('hex') }
    })

    app.register(async (api) => {
      api.addHook('onRequest', async (request, reply) => {
        const header = request.headers.authorization ?? ''
        const token = header.startsWith('Bearer ') ? header.slice(7) : ''
        if (!this.#tokens.has(token)) await reply.code(401).send({ message: 'Unauthenticated.' })
      })
      api.get('/cliente/todos', { config: { route: 'cliente/todos' } }, async (request, reply) => await this.#serve('cliente/todos', request, reply, (dataset, faults) => this.#todos(request, dataset, faults)))
      api.get('/cliente/all', { config: { route: 'cliente/all' } }, async (request, reply) => {
        if (this.legacyAllDiscontinued) return await reply.code(403).send({ status: 'error', msg: 'Rota descontinuada. Utilize /api/v1/integracao/cliente/todos' })
        return await this.#serve('cliente/all', request, reply, (dataset, faults) => this.#all(request, dataset, faults))
      })
      api.get('/cliente', { config: { route: 'cliente' } }, async (request, reply) => await this.#serve('cliente', request, reply, (dataset) => this.#busca(request, dataset)))
    }, { prefix: '/api/v1/integracao' })
  }

  /** Counts the request while it is in progress (tests prove pages come one at a time). */
  async #serve (route: DataRoute, request: FastifyRequest, reply: FastifyReply, answer: (dataset: readonly Cliente[], faults: SimulatorFaults) => object) {
    this.#inFlight++
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.#inFlight)
    try {
      return await this.#answer(route, request, reply, answer)
    } finally {
      this.#inFlight--
    }
  }

  /** Applies the faults switched on for this route, then answers. */
  async #answer (route: DataRoute, request: FastifyRequest, reply: FastifyReply, answer: (dataset: readonly Cliente[], faults: SimulatorFaults) => object) {
    const query = request.query as Record<string, unknown>
    if ((route === 'cliente/todos' && query.pagina === '0') || (route === 'cliente/all' && (query.offset === undefined || query.offset === '0'))) {
      this.counters.fetchCycles++
    }
    const faults = this.#takeFaults(route)
    if (faults.latencyMs !== undefined) await sleep(faults.latencyMs)
    if (faults.forceStatus !== undefined) {
      return await reply.code(faults.forceStatus).send({ status: 'error', msg: 'Erro interno do servidor' })
    }
    if (faults.errorBody200 === true) {
      return await reply.code(200).send({
        status: 'error',
        msg: 'SQLSTATE[57014]: Query canceled: canceling statement due to statement timeout',
        errors: ['#0 /var/www/hubsoft/vendor/laravel/framework/src/Illuminate/Database/Connection.php(664): PDOException']
      })
    }
    if (faults.errorMsg !== undefined) return vendorError(reply, faults.errorMsg)
    if (faults.invalidJson === true) {
      return await reply.code(200).type('text/html').send('<html><body><h1>502 Bad Gateway</h1></body></html>')
    }
    let payload: object
    try {
      payload = answer(this.#visibleDataset(faults.shrinkTo), faults)
    } catch (error) {
      // A malformed parameter, whether the vendor's checks or the shared parsers found it.
      if (error instanceof ParameterError) return vendorError(reply, error.message)
      throw error
    }
    const json = withNestedField(JSON.stringify(payload), faults.nestedFieldDepth)
    if (faults.truncatedBody === true) {
      return await reply.code(200).type('application/json').send(json.slice(0, Math.floor(json.length / 2)))
    }
    const body = faults.latin1 === true ? Buffer.from(json, 'latin1') : json
    if (this.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      const compressed = gzipSync(body)
      this.counters.gzipResponses++
      return await reply.code(200).type('application/json').header('content-encoding', 'gzip')
        .send(faults.truncatedGzip === true ? compressed.subarray(0, Math.floor(compressed.length / 2)) : compressed)
    }
    return await reply.code(200).type('application/json').send(body)
  }

  #takeFaults (route: DataRoute): SimulatorFaults {
    const faults = this.faults
    if (faults.routes !== undefined && !faults.routes.includes(route)) return {}
    if (faults.skip !== undefined && faults.skip > 0) {
      faults.skip--
      return {}
    }
    if (faults.times !== undefined) {
      if (faults.times <= 0) return {}
      faults.times--
    }
    return faults
  }

  #visibleDataset (shrinkTo: number | undefined): readonly Cliente[] {
    return shrinkTo === undefined ? this.dataset : this.dataset.slice(0, shrinkTo)
  }

  #todos (request: FastifyRequest, dataset: readonly Cliente[], faults: SimulatorFaults): object {
    const query = request.query as Record<string, unknown>
    const pagina = integerParam(query, 'pagina', 0)
    const perPage = integerParam(query, 'itens_por_pagina', 1, TODOS_PER_PAGE_MAX)
    if (pagina === undefined || perPage === undefined) throw new ParameterError('pagina', 'Os campos pagina e itens_por_pagina são obrigatórios.')
    const todos = parseTodosQuery({
      pagina: faults.ignorePagina === true ? 0 : pagina,
      itens_por_pagina: faults.clientsPerPage ?? perPage,
      data_inicio: single(query, 'data_inicio'),
      data_fim: single(query, 'data_fim'),
      cancelado: simNao(query, 'cancelado'),
      possui_pacote: simNao(query, 'possui_pacote'),
      codigo_pacote: single(query, 'codigo_pacote'),
      servico_status: single(query, 'servico_status'),
      relacoes: single(query, 'relacoes')
    })
    const servicoPredicate = servicoStatusPredicate(todos.statuses)
    const { page, paginacao } = todosPage(dataset.filter((cliente) => clienteMatches(cliente, todos, servicoPredicate)), todos)
    return { ...SUCCESS_ENVELOPE, paginacao: { ...paginacao, ...faults.paginacao }, clientes: page.map(shown(todos)) }
  }

  #all (request: FastifyRequest, dataset: readonly Cliente[], faults: SimulatorFaults): object {
    const query = request.query as Record<string, unknown>
    const raw: RawListQuery = {
      data_inicio: single(query, 'data_inicio'),
      data_fim: single(query, 'data_fim'),
      cancelado: simNao(query, 'cancelado'),
      codigo_pacote: single(query, 'codigo_pacote'),
      relacoes: single(query, 'relacoes'),
      limit: integerParam(query, 'limit', 1),
      offset: faults.ignoreOffset === true ? undefined : integerParam(query, 'offset', 0),
      order_by: single(query, 'order_by') as RawListQuery['order_by'],
      order_type: orderType(query)
    }
    if (raw.order_by !== undefined && raw.order_by !== 'data_cadastro' && raw.order_by !== 'data_fechamento') throw new ParameterError('order_by', 'O campo order_by é inválido.')
    return { ...SUCCESS_ENVELOPE, clientes: this.#list(dataset, parseListQuery(raw)) }
  }

  #busca (request: FastifyRequest, dataset: readonly Cliente[]): object {
    const query = request.query as Record<string, unknown>
    const busca = single(query, 'busca')
    if (busca === undefined || !(BUSCA_TIPOS as readonly string[]).includes(busca)) {
      throw new ParameterError('busca', `O campo busca (${BUSCA_TIPOS.join(', ')}) é obrigatório.`)
    }
    const orderBy = single(query, 'order_by')
    if (orderBy !== undefined && !(BUSCA_ORDER_BY as readonly string[]).includes(orderBy)) throw new ParameterError('order_by', 'O campo order_by é inválido.')
    const parsed = parseBuscaQuery({
      busca: busca as BuscaTipo,
      termo_busca: single(query, 'termo_busca'),
      limit: integerParam(query, 'limit', 1, BUSCA_LIMIT_MAX),
      cancelado: simNao(query, 'cancelado'),
      relacoes: single(query, 'relacoes'),
      servico_status: single(query, 'servico_status'),
      order_by: orderBy as BuscaOrderBy | undefined,
      order_type: orderType(query)
    })
    const { key } = parsed
    if (key === null) return { ...SUCCESS_ENVELOPE, clientes: [] }
    const fieldPredicate = buscaServicoPredicate(parsed.busca, key)
    const matches = fieldPredicate !== undefined ? () => true : (cliente: Cliente) => clienteFieldMatches(cliente, parsed.busca, key)
    const servicoPredicate = allOf(fieldPredicate, servicoStatusPredicate(parsed.statuses))
    const listQuery = buscaListQuery(parsed)
    const { orderBy: field, orderType: direction } = parsed
    if (!isFieldOrderBy(field)) return { ...SUCCESS_ENVELOPE, clientes: this.#list(dataset.filter(matches), listQuery, servicoPredicate) }
    const byField = (a: Cliente, b: Cliente) => compareSortKeys(fieldSortKey(field, a), fieldSortKey(field, b), direction) || a.id_cliente - b.id_cliente
    const matching = dataset.filter((cliente) => matches(cliente) && clienteMatches(cliente, listQuery, servicoPredicate)).sort(byField)
    return { ...SUCCESS_ENVELOPE, clientes: pageWindow(matching, 0, listQuery.limit).map(shown(listQuery)) }
  }

  /** The clients a list query keeps, in its order and window, as the vendor shows them. */
  #list (dataset: readonly Cliente[], query: ClienteListQuery, servicoPredicate?: ServicoPredicate): Cliente[] {
    const matching = dataset.filter((cliente) => clienteMatches(cliente, query, servicoPredicate)).sort(compareClientes(query))
    return pageWindow(matching, query.offset, query.limit).map(shown(query))
  }
}
