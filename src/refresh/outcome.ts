// The closed set of refresh outcomes and of the reasons a refresh did not succeed, with the
// labels the metrics give each. The Refresher's result, its log line, /status, its schema and
// the `refresh_attempts_total` labels all read this table: adding a reason is one edit here
// (or one in upstream/errors.ts or the snapshot's validation kinds, which it takes whole).
import { VALIDATION_FAILURE_KINDS } from '../snapshot/snapshot.js'
import type { ValidationFailureKind } from '../snapshot/snapshot.js'
import { UPSTREAM_FAILURE_REASONS } from '../upstream/errors.js'
import type { UpstreamFailureReason } from '../upstream/errors.js'

export const REFRESH_OUTCOMES = ['success', 'unchanged', 'rejected', 'failed'] as const
export type RefreshOutcomeKind = typeof REFRESH_OUTCOMES[number]

/** Failures of our own making, beside HubSoft's (an aborted walk is upstream's `aborted`). */
export const OWN_FAILURE_REASONS = ['deadline', 'persistence', 'internal'] as const
type OwnFailureReason = typeof OWN_FAILURE_REASONS[number]

/** Why a refresh was rejected (the list failed validation) or failed. */
export type RefreshReason = ValidationFailureKind | UpstreamFailureReason | OwnFailureReason

/** How ops read an attempt on the dashboard: HubSoft's fault, too slow, or ours. */
export const REFRESH_METRIC_OUTCOMES = ['success', 'unchanged', 'rejected', 'upstream_error', 'timeout', 'failed'] as const
export type RefreshMetricOutcome = typeof REFRESH_METRIC_OUTCOMES[number]

interface ReasonEntry {
  /** The outcome a refresh with this reason has. */
  readonly outcome: 'rejected' | 'failed'
  /** Its `outcome` label in refresh_attempts_total. */
  readonly metricOutcome: RefreshMetricOutcome
  /** Its `reason` label there, when it is not the reason itself. */
  readonly metricReason?: string
}

const rejected: ReasonEntry = { outcome: 'rejected', metricOutcome: 'rejected' }
const upstreamError: ReasonEntry = { outcome: 'failed', metricOutcome: 'upstream_error' }
const ownFailure: ReasonEntry = { outcome: 'failed', metricOutcome: 'failed' }

function everyOf<K extends string> (keys: readonly K[], entry: ReasonEntry): Record<K, ReasonEntry> {
  return Object.fromEntries(keys.map((key) => [key, entry])) as Record<K, ReasonEntry>
}

/** Every reason, by name; the exceptions to "HubSoft's reasons are upstream errors" are spelled out. */
export const REFRESH_REASONS: Readonly<Record<RefreshReason, ReasonEntry>> = {
  ...everyOf(VALIDATION_FAILURE_KINDS, rejected),
  ...everyOf(UPSTREAM_FAILURE_REASONS, upstreamError),
  ...everyOf(OWN_FAILURE_REASONS, ownFailure),
  // HubSoft too slow to answer one request, or the whole refresh past REFRESH_DEADLINE.
  timeout: { outcome: 'failed', metricOutcome: 'timeout', metricReason: 'upstream_timeout' },
  deadline: { outcome: 'failed', metricOutcome: 'timeout' },
  // Shutdown stopped the walk: nothing went wrong upstream.
  aborted: ownFailure
}

export const REFRESH_REASON_NAMES = Object.keys(REFRESH_REASONS) as readonly RefreshReason[]

/** The reasons that end in `outcome`, for documentation. */
export function reasonsFor (outcome: 'rejected' | 'failed'): readonly RefreshReason[] {
  return REFRESH_REASON_NAMES.filter((reason) => REFRESH_REASONS[reason].outcome === outcome)
}

/** The `outcome` and `reason` labels of refresh_attempts_total for one result. */
export function metricLabels (outcome: RefreshOutcomeKind, reason: RefreshReason | undefined): { readonly outcome: RefreshMetricOutcome, readonly reason: string } {
  if (reason === undefined) return { outcome, reason: '' }
  const entry = REFRESH_REASONS[reason]
  return { outcome: entry.metricOutcome, reason: entry.metricReason ?? reason }
}
