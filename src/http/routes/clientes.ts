// The customer routes, all answered from the snapshot: the cliente/all mirror and its
// sub-routes, the paginated cliente/todos, and the vendor's lookup route. A handler reads
// top-down: parse the request (query/, hubsoft/), look its clients up in the snapshot's indexes
// (snapshot/lookup.ts), then select, render and reply with the snapshot's caching headers.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { InvalidParameterError, NotFoundError } from '../../errors.js'
import { clip } from '../../hubsoft/parameters.js'
import { parseTodosQuery, todosPage } from '../../hubsoft/todos.js'
import type { TodosQuery } from '../../hubsoft/todos.js'
import { buscaListQuery, parseBuscaQuery } from '../../query/busca.js'
import type { ParsedCpfCnpj } from '../../query/cpf-cnpj.js'
import { servicoStatusPredicate } from '../../query/filter.js'
import { isDefaultListQuery, parseListQuery } from '../../query/list-query.js'
import type { ClienteListQuery } from '../../query/list-query.js'
import { parseCpfCnpjParam, parseStatusPrefixo, parseTecnologia } from '../../query/path-params.js'
import type { Projection } from '../../query/projection.js'
import type { Refresher } from '../../refresh/refresher.js'
import { lookupBusca, lookupCpfCnpj, lookupStatus, lookupTecnologia } from '../../snapshot/lookup.js'
import type { Lookup } from '../../snapshot/lookup.js'
import type { ProjectionCache } from '../../snapshot/projection-cache.js'
import { isCostlyRender, isPreparedProjection, renderClientes } from '../../snapshot/render.js'
import type { RenderedBody } from '../../snapshot/render.js'
import { selectPositions } from '../../snapshot/select.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import { canSeeSecrets } from '../plugins/auth/auth.js'
import { KEYED_SECURITY } from '../plugins/docs.js'
import {
  BuscaQuerystringSchema, ClientesEnvelopeSchema, CpfCnpjParamsSchema, ListQuerystringSchema,
  StatusParamsSchema, TecnologiaParamsSchema, TodosEnvelopeSchema, TodosQuerystringSchema, SnapshotRequestHeadersSchema, snapshotResponses
} from '../schemas/clientes.js'
import { currentSnapshot, sendFromSnapshot } from '../reply/snapshot-reply.js'

export interface ClientesRoutesOptions {
  readonly refresher: Refresher
  /** Answers in projections the snapshot did not prepare (its hits and misses are metrics). */
  readonly projections: ProjectionCache
  readonly now: () => number
}

const BASE = '/api/v1/integracao/cliente'
/** cliente/todos pages in one fixed order, so a walk of its pages sees every client once. */
const TODOS_ORDERING = { orderBy: 'data_cadastro', orderType: 'asc' } as const

/** The OpenAPI fields every customer route carries. */
function doc (operationId: string, summary: string, description: string) {
  return { operationId, summary, description, tags: ['clientes'], security: KEYED_SECURITY }
}

/** A parsed list request: the query, and for a lookup its normalised key and index lookup. */
interface ListRequest {
  readonly query: ClienteListQuery
  /** The normalised path parameter or busca term: with the query, it is what the ETag varies on. */
  readonly lookup?: unknown
  /** Runs once the snapshot is known; it may refuse (400/404) before the 304 check. */
  readonly find?: (snapshot: Snapshot) => Lookup
}

/** A CPF/CNPJ in no client: wrong check digits are a typo (400), right ones an unknown person (404). */
function refuseAbsent (cpfCnpj: ParsedCpfCnpj, asSent: string): never {
  const kind = cpfCnpj.kind.toUpperCase()
  if (!cpfCnpj.checkDigitsValid) throw new InvalidParameterError(`cpf_cnpj '${clip(asSent)}' has wrong check digits for a ${kind}`)
  throw new NotFoundError(`No client with ${kind} ${asSent}`)
}

