// API-key access (the README's "Routes"): `Authorization: Bearer <key or token>`,
// `X-API-Key: <key>`, or for a browser (the /status page) HTTP Basic with the key as the
// password (RFC 7617).
// Who the caller is gets settled in onRequest, so the per-key rate limit (a route-level onRequest
// hook, run after this one) can count failed guesses per IP too; whether the route lets them in
// is enforced in preParsing, before any body is read. Routes declare what they need in
// `config.access`.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ApiKeyConfig } from '../../../config.js'
import { ForbiddenError, UnauthorizedError } from '../../../errors.js'
import { Credentials, keyFromBasic } from './credentials.js'
import { prefersHtml } from '../../status/html.js'
import type { AuthenticatedKey } from './credentials.js'

export type { AuthenticatedKey } from './credentials.js'

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
    /**
     * True when the credential came as HTTP Basic, which a browser replays on its own to any
     * request to this origin, a cross-site form's included: it never authorises a change.
     */
    credentialReplayable: boolean
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

/** What the request presents: a secret (key or token), nothing, or Basic credentials that cannot be read. */
type Presented = { readonly secret: string, readonly replayable?: true } | { readonly problem: 'missing' | 'invalid' }

function presentedCredential (request: FastifyRequest): Presented {
  const authorization = request.headers.authorization
  if (typeof authorization === 'string') {
    const trimmed = authorization.trim()
    const space = trimmed.search(/\s/)
    const scheme = space === -1 ? trimmed : trimmed.slice(0, space)
    const token = space === -1 ? '' : trimmed.slice(space + 1).trim()
    if (/^bearer$/i.test(scheme)) return secretOrMissing(token)
    if (/^basic$/i.test(scheme)) {
      const key = keyFromBasic(token)
      if (key === null) return { problem: 'invalid' }
      const presented = secretOrMissing(key.trim())
      return 'secret' in presented ? { secret: presented.secret, replayable: true } : presented
    }
  }
  const apiKey = request.headers['x-api-key']
  return secretOrMissing(typeof apiKey === 'string' ? apiKey.trim() : '')
}

function secretOrMissing (secret: string): Presented {
  return secret === '' ? { problem: 'missing' } : { secret }
}

const REALM = 'hubsoft-bff'

/**
 * RFC 9110 §11.6.1: a 401 says how to authenticate. A request that prefers HTML comes from a
 * browser, which can only answer a Basic challenge (it then prompts for the key).
 */
function authenticateChallenges (request: FastifyRequest): string | string[] {
  const bearer = `Bearer realm="${REALM}"`
  // Two header lines rather than one list: browsers parse one challenge per line reliably.
  return prefersHtml(request.headers.accept) ? [bearer, `Basic realm="${REALM}", charset="UTF-8"`] : bearer
}

export function canSeeSecrets (request: FastifyRequest): boolean {
  return request.apiKey?.scopes.includes('secrets') ?? false
}

function allows (key: AuthenticatedKey, access: RequiredAccess): boolean {
  if (access === 'any') return true
  if (access === 'admin') return key.scopes.includes('admin')
  return key.scopes.includes('read') || key.scopes.includes('secrets')
}

/** Why the route does not let this caller in (401 or 403), or null when it does. */
function refusalOf (request: FastifyRequest): Error | null {
  const access = request.routeOptions.config.access
  if (access === undefined) return null
  const key = request.apiKey
  if (key === null) {
    if (request.credentialProblem === 'missing') return new UnauthorizedError('An API key is required: send Authorization: Bearer <key or token>, X-API-Key: <key>, or (a browser) Basic with the key as the password')
    return new UnauthorizedError('The API key or token is not valid (tokens expire; ask /oauth/token for a new one)')
  }
  return allows(key, access) ? null : new ForbiddenError(`The key '${key.name}' lacks the scope this route needs (${access === 'admin' ? 'admin' : 'read or secrets'})`)
}

async function authPlugin (app: FastifyInstance, options: AuthPluginOptions) {
  const credentials = new Credentials(options)
  app.decorate('credentials', credentials)
  app.decorateRequest('apiKey', null)
  app.decorateRequest('credentialProblem', null)
  app.decorateRequest('credentialReplayable', false)

  // Callback hooks, as every hook on the lookup path: nothing here waits, and an async hook
  // costs a promise and a microtask per request.
  app.addHook('onRequest', (request, _reply, done) => {
    identify(request)
    done()
  })

  app.addHook('preParsing', (request, reply, payload, done) => {
    const refusal = refusalOf(request)
    if (refusal instanceof UnauthorizedError) reply.header('www-authenticate', authenticateChallenges(request))
    done(refusal, payload)
  })

  function identify (request: FastifyRequest): void {
    if (request.routeOptions.config.access === undefined) return
    const presented = presentedCredential(request)
    if ('problem' in presented) {
      request.credentialProblem = presented.problem
      return
    }
    request.credentialReplayable = presented.replayable === true
    request.apiKey = credentials.authenticate(presented.secret)
    if (request.apiKey === null) request.credentialProblem = 'invalid'
  }
}

export default fp(authPlugin, { name: 'auth' })
