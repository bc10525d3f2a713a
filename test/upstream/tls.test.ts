// Self-hosted HubSoft installs use private CAs (the vendor's examples all say curl -k): the
// client trusts HUBSOFT_CA_FILE, or any certificate with HUBSOFT_TLS_INSECURE, and refuses an
// unknown certificate otherwise.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import { UpstreamError } from '../../src/upstream/errors.js'
import { HubsoftClient, neverReachedHubsoft } from '../../src/upstream/hubsoft-client.js'
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

test('failures that prove nothing reached HubSoft: a refused certificate, TLS to a plain-HTTP port, a refused connection; not a reset or a timeout', async (t) => {
  const tls = await startSimulator(t, { clients: 5, seed: 1, tls: { key: fixture('simulator-key.pem'), cert: fixture('simulator-cert.pem') } })
  const plain = await startSimulator(t, { clients: 5, seed: 1 })
  const failureOf = async (baseUrl: string) => {
    const client = new HubsoftClient({ baseUrl, credentials: DEMO_CREDENTIALS, timeoutMs: 5000, maxResponseBytes: 1 << 20 })
    t.after(async () => await client.close())
    const error = await client.getJson('cliente/todos', { pagina: 0 }).then(() => assert.fail('expected a failure'), (failure: unknown) => failure as UpstreamError)
    return error.cause
  }
  assert.equal(neverReachedHubsoft(await failureOf(tls.url)), true, 'an unknown certificate')
  assert.equal(neverReachedHubsoft(await failureOf(plain.url.replace('http:', 'https:'))), true, 'TLS spoken to a plain-HTTP port')
  await plain.close()
  assert.equal(neverReachedHubsoft(await failureOf(plain.url)), true, 'a closed port')
  // Written by hand: what undici reports once a request may have been sent.
  for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC', undefined]) {
    assert.equal(neverReachedHubsoft(Object.assign(new Error('x'), { code })), false, String(code))
  }
  assert.equal(neverReachedHubsoft(Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('dns'), { code: 'ENOTFOUND' }) })), true, 'a cause is looked into')
})
