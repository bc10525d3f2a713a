// The one catalogue of errors a caller can see. Each carries the HTTP status and the stable
// machine-readable `code` of the `{"status":"error","msg","code"}` envelope (SPEC §4).
import createError from '@fastify/error'

export const InvalidParameterError = createError('invalid_parameter', '%s', 400)
export const UnauthorizedError = createError('unauthorized', '%s', 401)
export const ForbiddenError = createError('forbidden', '%s', 403)
export const NotFoundError = createError('not_found', '%s', 404)
export const RouteNotFoundError = createError('route_not_found', 'Route %s %s not found', 404)
export const NoSnapshotError = createError('no_snapshot', 'No customer snapshot has been loaded yet; try again after the first refresh', 503)
export const InvalidRequestError = createError('invalid_request', '%s', 400)
export const InternalError = createError('internal_error', 'Internal server error', 500)
// Abuse limits and the drop-in token route (SECURITY.md).
export const InvalidCredentialsError = createError('invalid_credentials', 'The user credentials were incorrect.', 401)
export const RateLimitedError = createError('rate_limited', 'Too many requests for this key; retry in %s', 429)
export const FullDumpBusyError = createError('full_dump_busy', 'Too many full downloads are running (at most %s at once); retry shortly or pass limit', 503)
export const OverloadedError = createError('overloaded', 'The service is overloaded; retry shortly', 503)

/** Codes an answer may carry, for the OpenAPI document and the error handler. */
export const ERROR_CODES = {
  invalid_parameter: 400,
  invalid_request: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  rate_limited: 429,
  no_snapshot: 503,
  full_dump_busy: 503,
  overloaded: 503,
  internal_error: 500
} as const

export type ErrorCode = keyof typeof ERROR_CODES