/** Selecting, rendering and replying, shared by the routes: the answer a parsed request gets. */
function answers ({ refresher, projections, now }: ClientesRoutesOptions) {
  function projectionOf (request: FastifyRequest, query: Pick<Projection, 'relacoes' | 'includeCancelado'>): Projection {
    return { relacoes: query.relacoes, includeCancelado: query.includeCancelado, redactSecrets: !canSeeSecrets(request) }
  }

  /**
   * The render of an answer: a projection the snapshot prepared is written from its bytes; any
   * other goes through the projection cache under the route, its normalised query `key` and
   * the caller's scope.
   */
  function cached (request: FastifyRequest, snapshot: Snapshot, projection: Projection, key: unknown, render: () => RenderedBody): () => RenderedBody {
    if (isPreparedProjection(projection)) return render
    return () => projections.render(snapshot, `${projection.redactSecrets ? 'read' : 'secrets'}\n${request.routeOptions.url ?? ''}\n${JSON.stringify(key)}`, render)
  }

  /** The matching clients of the snapshot in the vendor envelope (sent at once but for a precompressed /all, see sendFromSnapshot). */
  function list (request: FastifyRequest, reply: FastifyReply, { query, lookup = null, find }: ListRequest): undefined | Promise<void> {
    const snapshot = currentSnapshot(refresher, reply, now())
    const found = find?.(snapshot)
    const projection = projectionOf(request, query)
    return sendFromSnapshot(request, reply, snapshot, {
      refresher,
      now: now(),
      query: [lookup, query],
      ndjson: true,
      compressOnce: lookup === null && isDefaultListQuery(query),
      render: cached(request, snapshot, projection, [lookup, query], () => {
        // Fields named one by one: an object spread with added fields costs microseconds in V8 (Node 20).
        const positions = selectPositions(snapshot, { candidates: found?.candidates, servicoPredicate: found?.servicoPredicate, compare: found?.compare, filter: query, ordering: query, offset: query.offset, limit: query.limit })
        // Bounded by what it costs, not by whether limit is absent: many clients re-rendered.
        if (isCostlyRender(projection, positions.length)) reply.holdFullDumpSlot()
        return renderClientes(snapshot, positions, projection)
      })
    })
  }

  /** One page of cliente/todos with its paginacao block. */
  function page (request: FastifyRequest, reply: FastifyReply, todos: TodosQuery): undefined | Promise<void> {
    const snapshot = currentSnapshot(refresher, reply, now())
    const projection = projectionOf(request, todos)
    return sendFromSnapshot(request, reply, snapshot, {
      refresher,
      now: now(),
      query: todos,
      render: cached(request, snapshot, projection, todos, () => {
        const servicoPredicate = servicoStatusPredicate(todos.statuses)
        const matching = selectPositions(snapshot, { filter: todos, servicoPredicate, ordering: TODOS_ORDERING, offset: 0 })
        const { page, paginacao } = todosPage(matching, todos)
        if (isCostlyRender(projection, page.length)) reply.holdFullDumpSlot()
        return renderClientes(snapshot, page, projection, { paginacao })
      })
    })
  }

  return { list, page }
}

