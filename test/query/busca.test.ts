// Proves the vendor's lookup route semantics: each busca's term normalised to one key (or to none a client can have), only a non-CPF/CNPJ refused, the field orderings and the field matchers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertParameterError } from '../helpers/parameter-error.js'
import type { BuscaFieldOrderBy, BuscaTipo } from '../../src/hubsoft/busca.js'
import {
  buscaKey, buscaListQuery, buscaServicoPredicate, clienteFieldMatches, compareSortKeys, fieldSortKey, foldName, isFieldOrderBy, loginKey, macKey,
  parseBuscaQuery, telefoneKey
} from '../../src/query/busca.js'
import type { RawBuscaQuery } from '../../src/query/busca.js'
import type { Cliente, Servico } from '../../src/hubsoft/cliente-schema.js'
import type { Relacao } from '../../src/hubsoft/relacoes.js'

/** The relations of the vendor's example answer, in the vendor's order. */
const DEFAULT_SET: Relacao[] = [
  'endereco_instalacao', 'endereco_cadastral', 'endereco_cobranca', 'endereco_fiscal', 'pacotes',
  'interface', 'interface_roteamento', 'equipamento_conexao', 'equipamento_roteamento', 'senhas'
]

function assertInvalidTermo (fn: () => unknown, label: string): void {
  assertParameterError(fn, { parameter: 'termo_busca', mentions: /termo_busca/ }, label)
}

test('foldName, telefoneKey, macKey, loginKey', () => {
  const table: Array<[string, (value: string) => string, string, string]> = [
    ['foldName', foldName, 'João', 'joao'],
    ['foldName', foldName, ' JOÃO  da   SILVA ', 'joao da silva'],
    ['foldName', foldName, 'Conceição Ltda', 'conceicao ltda'],
    ['foldName', foldName, 'ÁÉÍÓÚ àâêô ü ñ', 'aeiou aaeo u n'],
    ['foldName', foldName, 'Jo\u0061\u0303o', 'joao'],
    ['telefoneKey', telefoneKey, '(31) 99999-0000', '31999990000'],
    ['telefoneKey', telefoneKey, '+55 31 3333.4444', '553133334444'],
    ['macKey', macKey, 'AA:BB:CC:DD:EE:FF', 'aabbccddeeff'],
    ['macKey', macKey, 'aa-bb-cc-dd-ee-ff', 'aabbccddeeff'],
    ['macKey', macKey, 'AABB.CCDD.EEFF', 'aabbccddeeff'],
    ['loginKey', loginKey, '  Joao.Silva@FIBRA ', 'joao.silva@fibra']
  ]
  for (const [name, fn, input, expected] of table) {
    assert.equal(fn(input), expected, `${name}(${JSON.stringify(input)})`)
  }
})

test('buscaKey normalises a valid term per busca', () => {
  const table: Array<[BuscaTipo, string, string]> = [
    ['nome_razaosocial', 'João', 'joao'],
    ['nome_razaosocial', '  JOÃO  DA SILVA ', 'joao da silva'],
    ['nome_razaosocial', 'abc', 'abc'],
    ['nome_fantasia', 'Padaria Conceição', 'padaria conceicao'],
    ['nome_fantasia', 'Zéé', 'zee'],
    ['cpf_cnpj', '106.820.836-81', '10682083681'],
    ['cpf_cnpj', '10682083681', '10682083681'],
    ['cpf_cnpj', ' 529.982.247-25 ', '52998224725'],
    ['cpf_cnpj', '11.222.333/0001-81', '11222333000181'],
    ['cpf_cnpj', '12.abc.345/01de-35', '12ABC34501DE35'],
    ['codigo_cliente', '421', '421'],
    ['codigo_cliente', '00421', '421'],
    ['codigo_cliente', ' 421 ', '421'],
    ['codigo_cliente', '0', '0'],
    ['codigo_cliente', '000', '0'],
    ['id_cliente_servico', '00421', '421'],
    ['id_cliente_servico', '987654', '987654'],
    ['telefone', '(31) 99999-0000', '31999990000'],
    ['telefone', '3333-4444', '33334444'],
    ['telefone', '+55 (31) 99999-0000', '5531999990000'],
    ['telefone', '12345678', '12345678'],
    ['login_radius', 'Joao.Silva', 'joao.silva'],
    ['login_radius', '  CLIENTE@PROVEDOR  ', 'cliente@provedor'],
    ['ipv4', '10.0.0.1', '10.0.0.1'],
    ['ipv4', ' 192.168.100.254 ', '192.168.100.254'],
    ['ipv4', '0.0.0.0', '0.0.0.0'],
    ['ipv4', '255.255.255.255', '255.255.255.255'],
    ['mac', 'AA:BB:CC:DD:EE:FF', 'aabbccddeeff'],
    ['mac', 'aa:bb:cc:dd:ee:ff', 'aabbccddeeff'],
    ['mac', 'AA-BB-CC-DD-EE-FF', 'aabbccddeeff'],
    ['mac', 'aabb.ccdd.eeff', 'aabbccddeeff'],
    ['mac', 'AABBCCDDEEFF', 'aabbccddeeff'],
    ['mac', '00:1a:2B:3c:4D:5e', '001a2b3c4d5e']
  ]
  for (const [busca, termo, expected] of table) {
    assert.equal(buscaKey(busca, termo), expected, `${busca}=${termo}`)
  }
})

