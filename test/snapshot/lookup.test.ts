// Proves the snapshot's lookups: which clients each index names (by id_cliente, written by
// hand from the three clients below), and that lookups on a service field carry the predicate
// a shown service must meet.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { lookupBusca, lookupCpfCnpj, lookupStatus, lookupTecnologia } from '../../src/snapshot/lookup.js'
import type { Lookup } from '../../src/snapshot/lookup.js'
import { buildSnapshot } from '../helpers/build-snapshot.js'
import type { Snapshot } from '../../src/snapshot/snapshot.js'

const CLIENTES = [
  {
    id_cliente: 1,
    codigo_cliente: 101,
    nome_razaosocial: 'João da Silva',
    cpf_cnpj: '529.982.247-25',
    data_cadastro: '2020-01-01 10:00:00',
    servicos: [{ id_cliente_servico: 11, status_prefixo: 'servico_habilitado', tecnologia: 'FIBRA', login: 'joao', ipv4: '10.0.0.1' }]
  },
  {
    id_cliente: 2,
    codigo_cliente: 102,
    nome_razaosocial: 'Maria Conceição',
    nome_fantasia: 'Padaria da Maria',
    cpf_cnpj: '52998224725',
    data_cadastro: '2020-01-02 10:00:00',
    servicos: [
      { id_cliente_servico: 21, status_prefixo: 'suspenso_debito', tecnologia: 'Fibra', login: 'maria' },
      { id_cliente_servico: 22, status_prefixo: 'cancelado', tecnologia: 'WIRELESS', login: 'maria2' }
    ]
  },
  {
    id_cliente: 3,
    codigo_cliente: 103,
    nome_razaosocial: 'Empresa Silvana Ltda',
    cpf_cnpj: '11.222.333/0001-81',
    data_cadastro: '2020-01-03 10:00:00',
    servicos: []
  }
]

async function snapshot (): Promise<Snapshot> {
  return await buildSnapshot(CLIENTES, { fetchedAt: new Date('2026-11-26T03:00:00Z'), source: 'todos' })
}

function ids (snapshot: Snapshot, lookup: Lookup | undefined): number[] | undefined {
  return lookup?.candidates.map((position) => snapshot.facts[position]!.id_cliente).sort((a, b) => a - b)
}

test('each lookup names the clients its index holds', async () => {
  const built = await snapshot()
  const table: Array<[string, Lookup | undefined, number[] | undefined]> = [
    ['one CPF shared by two clients', lookupCpfCnpj(built, '52998224725'), [1, 2]],
    ['a CNPJ', lookupCpfCnpj(built, '11222333000181'), [3]],
    ['an unknown CPF', lookupCpfCnpj(built, '10682083681'), undefined],
    ['a status', lookupStatus(built, 'suspenso_debito'), [2]],
    ['a cancelled status', lookupStatus(built, 'cancelado'), [2]],
    ['an absent status', lookupStatus(built, 'bloqueado'), []],
    ['a technology in two spellings', lookupTecnologia(built, 'fibra'), [1, 2]],
    ['name substring', lookupBusca(built, { busca: 'nome_razaosocial', key: 'silva' }), [1, 3]],
    ['trade name', lookupBusca(built, { busca: 'nome_fantasia', key: 'padaria' }), [2]],
    ['codigo_cliente', lookupBusca(built, { busca: 'codigo_cliente', key: '102' }), [2]],
    ['login', lookupBusca(built, { busca: 'login_radius', key: 'maria2' }), [2]],
    ['ipv4', lookupBusca(built, { busca: 'ipv4', key: '10.0.0.2' }), []]
  ]
  for (const [name, lookup, expected] of table) assert.deepEqual(ids(built, lookup), expected, name)
})

test('lookups on a service field carry its predicate; lookups on the client do not', async () => {
  const built = await snapshot()
  const servico = { id_cliente_servico: 22, status_prefixo: 'cancelado', tecnologia: 'WIRELESS', login: 'maria2' }
  const table: Array<[string, Lookup | undefined, boolean | undefined]> = [
    ['status', lookupStatus(built, 'cancelado'), true],
    ['other status', lookupStatus(built, 'suspenso_debito'), false],
    ['technology', lookupTecnologia(built, 'wireless'), true],
    ['login', lookupBusca(built, { busca: 'login_radius', key: 'maria2' }), true],
    ['other login', lookupBusca(built, { busca: 'login_radius', key: 'maria' }), false],
    ['CPF', lookupCpfCnpj(built, '52998224725'), undefined],
    ['name', lookupBusca(built, { busca: 'nome_razaosocial', key: 'maria' }), undefined],
    ['codigo_cliente', lookupBusca(built, { busca: 'codigo_cliente', key: '102' }), undefined]
  ]
  for (const [name, lookup, expected] of table) assert.equal(lookup?.servicoPredicate?.(servico), expected, name)
})

test('a term no client can have names no one', async () => {
  const built = await snapshot()
  for (const busca of ['nome_razaosocial', 'codigo_cliente', 'login_radius'] as const) {
    assert.deepEqual(ids(built, lookupBusca(built, { busca, key: null })), [], busca)
  }
})

test('a busca ordered by a lookup field sorts its positions by that field, clients without it last', async () => {
  const built = await snapshot()
  // By hand from CLIENTES: names fold to joao…, maria…, empresa…; only client 2 has a nome_fantasia.
  const table: Array<[Parameters<typeof lookupBusca>[1], number[]]> = [
    [{ busca: 'nome_razaosocial', key: 'a', orderBy: 'nome_razaosocial', orderType: 'asc' }, [3, 1, 2]],
    [{ busca: 'nome_razaosocial', key: 'a', orderBy: 'nome_razaosocial', orderType: 'desc' }, [2, 1, 3]],
    [{ busca: 'nome_razaosocial', key: 'a', orderBy: 'codigo_cliente', orderType: 'desc' }, [3, 2, 1]],
    [{ busca: 'nome_razaosocial', key: 'a', orderBy: 'nome_fantasia', orderType: 'desc' }, [2, 1, 3]],
    [{ busca: 'nome_razaosocial', key: 'a', orderBy: 'cpf_cnpj', orderType: 'asc' }, [3, 1, 2]]
  ]
  for (const [query, expected] of table) {
    const lookup = lookupBusca(built, query)
    const sorted = [...lookup.candidates].sort(lookup.compare).map((position) => built.facts[position]!.id_cliente)
    assert.deepEqual(sorted, expected, JSON.stringify(query))
  }
  assert.equal(lookupBusca(built, { busca: 'nome_razaosocial', key: 'a', orderBy: 'data_fechamento', orderType: 'asc' }).compare, undefined, 'dates use the precomputed orderings')
})

test('a servico_status list on a busca narrows the service the busca shows', async () => {
  const built = await snapshot()
  const predicate = lookupBusca(built, { busca: 'login_radius', key: 'maria', statuses: ['servico_habilitado'] }).servicoPredicate!
  assert.equal(predicate({ login: 'maria', status_prefixo: 'suspenso_debito' }), false)
  assert.equal(predicate({ login: 'maria', status_prefixo: 'servico_habilitado' }), true)
  assert.equal(predicate({ login: 'maria2', status_prefixo: 'servico_habilitado' }), false)
  const byName = lookupBusca(built, { busca: 'nome_razaosocial', key: 'maria', statuses: ['cancelado'] }).servicoPredicate!
  assert.equal(byName({ status_prefixo: 'cancelado' }), true)
  assert.equal(byName({ status_prefixo: 'suspenso_debito' }), false)
})
