// The service's Prometheus metrics (the README's metrics table): what was asked of us (requests by route template,
// status and key name, latency, refusals), how fresh the snapshot is, how refreshes went, what
// was asked of HubSoft, and the projection cache. Counters of events are incremented as they
// happen; state the service already holds (the snapshot, the refresher's flags, the upstream
// client's counters, the cache's stats) is read when Prometheus scrapes, so it cannot drift.
// Process and Node metrics (CPU, memory, GC, event-loop delay) are the process's, collected once
// per process and shared by every app built in it.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ErrorCode } from '../errors.js'
import { metricLabels, REFRESH_METRIC_OUTCOMES } from '../refresh/outcome.js'
import type { RefreshMetricOutcome } from '../refresh/outcome.js'
import type { RefreshEvents, RefreshOutcome, Refresher, RefreshRefusal, RefreshTrigger } from '../refresh/refresher.js'
import type { ProjectionCache } from '../snapshot/projection-cache.js'
import type { ServicoCounts } from '../snapshot/servico-counts.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import type { UpstreamCounters } from '../upstream/hubsoft-client.js'
import { SERVICE_VERSION } from '../version.js'
import { RequestSeries } from './request-series.js'

const PREFIX = 'hubsoft_bff_'
/** Lookups take a millisecond; a full download, seconds. */
const HTTP_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
/** A refresh of a large base takes minutes; REFRESH_DEADLINE defaults to an hour. */
const REFRESH_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600]
/** Error codes that are load shedding (503s that protect the process), by the metric's reason. */
const SHED_CODES: ReadonlySet<ErrorCode> = new Set(['overloaded', 'full_dump_busy'])

/** The labels of one refresh attempt: `outcome` as ops read it, with the reason and HubSoft's status. */
export interface RefreshAttemptLabels {
  readonly trigger: RefreshTrigger
  readonly outcome: RefreshMetricOutcome
  readonly reason: string
  readonly status: string
}

export function refreshAttemptLabels (result: RefreshOutcome): RefreshAttemptLabels {
  const status = result.httpStatus === undefined ? '' : String(result.httpStatus)
  return { trigger: result.trigger, ...metricLabels(result.outcome, result.reason), status }
}

/** One answered request, as the metrics label it. */
export interface AnsweredRequest {
  /** The route template (never the raw URL, which may carry a CPF), or null when no route matched. */
  readonly route: string | null
  readonly method: string
  readonly statusCode: number
  /** The API key's name; null for a caller without a valid key. */
  readonly keyName: string | null
  readonly errorCode: ErrorCode | null
  readonly seconds: number
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/** What the service reads at scrape time. */
export interface MetricSources {
  readonly refresher: Refresher
  readonly upstream: UpstreamCounters
  readonly projections: ProjectionCache
  /** One refresh period (see refresh/period.ts), for the staleness alert. */
  readonly refreshPeriodMs: number
  readonly now: () => number
}

let processRegistry: Registry | null = null

/** CPU, memory, handles, GC and event-loop delay of this process: one collector per process. */
function processMetrics (): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

export class ServiceMetrics {
  readonly #own = new Registry()
  /** This app's metrics and the process's, merged at the first scrape (once collectFrom registered its own). */
  #merged: Registry | null = null
  readonly #requests = new RequestSeries(HTTP_BUCKETS_SECONDS)
  readonly #errors: Counter<'route' | 'code'>
  readonly #rateLimited: Counter<'key'>
  readonly #shed: Counter<'reason'>
  readonly #connectionsCut: Counter<'reason'>
  readonly #attempts: Counter<'trigger' | 'outcome' | 'reason' | 'status'>
  readonly #refreshDurations: Histogram<'outcome'>
  readonly #pages: Counter
  readonly #fetchedBytes: Counter
  readonly #replacedCharacters: Counter
  readonly #refusals: Counter<'trigger' | 'reason'>

