// The service's logger: structured pino lines that never carry a secret or a customer's
// personal data (LGPD). Credentials are redacted by path; URLs, the one place callers put
// CPF/CNPJ, phones and logins, are masked before they are logged (`106.***.***-81`). The one
// line per request is built from safe fields only and skips the redaction; stdout is written
// asynchronously.
import { pino } from 'pino'
import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions, DestinationStream, Logger } from 'pino'
import { isAsciiDigit, looksPersonal, maskValue } from './personal-data.js'

export { maskValue }

/** Paths pino blanks in every line: credentials in headers, tokens, passwords, keys. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.authorization',
  '*.password',
  '*.clientSecret',
  '*.client_secret',
  '*.access_token',
  '*.accessToken',
  '*.refresh_token',
  '*.token',
  '*.key',
  '*.senha',
  '*.senhas'
]

/** Query parameters whose values are personal data whatever they look like (names, logins): masked. */
const PERSONAL_PARAMETERS = new Set(['termo_busca', 'cpf_cnpj', 'cpf', 'cnpj', 'telefone', 'login', 'login_radius', 'email', 'nome', 'ipv4', 'mac'])
/** Query parameters whose values are credentials: dropped. */
const SECRET_PARAMETER = /token|secret|passw|senha|key|auth/i
/** Path segments after one of these are personal data. */
const PERSONAL_SEGMENTS = new Set(['cpf_cnpj'])
/**
 * The net over the whole logged text: CPF/CNPJ written with punctuation (the CNPJ alphanumeric
 * too, as the Receita Federal issues them from July 2026), e-mail addresses and any long run of
 * digits (documents, phones).
 */
const PERSONAL_TEXT = /\d{3}\.\d{3}\.\d{3}-\d{2}|[\dA-Z]{2}\.[\dA-Z]{3}\.[\dA-Z]{3}\/[\dA-Z]{4}-\d{2}|[^\s/?&=@]+@[^\s/?&=@]+\.[^\s/?&=@]+|\d{10,}/gi
/** A logged URL is clipped: a long one is abuse, and its tail tells nothing more. */
const MAX_LOGGED_URL = 512

/**
 * A URL component as the router reads it: every valid percent-escape decoded, so
 * `266%2E181%2E148%2D61` is judged as `266.181.148-61`; a broken escape (or one cut by the
 * clip) stays as it is without keeping the rest encoded.
 */
function decoded (value: string): string {
  if (!value.includes('%') && !value.includes('+')) return value
  return value.replaceAll('+', ' ').replace(/(?:%[\dA-Fa-f]{2})+/g, (escapes) => {
    try {
      return decodeURIComponent(escapes)
    } catch {
      return escapes
    }
  })
}

function maskQueryPair (pair: string): string {
  const equals = pair.indexOf('=')
  if (equals < 0) return looksPersonal(decoded(pair)) ? maskValue(decoded(pair)) : pair
  const name = decoded(pair.slice(0, equals)).trim().toLowerCase()
  const value = decoded(pair.slice(equals + 1))
  if (SECRET_PARAMETER.test(name)) return `${pair.slice(0, equals)}=[redacted]`
  if (PERSONAL_PARAMETERS.has(name) || looksPersonal(value)) return `${pair.slice(0, equals)}=${maskValue(value)}`
  return pair
}

/**
 * A request URL fit for a log line: judged after percent-decoding, personal values masked (by
 * parameter or segment name, or by their shape under any name), credentials dropped, clipped.
 */
