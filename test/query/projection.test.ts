// Proves what an answer shows of a client: requested relations only, unknown fields and key order kept, secrets redacted for read, cancelled services hidden, input never mutated.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { projectCliente, projectServico } from '../../src/query/projection.js'
import type { Projection } from '../../src/query/projection.js'
import type { Relacao } from '../../src/hubsoft/relacoes.js'
import type { Cliente, Servico } from '../../src/hubsoft/cliente-schema.js'

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

const DEFAULT_SET: Relacao[] = [
  'endereco_instalacao', 'endereco_cadastral', 'endereco_cobranca', 'endereco_fiscal', 'pacotes',
  'interface', 'interface_roteamento', 'equipamento_conexao', 'equipamento_roteamento', 'senhas'
]

const endereco = (cidade: string) => ({ completo: `RUA A, 1, ${cidade}`, cidade, coordenadas: { latitude: -19.9, longitude: -43.9 } })

/** A shown service carrying every relation, interleaved with known and unknown plain fields. */
function fullServico () {
  return {
    id_cliente_servico: 101,
    nome: 'FIBRA 300M',
    endereco_instalacao: endereco('BELO HORIZONTE'),
    valor: 99.9,
    status_prefixo: 'servico_habilitado',
    tecnologia: 'FIBRA',
    login: 'joao.fibra',
    senha: 'radius-secret-101',
    endereco_cadastral: endereco('CONTAGEM'),
    endereco_cobranca: endereco('BETIM'),
    endereco_fiscal: null,
    ipv4: '10.0.0.1',
    pacotes: [{ id_pacote: 1, codigo: 'P1', valor: '10.00' }],
    senhas: [
      { id_cliente_servico_senha: 6, descricao: 'Wi-Fi', usuario: 'admin', senha: 'wifi-secret-6', campo_novo: 'x' },
      { id_cliente_servico_senha: 7, descricao: 'sem senha', usuario: 'u' }
    ],
    interface: { nome: 'PON5', tipo: 'gpon' },
    velocidade_download: 300000,
    interface_roteamento: { nome: 'VLAN10' },
    equipamento_conexao: { nome: 'OLT-1', ipv4: '10.1.1.1' },
    equipamento_roteamento: { nome: 'BNG-1' },
    grupos: [{ id: 1, descricao: 'VIP' }],
    porta_atendimento: { porta: 3 },
    status_conexao: { online: true },
    ultima_conexao: [],
    mac_addr: 'AA:BB:CC:DD:EE:FF'
  }
}

const NON_RELATION_KEYS = ['id_cliente_servico', 'nome', 'valor', 'status_prefixo', 'tecnologia', 'login', 'senha', 'ipv4', 'velocidade_download', 'ultima_conexao', 'mac_addr']

function fixtureCliente () {
  return {
    id_cliente: 11201,
    codigo_cliente: 421,
    nome_razaosocial: 'JOÃO DA SILVA',
    campo_novo_do_fornecedor: { a: 1 },
    data_cadastro: '2024-03-10 12:00:00',
    servicos: [
      fullServico(),
      { id_cliente_servico: 102, status_prefixo: 'cancelado', senha: 'radius-secret-102', pacotes: [], grupos: [] },
      { id_cliente_servico: 103, status_prefixo: 'suspenso_debito', senha: null, senhas: null }
    ],
    data_nascmento: '1980-01-01'
  }
}

