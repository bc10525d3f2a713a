// HubSoft HTTP client on undici: one token obtained and reused (renewed at expires_in or after
// 24 h, the vendor's advice), one renewal and one retry on a 401, explicit timeouts and a
// maximum body size (undici's defaults are 300 s and unlimited: one stuck or runaway answer
// would hold a refresh or the heap), and request counters by route and status. Bodies with `status:"error"` are failures whatever the HTTP
// status, because HubSoft answers many errors with HTTP 200.
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { Agent, errors as undiciErrors } from 'undici'
import type { Dispatcher } from 'undici'
import { UpstreamError } from './errors.js'

export interface HubsoftCredentials {
  readonly clientId: string
  readonly clientSecret: string
  readonly username: string
  readonly password: string
}

export interface HubsoftClientOptions {
  readonly baseUrl: string
  readonly credentials: HubsoftCredentials
  readonly timeoutMs: number
  readonly maxResponseBytes: number
  /** PEM of a private CA to trust (self-hosted installs). */
  readonly caPem?: string
  /** Accept any certificate; the caller warns loudly. */
  readonly tlsInsecure?: boolean
  readonly now?: () => number
}

export interface UpstreamCounters {
  /** `route → HTTP status (or failure reason) → count`. */
  readonly requests: Record<string, Record<string, number>>
  tokenRequests: number
  tokenRenewals: number
  /** Token requests HubSoft answered with a token. */
  tokensObtained: number
}

export interface JsonResponse {
  readonly body: Record<string, unknown>
  readonly bytes: number
  /** Bytes that were not UTF-8, each decoded as U+FFFD (see replacedCharacters). */
  readonly replacedCharacters: number
}

const REPLACEMENT_CHARACTER = '\uFFFD'
const REPLACEMENT_BYTES = Buffer.from(REPLACEMENT_CHARACTER)

/**
 * How many U+FFFD the UTF-8 decoder put in `text` for bytes that were not UTF-8: those in the
 * text less those already in the bytes. Decoding never fails (WHATWG Encoding, "replacement"
 * error mode), so this is the only trace of a HubSoft that sends Latin-1.
 */
export function replacedCharacters (text: string, bytes: Buffer): number {
  let inText = 0
  for (let at = text.indexOf(REPLACEMENT_CHARACTER); at !== -1; at = text.indexOf(REPLACEMENT_CHARACTER, at + 1)) inText++
  if (inText === 0) return 0
  let inBytes = 0
  for (let at = bytes.indexOf(REPLACEMENT_BYTES); at !== -1; at = bytes.indexOf(REPLACEMENT_BYTES, at + REPLACEMENT_BYTES.length)) inBytes++
  return inText - inBytes
}

const gunzipAsync = promisify(gunzip)
const TOKEN_ROUTE = 'oauth/token'
const TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000

interface RawResponse {
  readonly status: number
  readonly buffer: Buffer
}

interface Token {
  readonly value: string
  readonly expiresAt: number
}

export class HubsoftClient {
  readonly counters: UpstreamCounters = { requests: {}, tokenRequests: 0, tokenRenewals: 0, tokensObtained: 0 }
  /**
   * Data requests (every route but oauth/token) that may have reached HubSoft: counted as they
   * are sent, and taken back only when the failure proves no byte of the request got there
   * (see neverReachedHubsoft). The refresh floor counts attempts that moved this.
   */
  #dataRequestsSent = 0
  readonly #options: HubsoftClientOptions
  readonly #dispatcher: Dispatcher
  /** undici takes an origin; a base URL's path (an install behind /hubsoft) prefixes every path. */
  readonly #origin: string
  readonly #pathPrefix: string
  readonly #now: () => number
  #token: Token | null = null
  #tokenInFlight: Promise<Token> | null = null

