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
export const RefreshRunningError = createError('refresh_running', 'A refresh is already running; its outcome will show in /status', 409)
export const RefreshThrottledError = createError('refresh_throttled', '%s', 429)
export const InternalError = createError('internal_error', 'Internal server error', 500)

/** Codes an answer may carry, for the OpenAPI document and the error handler. */
export const ERROR_CODES = {
  invalid_parameter: 400,
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  refresh_running: 409,
  refresh_throttled: 429,
  no_snapshot: 503,
  internal_error: 500
} as const

export type ErrorCode = keyof typeof ERROR_CODES
