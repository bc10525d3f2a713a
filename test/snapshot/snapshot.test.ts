// Snapshot building: what it rejects, what its indexes hold, that its version is a content
// hash, that prepared bytes are exactly the default answer, and that it cannot be mutated.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SnapshotBuilder, SnapshotValidationError } from '../../src/snapshot/snapshot.js'
import { buildSnapshot } from '../helpers/build-snapshot.js'
import { renderClientes } from '../../src/snapshot/render.js'
import { selectPositions } from '../../src/snapshot/select.js'
import { generateDataset } from '../../src/simulator/dataset.js'
import { DEFAULT_RELACOES } from '../../src/hubsoft/relacoes.js'
import { projectCliente } from '../../src/query/projection.js'
import type { Projection } from '../../src/query/projection.js'
import type { Readable } from 'node:stream'

const meta = { fetchedAt: new Date('2026-11-26T03:00:00Z'), source: 'todos' as const }

function cliente (id: number, extra: Record<string, unknown> = {}) {
  return {
    id_cliente: id,
    codigo_cliente: id + 1000,
    nome_razaosocial: `Cliente ${id}`,
    cpf_cnpj: '529.982.247-25',
    telefone_primario: '(37) 98824-2968',
    data_cadastro: `2020-01-0${id} 10:00:00`,
    servicos: [{ id_cliente_servico: id * 10, status_prefixo: 'servico_habilitado', tecnologia: 'Fibra', login: `User${id}`, senha: 'segredo', ipv4: `10.0.0.${id}`, mac_addr: 'AA:BB:CC:00:11:2' + id, pacotes: [{ codigo: 'tv' }], senhas: [{ usuario: 'u', senha: 'outro-segredo' }] }],
    ...extra
  }
}

