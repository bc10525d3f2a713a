// Each route's documented error responses, written by an onRoute hook from the codes it can
// answer: every route's, those its `config.access` implies, its own `config.errorCodes`, and
// full_dump_busy when it is a `config.fullDump` list. A new catalogue entry is then documented
// wherever it applies, and the OpenAPI document cannot forget a route's refusal.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ERROR_CATALOGUE, ERROR_CODE_LIST } from '../../errors.js'
import type { ErrorCode, ErrorPlace } from '../../errors.js'
import { errorResponses } from '../schemas/errors.js'
import type { RequiredAccess } from './auth/auth.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Catalogue codes with place `route` this route can answer, for its documented responses
     * (error statuses declared as a plain ErrorEnvelope ref add that status's route codes).
     */
    errorCodes?: readonly ErrorCode[]
  }
}

/**
 * A route may declare an error status as a plain `Type.Ref(ErrorEnvelopeSchema)` instead of
 * listing codes: it then answers the catalogue's `route` codes of that status.
 */
function codesOfDeclaredStatuses (response: Readonly<Record<string, unknown>>): ErrorCode[] {
  const statuses = new Set(Object.entries(response)
    .filter(([, schema]) => (schema as { $ref?: unknown } | null)?.$ref === 'ErrorEnvelope')
    .map(([status]) => Number(status)))
  return ERROR_CODE_LIST.filter((code) => ERROR_CATALOGUE[code].place === 'route' && statuses.has(ERROR_CATALOGUE[code].status))
}

/** The error codes a route's documented responses list: every route's, its own (a keyless route may list a keyed one, e.g. rate_limited), and the key and scope ones its access implies. */
export function documentedCodes (own: readonly ErrorCode[], access: RequiredAccess | undefined): ErrorCode[] {
  const applies: Record<ErrorPlace, (code: ErrorCode) => boolean> = {
    every: () => true,
    keyed: (code) => access !== undefined || own.includes(code),
    scoped: () => access !== undefined && access !== 'any',
    route: (code) => own.includes(code),
    router: () => false
  }
  return ERROR_CODE_LIST.filter((code) => applies[ERROR_CATALOGUE[code].place](code))
}

async function errorDocsPlugin (app: FastifyInstance) {
  // Fastify adds a HEAD route beside each GET with the same schema object: documented once, or
  // the second pass would read the documented envelopes as declared ones and add every route
  // code of their statuses.
  const documented = new WeakSet<object>()
  app.addHook('onRoute', (route) => {
    const schema = route.schema
    if (schema === undefined || schema.hide === true || schema.response === undefined) return
    const declared = schema.response as Record<string, unknown>
    if (documented.has(declared)) return
    const fullDump: ErrorCode[] = route.config?.fullDump === true ? ['full_dump_busy'] : []
    const own = [...(route.config?.errorCodes ?? []), ...fullDump, ...codesOfDeclaredStatuses(declared)]
    // A status the route declares with a schema of its own (a health probe's 503, HubSoft's
    // OAuth error body) keeps it: that is the body the route sends.
    const ownBodies = Object.fromEntries(Object.entries(declared).filter(([, schema]) => (schema as { $ref?: unknown } | null)?.$ref !== 'ErrorEnvelope'))
    const response = { ...declared, ...errorResponses(documentedCodes(own, route.config?.access)), ...ownBodies }
    documented.add(response)
    schema.response = response
  })
}

export default fp(errorDocsPlugin, { name: 'error-docs' })
