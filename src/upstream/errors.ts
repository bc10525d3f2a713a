// Why an upstream call failed, as a closed set of reasons that /status, logs and the refresh
// policy can act on. Messages are ours: HubSoft error bodies can carry stack traces and are
// never relayed; a clipped first line of HubSoft's msg, personal data masked, is kept for the
// log only.
import { maskPersonalText } from '../personal-data.js'

/** Of HubSoft's msg, the log keeps this much of the first line. */
const UPSTREAM_MSG_LOGGED = 200

export const UPSTREAM_FAILURE_REASONS = [
  'invalid_credentials',
  'unauthorized',
  'http_status',
  'error_body',
  'invalid_json',
  'invalid_page',
  'incomplete',
  // A page walk that no correct HubSoft would produce (see fetch-clientes.ts).
  'implausible',
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
  /** First line of HubSoft's own `msg`, masked and clipped; for logs, never for answers. */
  readonly upstreamMsg?: string

  constructor (reason: UpstreamFailureReason, route: string, message: string, details: { httpStatus?: number, upstreamMsg?: unknown, cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.reason = reason
    this.route = route
    this.httpStatus = details.httpStatus
    // Masked before it is clipped, so a clip never cuts a CPF into a shape the mask misses.
    if (typeof details.upstreamMsg === 'string') this.upstreamMsg = maskPersonalText(details.upstreamMsg.split('\n', 1)[0]!.slice(0, 4 * UPSTREAM_MSG_LOGGED)).slice(0, UPSTREAM_MSG_LOGGED)
  }
}
