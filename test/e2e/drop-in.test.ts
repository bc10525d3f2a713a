// The drop-in promise: an integration written against HubSoft — password-grant token,
// then cliente/all and cliente?busca=cpf_cnpj — works against the service by changing only its
// base URL. The integration below is plain fetch, the way such code is written; it runs once
// against the HubSoft simulator and once against the service, with the same settings otherwise
// (the operator registered the integration's client_id/client_secret as an API key).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator.js'
import { startService, startSimulator } from '../helpers/service.js'

interface IntegrationSettings {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly username: string
  readonly password: string
}

type Json = Record<string, any>

/** What an existing HubSoft integration does, unchanged. */
async function hubsoftIntegration (settings: IntegrationSettings, cpfCnpj: string) {
  const tokenResponse = await fetch(`${settings.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ grant_type: 'password', client_id: settings.clientId, client_secret: settings.clientSecret, username: settings.username, password: settings.password })
  })
  if (tokenResponse.status !== 200) throw new Error(`token: HTTP ${tokenResponse.status}`)
  const { access_token: accessToken, token_type: tokenType } = await tokenResponse.json() as Json
  const headers = { authorization: `${tokenType} ${accessToken}`, accept: 'application/json' }
  const all = await fetch(`${settings.baseUrl}/api/v1/integracao/cliente/all?cancelado=sim`, { headers })
  const busca = await fetch(`${settings.baseUrl}/api/v1/integracao/cliente?busca=cpf_cnpj&termo_busca=${encodeURIComponent(cpfCnpj)}`, { headers })
  return { all: { status: all.status, body: await all.json() as Json }, busca: { status: busca.status, body: await busca.json() as Json } }
}

test('a HubSoft integration works against the service with only its base URL changed', async (t) => {
  const simulator = await startSimulator(t, { clients: 120, seed: 21 })
  const app = await startService(t, simulator, {
    API_KEYS: `${DEMO_CREDENTIALS.clientId}:${DEMO_CREDENTIALS.clientSecret}:secrets`
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const serviceUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

  const settings = { baseUrl: simulator.url, clientId: DEMO_CREDENTIALS.clientId, clientSecret: DEMO_CREDENTIALS.clientSecret, username: DEMO_CREDENTIALS.username, password: DEMO_CREDENTIALS.password }
  const cpfCnpj = (simulator.dataset as Json[]).find((cliente) => typeof cliente.cpf_cnpj === 'string' && /\d{3}\.\d{3}\.\d{3}-\d{2}/.test(cliente.cpf_cnpj))!.cpf_cnpj as string

  const fetchedBefore = simulator.dataRequestCount()
  const fromHubsoft = await hubsoftIntegration(settings, cpfCnpj)
  assert.equal(simulator.dataRequestCount(), fetchedBefore + 2)
  const fromService = await hubsoftIntegration({ ...settings, baseUrl: serviceUrl }, cpfCnpj)
  // The service answered from its snapshot: HubSoft was not asked again.
  assert.equal(simulator.dataRequestCount(), fetchedBefore + 2)

  assert.equal(fromHubsoft.all.status, 200)
  assert.equal(fromService.all.status, 200)
  assert.equal(fromService.all.body.clientes.length, simulator.dataset.length)
  assert.deepEqual(fromService.all.body, fromHubsoft.all.body)
  assert.equal(fromService.busca.status, 200)
  assert.ok(fromService.busca.body.clientes.length > 0, 'the busca finds the client')
  assert.deepEqual(fromService.busca.body, fromHubsoft.busca.body)
})
