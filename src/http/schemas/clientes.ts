// Request and response schemas of the customer routes. The query strings mirror the
// vendor's parameters; enums and integer shapes are checked here, the rest of the semantics
// (real dates, date order, relacoes lists, CPF/CNPJ) in hubsoft/ and query/.
import { Type } from '@sinclair/typebox'
import type { TSchema } from '@sinclair/typebox'
import { ClienteSchema } from '../../hubsoft/cliente-schema.js'
import { BUSCA_LIMIT_DEFAULT, BUSCA_LIMIT_MAX, BUSCA_TIPOS } from '../../hubsoft/busca.js'
import { SUCCESS_ENVELOPE } from '../../hubsoft/envelope.js'
import { SIM_NAO } from '../../hubsoft/parameters.js'
import { ALWAYS_SHOWN_RELACOES, DEFAULT_RELACOES, RELACOES } from '../../hubsoft/relacoes.js'
import { TODOS_PER_PAGE_MAX } from '../../hubsoft/todos.js'
import { BUSCA_ORDER_BY } from '../../query/busca.js'
import { ORDER_BY, ORDER_TYPE } from '../../query/list-query.js'
import { StringEnum } from './string-enum.js'

/**
 * Free text a caller chooses (SECURITY.md): as long as a path parameter may be. Beyond it the
 * value is abuse, and it would be the key of a cached answer.
 */
const TEXT_MAX_LENGTH = 200
/** Comma lists of names (relacoes, servico_status): room for every name, spelt out, a few times. */
const LIST_MAX_LENGTH = 1000

const literals = <T extends readonly string[]>(values: T, description: string) => Type.Optional(StringEnum(values, description))

const date = (description: string, example: string) => Type.Optional(Type.String({ maxLength: TEXT_MAX_LENGTH, description, examples: [example] }))

// Swagger UI pre-fills every example and "Execute" sends them together, so the examples are
// values the demo data holds (DEMO_SEED 42, DEMO_CLIENTS 2000): a range of years rather than one
// day, and a CPF and a CNPJ registered within it with a service that is not cancelled.
const dateBounds = {
  data_inicio: date('Lower bound on the registration day (data_cadastro), YYYY-MM-DD.', '2020-01-01'),
  data_fim: date('Upper bound on the registration day (data_cadastro), YYYY-MM-DD, inclusive; not before data_inicio.', '2024-12-31')
}
const cancelado = literals(SIM_NAO, 'sim includes cancelled services; nao (default) drops them, and drops clients left with none.')
const codigoPacote = Type.Optional(Type.String({ maxLength: TEXT_MAX_LENGTH, description: 'Only clients having a shown service with a package (pacotes[].codigo) of this code.' }))
const relacoes = Type.Optional(Type.String({
  maxLength: LIST_MAX_LENGTH,
  description: `Comma list of relations to return: ${RELACOES.join(', ')}. Default (also for an empty value): ${DEFAULT_RELACOES.join(', ')}. ` +
    `${ALWAYS_SHOWN_RELACOES.join(', ')} is accepted and changes nothing: every service carries it as the snapshot holds it.`
}))
const orderBy = literals(ORDER_BY, 'Sort field (default data_cadastro); clients without it come last, ties by id_cliente.')
const orderType = literals(ORDER_TYPE, 'Sort direction (default asc).')
const servicoStatus = Type.Optional(Type.String({ maxLength: LIST_MAX_LENGTH, description: 'Comma list of status_prefixo values: only clients with a shown service in one of them.' }))
const pretty = Type.Optional(Type.String({ description: 'Present (any value but false or 0): indent the JSON answer for people reading curl output.', examples: ['1'] }))
/** Bounds on counts and positions (SECURITY.md): above any provider's size, below anything absurd. */
const COUNT_MAX = 1_000_000

export const ListQuerystringSchema = Type.Object({
  ...dateBounds,
  cancelado,
  codigo_pacote: codigoPacote,
  relacoes,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: COUNT_MAX, description: `Maximum number of clients, 1 to ${COUNT_MAX} (default: all).` })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: COUNT_MAX, description: `Clients to skip, 0 to ${COUNT_MAX} (default 0).` })),
  order_by: orderBy,
  order_type: orderType,
  ultima_conexao: literals(SIM_NAO, 'Live RADIUS data cannot come from a snapshot: sim is refused with 400.'),
  pretty
})

export const TodosQuerystringSchema = Type.Object({
  pagina: Type.Integer({ minimum: 0, maximum: COUNT_MAX, description: 'Page number; the first page is 0.', examples: [0] }),
  itens_por_pagina: Type.Integer({ minimum: 1, maximum: TODOS_PER_PAGE_MAX, description: `Clients per page, 1 to ${TODOS_PER_PAGE_MAX}.`, examples: [100] }),
  ...dateBounds,
  cancelado,
  possui_pacote: literals(SIM_NAO, 'sim: only clients with a package on a shown service; nao (the vendor\'s default): every client.'),
  codigo_pacote: codigoPacote,
  servico_status: servicoStatus,
  relacoes,
  pretty
})

const ignoredOnLookup = (description: string) => Type.Optional(Type.String({ description: `${description} Accepted and ignored: a snapshot cannot answer it, and HubSoft integrations send it on every lookup.` }))

