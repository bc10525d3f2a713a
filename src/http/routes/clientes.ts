// The customer routes (SPEC §4), all answered from the snapshot: the cliente/all mirror and its
// sub-routes, the paginated cliente/todos, and the vendor's lookup route. Handlers parse with
// query/, pick candidates from the snapshot's indexes, and hand rendering to sendFromSnapshot.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { InvalidParameterError, NotFoundError } from '../../errors.js'
import { buscaServicoPredicate, parseBuscaQuery } from '../../query/busca.js'
import type { BuscaQuery } from '../../query/busca.js'
import { parseCpfCnpj } from '../../query/cpf-cnpj.js'
import { foldTecnologia, hasStatusPrefixo, hasTecnologia } from '../../query/filter.js'
import type { ServicoPredicate } from '../../query/filter.js'
import { clip, isDefaultListQuery, parseDateBounds, parseListQuery, parseRelacoes } from '../../query/list-query.js'
import type { ClienteListQuery } from '../../query/list-query.js'
import { DEFAULT_RELACOES } from '../../query/relacoes.js'
import type { Refresher } from '../../refresh/refresher.js'
import type { Projection } from '../../query/projection.js'
import type { ProjectionCache } from '../../snapshot/projection-cache.js'
import { isPreparedProjection, renderClientes } from '../../snapshot/render.js'
import type { RenderedBody } from '../../snapshot/render.js'
import { selectPositions } from '../../snapshot/select.js'
import { KEYED_SECURITY } from '../plugins/docs.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import { recordResultCount } from '../plugins/audit.js'
import { canSeeSecrets } from '../plugins/auth/auth.js'
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
const STATUS_PREFIXO = /^[a-z0-9_]{1,64}$/
const DEFAULT_ORDERING = { orderBy: 'data_cadastro', orderType: 'asc' } as const

/** The OpenAPI fields every customer route carries. */
function doc (operationId: string, summary: string, description: string) {
  return { operationId, summary, description, tags: ['clientes'], security: KEYED_SECURITY }
}