  constructor (options: HubsoftClientOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    const base = new URL(options.baseUrl)
    this.#origin = base.origin
    this.#pathPrefix = base.pathname.replace(/\/+$/, '')
    this.#dispatcher = new Agent({
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      maxResponseSize: options.maxResponseBytes,
      connect: {
        ca: options.caPem,
        rejectUnauthorized: options.tlsInsecure !== true
      }
    })
  }

  /** GET a HubSoft JSON route with the bearer token; `route` is relative to /api/v1/integracao/. */
  async getJson (route: string, query: Record<string, string | number>, signal?: AbortSignal): Promise<JsonResponse> {
    const search = new URLSearchParams(Object.entries(query).map(([name, value]): [string, string] => [name, String(value)]))
    const path = `/api/v1/integracao/${route}?${search.toString()}`
    let token = await this.#currentToken(signal)
    let response = await this.#send(route, { method: 'GET', path, headers: this.#authHeaders(token), signal })
    if (response.status === 401) {
      // HubSoft revokes every token during its updates: one new token, one retry.
      token = await this.#renewToken(token, signal)
      response = await this.#send(route, { method: 'GET', path, headers: this.#authHeaders(token), signal })
      if (response.status === 401) {
        throw new UpstreamError('unauthorized', route, `HubSoft refused a freshly issued token on ${route} (HTTP 401)`, { httpStatus: 401 })
      }
    }
    return this.#parseJson(route, response)
  }

  get dataRequestsSent (): number {
    return this.#dataRequestsSent
  }

  async close (): Promise<void> {
    await this.#dispatcher.close()
  }

  #authHeaders (token: Token): Record<string, string> {
    // gzip shrinks HubSoft's JSON several times over on the wire; undici does not decode it itself.
    return { accept: 'application/json', 'accept-encoding': 'gzip', authorization: `Bearer ${token.value}` }
  }

  #count (route: string, outcome: string): void {
    const byOutcome = this.counters.requests[route] ??= {}
    byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1
  }

  /** Sends one request and reads its whole body; undici failures become UpstreamErrors. */
  async #send (route: string, request: Dispatcher.RequestOptions): Promise<RawResponse> {
    const data = route !== TOKEN_ROUTE
    if (data) this.#dataRequestsSent++
    try {
      const { statusCode, headers, body } = await this.#dispatcher.request({ ...request, origin: this.#origin, path: `${this.#pathPrefix}${request.path}` })
      const wire = Buffer.from(await body.arrayBuffer())
      const buffer = /^(x-)?gzip$/i.test(String(headers['content-encoding'] ?? '')) ? await this.#gunzip(route, wire) : wire
      this.#count(route, String(statusCode))
      return { status: statusCode, buffer }
    } catch (error) {
      const failure = toUpstreamError(route, error, this.#options.timeoutMs)
      if (data && neverReachedHubsoft(error)) this.#dataRequestsSent--
      this.#count(route, failure.reason)
      throw failure
    }
  }

  /** Decodes a gzip body, bounded by the maximum response size like an identity body. */
  async #gunzip (route: string, wire: Buffer): Promise<Buffer> {
    try {
      return await gunzipAsync(wire, { maxOutputLength: this.#options.maxResponseBytes })
    } catch (cause) {
      if ((cause as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new UpstreamError('too_large', route, `HubSoft's gzip answer on ${route} decodes past the maximum response size`, { cause })
      }
      throw new UpstreamError('invalid_json', route, `HubSoft's gzip answer on ${route} is corrupt or cut short (${wire.length} bytes)`, { cause })
    }
  }

  #parseJson (route: string, response: RawResponse): JsonResponse {
    const bytes = response.buffer.length
    let body: unknown
    const text = response.buffer.toString('utf8')
    try {
      body = JSON.parse(text)
    } catch (cause) {
      if (response.status < 200 || response.status >= 300) {
        throw new UpstreamError('http_status', route, `HubSoft answered HTTP ${response.status} on ${route}`, { httpStatus: response.status })
      }
      throw new UpstreamError('invalid_json', route, `HubSoft answered invalid JSON on ${route} (${bytes} bytes)`, { httpStatus: response.status, cause })
    }
    const envelope = (body !== null && typeof body === 'object' && !Array.isArray(body)) ? body as Record<string, unknown> : null
    if (response.status < 200 || response.status >= 300) {
      const hint = response.status === 403 && route === 'cliente/all' ? '; this tenant no longer serves cliente/all, use HUBSOFT_SOURCE=todos' : ''
      throw new UpstreamError('http_status', route, `HubSoft answered HTTP ${response.status} on ${route}${hint}`, { httpStatus: response.status, upstreamMsg: envelope?.msg })
    }
    if (envelope?.status === 'error') {
      throw new UpstreamError('error_body', route, `HubSoft answered status "error" on ${route} (HTTP ${response.status})`, { httpStatus: response.status, upstreamMsg: envelope.msg })
    }
    if (envelope === null) throw new UpstreamError('invalid_json', route, `HubSoft answered JSON that is not an object on ${route}`, { httpStatus: response.status })
    return { body: envelope, bytes, replacedCharacters: replacedCharacters(text, response.buffer) }
  }

  async #currentToken (signal?: AbortSignal): Promise<Token> {
    if (this.#token !== null && this.#token.expiresAt > this.#now()) return this.#token
    return await this.#requestToken(signal)
  }

  /** Renews after a 401, unless another caller already replaced the refused token. */
  async #renewToken (refused: Token, signal?: AbortSignal): Promise<Token> {
    if (this.#token !== null && this.#token !== refused) return this.#token
    this.#token = null
    this.counters.tokenRenewals++
    return await this.#requestToken(signal)
  }

  /** One token request at a time; concurrent callers share it. */
  async #requestToken (signal?: AbortSignal): Promise<Token> {
    this.#tokenInFlight ??= this.#fetchToken(signal).finally(() => { this.#tokenInFlight = null })
    return await this.#tokenInFlight
  }

  async #fetchToken (signal?: AbortSignal): Promise<Token> {
    const { credentials } = this.#options
    this.counters.tokenRequests++
    const startedAt = this.#now()
    const response = await this.#send(TOKEN_ROUTE, {
      method: 'POST',
      path: '/oauth/token',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        username: credentials.username,
        password: credentials.password
      }),
      signal
    })
    if (response.status === 401) {
      throw new UpstreamError('invalid_credentials', TOKEN_ROUTE, 'HubSoft rejected the credentials (HTTP 401 on oauth/token); check HUBSOFT_CLIENT_ID, HUBSOFT_CLIENT_SECRET, HUBSOFT_USERNAME and HUBSOFT_PASSWORD', { httpStatus: 401 })
    }
    const { body } = this.#parseJson(TOKEN_ROUTE, response)
    const accessToken = body.access_token
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new UpstreamError('invalid_json', TOKEN_ROUTE, 'HubSoft answered oauth/token without an access_token', { httpStatus: response.status })
    }
    const expiresInMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : TOKEN_MAX_AGE_MS
    this.#token = { value: accessToken, expiresAt: startedAt + Math.min(expiresInMs, TOKEN_MAX_AGE_MS) }
    this.counters.tokensObtained++
    return this.#token
  }
}

