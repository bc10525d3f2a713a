// Proves which clients and services a query keeps: date bounds on the day of data_cadastro, cancelado, codigo_pacote, possui_pacote and the sub-routes' predicates.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  clienteMatches, datePart, foldTecnologia, hasAnyPacote, hasPacote, hasStatusPrefixo, hasTecnologia,
  isCancelado, visibleServicos, withinDateBounds
} from '../../src/query/filter.js'
import type { ServicoPredicate } from '../../src/query/filter.js'
import type { ClienteFilter } from '../../src/query/list-query.js'
import type { Cliente, Servico } from '../../src/hubsoft/cliente-schema.js'

function servico (id: number, fields: Record<string, unknown> = {}): Servico {
  return { id_cliente_servico: id, status_prefixo: 'servico_habilitado', tecnologia: 'FIBRA', ...fields } as Servico
}

function cliente (id: number, dataCadastro: string | null, servicos: Servico[] | null | undefined): Cliente {
  const fixture: Record<string, unknown> = { id_cliente: id, nome_razaosocial: `CLIENTE ${id}`, data_cadastro: dataCadastro }
  if (servicos !== undefined) fixture.servicos = servicos
  return fixture as Cliente
}

const HABILITADO = 'servico_habilitado'

// The fixtures every clienteMatches row runs against.
const A = cliente(1, '2024-03-10 23:59:59', [servico(11, { pacotes: [{ codigo: 'P1' }] })])
const B = cliente(2, '2024-03-01 10:00:00', [servico(21, { status_prefixo: 'cancelado', pacotes: [{ codigo: 'P2' }] }), servico(22, { status_prefixo: 'cancelado' })])
const C = cliente(3, '2024-03-11 00:00:00', [])
const D = cliente(4, '2024-02-29 08:00:00', null)
const E = cliente(5, '2024-03-10 00:00:00', [servico(51, { pacotes: [] }), servico(52, { status_prefixo: 'cancelado', pacotes: [{ codigo: 'P1' }] })])
const F = cliente(6, '2023-12-31 23:59:59', undefined)
const G = cliente(7, null, [servico(71, { status_prefixo: 'suspenso_debito', tecnologia: 'WIRELESS', pacotes: null })])
const H = cliente(8, '', [servico(81, { pacotes: [{ codigo: 'P1' }, { codigo: 'P3' }] })])
const FIXTURES = [A, B, C, D, E, F, G, H]

test('isCancelado and visibleServicos: cancelado=nao hides cancelled services', () => {
  const table: Array<[string, Cliente, boolean, number[]]> = [
    ['one shown service, nao', A, false, [11]],
    ['only cancelled, nao', B, false, []],
    ['only cancelled, sim', B, true, [21, 22]],
    ['no services', C, false, []],
    ['servicos null', D, true, []],
    ['servicos missing', F, false, []],
    ['mixed, nao', E, false, [51]],
    ['mixed, sim', E, true, [51, 52]]
  ]
  for (const [name, fixture, includeCancelado, expected] of table) {
    assert.deepEqual(visibleServicos(fixture, includeCancelado).map((s) => s.id_cliente_servico), expected, name)
  }
  assert.equal(isCancelado(servico(1, { status_prefixo: 'cancelado' })), true)
  assert.equal(isCancelado(servico(1, { status_prefixo: 'suspenso_debito' })), false)
  assert.equal(isCancelado(servico(1, { status_prefixo: null })), false)
})

test('datePart takes the calendar day of a timestamp', () => {
  const table: Array<[unknown, string | null]> = [
    ['2024-03-10 23:59:59', '2024-03-10'],
    ['2024-03-10 00:00:00', '2024-03-10'],
    ['2024-03-10', '2024-03-10'],
    ['2024-03', null],
    ['', null],
    [null, null],
    [undefined, null],
    [20240310, null]
  ]
  for (const [input, expected] of table) {
    assert.equal(datePart(input), expected, String(input))
  }
})

