// Proves the cliente/all query parameters become a validated query: real dates, ordered bounds, relacoes, defaults and the live-only ultima_conexao.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertParameterError } from '../helpers/parameter-error.js'
import type { Relacao } from '../../src/hubsoft/relacoes.js'
import { isDefaultListQuery, parseListQuery } from '../../src/query/list-query.js'
import type { ClienteListQuery, RawListQuery } from '../../src/query/list-query.js'

/** The relations of the vendor's example answer, in the order the vendor's documentation lists them. */
const DEFAULT_SET: Relacao[] = [
  'endereco_instalacao', 'endereco_cadastral', 'endereco_cobranca', 'endereco_fiscal', 'pacotes',
  'interface', 'interface_roteamento', 'equipamento_conexao', 'equipamento_roteamento', 'senhas'
]
/** Every field of a parsed query, missing ones as undefined, so rows can be compared whole. */
function fields (query: ClienteListQuery) {
  const { dataInicio, dataFim, includeCancelado, codigoPacote, possuiPacote, relacoes, offset, limit, orderBy, orderType } = query
  return { dataInicio, dataFim, includeCancelado, codigoPacote, possuiPacote, relacoes: [...relacoes], offset, limit, orderBy, orderType }
}

test('parseListQuery applies the defaults and maps each parameter', () => {
  const defaults: ReturnType<typeof fields> = {
    dataInicio: undefined,
    dataFim: undefined,
    includeCancelado: false,
    codigoPacote: undefined,
    possuiPacote: undefined,
    relacoes: DEFAULT_SET,
    offset: 0,
    limit: undefined,
    orderBy: 'data_cadastro',
    orderType: 'asc'
  }
  const table: Array<[RawListQuery, Partial<typeof defaults>]> = [
    [{}, {}],
    [{ cancelado: 'nao' }, {}],
    [{ cancelado: 'sim' }, { includeCancelado: true }],
    [{ ultima_conexao: 'nao' }, {}],
    [{ limit: 10 }, { limit: 10 }],
    [{ offset: 20 }, { offset: 20 }],
    [{ limit: 1, offset: 0 }, { limit: 1 }],
    [{ order_by: 'data_fechamento' }, { orderBy: 'data_fechamento' }],
    [{ order_type: 'desc' }, { orderType: 'desc' }],
    [{ codigo_pacote: 'PCT-01' }, { codigoPacote: 'PCT-01' }],
    [{ relacoes: '' }, {}],
    [{ relacoes: 'ultima_conexao' }, { relacoes: [] }],
    [{ relacoes: 'senhas,pacotes' }, { relacoes: ['pacotes', 'senhas'] }],
    [{ data_inicio: '2024-03-01', data_fim: '2024-03-10' }, { dataInicio: '2024-03-01', dataFim: '2024-03-10' }],
    [
      { data_inicio: '2024-02-29', cancelado: 'sim', codigo_pacote: 'X', relacoes: 'grupos', limit: 5, offset: 15, order_by: 'data_fechamento', order_type: 'desc', ultima_conexao: 'nao' },
      { dataInicio: '2024-02-29', includeCancelado: true, codigoPacote: 'X', relacoes: ['grupos'], limit: 5, offset: 15, orderBy: 'data_fechamento', orderType: 'desc' }
    ]
  ]
  for (const [raw, changes] of table) {
    assert.deepEqual(fields(parseListQuery(raw)), { ...defaults, ...changes }, JSON.stringify(raw))
  }
})

test('parseListQuery refuses what a snapshot cannot answer or a malformed parameter', () => {
  const table: Array<[RawListQuery, RegExp]> = [
    [{ ultima_conexao: 'sim' }, /ultima_conexao/],
    [{ ultima_conexao: 'sim', relacoes: 'pacotes' }, /ultima_conexao/],
    [{ data_inicio: '2023-02-29' }, /data_inicio/],
    [{ data_fim: '2024-1-01' }, /data_fim/],
    [{ data_inicio: '2024-03-10', data_fim: '2024-03-09' }, /data_fim/],
    [{ relacoes: 'pacotes,nada' }, /relacoes/]
  ]
  for (const [raw, mentions] of table) {
    assertParameterError(() => parseListQuery(raw), { mentions }, JSON.stringify(raw))
  }
})

test('isDefaultListQuery: only the full default answer, however spelled, is the one compressed once per snapshot', () => {
  const table: Array<[RawListQuery, boolean]> = [
    [{}, true],
    [{ cancelado: 'nao', offset: 0, order_by: 'data_cadastro', order_type: 'asc', ultima_conexao: 'nao' }, true],
    [{ relacoes: [...DEFAULT_SET].reverse().join(',') }, true],
    [{ cancelado: 'sim' }, false],
    [{ limit: 10 }, false],
    [{ offset: 1 }, false],
    [{ order_type: 'desc' }, false],
    [{ order_by: 'data_fechamento' }, false],
    [{ relacoes: 'pacotes' }, false],
    [{ relacoes: '' }, true],
    [{ relacoes: 'ultima_conexao' }, false],
    [{ codigo_pacote: 'tv' }, false],
    [{ data_inicio: '2020-01-01' }, false],
    [{ data_fim: '2020-01-01' }, false]
  ]
  for (const [raw, expected] of table) assert.equal(isDefaultListQuery(parseListQuery(raw)), expected, JSON.stringify(raw))
})