export const BuscaQuerystringSchema = Type.Object({
  busca: StringEnum(BUSCA_TIPOS, 'Field to search.', { examples: ['cpf_cnpj'] }),
  termo_busca: Type.Optional(Type.String({ maxLength: TEXT_MAX_LENGTH, description: 'Term: names match by substring without case or accents (any length, from one letter); the other fields match exactly after normalisation. Absent, empty, or one no client can have (codigo_cliente=-5): no clients.', examples: ['51827905972'] })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: BUSCA_LIMIT_MAX, description: `Maximum number of clients, 1 to ${BUSCA_LIMIT_MAX} (default ${BUSCA_LIMIT_DEFAULT}).` })),
  cancelado,
  relacoes,
  servico_status: servicoStatus,
  order_by: literals(BUSCA_ORDER_BY, 'Sort field (default data_cadastro): a date, or a lookup field (names compared without case or accents, codigo_cliente as a number); clients without it come last, ties by id_cliente.'),
  order_type: orderType,
  inativo: ignoredOnLookup("HubSoft's filter on inactive clients."),
  ultima_conexao: ignoredOnLookup("HubSoft's live RADIUS data; services carry the ultima_conexao the snapshot holds."),
  pretty
})

export const CpfCnpjParamsSchema = Type.Object({
  cpf_cnpj: Type.String({ description: 'CPF (11 digits) or CNPJ (14 characters, alphanumeric since July 2026), with or without punctuation.', examples: ['518.279.059-72', 'PP.A9C.17Z/KZ56-00'] })
})

export const StatusParamsSchema = Type.Object({
  status_prefixo: Type.String({ description: 'A service status_prefixo, e.g. servico_habilitado, suspenso_debito, cancelado.', examples: ['servico_habilitado'] })
})

export const TecnologiaParamsSchema = Type.Object({
  tecnologia: Type.String({ description: 'A provider-defined technology, compared case-insensitively, e.g. FIBRA.', examples: ['fibra'] })
})

const envelope = {
  status: Type.Literal(SUCCESS_ENVELOPE.status, { description: 'Always success on HTTP 200.' }),
  msg: Type.String({ description: `${SUCCESS_ENVELOPE.msg}.` }),
  clientes: Type.Array(Type.Ref(ClienteSchema), { description: 'The clients, with the requested relations.' })
}

export const ClientesEnvelopeSchema = Type.Object(envelope, { $id: 'ClientesEnvelope', description: "The vendor's success envelope." })

export const PaginacaoSchema = Type.Object({
  primeira_pagina: Type.Integer({ description: 'Always 0.' }),
  ultima_pagina: Type.Integer({ description: 'Last page number for this query (0 when empty).' }),
  pagina_atual: Type.Integer({ description: 'The page returned.' }),
  total_registros: Type.Integer({ description: 'Clients matching the query across all pages.' })
}, { $id: 'Paginacao', description: 'Pagination block of cliente/todos.' })

export const TodosEnvelopeSchema = Type.Object({ ...envelope, paginacao: Type.Ref(PaginacaoSchema) }, { $id: 'TodosEnvelope', description: "The vendor's paginated envelope." })

/** Response headers of every answer from the snapshot (snapshot-reply.ts). */
export const SNAPSHOT_RESPONSE_HEADERS = {
  ETag: Type.String({ description: 'Snapshot version, the caller\'s scope and the normalised query: parameter order and defaults do not change it. Send it back in If-None-Match.', examples: ['"3f9a0c1d2e4b5a6c7d8e.q1w2e3r4t5y6u7i8"'] }),
  'Last-Modified': Type.String({ description: 'When the snapshot was fetched from HubSoft (HTTP date). Send it back in If-Modified-Since.' }),
  'Cache-Control': Type.String({ description: 'private, with a max-age that ends no later than the next possible refresh.', examples: ['private, max-age=840'] }),
  Vary: Type.String({ description: 'The request headers that change the answer.', examples: ['authorization, x-api-key, accept, accept-encoding'] }),
  'X-Snapshot-Age': Type.Integer({ description: 'Seconds since the snapshot was fetched.' }),
  'X-Snapshot-Version': Type.String({ description: 'Content hash of the snapshot; unchanged when a refresh brings identical data.' })
}

export const SnapshotRequestHeadersSchema = Type.Object({
  'if-none-match': Type.Optional(Type.String({ description: 'ETags from earlier answers: a match answers 304 with no body.' })),
  'if-modified-since': Type.Optional(Type.String({ description: 'An HTTP date: answers 304 when the snapshot is not newer (ignored with If-None-Match).' }))
})

/** The 200 and 304 answers of a snapshot route; `ndjson` adds the one-client-per-line representation. */
export function snapshotResponses (success: typeof ClientesEnvelopeSchema | typeof TodosEnvelopeSchema, { ndjson = false } = {}) {
  const content: Record<string, { schema: TSchema }> = { 'application/json': { schema: Type.Ref(success) } }
  if (ndjson) content['application/x-ndjson'] = { schema: Type.Ref(ClienteSchema, { description: 'With Accept: application/x-ndjson: one client per line.' }) }
  return {
    200: {
      description: ndjson ? 'The matching clients; add ?pretty for indented JSON, or Accept: application/x-ndjson for one client per line.' : 'The requested page; add ?pretty for indented JSON.',
      headers: SNAPSHOT_RESPONSE_HEADERS,
      content
    },
    304: {
      type: 'null',
      description: 'Not modified: If-None-Match matched the ETag, or If-Modified-Since is not older than the snapshot. No body.',
      headers: SNAPSHOT_RESPONSE_HEADERS
    }
  }
}
