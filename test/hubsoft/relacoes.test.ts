// Proves the relacoes parameter: the default set of the vendor's example answer, canonical order, unknown names refused naming relacoes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertParameterError } from '../helpers/parameter-error.js'
import { isDefaultRelacoes, parseRelacoes } from '../../src/hubsoft/relacoes.js'
import type { Relacao } from '../../src/hubsoft/relacoes.js'

/** The relations of the vendor's example answer, in the order the vendor's documentation lists them. */
const DEFAULT_SET: Relacao[] = [
  'endereco_instalacao', 'endereco_cadastral', 'endereco_cobranca', 'endereco_fiscal', 'pacotes',
  'interface', 'interface_roteamento', 'equipamento_conexao', 'equipamento_roteamento', 'senhas'
]
const ALL_RELACOES: Relacao[] = [
  'endereco_instalacao', 'endereco_cadastral', 'endereco_cobranca', 'endereco_fiscal', 'pacotes',
  'interface', 'interface_roteamento', 'equipamento_conexao', 'equipamento_roteamento', 'grupos',
  'porta_atendimento', 'senhas', 'status_conexao'
]

test('parseRelacoes: default set, canonical order, blanks and repetitions tolerated', () => {
  const table: Array<[string | undefined, Relacao[]]> = [
    [undefined, DEFAULT_SET],
    // A list naming nothing is a list not sent, as HubSoft reads relacoes=.
    ['', DEFAULT_SET],
    [' ', DEFAULT_SET],
    [',', DEFAULT_SET],
    [' , ,', DEFAULT_SET],
    // ultima_conexao (sent by integrators on cliente/todos) is accepted; services always carry it.
    ['pacotes,ultima_conexao', ['pacotes']],
    ['ultima_conexao', []],
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
    ['pacotes,ultima_conexoes', 'ultima_conexoes'],
    ['foo', 'foo'],
    ['PACOTES', 'PACOTES'],
    ['pacotes;senhas', 'pacotes;senhas'],
    ['servicos', 'servicos']
  ]
  for (const [value, name] of table) {
    assertParameterError(() => parseRelacoes(value), { mentions: new RegExp(`relacoes.*'${name}'`) }, `relacoes=${value}`)
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
