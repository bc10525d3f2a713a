// The one catalogue of errors a caller can see (the README's Errors). Each entry is a stable
// machine-readable `code` of the `{"status":"error","msg","code"}` envelope with its HTTP
// status, a sentence for the OpenAPI document, and where it can happen. Adding an entry is
// all it takes: the envelope's code enum and the routes' documented responses are derived
// from it. Classes exist for the codes the service throws; the others (payload_too_large,
// unsupported_media_type, internal_error) are answered straight from Fastify's own errors
// by the errors plugin.
import createError from '@fastify/error'

/**
 * Where a code can answer, which decides the routes whose OpenAPI responses list it:
 * `every` on every route, `keyed` on every route that needs an API key, `scoped` on those that
 * need a particular scope, `route` only on the routes that list it in `config.errorCodes`,
 * `router` before any route is found (unknown paths, wrong methods, unreadable URLs):
 * documented with the code list, not on a route.
 */
export type ErrorPlace = 'every' | 'keyed' | 'scoped' | 'route' | 'router'

export interface ErrorEntry {
  readonly status: number
  readonly place: ErrorPlace
  readonly description: string
  /** Response headers the answer carries, by name, with their description (e.g. Retry-After). */
  readonly headers?: Readonly<Record<string, string>>
}

export const ERROR_CATALOGUE = {
  invalid_parameter: { status: 400, place: 'route', description: 'A query, path or header parameter is malformed or out of range; msg names it and what it accepts.' },
  invalid_request: { status: 400, place: 'router', description: 'The request cannot be read: a malformed URL encoding or body.' },
  invalid_credentials: { status: 401, place: 'route', description: 'POST /oauth/token: client_id and client_secret are not an API key name and its key. The body is HubSoft\'s own (`error: invalid_credentials`) plus the envelope.' },
  unauthorized: { status: 401, place: 'keyed', description: 'No API key was sent, or the key is not valid.', headers: { 'WWW-Authenticate': 'How to authenticate (RFC 9110 §11.6.1): `Bearer realm="hubsoft-bff"`, and for a request that prefers text/html (a browser) also `Basic realm="hubsoft-bff", charset="UTF-8"`, so the browser asks for the key as the password.' } },
  forbidden: { status: 403, place: 'scoped', description: 'The API key lacks the scope the route needs.' },
  not_found: { status: 404, place: 'route', description: 'The looked-up value (e.g. a CPF/CNPJ) is in no client.' },
  route_not_found: { status: 404, place: 'router', description: 'No route has this path.' },
  method_not_allowed: { status: 405, place: 'router', description: 'The path exists, but not with this method; the Allow header lists the methods it has.' },
  refresh_running: { status: 409, place: 'route', description: 'A refresh is already running; its outcome will show in /status.' },
  payload_too_large: { status: 413, place: 'router', description: 'The request body is larger than the service accepts.' },
  unsupported_media_type: { status: 415, place: 'router', description: 'The request body has a content type or content encoding the route does not read.' },
  rate_limited: { status: 429, place: 'keyed', description: 'Too many requests for this API key (or, without a valid key, from this address) in RATE_LIMIT_WINDOW; Retry-After says when to try again.', headers: { 'Retry-After': 'Seconds until a request is allowed again.' } },
  refresh_throttled: { status: 429, place: 'route', description: 'REFRESH_MIN_INTERVAL (or the backoff after an attempt that never reached HubSoft) forbids a fetch from HubSoft now; Retry-After says when it allows one.', headers: { 'Retry-After': 'Seconds until a refresh is allowed.' } },
  headers_too_large: { status: 431, place: 'router', description: 'The request head (request line and headers) is larger than 16 KiB; the connection is closed.' },
  internal_error: { status: 500, place: 'every', description: 'An unexpected failure; the body is generic and the details go to the log.' },
  no_snapshot: { status: 503, place: 'route', description: 'No customer snapshot has been loaded yet; retry after the first refresh (Retry-After estimates when).', headers: { 'Retry-After': "Seconds until a snapshot is expected: the running refresh's estimated end, or the pending retry." } },
  full_dump_busy: { status: 503, place: 'route', description: 'FULL_DUMP_CONCURRENCY full downloads (or answers re-rendering many clients) are already running, or FULL_DUMP_PER_KEY of them for this key; retry shortly or pass a smaller limit.', headers: { 'Retry-After': 'Seconds to wait before retrying.' } },
  overloaded: { status: 503, place: 'keyed', description: 'The service is past its event-loop, heap or memory bound; retry shortly.', headers: { 'Retry-After': 'Seconds to wait before retrying.' } }
} as const satisfies Record<string, ErrorEntry>

export type ErrorCode = keyof typeof ERROR_CATALOGUE

export const ERROR_CODE_LIST = Object.keys(ERROR_CATALOGUE) as ErrorCode[]

/** An error class for a catalogue code; `message` is a printf-style template (default: the whole msg). */
function catalogueError (code: ErrorCode, message = '%s') {
  return createError(code, message, ERROR_CATALOGUE[code].status)
}

export const InvalidParameterError = catalogueError('invalid_parameter')
export const InvalidRequestError = catalogueError('invalid_request')
export const UnauthorizedError = catalogueError('unauthorized')
export const ForbiddenError = catalogueError('forbidden')
export const NotFoundError = catalogueError('not_found')
export const UnsupportedMediaTypeError = catalogueError('unsupported_media_type')
export const RouteNotFoundError = catalogueError('route_not_found', 'Route %s %s not found')
export const MethodNotAllowedError = catalogueError('method_not_allowed', 'Method %s is not allowed on %s; this path answers %s')
export const RefreshRunningError = catalogueError('refresh_running', 'A refresh is already running; its outcome will show in /status')
export const RefreshThrottledError = catalogueError('refresh_throttled')
export const NoSnapshotError = catalogueError('no_snapshot', 'No customer snapshot has been loaded yet; try again after the first refresh')
// Abuse limits and the drop-in token route (SECURITY.md).
export const InvalidCredentialsError = catalogueError('invalid_credentials', 'The user credentials were incorrect.')
export const RateLimitedError = catalogueError('rate_limited', 'Too many requests for this key; retry in %s')
export const FullDumpBusyError = catalogueError('full_dump_busy', 'Too many full downloads are running (at most %s); retry shortly or pass limit')
export const OverloadedError = catalogueError('overloaded', 'The service is overloaded; retry shortly')