test('withinDateBounds compares the day of data_cadastro; data_fim covers its whole day', () => {
  const at = (dataCadastro: string | null) => cliente(0, dataCadastro, [])
  const table: Array<[string, Pick<ClienteFilter, 'dataInicio' | 'dataFim'>, string | null, boolean]> = [
    ['no bounds, null date', {}, null, true],
    ['no bounds, empty date', {}, '', true],
    ['no bounds, a date', {}, '2024-03-10 12:00:00', true],
    ['data_fim, last second of that day', { dataFim: '2024-03-10' }, '2024-03-10 23:59:59', true],
    ['data_fim, first second of that day', { dataFim: '2024-03-10' }, '2024-03-10 00:00:00', true],
    ['data_fim, day before', { dataFim: '2024-03-10' }, '2024-03-09 23:59:59', true],
    ['data_fim, next day', { dataFim: '2024-03-10' }, '2024-03-11 00:00:00', false],
    ['data_fim, null date', { dataFim: '2024-03-10' }, null, false],
    ['data_fim, empty date', { dataFim: '2024-03-10' }, '', false],
    ['data_inicio, first second of that day', { dataInicio: '2024-03-10' }, '2024-03-10 00:00:00', true],
    ['data_inicio, last second of that day', { dataInicio: '2024-03-10' }, '2024-03-10 23:59:59', true],
    ['data_inicio, day before', { dataInicio: '2024-03-10' }, '2024-03-09 23:59:59', false],
    ['data_inicio, a later year', { dataInicio: '2024-03-10' }, '2025-01-01 00:00:00', true],
    ['data_inicio, null date', { dataInicio: '2024-03-10' }, null, false],
    ['one-day window, morning', { dataInicio: '2024-03-10', dataFim: '2024-03-10' }, '2024-03-10 08:30:00', true],
    ['one-day window, day before', { dataInicio: '2024-03-10', dataFim: '2024-03-10' }, '2024-03-09 08:30:00', false],
    ['one-day window, day after', { dataInicio: '2024-03-10', dataFim: '2024-03-10' }, '2024-03-11 08:30:00', false],
    ['window across a year end', { dataInicio: '2023-12-31', dataFim: '2024-01-01' }, '2024-01-01 23:00:00', true],
    ['window across a year end, before', { dataInicio: '2023-12-31', dataFim: '2024-01-01' }, '2023-12-30 23:00:00', false]
  ]
  for (const [name, bounds, dataCadastro, expected] of table) {
    assert.equal(withinDateBounds(at(dataCadastro), bounds), expected, name)
  }
})

test('hasPacote and hasAnyPacote look at pacotes[].codigo', () => {
  const table: Array<[string, Servico, string, boolean, boolean]> = [
    ['two packages, first', servico(1, { pacotes: [{ codigo: 'P1' }, { codigo: 'P2' }] }), 'P1', true, true],
    ['two packages, second', servico(1, { pacotes: [{ codigo: 'P1' }, { codigo: 'P2' }] }), 'P2', true, true],
    ['other code', servico(1, { pacotes: [{ codigo: 'P1' }] }), 'P9', false, true],
    ['code compared exactly', servico(1, { pacotes: [{ codigo: 'P1' }] }), 'p1', false, true],
    ['prefix is not a match', servico(1, { pacotes: [{ codigo: 'P10' }] }), 'P1', false, true],
    ['null codigo', servico(1, { pacotes: [{ codigo: null }] }), 'P1', false, true],
    ['empty pacotes', servico(1, { pacotes: [] }), 'P1', false, false],
    ['null pacotes', servico(1, { pacotes: null }), 'P1', false, false],
    ['no pacotes key', servico(1), 'P1', false, false]
  ]
  for (const [name, fixture, codigo, expectedHas, expectedAny] of table) {
    assert.equal(hasPacote(fixture, codigo), expectedHas, `hasPacote: ${name}`)
    assert.equal(hasAnyPacote(fixture), expectedAny, `hasAnyPacote: ${name}`)
  }
})

test('clienteMatches applies cancelado, dates, codigo_pacote, possui_pacote and a service predicate', () => {
  const nao = { includeCancelado: false }
  const sim = { includeCancelado: true }
  const table: Array<[string, ClienteFilter, ServicoPredicate | undefined, number[]]> = [
    // cancelado: B had services and all were cancelled; C, D, F never had any.
    ['cancelado=nao', nao, undefined, [1, 3, 4, 5, 6, 7, 8]],
    ['cancelado=sim', sim, undefined, [1, 2, 3, 4, 5, 6, 7, 8]],
    // codigo_pacote is judged on shown services only (E's P1 is on a cancelled service).
    ['codigo_pacote=P1, nao', { ...nao, codigoPacote: 'P1' }, undefined, [1, 8]],
    ['codigo_pacote=P1, sim', { ...sim, codigoPacote: 'P1' }, undefined, [1, 5, 8]],
    ['codigo_pacote=P2, nao', { ...nao, codigoPacote: 'P2' }, undefined, []],
    ['codigo_pacote=P2, sim', { ...sim, codigoPacote: 'P2' }, undefined, [2]],
    ['codigo_pacote=P3 (second package)', { ...nao, codigoPacote: 'P3' }, undefined, [8]],
    ['codigo_pacote unknown', { ...sim, codigoPacote: 'NOPE' }, undefined, []],
    ['possui_pacote=sim, nao', { ...nao, possuiPacote: true }, undefined, [1, 8]],
    ['possui_pacote=sim, sim', { ...sim, possuiPacote: true }, undefined, [1, 2, 5, 8]],
    ['possui_pacote=nao, nao', { ...nao, possuiPacote: false }, undefined, [3, 4, 5, 6, 7]],
    ['possui_pacote=nao, sim', { ...sim, possuiPacote: false }, undefined, [3, 4, 6, 7]],
    // Dates: G (null) and H (empty) drop out as soon as a bound is given.
    ['data_fim=2024-03-10, nao', { ...nao, dataFim: '2024-03-10' }, undefined, [1, 4, 5, 6]],
    ['data_fim=2024-03-10, sim', { ...sim, dataFim: '2024-03-10' }, undefined, [1, 2, 4, 5, 6]],
    ['data_inicio=2024-03-01..data_fim=2024-03-10, sim', { ...sim, dataInicio: '2024-03-01', dataFim: '2024-03-10' }, undefined, [1, 2, 5]],
    ['data_inicio=2024-03-11', { ...nao, dataInicio: '2024-03-11' }, undefined, [3]],
    ['data_inicio=2024-02-29..data_fim=2024-02-29', { ...nao, dataInicio: '2024-02-29', dataFim: '2024-02-29' }, undefined, [4]],
    ['dates and codigo_pacote', { ...nao, dataFim: '2024-03-10', codigoPacote: 'P1' }, undefined, [1]],
    // Sub-route predicates: a client is listed only for a service it shows.
    ['status servico_habilitado, nao', nao, hasStatusPrefixo(HABILITADO), [1, 5, 8]],
    ['status cancelado, nao', nao, hasStatusPrefixo('cancelado'), []],
    ['status cancelado, sim', sim, hasStatusPrefixo('cancelado'), [2, 5]],
    ['status suspenso_debito or cancelado, sim', sim, hasStatusPrefixo('suspenso_debito', 'cancelado'), [2, 5, 7]],
    ['tecnologia wireless', nao, hasTecnologia('wireless'), [7]],
    ['tecnologia fibra, sim', sim, hasTecnologia('Fibra'), [1, 2, 5, 8]],
    ['tecnologia fibra, nao', nao, hasTecnologia('Fibra'), [1, 5, 8]],
    ['predicate and date', { ...nao, dataInicio: '2024-03-05' }, hasStatusPrefixo(HABILITADO), [1, 5]]
  ]
  for (const [name, filter, predicate, expected] of table) {
    const kept = FIXTURES.filter((fixture) => clienteMatches(fixture, filter, predicate)).map((fixture) => fixture.id_cliente)
    assert.deepEqual(kept, expected, name)
  }
})