test('buscaKey: a term no client can have finds no one (null), as HubSoft answers it', () => {
  const table: Array<[BuscaTipo, string, string]> = [
    ['nome_razaosocial', '', 'empty: the connection test integrators send'],
    ['nome_razaosocial', '   ', 'blank'],
    ['nome_fantasia', '', 'empty'],
    ['cpf_cnpj', '', 'empty'],
    ['codigo_cliente', '-5', 'negative'],
    ['codigo_cliente', '12a', 'a letter'],
    ['codigo_cliente', '1.5', 'fraction'],
    ['codigo_cliente', '', 'empty'],
    ['id_cliente_servico', 'abc', 'letters'],
    ['id_cliente_servico', '1e3', 'exponent'],
    ['telefone', '1234567', '7 digits'],
    ['telefone', '12345678901234', '14 digits'],
    ['telefone', 'abc', 'no digits'],
    ['login_radius', '', 'empty'],
    ['login_radius', '   ', 'blank'],
    ['ipv4', '256.1.1.1', 'octet over 255'],
    ['ipv4', '1.2.3', 'three octets'],
    ['ipv4', '10.0.0.', 'trailing dot'],
    ['ipv4', 'a.b.c.d', 'letters'],
    ['mac', 'AA:BB:CC:DD:EE', '10 hex digits'],
    ['mac', 'GG:BB:CC:DD:EE:FF', 'not hex'],
    ['mac', 'AA_BB_CC_DD_EE_FF', 'underscore separators'],
    ['mac', '', 'empty']
  ]
  for (const [busca, termo, why] of table) {
    assert.equal(buscaKey(busca, termo), null, `${busca}=${JSON.stringify(termo)} (${why})`)
  }
})

test('buscaKey: names of any length, from one letter (integrators scan the list letter by letter)', () => {
  const table: Array<[BuscaTipo, string, string]> = [
    ['nome_razaosocial', 'a', 'a'],
    ['nome_razaosocial', 'Á', 'a'],
    ['nome_fantasia', 'Zé', 'ze'],
    ['nome_razaosocial', 'ab', 'ab']
  ]
  for (const [busca, termo, expected] of table) assert.equal(buscaKey(busca, termo), expected, `${busca}=${termo}`)
})

test('buscaKey refuses a term that is no CPF/CNPJ at all, naming termo_busca (as the cpf_cnpj sub-route does)', () => {
  const table: Array<[string, string]> = [
    ['123', 'too short'],
    ['1068208368', '10 digits'],
    ['106820836811', '12 digits'],
    ['joao', 'letters']
  ]
  for (const [termo, why] of table) {
    assertInvalidTermo(() => buscaKey('cpf_cnpj', termo), `cpf_cnpj=${JSON.stringify(termo)} (${why})`)
  }
})