/** Name resolution and connection failures: nothing was connected to, so nothing was sent. */
const BEFORE_CONNECTION_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT'])
/**
 * OpenSSL's certificate verification failures (https://docs.openssl.org/3.0/man1/openssl-verify/,
 * as Node reports them in `code`): the handshake stopped before the HTTP request was written.
 */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_CHAIN_TOO_LONG', 'INVALID_CA', 'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_HANDSHAKE_TIMEOUT', 'ERR_TLS_DH_PARAM_SIZE'
])
/** OpenSSL's handshake alerts (`https` to a plain-HTTP port is WRONG_VERSION_NUMBER); record errors later on are not among them. */
const HANDSHAKE_SSL_CODE = /^ERR_SSL_.*(HANDSHAKE|VERSION|PROTOCOL|UNKNOWN_CA|CERTIFICATE)/

/**
 * True only when the failure proves that no byte of the HTTP request reached HubSoft: DNS failed,
 * the connection was refused or never established, or the TLS handshake failed. Anything else (a
 * reset, a timeout, an answer) may have reached it, and counts: being unsure never allows a fetch.
 */
export function neverReachedHubsoft (error: unknown): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 3; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code !== 'string') continue
    if (BEFORE_CONNECTION_CODES.has(code) || CERTIFICATE_CODES.has(code) || HANDSHAKE_SSL_CODE.test(code)) return true
  }
  return false
}

function toUpstreamError (route: string, error: unknown, timeoutMs: number): UpstreamError {
  if (error instanceof UpstreamError) return error
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new UpstreamError('timeout', route, `HubSoft did not answer ${route} within ${timeoutMs} ms`, { cause: error })
  }
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new UpstreamError('too_large', route, `HubSoft's answer on ${route} exceeded the maximum response size`, { cause: error })
  }
  if (error instanceof Error && (error.name === 'AbortError' || error instanceof undiciErrors.RequestAbortedError)) {
    return new UpstreamError('aborted', route, `request to ${route} was aborted`, { cause: error })
  }
  const code = (error as { code?: unknown } | null)?.code
  return new UpstreamError('network', route, `could not reach HubSoft for ${route}${typeof code === 'string' ? ` (${code})` : ''}`, { cause: error })
}