test('projectCliente keeps the requested relations, the unknown fields and the key order', () => {
  const table: Array<[string, Relacao[], string[]]> = [
    // Keys of service 101 expected in the answer, in its original order.
    ['default set', DEFAULT_SET, [
      'id_cliente_servico', 'nome', 'endereco_instalacao', 'valor', 'status_prefixo', 'tecnologia', 'login', 'senha',
      'endereco_cadastral', 'endereco_cobranca', 'endereco_fiscal', 'ipv4', 'pacotes', 'senhas', 'interface',
      'velocidade_download', 'interface_roteamento', 'equipamento_conexao', 'equipamento_roteamento', 'ultima_conexao', 'mac_addr'
    ]],
    ['no relations', [], NON_RELATION_KEYS],
    ['pacotes only', ['pacotes'], [
      'id_cliente_servico', 'nome', 'valor', 'status_prefixo', 'tecnologia', 'login', 'senha', 'ipv4', 'pacotes',
      'velocidade_download', 'ultima_conexao', 'mac_addr'
    ]],
    ['the three non-default relations', ['grupos', 'porta_atendimento', 'status_conexao'], [
      'id_cliente_servico', 'nome', 'valor', 'status_prefixo', 'tecnologia', 'login', 'senha', 'ipv4',
      'velocidade_download', 'grupos', 'porta_atendimento', 'status_conexao', 'ultima_conexao', 'mac_addr'
    ]],
    ['every relation', [...DEFAULT_SET, 'grupos', 'porta_atendimento', 'status_conexao'], Object.keys(fullServico())]
  ]
  for (const [name, relacoes, expectedKeys] of table) {
    for (const redactSecrets of [true, false]) {
      const input = deepFreeze(fixtureCliente())
      const projected = projectCliente(input as Cliente, { relacoes, includeCancelado: false, redactSecrets })
      const label = `${name}, redactSecrets ${String(redactSecrets)}`
      assert.deepEqual(Object.keys(projected), Object.keys(input), `${label}: client keys`)
      assert.deepEqual(projected.campo_novo_do_fornecedor, { a: 1 }, `${label}: unknown client field`)
      const shown = projected.servicos!
      assert.deepEqual(shown.map((s) => s.id_cliente_servico), [101, 103], `${label}: shown services`)
      assert.deepEqual(Object.keys(shown[0]!), expectedKeys, `${label}: service keys`)
      for (const key of expectedKeys) {
        if (key === 'senha' || key === 'senhas') continue
        assert.deepEqual(shown[0]![key], (input.servicos[0] as Record<string, unknown>)[key], `${label}: ${key} unchanged`)
      }
    }
  }
})

test('projectCliente redacts service passwords for callers without the secrets scope', () => {
  const table: Array<[string, boolean, unknown, unknown]> = [
    ['redacted', true, null, [
      { id_cliente_servico_senha: 6, descricao: 'Wi-Fi', usuario: 'admin', senha: null, campo_novo: 'x' },
      { id_cliente_servico_senha: 7, descricao: 'sem senha', usuario: 'u' }
    ]],
    ['secrets scope', false, 'radius-secret-101', [
      { id_cliente_servico_senha: 6, descricao: 'Wi-Fi', usuario: 'admin', senha: 'wifi-secret-6', campo_novo: 'x' },
      { id_cliente_servico_senha: 7, descricao: 'sem senha', usuario: 'u' }
    ]]
  ]
  for (const [name, redactSecrets, senha, senhas] of table) {
    const input = deepFreeze(fixtureCliente())
    const projected = projectCliente(input as Cliente, { relacoes: DEFAULT_SET, includeCancelado: true, redactSecrets })
    const [first, cancelled, suspended] = projected.servicos!
    assert.equal(first!.senha, senha, `${name}: senha`)
    assert.deepEqual(first!.senhas, senhas, `${name}: senhas`)
    assert.deepEqual(Object.keys(first!.senhas![0]!), ['id_cliente_servico_senha', 'descricao', 'usuario', 'senha', 'campo_novo'], `${name}: senhas[0] key order`)
    assert.equal(cancelled!.senha, redactSecrets ? null : 'radius-secret-102', `${name}: cancelled service senha`)
    assert.equal(suspended!.senha, null, `${name}: null senha stays null`)
    assert.equal(suspended!.senhas, null, `${name}: null senhas stays null`)
    if (redactSecrets) {
      const text = JSON.stringify(projected)
      for (const secret of ['radius-secret-101', 'radius-secret-102', 'wifi-secret-6']) assert.ok(!text.includes(secret), `${name}: ${secret} absent`)
    }
  }
})

