// Self-hosted HubSoft installs use private CAs (the vendor's examples all say curl -k): the
// client trusts HUBSOFT_CA_FILE, or any certificate with HUBSOFT_TLS_INSECURE, and refuses an
// unknown certificate otherwise.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import { UpstreamError } from '../../src/upstream/errors.js'
import { HubsoftClient } from '../../src/upstream/hubsoft-client.js'
import type { HubsoftClientOptions } from '../../src/upstream/hubsoft-client.js'
import { startSimulator } from '../helpers/service.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8')

test('private CA, insecure TLS, and refusal of an unknown certificate', async (t) => {
  const simulator = await startSimulator(t, { clients: 5, seed: 1, tls: { key: fixture('simulator-key.pem'), cert: fixture('simulator-cert.pem') } })
  assert.match(simulator.url, /^https:\/\/127\.0\.0\.1:/)
  const page = { pagina: 0, itens_por_pagina: 5, cancelado: 'sim' }
  const connect = (options: Partial<HubsoftClientOptions>) => {
    const client = new HubsoftClient({ baseUrl: simulator.url, credentials: DEMO_CREDENTIALS, timeoutMs: 5000, maxResponseBytes: 1 << 20, ...options })
    t.after(async () => await client.close())
    return client
  }

  const trusted = await connect({ caPem: fixture('simulator-cert.pem') }).getJson('cliente/todos', page)
  assert.equal((trusted.body.clientes as unknown[]).length, 5)
  const insecure = await connect({ tlsInsecure: true }).getJson('cliente/todos', page)
  assert.equal((insecure.body.clientes as unknown[]).length, 5)

  await assert.rejects(connect({}).getJson('cliente/todos', page), (error: unknown) => error instanceof UpstreamError && error.reason === 'network' && /SELF_SIGNED|CERT/.test(error.message))
  assert.equal(simulator.requestCount('oauth/token'), 2, 'the refused connection never reached the simulator')
})