export function maskUrl (url: string): string {
  const clipped = url.length > MAX_LOGGED_URL ? `${url.slice(0, MAX_LOGGED_URL)}…` : url
  const question = clipped.indexOf('?')
  const path = question < 0 ? clipped : clipped.slice(0, question)
  const query = question < 0 ? null : clipped.slice(question + 1)
  const rawSegments = path.split('/')
  const segments = rawSegments.map(decoded)
  const maskedPath = rawSegments.map((segment, i) => {
    const value = segments[i]!
    return (i > 0 && PERSONAL_SEGMENTS.has(segments[i - 1]!.toLowerCase())) || looksPersonal(value) ? maskValue(value) : segment
  }).join('/')
  const maskedQuery = query === null ? '' : `?${query.split('&').map(maskQueryPair).join('&')}`
  const masked = `${maskedPath}${maskedQuery}`
  // The net under the rules above: a document, phone or e-mail inside any other value is masked
  // too, judged decoded so an escaped one cannot slip through.
  const plain = decoded(masked)
  if (!mayHoldPersonalText(plain)) return masked
  const netted = plain.replace(PERSONAL_TEXT, maskValue)
  return netted === plain ? masked : netted
}

/**
 * Whether PERSONAL_TEXT can match at all: each of its shapes needs an @, a `.` with a `-`, or
 * ten digits in a row. Most URLs, once masked, have none of them, and skip the expression.
 */
function mayHoldPersonalText (text: string): boolean {
  if (text.includes('@') || (text.includes('.') && text.includes('-'))) return true
  let run = 0
  for (let i = 0; i < text.length; i++) {
    run = isAsciiDigit(text.charCodeAt(i)) ? run + 1 : 0
    if (run >= 10) return true
  }
  return false
}

export interface LoggedRequest {
  method: string
  url: string
  ip?: string
  host?: string
  socket?: { remotePort?: number }
}

/** Fastify's request serializer, with the URL masked and nothing else added. */
export function serializeRequest (request: LoggedRequest): { method: string, url: string, host?: string, remoteAddress?: string, remotePort?: number } {
  return {
    method: request.method,
    url: maskUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort
  }
}

export interface LoggerOptions {
  readonly level: string
  /** Where lines go (default stdout, asynchronously); tests capture them. */
  readonly destination?: DestinationStream
}

/**
 * Log bytes waiting for stdout at most. Lines are written asynchronously, batched while a
 * write is in flight, so a request never waits on the pipe; if stdout stalls, lines past this
 * are dropped rather than held in memory. pino flushes what is buffered when the process exits.
 */
const LOG_BUFFER_BYTES = 16 * 1024 * 1024
/**
 * The size of one write to stdout, and so of the string a line is appended to while a write is
 * in flight. sonic-boom measures that string's UTF-8 length on every line, which flattens it:
 * at its default 16 KiB a lookup's request line cost ~12 µs to build and write, at 2 KiB ~9 µs
 * (timed in a loop of 300 000), for ~4 lines per write.
 */
const LOG_WRITE_BYTES = 2 * 1024

export function buildLogger ({ level, destination }: LoggerOptions): Logger {
  return pino({
    level,
    redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest, err: pino.stdSerializers.err }
  }, destination ?? pino.destination({ dest: 1, sync: false, maxLength: LOG_BUFFER_BYTES, maxWrite: LOG_WRITE_BYTES }))
}

/** Whether `logger` writes info lines now (its level may be changed while the service runs). */
export function logsInfo (logger: FastifyBaseLogger): boolean {
  return logsAt(logger, 'info')
}

function logsAt (logger: FastifyBaseLogger, level: LevelName): boolean {
  return (pino.levels.values[logger.level] ?? Number.POSITIVE_INFINITY) <= pino.levels.values[level]!
}

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

/**
 * A request's logger (Fastify's `request.log`) whose pino child, bound to the request's id, is
 * made the first time it writes a line: most requests write none besides their one line
 * (requestLineWriter), and making a child per request was ~3 % of a lookup's time.
 */
class RequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger
  readonly #bindings: Bindings
  readonly #options: ChildLoggerOptions
  #child: FastifyBaseLogger | undefined

  constructor (parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  #logger (): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options)
    return this.#child
  }

  #write (level: LevelName, args: unknown[]): void {
    // Below the level, nothing is made: the check pino would make first.
    if (this.#child === undefined && !logsAt(this.#parent, level)) return
    (this.#logger()[level] as (...lineArgs: unknown[]) => void)(...args)
  }

  get level (): string { return this.#child?.level ?? this.#options.level ?? this.#parent.level }
  set level (level: string) { this.#logger().level = level }
  // Methods on the prototype: a request pays for one small object, not a closure per level.
  fatal (...args: unknown[]): void { this.#write('fatal', args) }
  error (...args: unknown[]): void { this.#write('error', args) }
  warn (...args: unknown[]): void { this.#write('warn', args) }
  info (...args: unknown[]): void { this.#write('info', args) }
  debug (...args: unknown[]): void { this.#write('debug', args) }
  trace (...args: unknown[]): void { this.#write('trace', args) }
  silent (): void {}
  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger { return this.#logger().child(bindings, options) }
}

/** Fastify's childLoggerFactory: a RequestLogger, the child made only if a line is written. */
export function requestLoggerFactory (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new RequestLogger(logger, bindings, options)
}

/** What the one line per request says (http/plugins/audit.ts); every field safe to log as it is. */
export interface RequestLine {
  readonly msg: 'data request' | 'request completed'
  readonly reqId: string
  readonly req: LoggedRequest
  readonly statusCode: number
  readonly responseTime: number
  /** For a data request: which key asked which route, and how many clients it got. */
  readonly audit?: { readonly keyName: string | null, readonly route: string | undefined, readonly status: number, readonly results: number | null }
}

interface PinoInternals {
  [key: symbol]: unknown
}

/**
 * The writer of the one line each request gets, as pino would format it at info (level, time,
 * the logger's bindings, then the fields), built here from a fixed set of fields, each
 * stringified: the request through serializeRequest (method, masked URL, no headers), the
 * status, the key's name, counts. Safe by construction, the line skips pino's serializer walk
 * and path redaction and goes straight to the logger's destination (asynchronous stdout, or
 * the pretty printer on a terminal). Measured with the bench's lookups, pino's own line cost
 * about three times this one. A logger that is not pino gets the fields through `info`.
 */
export function requestLineWriter (logger: FastifyBaseLogger): (line: RequestLine) => void {
  const internals = logger as unknown as PinoInternals
  const destination = internals[pino.symbols.streamSym] as { write: (text: string) => unknown } | undefined
  const levelPrefix = (internals[pino.symbols.lsCacheSym] as Record<number, string> | undefined)?.[pino.levels.values.info!]
  const time = internals[pino.symbols.timeSym] as (() => string) | undefined
  if (destination === undefined || levelPrefix === undefined || time === undefined) {
    return ({ msg, reqId, req, statusCode, responseTime, audit }) => logger.info({ reqId, req, res: { statusCode }, responseTime, audit }, msg)
  }
  return ({ msg, reqId, req, statusCode, responseTime, audit }) => {
    const bindings = internals[pino.symbols.chindingsSym] as string
    const { method, url, host, remoteAddress, remotePort } = serializeRequest(req)
    const request = `{"method":${JSON.stringify(method)},"url":${JSON.stringify(url)}${optional('host', host)}${optional('remoteAddress', remoteAddress)}${optional('remotePort', remotePort)}}`
    const audited = audit === undefined ? '' : `,"audit":{"keyName":${JSON.stringify(audit.keyName)}${optional('route', audit.route)},"status":${audit.status},"results":${JSON.stringify(audit.results)}}`
    destination.write(`${levelPrefix}${time.call(logger)}${bindings},"reqId":${JSON.stringify(reqId)},"req":${request},"res":{"statusCode":${statusCode}},"responseTime":${finite(responseTime)}${audited},"msg":${JSON.stringify(msg)}}\n`)
  }
}

/** A JSON member for a value that may be absent (left out, as pino leaves out undefined). */
function optional (name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `,"${name}":${JSON.stringify(value)}`
}

/** Numbers as pino writes them: a non-finite one is null. */
function finite (value: number): string {
  return Number.isFinite(value) ? String(value) : 'null'
}
