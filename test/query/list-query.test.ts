// Proves the cliente/all query parameters (SPEC §2, §4) become a validated query: real dates, ordered bounds, relacoes, defaults and the live-only ultima_conexao.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InvalidParameterError } from '../../src/errors.js'
import { clip, isDefaultListQuery, isDefaultRelacoes, parseDateBounds, parseDateParam, parseListQuery, parseRelacoes } from '../../src/query/list-query.js'
import type { ClienteListQuery, RawListQuery } from '../../src/query/list-query.js'
import type { Relacao } from '../../src/hubsoft/relacoes.js'

/** The relations of the vendor's example answer, in the order of the relacoes table of SPEC §2. */
const DEFAULT_SET: Relacao[] = [
  'endereco_instalacao', 'endereco_cadastral', 'endereco_cobranca', 'endereco_fiscal', 'pacotes',
  'interface', 'interface_roteamento', 'equipamento_conexao', 'equipamento_roteamento', 'senhas'
]
const ALL_RELACOES: Relacao[] = [
  'endereco_instalacao', 'endereco_cadastral', 'endereco_cobranca', 'endereco_fiscal', 'pacotes',
  'interface', 'interface_roteamento', 'equipamento_conexao', 'equipamento_roteamento', 'grupos',
  'porta_atendimento', 'senhas', 'status_conexao'
]

function assertInvalidParameter (fn: () => unknown, mentions: RegExp, label: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidParameterError, `${label}: an InvalidParameterError`)
    const { code, statusCode, message } = error as { code: string, statusCode: number, message: string }
    assert.equal(code, 'INVALID_PARAMETER', `${label}: code`)
    assert.equal(statusCode, 400, `${label}: statusCode`)
    assert.match(message, mentions, `${label}: message`)
    return true
  }, label)
}

/** Every field of a parsed query, missing ones as undefined, so rows can be compared whole. */
function fields (query: ClienteListQuery) {
  const { dataInicio, dataFim, includeCancelado, codigoPacote, possuiPacote, relacoes, offset, limit, orderBy, orderType } = query
  return { dataInicio, dataFim, includeCancelado, codigoPacote, possuiPacote, relacoes: [...relacoes], offset, limit, orderBy, orderType }
}

test('parseDateParam accepts real calendar days in YYYY-MM-DD', () => {
  const table = ['2024-03-10', '2024-02-29', '2000-02-29', '2024-12-31', '2024-01-01', '1999-04-30']
  for (const value of table) {
    assert.equal(parseDateParam('data_inicio', value), value, value)
    assert.equal(parseDateParam('data_fim', value), value, value)
  }
})

test('parseDateParam rejects malformed or unreal dates with a message naming the parameter', () => {
  const table: Array<[string, string]> = [
    ['2023-02-29', 'not a leap year'],
    ['1900-02-29', 'century, not a leap year'],
    ['2024-13-01', 'month 13'],
    ['2024-00-10', 'month 0'],
    ['2024-04-31', 'April has 30 days'],
    ['2024-01-00', 'day 0'],
    ['2024-1-01', 'one-digit month'],
    ['2024-01-1', 'one-digit day'],
    ['', 'empty'],
    ['2024/01/01', 'slashes'],
    ['10-03-2024', 'day first'],
    ['20240101', 'no dashes'],
    ['2024-01-01 00:00:00', 'a timestamp, not a date'],
    [' 2024-01-01', 'leading blank'],
    ['abcd-ef-gh', 'letters']
  ]
  for (const [value, why] of table) {
    for (const name of ['data_inicio', 'data_fim']) {
      assertInvalidParameter(() => parseDateParam(name, value), new RegExp(name), `${name}=${value} (${why})`)
    }
  }
})

test('parseDateParam clips a huge value in its message', () => {
  assert.throws(() => parseDateParam('data_fim', 'x'.repeat(10_000)), (error: Error) => {
    assert.ok(error.message.length < 300, `message of ${error.message.length} characters`)
    return true
  })
})

test('parseDateBounds: each bound optional, data_fim on or after data_inicio', () => {
  const table: Array<[Pick<RawListQuery, 'data_inicio' | 'data_fim'>, { dataInicio?: string, dataFim?: string }]> = [
    [{}, { dataInicio: undefined, dataFim: undefined }],
    [{ data_inicio: '2024-03-01' }, { dataInicio: '2024-03-01', dataFim: undefined }],
    [{ data_fim: '2024-03-10' }, { dataInicio: undefined, dataFim: '2024-03-10' }],
    [{ data_inicio: '2024-03-01', data_fim: '2024-03-10' }, { dataInicio: '2024-03-01', dataFim: '2024-03-10' }],
    [{ data_inicio: '2024-03-10', data_fim: '2024-03-10' }, { dataInicio: '2024-03-10', dataFim: '2024-03-10' }],
    [{ data_inicio: '2023-12-31', data_fim: '2024-01-01' }, { dataInicio: '2023-12-31', dataFim: '2024-01-01' }]
  ]
  for (const [raw, expected] of table) {
    const { dataInicio, dataFim } = parseDateBounds(raw)
    assert.deepEqual({ dataInicio, dataFim }, expected, JSON.stringify(raw))
  }
})