export default async function clientesRoutes (app: FastifyInstance, options: ClientesRoutesOptions) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const answer = answers(options)
  const config = { access: 'data' as const, errorCodes: ['invalid_parameter', 'no_snapshot'] as const }
  const lookupConfig = { ...config, errorCodes: [...config.errorCodes, 'not_found'] as const }
  /** Lists whose unlimited answer is a full download, bounded by FULL_DUMP_CONCURRENCY. */
  const listConfig = { ...config, fullDump: true }

  const listResponses = snapshotResponses(ClientesEnvelopeSchema, { ndjson: true })

  // The vendor's cliente/all, kept alive for integrations written against it.
  routes.get(`${BASE}/all`, {
    config: listConfig,
    schema: {
      ...doc('listClientes', 'Every client with its services', "HubSoft's discontinued cliente/all, answered from the snapshot with every vendor parameter."),
      querystring: ListQuerystringSchema,
      headers: SnapshotRequestHeadersSchema,
      response: listResponses
    }
  }, (request, reply) => answer.list(request, reply, { query: parseListQuery(request.query) }))

  // Lookup by CPF/CNPJ: several clients may share one.
  routes.get(`${BASE}/all/cpf_cnpj/:cpf_cnpj`, {
    config: lookupConfig,
    schema: {
      ...doc('listClientesByCpfCnpj', 'Clients with a CPF or CNPJ', 'Clients registered under a CPF or CNPJ (numeric or alphanumeric), with or without punctuation. A malformed value or wrong check digits answer 400, an unknown one 404.'),
      params: CpfCnpjParamsSchema,
      querystring: ListQuerystringSchema,
      headers: SnapshotRequestHeadersSchema,
      response: listResponses
    }
  }, (request, reply) => {
    const cpfCnpj = parseCpfCnpjParam(request.params.cpf_cnpj)
    const query = parseListQuery(request.query)
    // A stored value is found even with wrong check digits (legacy data has them); an absent one is judged.
    const find = (snapshot: Snapshot) => lookupCpfCnpj(snapshot, cpfCnpj.key) ?? refuseAbsent(cpfCnpj, request.params.cpf_cnpj)
    return answer.list(request, reply, { query, lookup: cpfCnpj.key, find })
  })

  routes.get(`${BASE}/all/status/:status_prefixo`, {
    config: listConfig,
    schema: {
      ...doc('listClientesByStatus', 'Clients with a service in a status', 'Clients having at least one shown service whose status_prefixo is the given one. With status cancelado, pass cancelado=sim to see the cancelled services.'),
      params: StatusParamsSchema,
      querystring: ListQuerystringSchema,
      headers: SnapshotRequestHeadersSchema,
      response: listResponses
    }
  }, (request, reply) => {
    const status = parseStatusPrefixo(request.params.status_prefixo)
    const query = parseListQuery(request.query)
    return answer.list(request, reply, { query, lookup: status, find: (snapshot) => lookupStatus(snapshot, status) })
  })

  routes.get(`${BASE}/all/tecnologia/:tecnologia`, {
    config: listConfig,
    schema: {
      ...doc('listClientesByTecnologia', 'Clients with a service of a technology', 'Clients having at least one shown service of the given technology, compared case-insensitively.'),
      params: TecnologiaParamsSchema,
      querystring: ListQuerystringSchema,
      headers: SnapshotRequestHeadersSchema,
      response: listResponses
    }
  }, (request, reply) => {
    const tecnologia = parseTecnologia(request.params.tecnologia)
    const query = parseListQuery(request.query)
    return answer.list(request, reply, { query, lookup: tecnologia, find: (snapshot) => lookupTecnologia(snapshot, tecnologia) })
  })

  // The vendor's current paginated route, from the snapshot; a page of up to 500 re-rendered
  // clients (cancelado=sim, other relacoes) takes a full-download slot.
  routes.get(`${BASE}/todos`, {
    config: { ...config, errorCodes: [...config.errorCodes, 'full_dump_busy'] as const },
    schema: {
      ...doc('listClientesPaginated', 'A page of clients', "HubSoft's cliente/todos: pages numbered from 0, with a paginacao block; ordered by data_cadastro then id_cliente."),
      querystring: TodosQuerystringSchema,
      headers: SnapshotRequestHeadersSchema,
      response: snapshotResponses(TodosEnvelopeSchema)
    }
  }, (request, reply) => answer.page(request, reply, parseTodosQuery(request.query)))

  // The vendor's per-lookup route, so integrations can point here instead of HubSoft.
  routes.get(BASE, {
    config,
    schema: {
      ...doc('searchClientes', 'Look clients up by one field', "HubSoft's cliente?busca=…&termo_busca=…, answered from the snapshot. A term no client can have (empty, codigo_cliente=-5) finds no one (200, empty list); only a term that is no CPF/CNPJ at all is a 400. HubSoft's live-data parameters (inativo, ultima_conexao, incluir_*) are accepted and ignored."),
      querystring: BuscaQuerystringSchema,
      headers: SnapshotRequestHeadersSchema,
      response: listResponses
    }
  }, (request, reply) => {
    const busca = parseBuscaQuery(request.query)
    // The whole parsed busca (term, statuses, field ordering) is what its ETag varies on.
    return answer.list(request, reply, { query: buscaListQuery(busca), lookup: busca, find: (snapshot) => lookupBusca(snapshot, busca) })
  })
}
