// The service's logger: structured pino lines that never carry a secret or a customer's
// personal data (LGPD). Credentials are redacted by path; URLs, the one place callers put
// CPF/CNPJ, phones and logins, are masked before they are logged (`106.***.***-81`).
import { pino } from 'pino'
import type { DestinationStream, Logger } from 'pino'
import { maskValue } from './personal-data.js'

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

/** Query parameters whose values are personal data: masked. */
const PERSONAL_PARAMETERS = new Set(['termo_busca', 'cpf_cnpj', 'cpf', 'cnpj', 'telefone', 'login', 'login_radius', 'email', 'nome', 'ipv4', 'mac'])
/** Query parameters whose values are credentials: dropped. */
const SECRET_PARAMETER = /token|secret|passw|senha|key|auth/i
/** Path segments after one of these are personal data. */
const PERSONAL_SEGMENTS = new Set(['cpf_cnpj'])
/** CPF/CNPJ written with punctuation, and any long run of digits (documents, phones). */
const DOCUMENT_OR_PHONE = /\d{3}\.\d{3}\.\d{3}-\d{2}|\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}|\d{10,}/g
/** A logged URL is clipped: a long one is abuse, and its tail tells nothing more. */
const MAX_LOGGED_URL = 512

function decoded (value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '))
  } catch {
    return value
  }
}

function maskQueryPair (pair: string): string {
  const equals = pair.indexOf('=')
  if (equals < 0) return pair
  const name = decoded(pair.slice(0, equals)).trim().toLowerCase()
  const value = pair.slice(equals + 1)
  if (SECRET_PARAMETER.test(name)) return `${pair.slice(0, equals)}=[redacted]`
  if (PERSONAL_PARAMETERS.has(name)) return `${pair.slice(0, equals)}=${maskValue(decoded(value))}`
  return pair
}

/** A request URL fit for a log line: personal values masked, credentials dropped, clipped. */
export function maskUrl (url: string): string {
  const clipped = url.length > MAX_LOGGED_URL ? `${url.slice(0, MAX_LOGGED_URL)}…` : url
  const question = clipped.indexOf('?')
  const path = question < 0 ? clipped : clipped.slice(0, question)
  const query = question < 0 ? null : clipped.slice(question + 1)
  const segments = path.split('/')
  const maskedPath = segments.map((segment, i) => i > 0 && PERSONAL_SEGMENTS.has(segments[i - 1]!) ? maskValue(decoded(segment)) : segment).join('/')
  const maskedQuery = query === null ? '' : `?${query.split('&').map(maskQueryPair).join('&')}`
  // The net under the rules above: a document or phone in any other place is masked too.
  return `${maskedPath}${maskedQuery}`.replace(DOCUMENT_OR_PHONE, maskValue)
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
