// Proves cliente/todos' contract as the route and the simulator share it: the query parsed
// into a fixed shape (servico_status blanks dropped, sorted, no repeats), bad dates and
// relations refused naming the parameter, and the page with its paginacao block.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertParameterError } from '../helpers/parameter-error.js'
import { DEFAULT_RELACOES } from '../../src/hubsoft/relacoes.js'
import { parseTodosQuery, todosPage } from '../../src/hubsoft/todos.js'
import type { RawTodosQuery } from '../../src/hubsoft/todos.js'

const page0 = { pagina: 0, itens_por_pagina: 10 }

test('parseTodosQuery applies the defaults and maps each parameter', () => {
  const defaults: Record<string, unknown> = {
    dataInicio: undefined,
    dataFim: undefined,
    includeCancelado: false,
    codigoPacote: undefined,
    possuiPacote: undefined,
    relacoes: [...DEFAULT_RELACOES],
    statuses: undefined,
    pagina: 0,
    perPage: 10
  }
  const table: Array<[RawTodosQuery, Record<string, unknown>]> = [
    [page0, {}],
    [{ pagina: 3, itens_por_pagina: 500 }, { pagina: 3, perPage: 500 }],
    [{ ...page0, cancelado: 'sim' }, { includeCancelado: true }],
    [{ ...page0, cancelado: 'nao' }, {}],
    [{ ...page0, possui_pacote: 'sim' }, { possuiPacote: true }],
    // nao is the vendor's default: like an absent parameter, it filters nothing.
    [{ ...page0, possui_pacote: 'nao' }, {}],
    [{ ...page0, codigo_pacote: 'tv' }, { codigoPacote: 'tv' }],
    [{ ...page0, relacoes: 'senhas,pacotes' }, { relacoes: ['pacotes', 'senhas'] }],
    [{ ...page0, data_inicio: '2024-02-29', data_fim: '2024-03-01' }, { dataInicio: '2024-02-29', dataFim: '2024-03-01' }],
    [{ ...page0, servico_status: 'suspenso_debito, servico_habilitado' }, { statuses: ['servico_habilitado', 'suspenso_debito'] }],
    [{ ...page0, servico_status: 'cancelado,,cancelado, ' }, { statuses: ['cancelado'] }],
    // A list naming no status is a list not sent (a bare servico_status used to find no one).
    [{ ...page0, servico_status: '' }, {}],
    [{ ...page0, servico_status: ' , ' }, {}]
  ]
  for (const [raw, changes] of table) {
    const parsed = parseTodosQuery(raw)
    assert.deepEqual({ ...parsed, relacoes: [...parsed.relacoes] }, { ...defaults, ...changes }, JSON.stringify(raw))
  }
})

test('parseTodosQuery keeps its fields in one order, so one query always makes one ETag', () => {
  const keys = Object.keys(parseTodosQuery({ ...page0, servico_status: 'x', data_fim: '2024-01-01', data_inicio: '2023-01-01' }))
  assert.deepEqual(keys, ['dataInicio', 'dataFim', 'includeCancelado', 'codigoPacote', 'possuiPacote', 'relacoes', 'statuses', 'pagina', 'perPage'])
})

test('parseTodosQuery refuses bad dates and relations, naming the parameter', () => {
  const table: Array<[Partial<RawTodosQuery>, string]> = [
    [{ data_inicio: '2023-02-29' }, 'data_inicio'],
    [{ data_fim: '2024-1-01' }, 'data_fim'],
    [{ data_inicio: '2024-03-10', data_fim: '2024-03-09' }, 'data_fim'],
    [{ relacoes: 'pacotes,nada' }, 'relacoes']
  ]
  for (const [raw, parameter] of table) {
    assertParameterError(() => parseTodosQuery({ ...page0, ...raw }), { parameter }, JSON.stringify(raw))
  }
})

test('todosPage: the asked-for slice and a paginacao block counted by hand', () => {
  const ten = Array.from({ length: 10 }, (_, i) => i)
  const table: Array<[number[], number, number, number[], { ultima_pagina: number, total_registros: number }]> = [
    [ten, 0, 4, [0, 1, 2, 3], { ultima_pagina: 2, total_registros: 10 }],
    [ten, 2, 4, [8, 9], { ultima_pagina: 2, total_registros: 10 }],
    [ten, 3, 4, [], { ultima_pagina: 2, total_registros: 10 }],
    [ten, 0, 5, [0, 1, 2, 3, 4], { ultima_pagina: 1, total_registros: 10 }],
    [ten, 0, 10, ten, { ultima_pagina: 0, total_registros: 10 }],
    [ten, 0, 500, ten, { ultima_pagina: 0, total_registros: 10 }],
    [[7], 0, 1, [7], { ultima_pagina: 0, total_registros: 1 }],
    [[], 0, 10, [], { ultima_pagina: 0, total_registros: 0 }],
    [[], 5, 10, [], { ultima_pagina: 0, total_registros: 0 }]
  ]
  for (const [matching, pagina, perPage, page, counts] of table) {
    const label = `${matching.length} clients, page ${pagina} of ${perPage}`
    assert.deepEqual(todosPage(matching, { pagina, perPage }), { page, paginacao: { primeira_pagina: 0, pagina_atual: pagina, ...counts } }, label)
  }
})