  /** For the Refresher's `events` option. */
  readonly refreshEvents: RefreshEvents = {
    refused: (trigger, refusal) => this.#refused(trigger, refusal),
    finished: (result) => this.#finished(result)
  }

  constructor () {
    const registers = [this.#own]
    // Not prom-client classes, but what its Registry reads of one: a name and get() (request-series.ts).
    this.#own.registerMetric(this.#requests.counter(`${PREFIX}http_requests_total`, 'HTTP requests answered, by route template (unmatched for unknown paths), method, status code and API key name (anonymous without a valid key).') as unknown as Counter)
    this.#own.registerMetric(this.#requests.histogram(`${PREFIX}http_request_duration_seconds`, 'Time from a request\'s arrival to its answer being sent, by route template, method and status code.') as unknown as Histogram)
    this.#errors = new Counter({ name: `${PREFIX}http_errors_total`, help: 'Error envelopes answered, by route template and error code (see the README\'s error table).', labelNames: ['route', 'code'], registers })
    this.#rateLimited = new Counter({ name: `${PREFIX}rate_limited_requests_total`, help: 'Requests refused with 429 rate_limited (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW), by API key name (anonymous: counted per address).', labelNames: ['key'], registers })
    this.#shed = new Counter({ name: `${PREFIX}shed_requests_total`, help: 'Requests refused with 503 to protect the process: overloaded (event loop, heap or RSS bound) or full_dump_busy (FULL_DUMP_CONCURRENCY).', labelNames: ['reason'], registers })
    this.#connectionsCut = new Counter({ name: `${PREFIX}connections_cut_total`, help: 'Connections refused or closed before an answer completed, by reason: max_connections (MAX_CONNECTIONS), headers_too_large (431), invalid_request (not HTTP), full_dump_timeout (FULL_DUMP_TIMEOUT).', labelNames: ['reason'], registers })
    this.#attempts = new Counter({ name: `${PREFIX}refresh_attempts_total`, help: `Refreshes from HubSoft that ran, by trigger, outcome (${REFRESH_METRIC_OUTCOMES.join(', ')}), reason and HubSoft's HTTP status.`, labelNames: ['trigger', 'outcome', 'reason', 'status'], registers })
    this.#refreshDurations = new Histogram({ name: `${PREFIX}refresh_duration_seconds`, help: 'Duration of refreshes from HubSoft (every page, the build and the swap), by outcome.', labelNames: ['outcome'], buckets: REFRESH_BUCKETS_SECONDS, registers })
    this.#pages = new Counter({ name: `${PREFIX}refresh_pages_total`, help: 'Pages of the customer list fetched from HubSoft.', registers })
    this.#fetchedBytes = new Counter({ name: `${PREFIX}refresh_fetched_bytes_total`, help: 'Bytes of customer-list bodies fetched from HubSoft (decoded).', registers })
    this.#replacedCharacters = new Counter({ name: `${PREFIX}refresh_replaced_characters_total`, help: 'Bytes of customer-list bodies from HubSoft that were not UTF-8, each kept as U+FFFD.', registers })
    this.#refusals = new Counter({ name: `${PREFIX}refresh_refusals_total`, help: 'Refreshes asked for that did not start, by trigger and reason: floor (REFRESH_MIN_INTERVAL; a manual one answers 429), running (one already runs; 409), credentials (paused after HubSoft refused them), backoff (after an attempt that never reached HubSoft or whose token was refused; 429) or fleet_unreachable (REDIS_URL set and Redis not answering: the fleet floor cannot be checked; 429).', labelNames: ['trigger', 'reason'], registers })
  }

  /** The content type of `exposition`. */
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE

  /** What GET /metrics answers: every metric in the Prometheus text format. */
  async exposition (): Promise<string> {
    this.#merged ??= Registry.merge([this.#own, processMetrics()])
    return await this.#merged.metrics()
  }

  /** Registers the metrics read at scrape time from what the service holds. */
  collectFrom ({ refresher, upstream, projections, refreshPeriodMs, now }: MetricSources): void {
    const registers = [this.#own]
    const gauge = (name: string, help: string, read: () => number) => new Gauge({ name: `${PREFIX}${name}`, help, registers, collect () { this.set(read()) } })
    const snapshotSeconds = (read: (fetchedAtMs: number) => number) => () => {
      const snapshot = refresher.snapshot
      return snapshot === null ? Number.NaN : read(snapshot.fetchedAt.getTime())
    }
    gauge('snapshot_ready', '1 while a snapshot is served, 0 before the first one (readiness).', () => refresher.snapshot === null ? 0 : 1)
    gauge('snapshot_age_seconds', 'Seconds since the fetch of the served snapshot started; NaN while none is served.', snapshotSeconds((fetchedAt) => Math.max(0, (now() - fetchedAt) / 1000)))
    gauge('snapshot_fetched_timestamp_seconds', 'When the fetch of the served snapshot started, in Unix seconds; NaN while none is served.', snapshotSeconds((fetchedAt) => fetchedAt / 1000))
    gauge('snapshot_clients', 'Clients in the served snapshot.', () => refresher.snapshot?.size ?? 0)
    gauge('snapshot_services', 'Services in the served snapshot, cancelled ones included.', () => refresher.snapshot?.servicosCount ?? 0)
    gauge('snapshot_bytes', 'Bytes the served snapshot holds for its prepared answers and the rest of each client\'s JSON.', () => refresher.snapshot?.preparedBytes ?? 0)
    /** A gauge whose labelled samples are all read at scrape time (none while there is nothing to report). */
    const labelledGauge = (name: string, help: string, labelNames: readonly string[], samples: () => Iterable<readonly [Record<string, string>, number]>) => new Gauge({
      name: `${PREFIX}${name}`,
      help,
      labelNames,
      registers,
      collect () {
        this.reset()
        for (const [labels, value] of samples()) this.set(labels, value)
      }
    })
    const perSnapshot = (read: (snapshot: Snapshot) => Array<readonly [Record<string, string>, number]>) => () => {
      const snapshot = refresher.snapshot
      return snapshot === null ? [] : read(snapshot)
    }
    const counts = (label: string, byValue: ServicoCounts) => Object.entries(byValue).map(([value, count]) => [{ [label]: value }, count] as const)
    labelledGauge('snapshot_services_by_status', 'Services in the served snapshot per status_prefixo, cancelled included (status="" for none).', ['status'], perSnapshot((snapshot) => counts('status', snapshot.servicosByStatus)))
    labelledGauge('snapshot_services_by_technology', 'Services in the served snapshot per technology, case variants under HubSoft\'s most used spelling (technology="" for none).', ['technology'], perSnapshot((snapshot) => counts('technology', snapshot.servicosByTecnologia)))
    labelledGauge('snapshot_info', 'Always 1, labelled with the served snapshot\'s version (content hash) and upstream source; absent while none is served.', ['version', 'source'], perSnapshot((snapshot) => [[{ version: snapshot.version, source: snapshot.source }, 1]]))
    labelledGauge('build_info', 'Always 1, labelled with this service\'s version (package.json) and the served snapshot\'s version (empty while none is served).', ['version', 'snapshot_version'], () => [[{ version: SERVICE_VERSION, snapshot_version: refresher.snapshot?.version ?? '' }, 1]])
    gauge('snapshot_file_set_aside', '1 when start-up found the persisted snapshot unusable (damaged, a line too long, not a regular file, refused by validation) and set it aside.', () => refresher.persistence.load?.outcome === 'corrupt' ? 1 : 0)
    gauge('refresh_running', '1 while a refresh from HubSoft runs.', () => refresher.running ? 1 : 0)
    gauge('refresh_consecutive_failures', 'Failed or rejected refreshes since the last good one.', () => refresher.consecutiveFailures)
    gauge('refresh_credentials_rejected', '1 when HubSoft refused the credentials: automatic refreshes are paused until a restart or a manual refresh.', () => refresher.credentialsRejected ? 1 : 0)
    gauge('refresh_period_seconds', 'One refresh period: the longest gap between two REFRESH_CRON runs, at least REFRESH_MIN_INTERVAL.', () => refreshPeriodMs / 1000)
    gauge('refresh_floor_remaining_seconds', 'Seconds until REFRESH_MIN_INTERVAL allows the next fetch from HubSoft; 0 when it allows one now.', () => {
      const until = refresher.floorUntil
      return until === null ? 0 : Math.max(0, (until.getTime() - now()) / 1000)
    })

    this.#own.registerMetric(new Counter({
      name: `${PREFIX}upstream_requests_total`,
      help: 'Requests sent to HubSoft, by route and HTTP status (or failure: timeout, network, too_large, aborted, invalid_json).',
      labelNames: ['route', 'status'],
      registers: [],
      collect () {
        this.reset()
        for (const [route, byStatus] of Object.entries(upstream.requests)) {
          for (const [status, count] of Object.entries(byStatus)) this.inc({ route, status }, count)
        }
      }
    }))
    const counter = (name: string, help: string, read: () => number) => new Counter({
      name: `${PREFIX}${name}`,
      help,
      registers,
      collect () {
        this.reset()
        this.inc(read())
      }
    })
    counter('snapshot_dir_stale_files_removed_total', 'Temporary files a crash mid-write had left in SNAPSHOT_DIR, removed at start.', () => refresher.persistence.staleTemporaryFilesRemoved)
    counter('upstream_token_requests_total', 'Tokens requested from HubSoft (oauth/token).', () => upstream.tokenRequests)
    counter('upstream_token_renewals_total', 'Tokens renewed after HubSoft answered 401 to a live one.', () => upstream.tokenRenewals)
    counter('projection_cache_hits_total', 'Answers in a non-prepared projection served from the projection cache.', () => projections.stats.hits)
    counter('projection_cache_misses_total', 'Answers in a non-prepared projection rendered from the snapshot.', () => projections.stats.misses)
    gauge('projection_cache_bytes', 'Bytes of answers held by the projection cache.', () => projections.stats.bytes)
    gauge('projection_cache_entries', 'Answers held by the projection cache.', () => projections.stats.entries)
  }