test('hasStatusPrefixo matches one or several statuses exactly', () => {
  const services = [
    servico(1, { status_prefixo: 'servico_habilitado' }),
    servico(2, { status_prefixo: 'suspenso_debito' }),
    servico(3, { status_prefixo: 'cancelado' }),
    servico(4, { status_prefixo: null }),
    { id_cliente_servico: 5 } as Servico,
    servico(6, { status_prefixo: 'Servico_Habilitado' }),
    servico(7, { status_prefixo: 'status_novo_do_fornecedor' })
  ]
  const table: Array<[string[], number[]]> = [
    [['servico_habilitado'], [1]],
    [['suspenso_debito', 'cancelado'], [2, 3]],
    [['cancelado', 'servico_habilitado', 'suspenso_debito'], [1, 2, 3]],
    [['status_novo_do_fornecedor'], [7]],
    [['aguardando_instalacao'], []],
    [[], []]
  ]
  for (const [statuses, expected] of table) {
    const predicate = hasStatusPrefixo(...statuses)
    assert.deepEqual(services.filter(predicate).map((s) => s.id_cliente_servico), expected, statuses.join(','))
  }
})

test('hasTecnologia compares case-insensitively, accents kept, null never matching', () => {
  const services = [
    servico(1, { tecnologia: 'FIBRA' }),
    servico(2, { tecnologia: 'fibra' }),
    servico(3, { tecnologia: 'Fibra' }),
    servico(4, { tecnologia: 'WIRELESS' }),
    servico(5, { tecnologia: 'Genérico' }),
    servico(6, { tecnologia: 'GENÉRICO' }),
    servico(7, { tecnologia: 'Generico' }),
    servico(8, { tecnologia: 'Cabo UTP' }),
    servico(9, { tecnologia: null }),
    { id_cliente_servico: 10 } as Servico,
    servico(11, { tecnologia: 'Gene\u0301rico' }) // the same word in decomposed Unicode (NFD)
  ]
  const table: Array<[string, number[]]> = [
    ['fibra', [1, 2, 3]],
    ['FIBRA', [1, 2, 3]],
    ['FiBrA', [1, 2, 3]],
    ['wireless', [4]],
    ['Genérico', [5, 6, 11]],
    ['GENÉRICO', [5, 6, 11]],
    ['genérico', [5, 6, 11]],
    ['generico', [7]],
    ['cabo utp', [8]],
    ['CABO UTP', [8]],
    ['cabo', []],
    ['RADIO', []]
  ]
  for (const [tecnologia, expected] of table) {
    assert.deepEqual(services.filter(hasTecnologia(tecnologia)).map((s) => s.id_cliente_servico), expected, tecnologia)
  }
})

test('foldTecnologia folds case and Unicode form', () => {
  const table: Array<[string, string]> = [
    ['FIBRA', 'fibra'],
    ['GENÉRICO', 'genérico'],
    ['Genérico', 'genérico'],
    ['Gene\u0301rico', 'genérico'],
    ['Cabo UTP', 'cabo utp'],
    ['radio', 'radio']
  ]
  for (const [input, expected] of table) {
    assert.equal(foldTecnologia(input), expected, input)
  }
})
