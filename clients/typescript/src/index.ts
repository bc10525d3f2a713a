// The typed client for hubsoft-bff: openapi-fetch over the types openapi-typescript generates
// from the service's openapi.yaml (src/openapi-types.ts, regenerated with `npm run openapi` at
// the repository's root). Every path, parameter and answer is typed from the document.
import createClient from 'openapi-fetch'
import type { Client, ClientOptions } from 'openapi-fetch'
import type { components, paths } from './openapi-types.js'

export type { components, operations, paths } from './openapi-types.js'

/** A client whose calls expect JSON answers (ask for text with `parseAs: 'text'`, as for /metrics). */
export type HubsoftBffClient = Client<paths, 'application/json'>

/** A customer as the data routes answer it (HubSoft's own field names). */
export type Cliente = components['schemas']['Cliente']
/** One of a customer's services. */
export type Servico = components['schemas']['Servico']
/** Every error answer: `code` is what a program branches on, `msg` is for people. */
export type ErrorEnvelope = components['schemas']['ErrorEnvelope']
export type ErrorCode = components['schemas']['ErrorCode']

/**
 * A client of the service at `baseUrl` (e.g. `https://bff.example.com`) sending `key` as a
 * bearer token on every request that does not carry its own Authorization header (a token from
 * POST /oauth/token, say). `options` are openapi-fetch's (a custom fetch, headers, …).
 */
export function createHubsoftBffClient (baseUrl: string, key: string, options: Omit<ClientOptions, 'baseUrl'> = {}): HubsoftBffClient {
  const client = createClient<paths, 'application/json'>({ ...options, baseUrl })
  client.use({
    onRequest ({ request }) {
      if (!request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${key}`)
      return request
    }
  })
  return client
}