test('invalid lists are rejected with the place of the problem', async () => {
  const table: Array<[string, unknown[], RegExp]> = [
    ['empty', [], /empty/],
    ['duplicate id', [cliente(1), cliente(1)], /duplicate id_cliente 1/],
    ['id as a string', [cliente(1), { ...cliente(2), id_cliente: '2' }], /client #1 .*\/id_cliente/],
    ['servicos as an object', [{ ...cliente(1), servicos: {} }], /\/servicos/],
    ['valor as a boolean', [cliente(1, { servicos: [{ valor: true }] })], /\/servicos\/0\/valor.*got boolean/],
    ['not an object', [cliente(1), 'x'], /client #1/]
  ]
  for (const [name, input, message] of table) {
    await assert.rejects(buildSnapshot(input, meta), (error: Error) => error instanceof SnapshotValidationError && message.test(error.message), name)
  }
})

test('nulls everywhere and unknown fields are accepted', async () => {
  const nully = { id_cliente: 9, codigo_cliente: null, nome_razaosocial: null, cpf_cnpj: null, data_cadastro: null, servicos: null, campo_novo: { a: 1 } }
  const snapshot = await buildSnapshot([nully, cliente(1, { servicos: [{ status_prefixo: null, tecnologia: null, pacotes: null, endereco_instalacao: null, campo: 1 }] })], meta)
  assert.equal(snapshot.size, 2)
  assert.deepEqual(JSON.parse(snapshot.clienteJson(1)), nully)
})

test('indexes map normalised keys to every client carrying them', async () => {
  const snapshot = await buildSnapshot([cliente(3), cliente(1), cliente(2, { cpf_cnpj: '12.ABC.345/01DE-35', servicos: [] })], meta)
  assert.deepEqual(snapshot.facts.map((c) => c.id_cliente), [1, 2, 3], 'sorted by id_cliente')
  const { indexes } = snapshot
  assert.deepEqual(indexes.byCpfCnpj.get('52998224725'), [0, 2], 'one CPF, two clients')
  assert.deepEqual(indexes.byCpfCnpj.get('12ABC34501DE35'), [1])
  assert.deepEqual(indexes.byTelefone.get('37988242968'), [0, 1, 2])
  assert.deepEqual(indexes.byTecnologia.get('fibra'), [0, 2])
  assert.deepEqual(indexes.byLogin.get('user3'), [2])
  assert.deepEqual(indexes.byIpv4.get('10.0.0.1'), [0])
  assert.deepEqual(indexes.byMac.get('aabbcc001121'), [0])
  assert.deepEqual(indexes.byPacoteCodigo.get('tv'), [0, 2])
  assert.deepEqual(indexes.byStatusPrefixo.get('servico_habilitado'), [0, 2])
  assert.deepEqual(indexes.byCodigoCliente.get('1002'), [1])
  assert.deepEqual(indexes.byIdClienteServico.get('30'), [2])
  assert.equal(indexes.byIdCliente.get(3), 2)
  assert.equal(snapshot.servicosCount, 2)
})

test('the version is a hash of the content, not of the fetch', async () => {
  const dataset = generateDataset({ clients: 120, seed: 9 })
  const first = await buildSnapshot(dataset, meta)
  const again = await buildSnapshot([...dataset].reverse(), { fetchedAt: new Date(), source: 'all' })
  assert.equal(again.version, first.version, 'same clients, other order, time and source')
  const changed = await buildSnapshot(dataset.map((c, i) => i === 7 ? { ...c, email_principal: 'novo@example.com' } : c), meta)
  assert.notEqual(changed.version, first.version)
})

async function bodyText (body: Buffer | Readable): Promise<string> {
  if (Buffer.isBuffer(body)) return body.toString()
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString()
}

test('answers are byte-identical to the generic serialiser, prepared or on demand, small or streamed', async () => {
  // Enough clients for the full default answer to pass 1 MiB and stream.
  const dataset = generateDataset({ clients: 400, seed: 9 })
  const byId = new Map(dataset.map((c) => [c.id_cliente, c]))
  const snapshot = await buildSnapshot(dataset, meta)
  const projections: Array<Omit<Projection, 'redactSecrets'>> = [
    { relacoes: DEFAULT_RELACOES, includeCancelado: false },
    { relacoes: [...DEFAULT_RELACOES, 'grupos'], includeCancelado: false },
    { relacoes: DEFAULT_RELACOES, includeCancelado: true },
    { relacoes: [], includeCancelado: true }
  ]
  for (const shape of projections) {
    for (const redactSecrets of [true, false]) {
      const projection = { ...shape, redactSecrets }
      const every = selectPositions(snapshot, { filter: projection, ordering: { orderBy: 'data_cadastro', orderType: 'desc' }, offset: 0 })
      for (const positions of [every, every.slice(7, 12), []]) {
        const name = `${JSON.stringify(projection)} × ${positions.length}`
        const expected = JSON.stringify({
          status: 'success',
          msg: 'Dados consultados com sucesso',
          clientes: positions.map((position) => projectCliente(byId.get(snapshot.facts[position]!.id_cliente)!, projection)),
          paginacao: { pagina_atual: 1 }
        })
        const rendered = renderClientes(snapshot, positions, projection, { paginacao: { pagina_atual: 1 } })
        assert.equal(await bodyText(rendered.body), expected, name)
        if (rendered.byteLength !== undefined) assert.equal(rendered.byteLength, Buffer.byteLength(expected), name)
      }
    }
  }
  // Persistence writes clienteJson: the client exactly as received.
  for (let position = 0; position < snapshot.size; position++) {
    assert.equal(snapshot.clienteJson(position), JSON.stringify(byId.get(snapshot.facts[position]!.id_cliente)))
  }
})

test('many candidates walked in the precomputed ordering come out as a plain sort would give', async () => {
  const snapshot = await buildSnapshot(generateDataset({ clients: 900, seed: 13 }), meta)
  const clientes = snapshot.facts
  const candidates = [...clientes.keys()].filter((position) => position % 2 === 0)
  assert.ok(candidates.length > 256, 'enough candidates to take the walking path')
  for (const orderType of ['asc', 'desc'] as const) {
    for (const orderBy of ['data_cadastro', 'data_fechamento'] as const) {
      // Written here by hand: empty dates last, ties by id_cliente ascending.
      const sign = orderType === 'asc' ? 1 : -1
      const expected = [...candidates].sort((a, b) => {
        const x = clientes[a]![orderBy] || null
        const y = clientes[b]![orderBy] || null
        if (x === y) return clientes[a]!.id_cliente - clientes[b]!.id_cliente
        if (x === null) return 1
        if (y === null) return -1
        return x < y ? -sign : sign
      }).slice(3, 23)
      const walked = selectPositions(snapshot, { candidates, filter: { includeCancelado: true }, ordering: { orderBy, orderType }, offset: 3, limit: 20 })
      assert.deepEqual(walked, expected, `${orderBy} ${orderType}`)
    }
  }
})

test('a snapshot cannot be changed after it is built', async () => {
  const snapshot = await buildSnapshot([cliente(1)], meta)
  assert.throws(() => { (snapshot as { version: string }).version = 'x' })
  assert.throws(() => { (snapshot.facts as unknown[]).push(cliente(2)) })
  assert.ok(Object.isFrozen(snapshot.indexes))
})

test('a snapshot built beside the previous one shares the bytes of unchanged clients and answers the same', async () => {
  const dataset = generateDataset({ clients: 200, seed: 5 })
  const previous = await buildSnapshot(dataset, meta)
  const changedId = dataset[17]!.id_cliente
  const next = dataset.map((c) => c.id_cliente === changedId ? { ...c, nome_razaosocial: 'Outro Nome Ltda' } : c)
  const builder = new SnapshotBuilder(previous)
  for (let i = 0; i < next.length; i += 50) await builder.addPage(next.slice(i, i + 50))
  const shared = await builder.finish(meta)
  const fresh = await buildSnapshot(next, meta)
  assert.equal(shared.version, fresh.version, 'sharing does not change the content')
  let sharedClients = 0
  for (let position = 0; position < fresh.size; position++) {
    assert.equal(shared.clienteJson(position), fresh.clienteJson(position))
    for (const redactSecrets of [true, false]) {
      assert.deepEqual(shared.preparedDefault.bytes(position, redactSecrets), fresh.preparedDefault.bytes(position, redactSecrets))
    }
    const mine = shared.preparedDefault.bytes(position, true)
    const before = previous.preparedDefault.bytes(position, true)
    const same = mine !== null && before !== null && mine.buffer === before.buffer && mine.byteOffset === before.byteOffset
    if (shared.facts[position]!.id_cliente === changedId) assert.equal(same, false, 'the changed client has new bytes')
    else if (mine !== null) {
      assert.ok(same, `client at ${position} shares the previous bytes`)
      sharedClients++
    }
  }
  assert.ok(sharedClients > 150)
})

test('bytes shared from a previous snapshot that the next one barely uses are copied, not kept alive', async () => {
  const dataset = generateDataset({ clients: 120, seed: 8 })
  const previous = await buildSnapshot(dataset, meta)
  // Most clients change: the few unchanged ones would pin the previous snapshot's buffer.
  const next = dataset.map((c, i) => i % 10 === 0 ? c : { ...c, email_principal: `novo${i}@example.com` })
  const builder = new SnapshotBuilder(previous)
  await builder.addPage(next)
  const snapshot = await builder.finish(meta)
  const fresh = await buildSnapshot(next, meta)
  assert.equal(snapshot.version, fresh.version)
  const previousBuffer = previous.preparedDefault.bytes(0, true)!.buffer
  for (let position = 0; position < snapshot.size; position++) {
    assert.equal(snapshot.clienteJson(position), fresh.clienteJson(position))
    assert.notEqual(snapshot.preparedDefault.bytes(position, true)?.buffer, previousBuffer, `position ${position}`)
  }
})
