// CORS for browser integrations on other origins (CORS_ORIGINS; SECURITY.md): the listed
// origins may call the data routes and /oauth/token from a page and read the answers, sending
// the headers those need. Unlisted origins get no CORS header, so the browser keeps the answer
// from the page. No cookies are involved (keys and tokens travel in headers), so credentialed
// CORS stays off. https://fetch.spec.whatwg.org/#http-cors-protocol
import cors from '@fastify/cors'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

export interface CorsOptions {
  readonly origins: readonly string[]
}

/** What a page may send: the credentials, a JSON or form token body, and the conditional-request validators. */
const ALLOWED_HEADERS = ['Authorization', 'X-API-Key', 'Content-Type', 'If-None-Match', 'If-Modified-Since']
/** What a page may read beyond the CORS-safelisted headers: the caching headers and Retry-After. */
const EXPOSED_HEADERS = ['ETag', 'Last-Modified', 'X-Snapshot-Age', 'X-Snapshot-Version', 'Retry-After', 'WWW-Authenticate']

async function corsPlugin (app: FastifyInstance, { origins }: CorsOptions) {
  if (origins.length === 0) return
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    // Browsers cap it (Chromium at 2 h); ten minutes spares a preflight per call.
    maxAge: 600
  })
}

export default fp(corsPlugin, { name: 'cors' })
