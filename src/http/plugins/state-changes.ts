// What a request that changes state (any method but GET, HEAD and OPTIONS) must show, so a page
// on another site cannot make a signed-in browser change anything (cross-site request forgery,
// OWASP's CSRF Prevention Cheat Sheet): a body only of a content type its route documents (an
// HTML form's `text/plain` or `multipart/form-data` otherwise gets through without a CORS
// preflight), and on a route that needs a key, a request from this origin (Fetch Metadata's
// `Sec-Fetch-Site`, else `Origin`, RFC 6454) with a credential the browser does not replay by
// itself (HTTP Basic is resent on every request to the origin: Bearer and X-API-Key are not).
// The token route needs no key: its credential is in the body, which no other site can read.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ForbiddenError, UnsupportedMediaTypeError } from '../../errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** Fetch Metadata values a browser sends for a request this origin's own pages (or the user) made. */
const OWN_SITES = new Set(['same-origin', 'none'])

/** The media types a route reads: its schema's `consumes`, JSON for a body schema, none without a body. */
function documentedTypes (request: FastifyRequest): readonly string[] {
  const schema = request.routeOptions.schema as { consumes?: readonly string[], body?: unknown } | undefined
  if (schema?.consumes !== undefined) return schema.consumes
  return schema?.body === undefined ? [] : ['application/json']
}

function hasBody (request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/** The refusal of a request that may come from another site, or null for one from this origin. */
function crossSiteProblem (request: FastifyRequest): string | null {
  const site = request.headers['sec-fetch-site']
  if (typeof site === 'string') return OWN_SITES.has(site) ? null : `Sec-Fetch-Site: ${site.slice(0, 20)}`
  const origin = request.headers.origin
  if (origin === undefined) return null
  try {
    return new URL(origin).host === request.host ? null : 'an Origin other than this service'
  } catch {
    return 'an opaque Origin'
  }
}

/** Why a state-changing request is refused (415 or 403), or null when it may go on. */
function changeRefusal (request: FastifyRequest): Error | null {
  if (hasBody(request)) {
    const type = (request.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase()
    const documented = documentedTypes(request)
    if (!documented.includes(type)) {
      return new UnsupportedMediaTypeError(documented.length === 0 ? 'This route reads no request body' : `This route reads a body of ${documented.join(' or ')} only`)
    }
  }
  if (request.routeOptions.config.access === undefined) return null
  const crossSite = crossSiteProblem(request)
  if (crossSite !== null) return new ForbiddenError(`A change is refused from another site (${crossSite})`)
  if (request.credentialReplayable) {
    return new ForbiddenError('HTTP Basic, which a browser resends by itself, never authorises a change: send Authorization: Bearer <key or token> or X-API-Key')
  }
  return null
}

async function stateChangesPlugin (app: FastifyInstance) {
  // preParsing: after auth has named the caller and before any body is read. A callback hook:
  // on GET (every lookup) it has nothing to do.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    done(SAFE_METHODS.has(request.method) ? null : changeRefusal(request), payload)
  })
}

export default fp(stateChangesPlugin, { name: 'state-changes', dependencies: ['auth'] })