test('parseDateBounds rejects bad bounds, naming the parameter at fault', () => {
  const table: Array<[Pick<RawListQuery, 'data_inicio' | 'data_fim'>, RegExp]> = [
    [{ data_inicio: '2024-03-11', data_fim: '2024-03-10' }, /data_fim.*data_inicio/],
    [{ data_inicio: '2025-01-01', data_fim: '2024-12-31' }, /data_fim.*data_inicio/],
    [{ data_inicio: '2023-02-29' }, /data_inicio/],
    [{ data_fim: '2024-13-01' }, /data_fim/],
    [{ data_inicio: '2024-03-01', data_fim: '' }, /data_fim/],
    [{ data_inicio: '2024-1-01', data_fim: '2024-03-10' }, /data_inicio/]
  ]
  for (const [raw, mentions] of table) {
    assertInvalidParameter(() => parseDateBounds(raw), mentions, JSON.stringify(raw))
  }
})

test('parseRelacoes: default set, canonical order, blanks and repetitions tolerated', () => {
  const table: Array<[string | undefined, Relacao[]]> = [
    [undefined, DEFAULT_SET],
    ['', []],
    [' ', []],
    [',', []],
    [' , ,', []],
    ['pacotes', ['pacotes']],
    ['senhas,pacotes', ['pacotes', 'senhas']],
    [' senhas , pacotes ,senhas', ['pacotes', 'senhas']],
    ['pacotes,,senhas,', ['pacotes', 'senhas']],
    ['status_conexao,grupos,endereco_fiscal', ['endereco_fiscal', 'grupos', 'status_conexao']],
    ['equipamento_roteamento,endereco_instalacao', ['endereco_instalacao', 'equipamento_roteamento']],
    [[...ALL_RELACOES].reverse().join(','), ALL_RELACOES],
    [[...DEFAULT_SET].reverse().join(' , '), DEFAULT_SET]
  ]
  for (const [value, expected] of table) {
    assert.deepEqual([...parseRelacoes(value)], expected, `relacoes=${String(value)}`)
  }
})

test('parseRelacoes rejects an unknown name, naming relacoes and the name', () => {
  const table: Array<[string, string]> = [
    ['pacote', 'pacote'],
    ['pacotes,ultima_conexao', 'ultima_conexao'],
    ['PACOTES', 'PACOTES'],
    ['pacotes;senhas', 'pacotes;senhas'],
    ['servicos', 'servicos']
  ]
  for (const [value, name] of table) {
    assertInvalidParameter(() => parseRelacoes(value), new RegExp(`relacoes.*'${name}'`), `relacoes=${value}`)
  }
})

test('isDefaultRelacoes recognises exactly the default set', () => {
  const table: Array<[string, readonly Relacao[], boolean]> = [
    ['no relacoes parameter', parseRelacoes(undefined), true],
    ['the default set written by hand', DEFAULT_SET, true],
    ['the default set listed in another order', parseRelacoes([...DEFAULT_SET].reverse().join(',')), true],
    ['the default set without senhas', DEFAULT_SET.filter((relacao) => relacao !== 'senhas'), false],
    ['the default set plus grupos', parseRelacoes([...DEFAULT_SET, 'grupos'].join(',')), false],
    ['every relation', ALL_RELACOES, false],
    ['none', [], false]
  ]
  for (const [name, relacoes, expected] of table) {
    assert.equal(isDefaultRelacoes(relacoes), expected, name)
  }
})

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
    [{ relacoes: '' }, { relacoes: [] }],
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
    assertInvalidParameter(() => parseListQuery(raw), mentions, JSON.stringify(raw))
  }
})

test('clip bounds echoed input', () => {
  const table: Array<[string, number | undefined, string]> = [
    ['abc', undefined, 'abc'],
    ['', undefined, ''],
    ['a'.repeat(64), undefined, 'a'.repeat(64)],
    ['a'.repeat(65), undefined, `${'a'.repeat(64)}…`],
    ['abcdef', 3, 'abc…'],
    ['abc', 3, 'abc']
  ]
  for (const [value, max, expected] of table) {
    assert.equal(max === undefined ? clip(value) : clip(value, max), expected, `${value.length} chars, max ${String(max)}`)
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
    [{ relacoes: '' }, false],
    [{ codigo_pacote: 'tv' }, false],
    [{ data_inicio: '2020-01-01' }, false],
    [{ data_fim: '2020-01-01' }, false]
  ]
  for (const [raw, expected] of table) assert.equal(isDefaultListQuery(parseListQuery(raw)), expected, JSON.stringify(raw))
})