test('projectCliente hides cancelled services unless cancelado=sim', () => {
  const table: Array<[string, Projection, number[]]> = [
    ['cancelado=nao', { relacoes: DEFAULT_SET, includeCancelado: false, redactSecrets: true }, [101, 103]],
    ['cancelado=sim', { relacoes: DEFAULT_SET, includeCancelado: true, redactSecrets: true }, [101, 102, 103]],
    ['cancelado=sim, no relations', { relacoes: [], includeCancelado: true, redactSecrets: false }, [101, 102, 103]]
  ]
  for (const [name, projection, expected] of table) {
    const projected = projectCliente(deepFreeze(fixtureCliente()) as Cliente, projection)
    assert.deepEqual(projected.servicos!.map((s) => s.id_cliente_servico), expected, name)
  }
  const allCancelled = deepFreeze({ id_cliente: 2, servicos: [{ id_cliente_servico: 201, status_prefixo: 'cancelado' }] }) as Cliente
  assert.deepEqual(projectCliente(allCancelled, { relacoes: DEFAULT_SET, includeCancelado: false, redactSecrets: true }).servicos, [])
})

test('projectCliente passes clients without a services list through', () => {
  const table: Array<[string, Record<string, unknown>]> = [
    ['servicos null', { id_cliente: 3, servicos: null, extra: 1 }],
    ['servicos empty', { id_cliente: 4, servicos: [], extra: 2 }],
    ['no servicos key', { id_cliente: 5, extra: 3 }]
  ]
  for (const [name, fixture] of table) {
    const expected = structuredClone(fixture)
    const projected = projectCliente(deepFreeze(fixture) as Cliente, { relacoes: [], includeCancelado: false, redactSecrets: true })
    assert.deepEqual(projected, expected, name)
    assert.deepEqual(Object.keys(projected), Object.keys(expected), `${name}: key order`)
  }
})

test('projectCliente never mutates its input', () => {
  const projections: Projection[] = [
    { relacoes: DEFAULT_SET, includeCancelado: false, redactSecrets: true },
    { relacoes: [], includeCancelado: true, redactSecrets: true },
    { relacoes: ['senhas'], includeCancelado: true, redactSecrets: false }
  ]
  for (const projection of projections) {
    const input = deepFreeze(fixtureCliente())
    const before = structuredClone(input)
    // Any write to a frozen object throws in an ES module, so projecting proves no mutation.
    const projected = projectCliente(input as Cliente, projection)
    assert.deepEqual(input, before, JSON.stringify(projection))
    assert.notEqual(projected, input, 'a new client object')
    const first = input.servicos[0] as ReturnType<typeof fullServico>
    assert.equal(first.senha, 'radius-secret-101')
    assert.equal(first.senhas[0]!.senha, 'wifi-secret-6')
  }
})

test('projectServico keeps the given relations and redacts on demand', () => {
  const table: Array<[string, string[], boolean, Record<string, unknown>]> = [
    ['pacotes kept, redacted', ['pacotes'], true, {
      id_cliente_servico: 9, login: 'l', senha: null, pacotes: [{ codigo: 'P1' }], extra: true
    }],
    ['senhas kept, redacted', ['senhas'], true, {
      id_cliente_servico: 9, login: 'l', senha: null, senhas: [{ usuario: 'u', senha: null }, null], extra: true
    }],
    ['senhas kept, not redacted', ['senhas'], false, {
      id_cliente_servico: 9, login: 'l', senha: 'p', senhas: [{ usuario: 'u', senha: 's' }, null], extra: true
    }],
    ['nothing kept', [], false, { id_cliente_servico: 9, login: 'l', senha: 'p', extra: true }]
  ]
  for (const [name, kept, redactSecrets, expected] of table) {
    const input = deepFreeze({
      id_cliente_servico: 9, login: 'l', senha: 'p', pacotes: [{ codigo: 'P1' }], senhas: [{ usuario: 'u', senha: 's' }, null], extra: true
    }) as Servico
    const projected = projectServico(input, new Set(kept), redactSecrets)
    assert.deepEqual(projected, expected, name)
    assert.deepEqual(Object.keys(projected), Object.keys(expected), `${name}: key order`)
  }
})
