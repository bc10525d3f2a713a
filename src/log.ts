// The service's logger: structured pino lines that never carry a secret or a customer's
// personal data (LGPD). Credentials are redacted by path; URLs, the one place callers put
// CPF/CNPJ, phones and logins, are masked before they are logged (`106.***.***-81`).
import { pino } from 'pino'
import type { DestinationStream, Logger } from 'pino'
import { looksPersonal, maskValue } from './personal-data.js'

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
  const segments = path.split('/').map(decoded)
  const maskedPath = path.split('/').map((segment, i) => {
    const value = segments[i]!
    return (i > 0 && PERSONAL_SEGMENTS.has(segments[i - 1]!.toLowerCase())) || looksPersonal(value) ? maskValue(value) : segment
  }).join('/')
  const maskedQuery = query === null ? '' : `?${query.split('&').map(maskQueryPair).join('&')}`
  const masked = `${maskedPath}${maskedQuery}`
  // The net under the rules above: a document, phone or e-mail inside any other value is masked
  // too, judged decoded so an escaped one cannot slip through.
  const plain = decoded(masked)
  const netted = plain.replace(PERSONAL_TEXT, maskValue)
  return netted === plain ? masked : netted
}

interface LoggedRequest {
  method: string
  url: string
  ip?: string
  host?: string
  socket?: { remotePort?: number }
}

/** Fastify's request serializer, with the URL masked and nothing else added. */
export function serializeRequest (request: LoggedRequest): Record<string, unknown> {
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
  /** Where lines go (default stdout); tests capture them. */
  readonly destination?: DestinationStream
}

export function buildLogger ({ level, destination }: LoggerOptions): Logger {
  return pino({
    level,
    redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest, err: pino.stdSerializers.err }
  }, destination ?? pino.destination(1))
}
