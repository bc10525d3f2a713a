// Who a caller is: API keys held as SHA-256 digests and compared in constant time against every
// configured key, and the short-lived bearer tokens POST /oauth/token issues for them (RFC 6749
// §4.3 password grant, §6 refresh). Tokens are random, held only as digests, in memory only: a
// restart revokes every token, as HubSoft's own updates do; new keys (SIGHUP re-reads
// API_KEYS_FILE) revoke the tokens of every key removed or changed.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { digestApiKey } from '../../../config.js'
import type { ApiKeyConfig, Scope } from '../../../config.js'

export interface AuthenticatedKey {
  readonly name: string
  readonly scopes: readonly Scope[]
}

/** The body HubSoft's /oauth/token answers, which integrations already parse. */
export interface IssuedToken {
  readonly token_type: 'Bearer'
  readonly expires_in: number
  readonly access_token: string
  readonly refresh_token: string
}

interface Grant {
  readonly key: AuthenticatedKey
  readonly expiresAt: number
}

export interface CredentialsOptions {
  readonly keys: readonly ApiKeyConfig[]
  readonly accessTokenTtlMs: number
  readonly now: () => number
  /** Tokens held at once; the oldest is forgotten first (its holder asks for a new one). */
  readonly maxTokens?: number
  /** Distinct presented secrets whose verdict is remembered; the least recent is forgotten first. */
  readonly maxRememberedSecrets?: number
}

/** Prefixes let log scanners and secret scanners recognise our tokens. */
const ACCESS_TOKEN_PREFIX = 'hbat_'
const REFRESH_TOKEN_PREFIX = 'hbrt_'
/** A refresh token outlives its access token, as HubSoft's (Laravel Passport) do. */
const REFRESH_TTL_FACTOR = 24

