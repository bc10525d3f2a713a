// The OpenAPI 3.1 document, generated from the route schemas by @fastify/swagger and served as
// /openapi.json and /openapi.yaml, with Swagger UI at /docs; `npm run openapi` writes the
// committed openapi.yaml. Two plugins: the collector, registered before every route so it sees
// them all, and the document's routes, registered after the rate limit so those anonymous
// routes are limited per address like any keyless caller. The document is the same for the
// process's life: it is rendered once, at the first request (YAML costs ~13 ms of CPU).
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { stringify } from 'yaml'
import { HTML_CONTENT_SECURITY_HEADERS } from '../status/html.js'

const OPENAPI_INFO = {
  title: 'hubsoft-bff',
  description: "A caching proxy in front of HubSoft's customer list. HubSoft warns that its full customer route can stop the ERP when called often, so this service fetches the list a few times a day and answers every request from an in-memory snapshot: the vendor's cliente/all contract, filtered sub-routes, the paginated cliente/todos and the cliente?busca lookup. Field names are HubSoft's own (Portuguese).",
  version: '0.1.0',
  license: { name: 'MIT', identifier: 'MIT' }
}

/** The ways a keyed route accepts an API key (plugins/auth/auth.ts): bearer, X-API-Key, or HTTP Basic's password. */
export const KEYED_SECURITY: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyHeader: [] }, { basicAuth: [] }]

/** The document as YAML without anchors and aliases, which some client generators mishandle. */
export function openapiYaml (app: FastifyInstance): string {
  return stringify(app.swagger(), { aliasDuplicateObjects: false })
}

async function docsPlugin (app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      servers: [{ url: '/', description: 'This service' }],
      tags: [
        { name: 'clientes', description: 'Customer data, answered from the snapshot' },
        { name: 'operations', description: 'Health, status and documentation' }
      ],
      security: KEYED_SECURITY,
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from API_KEYS as a bearer token.' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key from API_KEYS.' },
          basicAuth: { type: 'http', scheme: 'basic', description: 'For browsers (the /status page): any user name and an API key from API_KEYS as the password (`curl -u KEY:` works too). RFC 7617.' }
        }
      }
    },
    refResolver: {
      buildLocalReference (json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`
      }
    }
  })
}

/**
 * Swagger UI's own policy (it lists the hashes of its inline script and style), never framed by
 * another site, and with nothing loaded from elsewhere (its default asks validator.swagger.io).
 */
function swaggerUiPolicy (policy: string): string {
  return policy.replace("frame-ancestors 'self'", "frame-ancestors 'none'").replace(' validator.swagger.io', '').replace(' upgrade-insecure-requests;', '')
}

async function documentRoutes (app: FastifyInstance) {
  // People try routes in the browser; the UI's own routes stay out of the document.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, validatorUrl: null },
    staticCSP: true,
    transformStaticCSP: swaggerUiPolicy,
    uiHooks: {
      onRequest: (_request, reply, done) => {
        reply.header('x-content-type-options', HTML_CONTENT_SECURITY_HEADERS['x-content-type-options'])
        reply.header('x-frame-options', HTML_CONTENT_SECURITY_HEADERS['x-frame-options'])
        done()
      }
    }
  })

  // The document itself, for client generators, rendered once.
  let json: string | null = null
  let yaml: string | null = null
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    json ??= JSON.stringify(app.swagger())
    return await reply.type('application/json; charset=utf-8').send(json)
  })
  app.get('/openapi.yaml', { schema: { hide: true } }, async (_request, reply) => {
    yaml ??= openapiYaml(app)
    return await reply.type('application/yaml').send(yaml)
  })
}

export default fp(docsPlugin, { name: 'docs' })
export const documentRoutesPlugin = fp(documentRoutes, { name: 'document-routes', dependencies: ['docs', 'limits'] })
