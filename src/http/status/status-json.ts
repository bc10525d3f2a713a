// What GET /status answers, as JSON and as the HTML page alike: the snapshot's freshness and
// counts, the refreshes, persistence and what was asked of HubSoft, read at one moment.
import type { FleetCoordinator } from '../../fleet/coordinator.js'
import type { RefreshProgress } from '../../refresh/progress.js'
import type { RefreshOutcome, Refresher } from '../../refresh/refresher.js'
import type { UpstreamCounters } from '../../upstream/hubsoft-client.js'
import { SERVICE_VERSION } from '../../version.js'
import type { StatusJson } from '../schemas/operations.js'
import { fleetStatusJson } from './fleet-json.js'

export interface StatusSources {
  readonly refresher: Refresher
  readonly upstreamCounters: UpstreamCounters
  readonly fleet?: FleetCoordinator | null
  /** REFRESH_TZ. */
  readonly timeZone: string
}

const iso = (date: Date | null) => date?.toISOString() ?? null

export function statusJson ({ refresher, upstreamCounters, timeZone, fleet }: StatusSources, now: number): StatusJson {
  const snapshot = refresher.snapshot
  const last = refresher.lastOutcome
  const progress = refresher.progress
  return {
    version: SERVICE_VERSION,
    ready: snapshot !== null,
    snapshot: snapshot === null
      ? null
      : {
          version: snapshot.version,
          fetched_at: snapshot.fetchedAt.toISOString(),
          age_seconds: Math.max(0, Math.floor((now - snapshot.fetchedAt.getTime()) / 1000)),
          source: snapshot.source,
          clients: snapshot.size,
          services: snapshot.servicosCount,
          services_by_status: snapshot.servicosByStatus,
          services_by_technology: snapshot.servicosByTecnologia,
          prepared_bytes: snapshot.preparedBytes
        },
    refresh: {
      running: refresher.running,
      progress: progress === null ? null : progressJson(progress),
      time_zone: timeZone,
      last_attempt_at: iso(refresher.lastAttemptAt),
      next_scheduled_at: iso(refresher.nextScheduledAt),
      next_retry_at: iso(refresher.nextRetryAt),
      floor_until: iso(refresher.floorUntil),
      consecutive_failures: refresher.consecutiveFailures,
      credentials_rejected: refresher.credentialsRejected,
      last: last === null ? null : outcomeJson(last),
      recent: refresher.recentOutcomes.map(outcomeJson)
    },
    persistence: persistenceJson(refresher),
    upstream: {
      requests: upstreamCounters.requests,
      token_requests: upstreamCounters.tokenRequests,
      token_renewals: upstreamCounters.tokenRenewals,
      tokens_obtained: upstreamCounters.tokensObtained
    },
    fleet: fleet === undefined || fleet === null ? null : fleetStatusJson(fleet, snapshot)
  }
}

function outcomeJson (outcome: RefreshOutcome): StatusJson['refresh']['recent'][number] {
  return {
    outcome: outcome.outcome,
    trigger: outcome.trigger,
    started_at: outcome.startedAt.toISOString(),
    finished_at: outcome.finishedAt.toISOString(),
    duration_ms: outcome.durationMs,
    pages: outcome.pages,
    clients: outcome.clients,
    bytes: outcome.bytes,
    replaced_characters: outcome.replacedCharacters,
    reason: outcome.reason,
    http_status: outcome.httpStatus,
    error: outcome.error,
    reached_hubsoft: outcome.reachedHubsoft
  }
}

function progressJson (progress: RefreshProgress): NonNullable<StatusJson['refresh']['progress']> {
  return {
    started_at: progress.startedAt.toISOString(),
    pages_done: progress.pagesDone,
    pages_total: progress.pagesTotal,
    clients: progress.clients,
    bytes: progress.bytes,
    estimated_end_at: iso(progress.estimatedEndAt)
  }
}

function persistenceJson (refresher: Refresher): StatusJson['persistence'] {
  const { dir, load, lastSave } = refresher.persistence
  return {
    dir,
    load: load === null ? null : { outcome: load.outcome, error: load.error, set_aside_as: load.setAsideAs ?? undefined },
    last_save: lastSave === null ? null : { at: lastSave.at.toISOString(), outcome: lastSave.outcome, bytes: lastSave.bytes, error: lastSave.error }
  }
}