test('parseBuscaQuery applies the defaults, reads relacoes and servico_status as cliente/all and cliente/todos do', () => {
  const defaults = { limit: 5, includeCancelado: false, relacoes: DEFAULT_SET, statuses: undefined, orderBy: 'data_cadastro', orderType: 'asc' }
  const table: Array<[RawBuscaQuery, Record<string, unknown>]> = [
    [{ busca: 'cpf_cnpj', termo_busca: '106.820.836-81' }, { busca: 'cpf_cnpj', key: '10682083681', ...defaults }],
    [{ busca: 'nome_razaosocial', termo_busca: 'João' }, { busca: 'nome_razaosocial', key: 'joao', ...defaults }],
    [{ busca: 'codigo_cliente', termo_busca: '00421', cancelado: 'nao' }, { busca: 'codigo_cliente', key: '421', ...defaults }],
    [{ busca: 'codigo_cliente', termo_busca: '-5' }, { busca: 'codigo_cliente', key: null, ...defaults }],
    [{ busca: 'nome_razaosocial' }, { busca: 'nome_razaosocial', key: null, ...defaults }],
    [
      { busca: 'login_radius', termo_busca: 'JOAO', limit: 100, cancelado: 'sim', order_by: 'data_fechamento', order_type: 'desc' },
      { busca: 'login_radius', key: 'joao', ...defaults, limit: 100, includeCancelado: true, orderBy: 'data_fechamento', orderType: 'desc' }
    ],
    [{ busca: 'mac', termo_busca: 'AA-BB-CC-DD-EE-FF', limit: 1 }, { busca: 'mac', key: 'aabbccddeeff', ...defaults, limit: 1 }],
    [
      { busca: 'nome_razaosocial', termo_busca: 'a', relacoes: 'senhas,grupos', servico_status: 'suspenso_debito,servico_habilitado', order_by: 'codigo_cliente' },
      { busca: 'nome_razaosocial', key: 'a', ...defaults, relacoes: ['grupos', 'senhas'], statuses: ['servico_habilitado', 'suspenso_debito'], orderBy: 'codigo_cliente' }
    ]
  ]
  for (const [raw, expected] of table) {
    const parsed = parseBuscaQuery(raw)
    assert.deepEqual({ ...parsed, relacoes: [...parsed.relacoes] }, expected, JSON.stringify(raw))
  }
  assertInvalidTermo(() => parseBuscaQuery({ busca: 'cpf_cnpj', termo_busca: '123' }), 'parseBuscaQuery cpf_cnpj=123')
  assertParameterError(() => parseBuscaQuery({ busca: 'nome_fantasia', termo_busca: 'x', relacoes: 'foo' }), { parameter: 'relacoes' }, 'unknown relation on a lookup')
})

test('buscaListQuery keeps a date ordering and leaves a field ordering to the lookup', () => {
  const table: Array<[RawBuscaQuery, Record<string, unknown>]> = [
    [{ busca: 'nome_razaosocial', termo_busca: 'a', order_by: 'data_fechamento', order_type: 'desc' }, { orderBy: 'data_fechamento', orderType: 'desc' }],
    [{ busca: 'nome_razaosocial', termo_busca: 'a', order_by: 'nome_fantasia', order_type: 'desc' }, { orderBy: 'data_cadastro', orderType: 'asc' }]
  ]
  for (const [raw, expected] of table) {
    const list = buscaListQuery(parseBuscaQuery(raw))
    assert.deepEqual({ orderBy: list.orderBy, orderType: list.orderType }, expected, JSON.stringify(raw))
    assert.equal(isFieldOrderBy(parseBuscaQuery(raw).orderBy), expected.orderBy === 'data_cadastro', JSON.stringify(raw))
  }
})

test('fieldSortKey reads the key a busca matches; compareSortKeys puts clients without one last either way', () => {
  const cliente = { codigo_cliente: '0042', nome_razaosocial: 'Álvaro Souza', nome_fantasia: null, cpf_cnpj: '529.982.247-25' }
  const table: Array<[BuscaFieldOrderBy, string | number | null]> = [
    ['codigo_cliente', 42],
    ['nome_razaosocial', 'alvaro souza'],
    ['nome_fantasia', null],
    ['cpf_cnpj', '52998224725']
  ]
  for (const [field, expected] of table) assert.equal(fieldSortKey(field, cliente), expected, field)
  assert.equal(fieldSortKey('codigo_cliente', { codigo_cliente: 'X-1' }), null, 'a codigo_cliente no busca can ask for')

  const keys = [9, null, 10, 2]
  assert.deepEqual([...keys].sort((a, b) => compareSortKeys(a, b, 'asc')), [2, 9, 10, null], 'numbers compare as numbers')
  assert.deepEqual([...keys].sort((a, b) => compareSortKeys(a, b, 'desc')), [10, 9, 2, null], 'missing last when descending too')
  assert.deepEqual(['b', null, 'a'].sort((a, b) => compareSortKeys(a, b, 'asc')), ['a', 'b', null])
})

