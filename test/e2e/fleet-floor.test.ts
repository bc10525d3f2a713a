// The fleet floor under load, counting what the simulator received: three real processes serving
// lookups, each asked for a manual refresh every half second over two floors and more, make at
// most ceil(elapsed / floor) + 1 fetch cycles for the whole fleet; each 202 is one of them; and a
// change one replica fetched is served by every replica within seconds.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { allReady, eventually, fleetEnv, startReplica } from '../helpers/fleet.js'
import { startRedis } from '../helpers/redis-server.js'
import { startSimulator } from '../helpers/service.js'

type Json = Record<string, any>

const FLOOR_MS = 60_000
/** Two floors and a bit: the fetches at about 0, 60 and 120 s. */
const RUN_MS = 2 * FLOOR_MS + 10_000
const CHANGED_NAME = 'CLIENTE ALTERADO PELO TESTE DA FROTA'

test('load and manual refreshes on every replica over several floors: at most ceil(elapsed / floor) + 1 fetch cycles, and a change reaches every replica', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const simulator = await startSimulator(t, { clients: 300, seed: 61 })
  const began = Date.now()
  const env = fleetEnv(simulator, redis)
  const replicas = await Promise.all(['a', 'b', 'c'].map(async (name) => await startReplica(t, name, env)))
  await allReady(replicas)
  assert.equal(simulator.counters.fetchCycles, 1)

  // HubSoft's data changes after the first fetch: the next allowed fetch, wherever it runs, brings it.
  const position = (simulator.dataset as Json[]).findIndex((cliente) => typeof cliente.cpf_cnpj === 'string' && cliente.cpf_cnpj.replace(/\D/g, '').length === 11)
  const target = simulator.dataset[position] as Json
  const cpf = String(target.cpf_cnpj).replace(/\D/g, '')
  simulator.dataset = simulator.dataset.map((cliente, index) => index === position ? { ...cliente, nome_razaosocial: CHANGED_NAME } : cliente)
  const lookupName = async (replica: typeof replicas[number]) => {
    const answer = await replica.get(`/api/v1/integracao/cliente/all/cpf_cnpj/${cpf}`)
    assert.equal(answer.status, 200, 'every lookup is answered, during refreshes too')
    return (answer.body.clientes as Json[]).find((cliente) => cliente.id_cliente === target.id_cliente)?.nome_razaosocial as string
  }

  const answers: Record<number, number> = {}
  let changeSeenEverywhere = false
  while (Date.now() - began < RUN_MS) {
    for (const replica of replicas) {
      const status = await replica.refresh()
      answers[status] = (answers[status] ?? 0) + 1
    }
    const names = await Promise.all(replicas.map(lookupName))
    if (simulator.counters.fetchCycles >= 2 && !changeSeenEverywhere) {
      // The fetch that brought the change has started: every replica serves it within seconds.
      await eventually('every replica serves the changed client', async () => (await Promise.all(replicas.map(lookupName))).every((name) => name === CHANGED_NAME), 30_000, 250)
      changeSeenEverywhere = true
    } else if (!changeSeenEverywhere) {
      assert.ok(names.every((name) => name === target.nome_razaosocial), 'before the next fetch, the old name everywhere')
    }
    await sleep(500)
  }
  const elapsedMs = Date.now() - began
  await Promise.all(replicas.map(async (replica) => await eventually(`${replica.name} idle`, async () => !(await replica.status()).refresh.running)))

  const cycles = simulator.counters.fetchCycles
  assert.ok(cycles <= Math.ceil(elapsedMs / FLOOR_MS) + 1, `${cycles} fetch cycles in ${elapsedMs} ms`)
  assert.ok(cycles >= 2, 'manual refreshes do get through once the floor allows one')
  assert.equal(answers[202] ?? 0, cycles - 1, 'each 202 was one fetch cycle (the first one was the cold start)')
  assert.ok((answers[429] ?? 0) > 0, 'the rest were refused with 429 (or 409 while one ran)')
  assert.equal(changeSeenEverywhere, true)
  const versions = new Set((await Promise.all(replicas.map(async (replica) => (await replica.status()).snapshot.version))))
  assert.equal(versions.size, 1, 'one version everywhere at the end')
})
