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
