// API-key access (SPEC §4): `Authorization: Bearer <key>` or `X-API-Key: <key>`. Keys are held
// as SHA-256 digests and compared in constant time against every configured key, so neither
// timing nor an early exit tells a caller how close a guess was. Routes declare the scope they
// need in `config.scope`.
import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ApiKeyConfig, Scope } from '../../config.js'
import { ForbiddenError, UnauthorizedError } from '../../errors.js'

/** `data`: read or secrets; `any`: any valid key; `admin`: the admin scope. */
export type RequiredAccess = 'data' | 'any' | 'admin'

export interface AuthenticatedKey {
  readonly name: string
  readonly scopes: readonly Scope[]
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RequiredAccess
  }
  interface FastifyRequest {
    apiKey: AuthenticatedKey | null
  }
}

interface StoredKey extends AuthenticatedKey {
  readonly digest: Buffer
}

function digest (key: string): Buffer {
  return createHash('sha256').update(key).digest()
}

function presentedKey (request: FastifyRequest): string | null {
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

async function authPlugin (app: FastifyInstance, options: { keys: readonly ApiKeyConfig[] }) {
  const stored: StoredKey[] = options.keys.map(({ name, key, scopes }) => ({ name, scopes, digest: digest(key) }))

  function identify (key: string): StoredKey | null {
    const presented = digest(key)
    let found: StoredKey | null = null
    for (const candidate of stored) {
      if (timingSafeEqual(candidate.digest, presented)) found = candidate
    }
    return found
  }

  app.decorateRequest('apiKey', null)
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access
    if (access === undefined) return
    const key = presentedKey(request)
    if (key === null || key === '') throw new UnauthorizedError('An API key is required: send Authorization: Bearer <key> or X-API-Key: <key>')
    const found = identify(key)
    if (found === null) throw new UnauthorizedError('The API key is not valid')
    if (!allows(found, access)) throw new ForbiddenError(`The key '${found.name}' lacks the scope this route needs (${access === 'admin' ? 'admin' : 'read or secrets'})`)
    request.apiKey = { name: found.name, scopes: found.scopes }
  })
}

export default fp(authPlugin, { name: 'auth' })