  /** Lets a part of the service that owns its metrics (the fleet's) register them with this app's. */
  registerWith (register: (registry: Registry) => void): void {
    register(this.#own)
  }

  /** Counts one answered request. */
  answered ({ route, method, statusCode, keyName, errorCode, seconds }: AnsweredRequest): void {
    const routeLabel = route ?? 'unmatched'
    const methodLabel = KNOWN_METHODS.has(method) ? method : 'other'
    const key = keyName ?? 'anonymous'
    this.#requests.record(routeLabel, methodLabel, statusCode, key, seconds)
    if (errorCode === null) return
    this.#errors.inc({ route: routeLabel, code: errorCode })
    if (errorCode === 'rate_limited') this.#rateLimited.inc({ key })
    else if (SHED_CODES.has(errorCode)) this.#shed.inc({ reason: errorCode })
  }

  /** Counts a connection refused at accept, or cut before its answer was complete. */
  connectionCut (reason: 'max_connections' | 'headers_too_large' | 'invalid_request' | 'full_dump_timeout'): void {
    this.#connectionsCut.inc({ reason })
  }

  #refused (trigger: RefreshTrigger, refusal: RefreshRefusal): void {
    this.#refusals.inc({ trigger, reason: refusal.refused })
  }

  #finished (result: RefreshOutcome): void {
    const labels = refreshAttemptLabels(result)
    this.#attempts.inc({ ...labels })
    this.#refreshDurations.observe({ outcome: labels.outcome }, result.durationMs / 1000)
    this.#pages.inc(result.pages)
    this.#fetchedBytes.inc(result.bytes)
    this.#replacedCharacters.inc(result.replacedCharacters)
  }
}