function tokenDigest (token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

function newToken (prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** HTTP Basic credentials (RFC 7617 §2), given the token after `Basic `; null when not base64 of UTF-8 `user-id:password`. */
function decodeBasic (token: string): { readonly userId: string, readonly password: string } | null {
  if (!BASE64.test(token)) return null
  let decoded: string
  try {
    decoded = utf8.decode(Buffer.from(token, 'base64'))
  } catch {
    return null
  }
  const colon = decoded.indexOf(':')
  if (colon === -1) return null
  return { userId: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/**
 * The API key in HTTP Basic credentials (RFC 7617 §2), given the token after `Basic `: the
 * password, or the user-id when the password is empty (so `curl -u KEY:` works); the user-id
 * is otherwise ignored. '' when nothing is there; null when the token is not base64 of
 * UTF-8 `user-id:password`.
 */
export function keyFromBasic (token: string): string | null {
  if (token === '') return ''
  const basic = decodeBasic(token)
  if (basic === null) return null
  return basic.password !== '' ? basic.password : basic.userId
}

/** A form-urlencoded value decoded; as sent when it is not validly encoded. */
function formDecoded (value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return value
  }
}

/**
 * OAuth client credentials in an `Authorization: Basic` header (client_secret_basic, RFC 6749
 * §2.3.1: client_id and client_secret form-urlencoded, then joined by a colon); null without
 * a Basic header or when it cannot be read.
 */
export function clientFromBasic (authorization: string | undefined): { readonly clientId: string, readonly clientSecret: string } | null {
  const match = /^basic\s+(\S+)\s*$/i.exec(authorization?.trim() ?? '')
  const basic = match === null ? null : decodeBasic(match[1]!)
  if (basic === null) return null
  return { clientId: formDecoded(basic.userId), clientSecret: formDecoded(basic.password) }
}

export class Credentials {
  #keys: readonly ApiKeyConfig[]
  readonly #accessTokens: LRUCache<string, Grant>
  readonly #refreshTokens: LRUCache<string, Grant>
  /**
   * The verdict on each recently presented secret: an integration sends the same key on every
   * request, and its SHA-256 plus the comparisons cost more than the rest of a lookup's auth.
   * Keys change only through replaceKeys, which forgets every verdict; wrong guesses are
   * remembered too (bounded), so repeating one costs nothing either.
   */
  readonly #verdicts: LRUCache<string, { readonly key: AuthenticatedKey | null }>
  readonly #accessTokenTtlMs: number
  readonly #now: () => number

  constructor (options: CredentialsOptions) {
    this.#keys = options.keys
    this.#accessTokenTtlMs = options.accessTokenTtlMs
    this.#now = options.now
    const max = options.maxTokens ?? 10_000
    this.#accessTokens = new LRUCache({ max })
    this.#refreshTokens = new LRUCache({ max })
    this.#verdicts = new LRUCache({ max: options.maxRememberedSecrets ?? 1000 })
  }

  /** The key whose secret this is: remembered, or judged against every configured digest. */
  identifyKey (secret: string): AuthenticatedKey | null {
    const remembered = this.#verdicts.get(secret)
    if (remembered !== undefined) return remembered.key
    const key = this.#judge(secret)
    this.#verdicts.set(secret, { key })
    return key
  }

  /** Every configured digest is compared in constant time, whatever matches. */
  #judge (secret: string): AuthenticatedKey | null {
    const presented = digestApiKey(secret)
    let found: ApiKeyConfig | null = null
    for (const candidate of this.#keys) {
      if (timingSafeEqual(candidate.digest, presented)) found = candidate
    }
    return found === null ? null : { name: found.name, scopes: found.scopes }
  }

  /** OAuth client authentication: client_id is the key's name, client_secret the key. */
  identifyClient (clientId: string, clientSecret: string): AuthenticatedKey | null {
    const key = this.identifyKey(clientSecret)
    return key !== null && key.name === clientId ? key : null
  }

  /** A presented bearer: one of our live access tokens, else an API key. */
  authenticate (presented: string): AuthenticatedKey | null {
    if (presented.startsWith(ACCESS_TOKEN_PREFIX)) {
      const grant = this.#live(this.#accessTokens, presented)
      if (grant !== null) return grant.key
    }
    return this.identifyKey(presented)
  }

  /**
   * Serves `keys` from now on. A key that is gone, or whose secret or scopes changed, loses its
   * tokens at once: rotating a key must not leave its old holders an hour of access.
   */
  replaceKeys (keys: readonly ApiKeyConfig[]): { readonly revokedKeys: readonly string[] } {
    const kept = (old: ApiKeyConfig) => keys.some((key) => key.name === old.name && key.digest.equals(old.digest) && key.scopes.join('+') === old.scopes.join('+'))
    const revoked = new Set(this.#keys.filter((old) => !kept(old)).map((old) => old.name))
    this.#keys = keys
    // A remembered verdict names the old keys: a removed key would keep working, a new one stay refused.
    this.#verdicts.clear()
    for (const tokens of [this.#accessTokens, this.#refreshTokens]) {
      for (const [digest, grant] of tokens.entries()) if (revoked.has(grant.key.name)) tokens.delete(digest)
    }
    return { revokedKeys: [...revoked].sort() }
  }

  issue (key: AuthenticatedKey): IssuedToken {
    const accessToken = newToken(ACCESS_TOKEN_PREFIX)
    const refreshToken = newToken(REFRESH_TOKEN_PREFIX)
    const now = this.#now()
    this.#accessTokens.set(tokenDigest(accessToken), { key, expiresAt: now + this.#accessTokenTtlMs })
    this.#refreshTokens.set(tokenDigest(refreshToken), { key, expiresAt: now + this.#accessTokenTtlMs * REFRESH_TTL_FACTOR })
    return { token_type: 'Bearer', expires_in: Math.floor(this.#accessTokenTtlMs / 1000), access_token: accessToken, refresh_token: refreshToken }
  }

  /** A refresh token is good once, and only for the (authenticated) client it was issued to. */
  refresh (refreshToken: string, client: AuthenticatedKey): IssuedToken | null {
    const grant = this.#live(this.#refreshTokens, refreshToken)
    if (grant === null || grant.key.name !== client.name) return null
    this.#refreshTokens.delete(tokenDigest(refreshToken))
    return this.issue(grant.key)
  }

  #live (tokens: LRUCache<string, Grant>, token: string): Grant | null {
    const digest = tokenDigest(token)
    const grant = tokens.get(digest)
    if (grant === undefined) return null
    if (grant.expiresAt <= this.#now()) {
      tokens.delete(digest)
      return null
    }
    return grant
  }
}
