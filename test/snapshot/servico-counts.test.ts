// Services per status and technology: every service counts, technologies group case-insensitively
// under their most used spelling, and the snapshot holds the counts of what it was built from.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ServicoTally } from '../../src/snapshot/servico-counts.js'
import { buildSnapshot } from '../helpers/build-snapshot.js'
import { generateDataset } from '../../src/simulator/dataset.js'

type Servico = { status_prefixo?: string | null, tecnologia?: string | null }

test('counts per status and per technology, case variants grouped under the most used spelling', () => {
  const table: Array<[string, Servico[], Record<string, number>, Record<string, number>]> = [
    ['nothing', [], {}, {}],
    ['one of each', [{ status_prefixo: 'servico_habilitado', tecnologia: 'FIBRA' }], { servico_habilitado: 1 }, { FIBRA: 1 }],
    ['case variants: the most used spelling names the group',
      [{ tecnologia: 'Fibra' }, { tecnologia: 'FIBRA' }, { tecnologia: 'FIBRA' }, { tecnologia: 'fibra' }, { tecnologia: 'WIRELESS' }],
      { '': 5 }, { FIBRA: 4, WIRELESS: 1 }],
    ['a tie in spellings goes to the first in code-point order', [{ tecnologia: 'fibra' }, { tecnologia: 'Fibra' }], { '': 2 }, { Fibra: 2 }],
    ['accents and padding fold like the filter; Unicode forms and padding are one spelling', [{ tecnologia: ' GENÉRICO ' }, { tecnologia: 'Gene\u0301rico' }, { tecnologia: 'Genérico ' }], { '': 3 }, { Genérico: 3 }],
    ['null, missing and blank are counted under the empty key',
      [{ status_prefixo: null, tecnologia: null }, {}, { status_prefixo: 'cancelado', tecnologia: '  ' }],
      { '': 2, cancelado: 1 }, { '': 3 }],
    ['statuses are exact: no folding', [{ status_prefixo: 'cancelado' }, { status_prefixo: 'Cancelado' }], { Cancelado: 1, cancelado: 1 }, { '': 2 }],
    ['a hostile key is data', [{ status_prefixo: '__proto__', tecnologia: '<script>alert(1)</script>' }], { ['__proto__']: 1 }, { '<script>alert(1)</script>': 1 }]
  ]
  for (const [name, servicos, byStatus, byTecnologia] of table) {
    const tally = new ServicoTally()
    for (const servico of servicos) tally.add(servico)
    assert.deepEqual(Object.entries(tally.byStatus()).sort(), Object.entries(byStatus).sort(), `${name}: status`)
    assert.deepEqual(Object.entries(tally.byTecnologia()).sort(), Object.entries(byTecnologia).sort(), `${name}: tecnologia`)
  }
})

test('most frequent first', () => {
  const tally = new ServicoTally()
  for (const status of ['b', 'a', 'c', 'c', 'b', 'c']) tally.add({ status_prefixo: status })
  assert.deepEqual(Object.keys(tally.byStatus()), ['c', 'b', 'a'])
})

test('a snapshot holds the counts of every service of the list it was built from, frozen', async () => {
  const dataset = generateDataset({ clients: 400, seed: 7 })
  const snapshot = await buildSnapshot(dataset, { fetchedAt: new Date('2026-11-26T03:00:00Z'), source: 'todos' })
  const servicos = dataset.flatMap((cliente) => cliente.servicos ?? [])
  const expectedStatus: Record<string, number> = {}
  for (const servico of servicos) expectedStatus[servico.status_prefixo ?? ''] = (expectedStatus[servico.status_prefixo ?? ''] ?? 0) + 1
  assert.deepEqual({ ...snapshot.servicosByStatus }, expectedStatus)
  assert.ok((expectedStatus.cancelado ?? 0) > 0, 'cancelled services are counted')

  // The simulator spells fibre FIBRA mostly, Fibra and fibra sometimes: one group.
  const fibre = servicos.filter((servico) => servico.tecnologia?.toLowerCase() === 'fibra')
  assert.ok(new Set(fibre.map((servico) => servico.tecnologia)).size > 1, 'the dataset has case variants')
  assert.equal(snapshot.servicosByTecnologia.FIBRA, fibre.length)
  assert.equal(snapshot.servicosByTecnologia.Fibra, undefined)
  assert.equal(snapshot.servicosByTecnologia[''], servicos.filter((servico) => servico.tecnologia === null || servico.tecnologia === undefined).length)
  assert.equal(snapshot.servicosByTecnologia['Cabo UTP'], servicos.filter((servico) => servico.tecnologia === 'Cabo UTP').length)
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, count) => total + count, 0)
  assert.equal(sum(snapshot.servicosByStatus), servicos.length)
  assert.equal(sum(snapshot.servicosByTecnologia), servicos.length)
  assert.ok(Object.isFrozen(snapshot.servicosByStatus) && Object.isFrozen(snapshot.servicosByTecnologia))
})
