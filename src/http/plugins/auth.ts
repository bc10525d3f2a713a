// API-key access (SPEC §4): `Authorization: Bearer <key or token>` or `X-API-Key: <key>`.
// Who the caller is gets settled in onRequest, so the per-key rate limit (a route-level onRequest
// hook, run after this one) can count failed guesses per IP too; whether the route lets them in
// is enforced in preParsing, before any body is read. Routes declare what they need in
// `config.access`.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ApiKeyConfig } from '../../config.js'
import { ForbiddenError, UnauthorizedError } from '../../errors.js'
import { Credentials } from '../credentials.js'
import type { AuthenticatedKey } from '../credentials.js'

export type { AuthenticatedKey } from '../credentials.js'

/** `data`: read or secrets; `any`: any valid key; `admin`: the admin scope. */
export type RequiredAccess = 'data' | 'any' | 'admin'

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RequiredAccess
  }
  interface FastifyRequest {
    /** The caller's key, once its key or token checked out. */
    apiKey: AuthenticatedKey | null
    /** Why apiKey is null: nothing presented, or something that is not a key or live token. */
    credentialProblem: 'missing' | 'invalid' | null
  }
  interface FastifyInstance {
    credentials: Credentials
  }
}

export interface AuthPluginOptions {
  readonly keys: readonly ApiKeyConfig[]
  readonly accessTokenTtlMs: number
  readonly now: () => number
}

function presentedCredential (request: FastifyRequest): string | null {
  const authorization = request.headers.authorization
  if (typeof authorization === 'string' && /^bearer /i.test(authorization)) return authorization.slice(7).trim()
  const apiKey = request.headers['x-api-key']
  return typeof apiKey === 'string' ? apiKey.trim() : null
}

export function canSeeSecrets (request: FastifyRequest): boolean {
  return request.apiKey?.scopes.includes('secrets') ?? false
}

function allows (key: AuthenticatedKey, access: RequiredAccess): boolean {
  if (access === 'any') return true
  if (access === 'admin') return key.scopes.includes('admin')
  return key.scopes.includes('read') || key.scopes.includes('secrets')
}

async function authPlugin (app: FastifyInstance, options: AuthPluginOptions) {
  const credentials = new Credentials(options)
  app.decorate('credentials', credentials)
  app.decorateRequest('apiKey', null)
  app.decorateRequest('credentialProblem', null)

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.access === undefined) return
    const presented = presentedCredential(request)
    if (presented === null || presented === '') {
      request.credentialProblem = 'missing'
      return
    }
    request.apiKey = credentials.authenticate(presented)
    if (request.apiKey === null) request.credentialProblem = 'invalid'
  })

  app.addHook('preParsing', async (request) => {
    const access = request.routeOptions.config.access
    if (access === undefined) return
    const key = request.apiKey
    if (key === null) {
      if (request.credentialProblem === 'missing') throw new UnauthorizedError('An API key is required: send Authorization: Bearer <key or token> or X-API-Key: <key>')
      throw new UnauthorizedError('The API key or token is not valid (tokens expire; ask /oauth/token for a new one)')
    }
    if (!allows(key, access)) throw new ForbiddenError(`The key '${key.name}' lacks the scope this route needs (${access === 'admin' ? 'admin' : 'read or secrets'})`)
  })
}

export default fp(authPlugin, { name: 'auth' })
