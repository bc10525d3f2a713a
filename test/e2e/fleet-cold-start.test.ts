// A fleet of three real processes on one redis-server, counting what the simulator received: a
// cold start costs HubSoft one fetch cycle and one token, every replica serves the one version,
// and a replica started later on an empty SNAPSHOT_DIR is ready from Redis alone.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { allReady, fleetEnv, startReplica, upstreamRequests } from '../helpers/fleet.js'
import { startRedis } from '../helpers/redis-server.js'
import { startSimulator } from '../helpers/service.js'

type Json = Record<string, any>

test('cold start of three replicas: one fetch cycle, one token, one version everywhere; a fourth is ready from Redis with no upstream request', async (t) => {
  const redis = await startRedis(t)
  if (redis === undefined) return t.skip('redis-server is not installed')
  const simulator = await startSimulator(t, { clients: 400, seed: 16 })
  const env = fleetEnv(simulator, redis)
  const replicas = await Promise.all(['a', 'b', 'c'].map(async (name) => await startReplica(t, name, env)))
  await allReady(replicas)

  assert.equal(simulator.counters.fetchCycles, 1, 'one fetch cycle for the fleet')
  assert.equal(simulator.requestCount('oauth/token'), 1, 'one token request for the fleet')
  const statuses = await Promise.all(replicas.map(async (replica) => await replica.status()))
  const versions = new Set(statuses.map((status) => status.snapshot.version))
  assert.equal(versions.size, 1, 'one version served everywhere')
  for (const status of statuses) {
    assert.equal(status.snapshot.clients, simulator.dataset.length)
    assert.equal(status.fleet.version, status.snapshot.version)
    assert.equal(status.fleet.redis_reachable, true)
  }
  assert.equal(statuses.filter((status) => status.fleet.role === 'leader').length, 1, 'one leader')
  // Each replica answers a lookup with the simulator's own record.
  const cliente = (simulator.dataset as Json[]).find((candidate) => typeof candidate.cpf_cnpj === 'string' && candidate.cpf_cnpj.replace(/\D/g, '').length === 11)!
  for (const replica of replicas) {
    const answer = await replica.get(`/api/v1/integracao/cliente/all/cpf_cnpj/${String(cliente.cpf_cnpj).replace(/\D/g, '')}`)
    assert.equal(answer.status, 200)
    assert.ok((answer.body.clientes as Json[]).some((found) => found.id_cliente === cliente.id_cliente))
  }

  const before = upstreamRequests(simulator)
  const late = await startReplica(t, 'd', env)
  await allReady([late])
  assert.equal(upstreamRequests(simulator), before, 'the late replica made no upstream request')
  const lateStatus = await late.status()
  assert.equal(lateStatus.snapshot.version, [...versions][0])
  assert.equal(lateStatus.persistence.load.outcome, 'missing', 'it started on an empty SNAPSHOT_DIR')
  assert.equal(lateStatus.fleet.last_ingest?.outcome, 'ok', JSON.stringify(lateStatus.fleet) + JSON.stringify(late.lines.filter((line) => line.module === 'fleet' || line.module === 'refresh')))
  assert.equal(lateStatus.upstream.token_requests, 0)
})