export default async function clientesRoutes (app: FastifyInstance, { refresher, projections, now }: ClientesRoutesOptions) {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const config = { access: 'data' as const, errorCodes: ['invalid_parameter', 'no_snapshot'] as const }
  const lookupConfig = { ...config, errorCodes: [...config.errorCodes, 'not_found'] as const }
  /** Lists whose unlimited answer is a full download, bounded by FULL_DUMP_CONCURRENCY. */
  const listConfig = { ...config, fullDump: true }

  /**
   * The render of an answer: a projection the snapshot prepared is written from its bytes; any
   * other goes through the projection cache under the route, its normalised query `key` and
   * the caller's scope.
   */
  function cached (request: FastifyRequest, snapshot: Snapshot, projection: Projection, key: unknown, render: () => RenderedBody): () => RenderedBody {
    if (isPreparedProjection(projection)) return render
    return () => projections.render(snapshot, `${projection.redactSecrets ? 'read' : 'secrets'}\n${request.routeOptions.url ?? ''}\n${JSON.stringify(key)}`, render)
  }

  /**
   * Lists the matching clients of the snapshot with the vendor envelope. `lookup` is the
   * normalised path parameter or busca term: with the query, it is what the ETag varies on.
   */
  async function answerList (request: FastifyRequest, reply: FastifyReply, query: ClienteListQuery, lookup: unknown = null, pick: (snapshot: Snapshot) => { candidates?: readonly number[], servicoPredicate?: ServicoPredicate } = () => ({})) {
    const snapshot = currentSnapshot(refresher)
    // Picking candidates is an index lookup that may answer 400/404; selecting and rendering wait for the 304 check.
    const picked = pick(snapshot)
    const projection = { relacoes: query.relacoes, includeCancelado: query.includeCancelado, redactSecrets: !canSeeSecrets(request) }
    return await sendFromSnapshot(request, reply, snapshot, {
      refresher,
      now: now(),
      query: [lookup, query],
      ndjson: true,
      compressOnce: lookup === null && isDefaultListQuery(query),
      render: cached(request, snapshot, projection, [lookup, query], () => {
        const positions = selectPositions(snapshot, { ...picked, filter: query, ordering: query, offset: query.offset, limit: query.limit })
        recordResultCount(reply, positions.length)
        return renderClientes(snapshot, positions, projection)
      })
    })
  }

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
  }, async (request, reply) => await answerList(request, reply, parseListQuery(request.query)))

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
  }, async (request, reply) => {
    const parsed = parseCpfCnpj(request.params.cpf_cnpj)
    if (parsed === null) throw new InvalidParameterError(`cpf_cnpj '${clip(request.params.cpf_cnpj)}' is neither a CPF (11 digits) nor a CNPJ (12 letters or digits + 2 digits)`)
    const query = parseListQuery(request.query)
    return await answerList(request, reply, query, parsed.key, (snapshot) => {
      const candidates = snapshot.indexes.byCpfCnpj.get(parsed.key)
      // A stored value is found even with wrong check digits (legacy data has them); an absent one is judged.
      if (candidates === undefined) {
        if (!parsed.checkDigitsValid) throw new InvalidParameterError(`cpf_cnpj '${clip(request.params.cpf_cnpj)}' has wrong check digits for a ${parsed.kind.toUpperCase()}`)
        throw new NotFoundError(`No client with ${parsed.kind.toUpperCase()} ${request.params.cpf_cnpj}`)
      }
      return { candidates }
    })
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
  }, async (request, reply) => {
    const status = request.params.status_prefixo
    if (!STATUS_PREFIXO.test(status)) throw new InvalidParameterError(`status_prefixo '${clip(status)}' must be lower-case letters, digits and _ (e.g. servico_habilitado)`)
    return await answerList(request, reply, parseListQuery(request.query), status, (snapshot) => ({
      candidates: snapshot.indexes.byStatusPrefixo.get(status) ?? [],
      servicoPredicate: hasStatusPrefixo(status)
    }))
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
  }, async (request, reply) => {
    const { tecnologia } = request.params
    if (tecnologia.trim() === '' || tecnologia.length > 64) throw new InvalidParameterError('tecnologia must be 1 to 64 characters')
    const folded = foldTecnologia(tecnologia)
    return await answerList(request, reply, parseListQuery(request.query), folded, (snapshot) => ({
      candidates: snapshot.indexes.byTecnologia.get(folded) ?? [],
      servicoPredicate: hasTecnologia(tecnologia)
    }))
  })

  // The vendor's current paginated route, from the snapshot.
  routes.get(`${BASE}/todos`, {
    config,
    schema: {
      ...doc('listClientesPaginated', 'A page of clients', "HubSoft's cliente/todos: pages numbered from 0, with a paginacao block; ordered by data_cadastro then id_cliente."),
      querystring: TodosQuerystringSchema,
      headers: SnapshotRequestHeadersSchema,
      response: snapshotResponses(TodosEnvelopeSchema)
    }
  }, async (request, reply) => {
    const query = request.query
    const filter = {
      ...parseDateBounds(query),
      includeCancelado: query.cancelado === 'sim',
      codigoPacote: query.codigo_pacote,
      possuiPacote: query.possui_pacote === undefined ? undefined : query.possui_pacote === 'sim'
    }
    const relacoes = parseRelacoes(query.relacoes)
    const statuses = query.servico_status?.split(',').map((status) => status.trim()).filter((status) => status !== '')
    const snapshot = currentSnapshot(refresher)
    const perPage = query.itens_por_pagina
    const projection = { relacoes, includeCancelado: filter.includeCancelado, redactSecrets: !canSeeSecrets(request) }
    const normalised = { ...filter, relacoes, statuses: statuses === undefined ? undefined : [...new Set(statuses)].sort(), pagina: query.pagina, perPage }
    return await sendFromSnapshot(request, reply, snapshot, {
      refresher,
      now: now(),
      query: normalised,
      render: cached(request, snapshot, projection, normalised, () => {
        const matching = selectPositions(snapshot, {
          filter,
          servicoPredicate: statuses === undefined ? undefined : hasStatusPrefixo(...statuses),
          ordering: DEFAULT_ORDERING,
          offset: 0
        })
        const page = matching.slice(query.pagina * perPage, (query.pagina + 1) * perPage)
        const paginacao = {
          primeira_pagina: 0,
          ultima_pagina: Math.max(0, Math.ceil(matching.length / perPage) - 1),
          pagina_atual: query.pagina,
          total_registros: matching.length
        }
        recordResultCount(reply, page.length)
        return renderClientes(snapshot, page, projection, { paginacao })
      })
    })
  })

  // The vendor's per-lookup route, so integrations can point here instead of HubSoft.
  routes.get(BASE, {
    config,
    schema: {
      ...doc('searchClientes', 'Look clients up by one field', "HubSoft's cliente?busca=…&termo_busca=…, answered from the snapshot."),
      querystring: BuscaQuerystringSchema,
      headers: SnapshotRequestHeadersSchema,
      response: listResponses
    }
  }, async (request, reply) => {
    const busca = parseBuscaQuery(request.query)
    const { includeCancelado, limit, orderBy, orderType } = busca
    const query: ClienteListQuery = { includeCancelado, limit, orderBy, orderType, relacoes: DEFAULT_RELACOES, offset: 0 }
    return await answerList(request, reply, query, [busca.busca, busca.key], (snapshot) => buscaCandidates(snapshot, busca))
  })
}

function positionsWhere (names: readonly string[], key: string): number[] {
  const positions: number[] = []
  names.forEach((name, position) => { if (name.includes(key)) positions.push(position) })
  return positions
}

function buscaCandidates (snapshot: Snapshot, { busca, key }: BuscaQuery): { candidates: readonly number[], servicoPredicate?: ServicoPredicate } {
  const { indexes, foldedNames } = snapshot
  const servicoPredicate = buscaServicoPredicate(busca, key)
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
  if (fromIndex !== undefined) return { candidates: fromIndex.get(key) ?? [], servicoPredicate }
  return { candidates: positionsWhere(busca === 'nome_razaosocial' ? foldedNames.razaoSocial : foldedNames.fantasia, key) }
}
