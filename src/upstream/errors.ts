// Why an upstream call failed, as a closed set of reasons that /status, logs and the refresh
// policy can act on. Messages are ours: HubSoft error bodies can carry stack traces and are
// never relayed; a clipped first line of HubSoft's msg is kept for the log only.

export const UPSTREAM_FAILURE_REASONS = [
  'invalid_credentials',
  'unauthorized',
  'http_status',
  'error_body',
  'invalid_json',
  'invalid_page',
  'incomplete',
  'timeout',
  'too_large',
  'network',
  'aborted'
] as const

export type UpstreamFailureReason = typeof UPSTREAM_FAILURE_REASONS[number]

export class UpstreamError extends Error {
  override name = 'UpstreamError'
  readonly reason: UpstreamFailureReason
  readonly route: string
  readonly httpStatus?: number
  /** First line of HubSoft's own `msg`, clipped; for logs, never for answers. */
  readonly upstreamMsg?: string

  constructor (reason: UpstreamFailureReason, route: string, message: string, details: { httpStatus?: number, upstreamMsg?: unknown, cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.reason = reason
    this.route = route
    this.httpStatus = details.httpStatus
    if (typeof details.upstreamMsg === 'string') this.upstreamMsg = details.upstreamMsg.split('\n', 1)[0]!.slice(0, 200)
  }
}