test('buscaServicoPredicate matches service fields and is undefined for client fields', () => {
  const services: Servico[] = [
    { id_cliente_servico: 421, login: 'Joao.Silva@Fibra', ipv4: '10.0.0.1', mac_addr: 'AA:BB:CC:DD:EE:FF' },
    { id_cliente_servico: 422, login: 'maria', ipv4: '10.0.0.10', mac_addr: 'aa-bb-cc-dd-ee-00' },
    { id_cliente_servico: 423, login: null, ipv4: null, mac_addr: null },
    { id_cliente_servico: 424, login: 'outro', ipv4: '192.168.0.1', mac_addr: '0011.2233.4455' }
  ] as Servico[]
  const table: Array<[BuscaTipo, string, number[]]> = [
    ['login_radius', 'joao.silva@fibra', [421]],
    ['login_radius', 'joao', []],
    ['login_radius', 'maria', [422]],
    ['ipv4', '10.0.0.1', [421]],
    ['ipv4', '10.0.0.10', [422]],
    ['ipv4', '10.0.0.2', []],
    ['mac', 'aabbccddeeff', [421]],
    ['mac', 'aabbccddee00', [422]],
    ['mac', '001122334455', [424]],
    ['id_cliente_servico', '421', [421]],
    ['id_cliente_servico', '42', []]
  ]
  for (const [busca, key, expected] of table) {
    const predicate = buscaServicoPredicate(busca, key)
    assert.ok(predicate !== undefined, `${busca}: a predicate`)
    assert.deepEqual(services.filter(predicate).map((s) => s.id_cliente_servico), expected, `${busca}=${key}`)
  }
  for (const busca of ['nome_razaosocial', 'nome_fantasia', 'cpf_cnpj', 'codigo_cliente', 'telefone'] as const) {
    assert.equal(buscaServicoPredicate(busca, 'x'), undefined, busca)
  }
})

const JOAO = {
  id_cliente: 1,
  codigo_cliente: 421,
  nome_razaosocial: 'JOÃO DA SILVA',
  nome_fantasia: null,
  cpf_cnpj: '106.820.836-81',
  telefone_primario: '(31) 99999-0000',
  telefone_secundario: null,
  telefone_terciario: '31 3333-4444'
} as Cliente
const EMPRESA = {
  id_cliente: 2,
  codigo_cliente: '00422',
  nome_razaosocial: 'Padaria Conceição Ltda',
  nome_fantasia: 'Pão Quente',
  cpf_cnpj: '12.abc.345/01de-35',
  servicos: []
} as Cliente

const CLIENT_FIELD_ROWS: Array<{ name: string, cliente: Cliente, busca: BuscaTipo, key: string, expected: boolean }> = [
  { name: 'name substring', cliente: JOAO, busca: 'nome_razaosocial', key: 'joao', expected: true },
  { name: 'name inner words', cliente: JOAO, busca: 'nome_razaosocial', key: 'da silva', expected: true },
  { name: 'other name', cliente: JOAO, busca: 'nome_razaosocial', key: 'maria', expected: false },
  { name: 'accented stored name', cliente: EMPRESA, busca: 'nome_razaosocial', key: 'conceicao', expected: true },
  { name: 'null nome_fantasia', cliente: JOAO, busca: 'nome_fantasia', key: 'joao', expected: false },
  { name: 'nome_fantasia folded', cliente: EMPRESA, busca: 'nome_fantasia', key: 'pao quente', expected: true },
  { name: 'punctuated stored CPF', cliente: JOAO, busca: 'cpf_cnpj', key: '10682083681', expected: true },
  { name: 'other CPF', cliente: JOAO, busca: 'cpf_cnpj', key: '10682083682', expected: false },
  { name: 'lower-case alphanumeric CNPJ stored', cliente: EMPRESA, busca: 'cpf_cnpj', key: '12ABC34501DE35', expected: true },
  { name: 'numeric codigo_cliente', cliente: JOAO, busca: 'codigo_cliente', key: '421', expected: true },
  { name: 'numeric codigo_cliente, other', cliente: JOAO, busca: 'codigo_cliente', key: '42', expected: false },
  {
    name: 'codigo_cliente stored as the string "00422" is found by 00422 → 422',
    cliente: EMPRESA,
    busca: 'codigo_cliente',
    key: '422',
    expected: true
  },
  { name: 'first phone', cliente: JOAO, busca: 'telefone', key: '31999990000', expected: true },
  { name: 'third phone', cliente: JOAO, busca: 'telefone', key: '3133334444', expected: true },
  { name: 'part of a phone', cliente: JOAO, busca: 'telefone', key: '999990000', expected: false },
  { name: 'login is a service field', cliente: JOAO, busca: 'login_radius', key: 'joao', expected: false }
]

for (const row of CLIENT_FIELD_ROWS) {
  test(`clienteFieldMatches: ${row.name}`, () => {
    assert.equal(clienteFieldMatches(row.cliente, row.busca, row.key), row.expected)
  })
}
