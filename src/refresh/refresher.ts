// Owns the serving snapshot and every upstream full fetch. A fetch happens at start-up
// only without a usable persisted snapshot (or when a scheduled run was missed), then on
// REFRESH_CRON, on a manual request, or as a retry after a failure, and always under these rules:
// - the floor: never two fetch attempts within REFRESH_MIN_INTERVAL; the attempt time is
//   persisted before the fetch starts, so restarts and crash loops obey it too. An attempt whose
//   data requests provably never reached HubSoft (DNS, connection refused, TLS handshake: the
//   upstream client knows) gives the floor back, and waits out a backoff of its own instead;
//   so does a token request HubSoft refused (README, "The refresh floor");
// - single flight: one refresh at a time;
// - retries back off exponentially with jitter from the floor upwards; rejected credentials stop
//   automatic refreshes instead of retrying in a loop;
// - a refresh has a total deadline, and stop() aborts it without persisting anything partial;
// - the next snapshot is built beside the current one, validated, and swapped by one assignment,
//   then persisted: a reader never sees a half-built snapshot, and a bad list never replaces a
//   good one.
import { Cron } from 'croner'
import type { FastifyBaseLogger } from 'fastify'
import { maskPersonalText } from '../personal-data.js'
import { duringSnapshotBuild } from '../snapshot/compaction.js'
import { SnapshotBuilder, SnapshotValidationError } from '../snapshot/snapshot.js'
import type { ClienteBounds, Snapshot } from '../snapshot/snapshot.js'
import type { SaveResult, SnapshotStore } from '../snapshot/persist.js'
import { UpstreamError } from '../upstream/errors.js'
import { fetchClientPages } from '../upstream/fetch-clientes.js'
import type { FetchClientesOptions } from '../upstream/fetch-clientes.js'
import type { HubsoftClient } from '../upstream/hubsoft-client.js'
import { ownBackoffMs, realTimers, retryDelayMs } from './backoff.js'
import type { Timers } from './backoff.js'
import type { FleetGrant, RefreshCoordinator } from './coordinator.js'
import { REFRESH_REASONS } from './outcome.js'
import type { RefreshOutcomeKind, RefreshReason } from './outcome.js'
import { ProgressTracker } from './progress.js'
import type { RefreshProgress } from './progress.js'

export interface RefreshOutcome {
  readonly outcome: RefreshOutcomeKind
  readonly trigger: RefreshTrigger
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly durationMs: number
  readonly pages: number
  readonly bytes: number
  readonly clients: number
  /** Bytes HubSoft sent that were not UTF-8, each kept as U+FFFD. */
  readonly replacedCharacters: number
  /** Our own description of what went wrong; never an upstream body. */
  readonly error?: string
  /** Why it did not succeed (see outcome.ts); absent on success. */
  readonly reason?: RefreshReason
  /** HubSoft's HTTP status, when the failure came with one. */
  readonly httpStatus?: number
  /** False when no data request of it reached HubSoft: then it did not start REFRESH_MIN_INTERVAL. */
  readonly reachedHubsoft: boolean
}

export type RefreshTrigger = 'startup' | 'schedule' | 'retry' | 'manual'

export interface RefreshRequest {
  /** Accept a list that shrank by more than REFRESH_MAX_SHRINK (an admin's decision). */
  readonly acceptShrink?: boolean
}

/** Why a refresh did not start. */
export type RefreshRefusal =
  /** `retryAt`: when another replica's lock runs out, in a fleet. */
  | { readonly refused: 'running', readonly retryAt?: Date }
  | { readonly refused: 'floor', readonly retryAt: Date }
  | { readonly refused: 'credentials' }
  /** In a fleet: Redis cannot be asked, so the fleet floor cannot be checked (being unsure never allows a fetch). */
  | { readonly refused: 'fleet_unreachable', readonly retryAt: Date }
  /** The last attempt never reached HubSoft, or HubSoft refused the token: a short backoff of its own. */
  | { readonly refused: 'backoff', readonly retryAt: Date, readonly cause: OwnBackoffCause }

/** Why an attempt waits out the refresher's own backoff rather than the floor. */
export type OwnBackoffCause = 'unreachable' | 'credentials'

/** A refresh that started; `done` settles with its outcome and never rejects. */
export interface RefreshStarted {
  readonly startedAt: Date
  readonly done: Promise<RefreshOutcome>
}

/** What start-up found in SNAPSHOT_DIR. */
export interface PersistenceStatus {
  readonly dir: string
  readonly load: { readonly outcome: 'missing' | 'loaded' | 'corrupt', readonly error?: string, readonly setAsideAs?: string | null } | null
  /** Temporary files a crash had left, removed at start. */
  readonly staleTemporaryFilesRemoved: number
  readonly lastSave: { readonly at: Date, readonly outcome: 'saved' | 'failed', readonly bytes?: number, readonly error?: string } | null
}

/** Who watches refreshes (the metrics); called synchronously, must not throw. */
export interface RefreshEvents {
  /** A refresh was asked for and did not start. */
  readonly refused?: (trigger: RefreshTrigger, refusal: RefreshRefusal) => void
  /** A refresh ended, whatever its outcome. */
  readonly finished?: (outcome: RefreshOutcome) => void
}

/** Refreshes kept for /status, newest first. */
export const RECENT_OUTCOMES = 10

export interface RefresherOptions {
  readonly client: HubsoftClient
  readonly fetch: Omit<FetchClientesOptions, 'signal'>
  readonly cron: string
  readonly timezone: string
  readonly minIntervalMs: number
  readonly maxShrink: number
  /** A whole refresh (every page, the build and the save) must end within this. */
  readonly deadlineMs: number
  readonly store: SnapshotStore
  /** How large one client may be (services), for fetched and persisted lists alike. */
  readonly clienteBounds?: ClienteBounds
  readonly log: FastifyBaseLogger
  readonly now?: () => number
  readonly timers?: Timers
  /** Jitter source in [0, 1). */
  readonly random?: () => number
  readonly events?: RefreshEvents
  /** The fleet this replica belongs to (REDIS_URL); without one, a process on its own. */
  readonly coordinator?: RefreshCoordinator
}

export class Refresher {
  readonly #options: RefresherOptions
  readonly #now: () => number
  readonly #timers: Timers
  readonly #random: () => number
  #snapshot: Snapshot | null = null
  #running: Promise<RefreshOutcome> | null = null
  /** True while a fleet's permission for an attempt is being asked. */
  #acquiring = false
  /** start() has made its first decision (a new fleet leader's catching up waits for it). */
  #started = false
  /** The write to SNAPSHOT_DIR of a snapshot adopted from the fleet, while it runs. */
  #adoptedSave: Promise<void> | null = null
  #lastAttemptAt: number | null = null
  #recentOutcomes: readonly RefreshOutcome[] = []
  #consecutiveFailures = 0
  #credentialsRejected = false
  /** Attempts in a row that did not start the floor, and until when the next one must wait. */
  #ownBackoff: { readonly failures: number, readonly until: number, readonly cause: OwnBackoffCause } | null = null
  #progress: ProgressTracker | null = null
  #cron: Cron | null = null
  #retry: { readonly at: number, cancel: () => void } | null = null
  #persistence: PersistenceStatus
  readonly #abort = new AbortController()

  constructor (options: RefresherOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#timers = options.timers ?? realTimers
    this.#random = options.random ?? Math.random
    this.#persistence = { dir: options.store.dir, load: null, lastSave: null, staleTemporaryFilesRemoved: 0 }
  }

  /** The snapshot being served; replaced whole, never mutated. */
  get snapshot (): Snapshot | null {
    return this.#snapshot
  }

  get lastOutcome (): RefreshOutcome | null {
    return this.#recentOutcomes[0] ?? null
  }

  /** The last RECENT_OUTCOMES refreshes, newest first. */
  get recentOutcomes (): readonly RefreshOutcome[] {
    return this.#recentOutcomes
  }

  get consecutiveFailures (): number {
    return this.#consecutiveFailures
  }

  get running (): boolean {
    return this.#running !== null || this.#acquiring
  }

  /** HubSoft refused the credentials: automatic refreshes wait for a manual one or a restart. */
  get credentialsRejected (): boolean {
    return this.#credentialsRejected
  }

  /** How far the running refresh has got; null when none runs. */
  get progress (): RefreshProgress | null {
    return this.#progress?.current ?? null
  }

  get lastAttemptAt (): Date | null {
    return this.#lastAttemptAt === null ? null : new Date(this.#lastAttemptAt)
  }

  /** When the floor next allows a fetch; null when it allows one now. */
  get floorUntil (): Date | null {
    if (this.#lastAttemptAt === null) return null
    const until = this.#lastAttemptAt + this.#options.minIntervalMs
    return until > this.#now() ? new Date(until) : null
  }

  get nextScheduledAt (): Date | null {
    return this.#cron?.nextRun(new Date(this.#now())) ?? null
  }

  /** When the pending retry after a failure will run, if one is pending. */
  get nextRetryAt (): Date | null {
    return this.#retry === null ? null : new Date(this.#retry.at)
  }

  get persistence (): PersistenceStatus {
    return this.#persistence
  }

  /**
   * Loads the persisted attempt time and snapshot, starts the schedule, and fetches only if
   * there is no snapshot or a scheduled run was missed, and the floor allows it. Resolves when
   * that first decision (and its fetch, if any) is done. Throws only when SNAPSHOT_DIR is unusable.
   */
  async start (): Promise<RefreshOutcome | RefreshRefusal | { readonly loaded: string }> {
    const { store, log } = this.#options
    const { staleRemoved } = await store.prepare()
    this.#persistence = { ...this.#persistence, staleTemporaryFilesRemoved: staleRemoved }
    if (staleRemoved > 0) log.warn({ dir: store.dir, staleRemoved }, 'removed temporary files a crash left in SNAPSHOT_DIR')
    const attempt = await store.readAttempt().catch((error: unknown) => {
      log.warn({ err: error }, 'cannot read the last fetch attempt time; assuming one just happened')
      return new Date(this.#now())
    })
    this.#lastAttemptAt = attempt?.getTime() ?? null
    await duringSnapshotBuild(async () => { await this.#loadPersisted() })
    await this.#options.coordinator?.start(this)

    this.#cron?.stop()
    this.#cron = new Cron(this.#options.cron, { timezone: this.#options.timezone, protect: true }, () => this.#fireAndForget('schedule'))
    if (this.#snapshot !== null && !this.#missedScheduledRun(this.#snapshot)) {
      this.#started = true
      log.info({ nextScheduledAt: this.nextScheduledAt?.toISOString() }, 'serving the persisted snapshot; next fetch at the schedule')
      return { loaded: this.#snapshot.version }
    }
    const result = await this.refresh('startup')
    this.#started = true
    if ('refused' in result && 'retryAt' in result && result.retryAt !== undefined) this.#scheduleRetry(result.retryAt.getTime())
    return result
  }

  /** Runs a refresh and waits for its outcome, unless it is refused. */
  async refresh (trigger: RefreshTrigger, request: RefreshRequest = {}): Promise<RefreshOutcome | RefreshRefusal> {
    const started = await this.begin(trigger, request)
    return 'refused' in started ? started : await started.done
  }

  /** Starts a refresh without waiting for it (POST /admin/refresh answers 202 at once). */
  async begin (trigger: RefreshTrigger, request: RefreshRequest = {}): Promise<RefreshStarted | RefreshRefusal> {
    // Checked and marked running before the first await: two calls in a row never both start.
    const refusal = this.#refusal(trigger) ?? (this.#options.coordinator === undefined ? null : await this.#fleetGrant(trigger, this.#options.coordinator))
    if (refusal !== null && 'refused' in refusal) {
      this.#options.events?.refused?.(trigger, refusal)
      return refusal
    }
    const startedAt = this.#now()
    const done = duringSnapshotBuild(async () => await this.#run(trigger, request, startedAt, refusal)).finally(() => { this.#running = null })
    this.#running = done
    return { startedAt: new Date(startedAt), done }
  }

  /** The fleet's lock and floor for this attempt, or why not. */
  async #fleetGrant (trigger: RefreshTrigger, coordinator: RefreshCoordinator): Promise<RefreshRefusal | FleetGrant> {
    this.#acquiring = true
    try {
      return await coordinator.acquire(trigger, this.#options.minIntervalMs)
    } finally {
      this.#acquiring = false
    }
  }

  /** Why a refresh asked for now must not start, or null when it may. */
  #refusal (trigger: RefreshTrigger): RefreshRefusal | null {
    const { log } = this.#options
    if (this.running) return { refused: 'running' }
    if (this.#credentialsRejected && trigger !== 'manual') {
      log.warn({ trigger }, 'refresh skipped: HubSoft rejected the credentials; fix them and restart, or ask POST /admin/refresh')
      return { refused: 'credentials' }
    }
    const backoff = this.#ownBackoff
    if (backoff !== null && backoff.until > this.#now()) {
      log.info({ trigger, retryAt: new Date(backoff.until).toISOString(), cause: backoff.cause }, 'refresh skipped: waiting out the backoff after an attempt that did not reach HubSoft or whose token was refused')
      return { refused: 'backoff', retryAt: new Date(backoff.until), cause: backoff.cause }
    }
    const floorUntil = this.floorUntil
    if (floorUntil !== null) {
      log.info({ trigger, retryAt: floorUntil.toISOString() }, 'refresh skipped: REFRESH_MIN_INTERVAL has not passed since the last fetch')
      return { refused: 'floor', retryAt: floorUntil }
    }
    return null
  }

  /** Waits for a running refresh, if any. */
  async idle (): Promise<void> {
    await this.#running
    await this.#adoptedSave
  }

  /** Stops the schedule and retries, and aborts a running refresh (nothing partial is persisted). */
  async stop (): Promise<void> {
    this.#cron?.stop()
    this.#cancelRetry()
    this.#abort.abort()
    await this.idle()
  }

  /** Timers cannot await: a refresh they start reports through the log, never as a rejection. */
  #fireAndForget (trigger: RefreshTrigger): void {
    // In a fleet the schedule and the retries are the leader's; a follower's timers stay quiet.
    if (this.#options.coordinator?.runsSchedule === false) return
    this.begin(trigger).then((started) => {
      if ('refused' in started) {
        if (trigger === 'retry' && 'retryAt' in started && started.retryAt !== undefined) this.#scheduleRetry(started.retryAt.getTime())
        return
      }
      started.done.catch((error: unknown) => this.#options.log.error({ err: error, trigger }, 'refresh crashed'))
    }, (error: unknown) => this.#options.log.error({ err: error, trigger }, 'refresh crashed'))
  }

  /**
   * A snapshot another replica of the fleet fetched: served from now on unless the one served is
   * as recent, and persisted like one fetched here. A retry pending here is moot then.
   */
  adopt (snapshot: Snapshot): boolean {
    const current = this.#snapshot
    if (current !== null && current.fetchedAt.getTime() >= snapshot.fetchedAt.getTime()) return false
    this.#snapshot = snapshot
    this.#consecutiveFailures = 0
    this.#cancelRetry()
    const saved = this.#save(snapshot, this.#abort.signal)
    this.#adoptedSave = saved.finally(() => { if (this.#adoptedSave === saved) this.#adoptedSave = null })
    return true
  }

  /**
   * This replica now runs the fleet's schedule: it fetches (as a retry, under the floor) when the
   * fleet has no snapshot, missed a scheduled run, or its last attempt left nothing newer behind
   * (the previous leader failed or died during it).
   */
  takeOver (lastFleetAttemptAt: Date | null): void {
    if (!this.#started || this.running || this.#retry !== null || this.#abort.signal.aborted) return
    const snapshot = this.#snapshot
    const unfinished = lastFleetAttemptAt !== null && (snapshot === null || lastFleetAttemptAt.getTime() > snapshot.fetchedAt.getTime())
    if (snapshot === null || unfinished || this.#missedScheduledRun(snapshot)) this.#fireAndForget('retry')
  }

  async #loadPersisted (): Promise<void> {
    const { store, log } = this.#options
    // Clients go to the builder batch by batch; it may refuse one (schema, duplicate id), which
    // makes the file unusable like damage does.
    const builder = new SnapshotBuilder(null, this.#options.clienteBounds)
    let loaded = await store.load(async (clientes) => await builder.addPage(clientes, 'reject'))
    let snapshot: Snapshot | null = null
    if (loaded.kind === 'loaded') {
      // The file may be whole yet hold no snapshot (an empty list): set aside like damage.
      try {
        snapshot = await builder.finish(loaded.meta)
      } catch (error) {
        loaded = { kind: 'corrupt', error: error instanceof Error ? error.message : String(error), setAsideAs: await store.setAside() }
      }
    }
    if (loaded.kind === 'missing') {
      this.#persistence = { ...this.#persistence, load: { outcome: 'missing' } }
      log.info({ dir: store.dir }, 'no persisted snapshot in SNAPSHOT_DIR')
      return
    }
    if (loaded.kind === 'corrupt') {
      this.#persistence = { ...this.#persistence, load: { outcome: 'corrupt', error: loaded.error, setAsideAs: loaded.setAsideAs } }
      log.error({ dir: store.dir, error: loaded.error, setAsideAs: loaded.setAsideAs }, 'the persisted snapshot is unusable; set aside, waiting for the next allowed fetch')
      return
    }
    this.#snapshot = snapshot
    this.#persistence = { ...this.#persistence, load: { outcome: 'loaded' } }
    log.info({ version: snapshot!.version, fetchedAt: loaded.meta.fetchedAt.toISOString(), clients: snapshot!.size, bytes: loaded.bytes }, 'loaded the persisted snapshot')
  }

  /** True when REFRESH_CRON had a run between the snapshot's fetch and now (the process was down). */
  #missedScheduledRun (snapshot: Snapshot): boolean {
    const due = this.#cron?.nextRun(snapshot.fetchedAt)
    return due !== undefined && due !== null && due.getTime() <= this.#now()
  }

  async #run (trigger: RefreshTrigger, request: RefreshRequest, startedAt: number, grant: FleetGrant | null): Promise<RefreshOutcome> {
    const { log, store, client } = this.#options
    let progress = { pages: 0, bytes: 0, clients: 0, replacedCharacters: 0 }
    let outcome: OutcomeDetails
    let swappedIn: Snapshot | null = null
    const previousAttemptAt = this.#lastAttemptAt
    const dataRequestsBefore = client.dataRequestsSent
    const tracker = this.#progress = new ProgressTracker(startedAt, this.#now)
    const deadline = AbortSignal.timeout(this.#options.deadlineMs)
    const signal = AbortSignal.any([this.#abort.signal, deadline])
    try {
      // Recorded before the first byte goes upstream: a crash from here on still counts.
      await store.writeAttempt(new Date(startedAt)).catch((error: unknown) => {
        throw new AttemptNotRecordedError(`cannot record the fetch attempt in SNAPSHOT_DIR, so no fetch was made: ${error instanceof Error ? error.message : String(error)}`)
      })
      this.#lastAttemptAt = startedAt
      log.info({ refresh: { trigger, acceptShrink: request.acceptShrink === true } }, 'refresh started')
      // Each page is validated and prepared as it arrives (a bad client stops the walk early);
      // clients unchanged since the serving snapshot share its bytes.
      const builder = new SnapshotBuilder(this.#snapshot, this.#options.clienteBounds)
      const fetched = await fetchClientPages(client, { ...this.#options.fetch, signal }, async (clientes, bytes, replacedCharacters, pagesTotal) => {
        progress = { ...progress, pages: progress.pages + 1, bytes: progress.bytes + bytes, replacedCharacters: progress.replacedCharacters + replacedCharacters }
        await builder.addPage(clientes)
        if (tracker.page(clientes.length, bytes, pagesTotal)) this.#logProgress(tracker.current)
      })
      progress = { ...progress, clients: fetched.clients }
      if (request.acceptShrink !== true) this.#checkShrink(fetched.clients)
      const next = await builder.finish({ fetchedAt: new Date(startedAt), source: this.#options.fetch.source })
      signal.throwIfAborted()
      const unchanged = this.#snapshot?.version === next.version
      this.#snapshot = next
      swappedIn = next
      outcome = { outcome: unchanged ? 'unchanged' : 'success' }
      await this.#save(next, signal)
    } catch (error) {
      outcome = this.#describeFailure(error, deadline)
    }
    this.#progress = null
    const reachedHubsoft = client.dataRequestsSent !== dataRequestsBefore
    if (!reachedHubsoft && this.#lastAttemptAt === startedAt) await this.#giveBackFloor(previousAttemptAt)
    // The fleet gets what was fetched; an attempt that never reached HubSoft gives the fleet floor back too.
    await grant?.finish({ snapshot: swappedIn, sentNothing: !reachedHubsoft })
    const finishedAt = this.#now()
    // HubSoft's own msg goes to the log line only, never into what /status and metrics keep.
    const { upstreamMsg, ...details } = outcome
    const result: RefreshOutcome = {
      ...details,
      trigger,
      startedAt: new Date(startedAt),
      finishedAt: new Date(finishedAt),
      durationMs: finishedAt - startedAt,
      ...progress,
      reachedHubsoft
    }
    this.#recentOutcomes = [result, ...this.#recentOutcomes.slice(0, RECENT_OUTCOMES - 1)]
    this.#afterOutcome(result)
    this.#logOutcome(result, upstreamMsg)
    this.#options.events?.finished?.(result)
    return result
  }

  /**
   * The attempt never reached HubSoft: the floor goes back to the attempt before it, in memory and
   * in SNAPSHOT_DIR. If that cannot be written the attempt keeps counting (the safe side).
   */
  async #giveBackFloor (previousAttemptAt: number | null): Promise<void> {
    const { store, log } = this.#options
    try {
      if (previousAttemptAt === null) await store.clearAttempt()
      else await store.writeAttempt(new Date(previousAttemptAt))
      this.#lastAttemptAt = previousAttemptAt
    } catch (error) {
      log.warn({ err: error }, 'cannot give back REFRESH_MIN_INTERVAL for an attempt that never reached HubSoft; it counts as one')
    }
  }

  #logProgress (progress: RefreshProgress): void {
    this.#options.log.info({
      progress: {
        pagesDone: progress.pagesDone,
        pagesTotal: progress.pagesTotal,
        clients: progress.clients,
        bytes: progress.bytes,
        estimatedEndAt: progress.estimatedEndAt?.toISOString() ?? null
      }
    }, progress.pagesTotal === null ? `refresh progress: ${progress.pagesDone} pages` : `refresh progress: ${progress.pagesDone} of ${progress.pagesTotal} pages`)
  }

  /** Persists a swapped-in snapshot; a failure is reported, and the snapshot keeps serving. */
  async #save (snapshot: Snapshot, signal: AbortSignal): Promise<void> {
    let saved: SaveResult
    try {
      saved = await this.#options.store.save(snapshot, signal)
    } catch (error) {
      if (signal.aborted) return
      const description = error instanceof Error ? error.message : String(error)
      this.#persistence = { ...this.#persistence, lastSave: { at: new Date(this.#now()), outcome: 'failed', error: description } }
      this.#options.log.error({ dir: this.#options.store.dir, error: description }, 'could not persist the snapshot; it is served, but a restart will not have it')
      return
    }
    this.#persistence = { ...this.#persistence, lastSave: { at: new Date(this.#now()), outcome: 'saved', bytes: saved.bytes } }
  }

  #checkShrink (count: number): void {
    const current = this.#snapshot?.size
    // An empty list is reported as such by validation, which accept_shrink cannot override.
    if (current === undefined || count === 0) return
    if (count < current * (1 - this.#options.maxShrink)) {
      throw new SnapshotValidationError('shrink', `the new list has ${count} clients against ${current}: more than REFRESH_MAX_SHRINK (${Math.round(this.#options.maxShrink * 100)}%) fewer; an admin may accept it with POST /admin/refresh?accept_shrink=true`)
    }
  }

  #afterOutcome (result: RefreshOutcome): void {
    if (result.outcome === 'success' || result.outcome === 'unchanged') {
      this.#consecutiveFailures = 0
      this.#credentialsRejected = false
      this.#ownBackoff = null
      this.#cancelRetry()
      return
    }
    this.#consecutiveFailures++
    if (result.reason === 'aborted') return
    const ownCause: OwnBackoffCause | null = result.reason === 'invalid_credentials' ? 'credentials' : result.reachedHubsoft ? null : 'unreachable'
    if (ownCause !== null) {
      const failures = (this.#ownBackoff?.failures ?? 0) + 1
      this.#ownBackoff = { failures, cause: ownCause, until: this.#now() + ownBackoffMs(failures, this.#options.minIntervalMs, this.#random()) }
    }
    if (result.reason === 'invalid_credentials') {
      this.#credentialsRejected = true
      this.#cancelRetry()
      return
    }
    if (ownCause !== null) {
      // The floor of an earlier attempt that did reach HubSoft still holds.
      this.#scheduleRetry(Math.max(this.#ownBackoff!.until, this.floorUntil?.getTime() ?? 0))
      return
    }
    const delay = retryDelayMs({
      failures: this.#consecutiveFailures,
      minIntervalMs: this.#options.minIntervalMs,
      cold: this.#snapshot === null,
      random: this.#random()
    })
    this.#scheduleRetry((this.#lastAttemptAt ?? this.#now()) + delay)
  }

  #scheduleRetry (at: number): void {
    if (this.#abort.signal.aborted) return
    this.#cancelRetry()
    const handle = this.#timers.setTimeout(() => {
      this.#retry = null
      this.#fireAndForget('retry')
    }, Math.max(0, at - this.#now()))
    this.#retry = { at, cancel: () => handle.cancel() }
  }

  #cancelRetry (): void {
    this.#retry?.cancel()
    this.#retry = null
  }

  #describeFailure (error: unknown, deadline: AbortSignal): OutcomeDetails {
    if (deadline.aborted && !this.#abort.signal.aborted) {
      return failure('deadline', `the refresh did not finish within REFRESH_DEADLINE (${this.#options.deadlineMs} ms)`)
    }
    if (this.#abort.signal.aborted) return failure('aborted', 'the refresh was aborted by shutdown')
    return describeFailure(error)
  }

  #logOutcome (result: RefreshOutcome, upstreamMsg: string | undefined): void {
    const line = {
      refresh: {
        trigger: result.trigger,
        outcome: result.outcome,
        durationMs: result.durationMs,
        pages: result.pages,
        clients: result.clients,
        bytes: result.bytes,
        replacedCharacters: result.replacedCharacters,
        version: this.#snapshot?.version ?? null,
        error: result.error,
        reason: result.reason,
        httpStatus: result.httpStatus,
        upstreamMsg,
        reachedHubsoft: result.reachedHubsoft,
        consecutiveFailures: this.#consecutiveFailures,
        nextRetryAt: this.nextRetryAt?.toISOString() ?? null
      }
    }
    const { log } = this.#options
    // Say what is true: there may be no snapshot to serve, and HubSoft may not have been reached.
    const serving = this.#snapshot === null ? 'no snapshot to serve yet (data routes answer 503)' : 'still serving the previous snapshot'
    const floor = result.reachedHubsoft ? '' : '; HubSoft was not reached, so REFRESH_MIN_INTERVAL did not start'
    if (result.outcome === 'success' || result.outcome === 'unchanged') log.info(line, 'refresh finished')
    else if (result.reason === 'invalid_credentials') log.error(line, `HubSoft rejected the credentials: automatic refreshes are paused until they are fixed (restart) or an admin asks POST /admin/refresh; ${serving}`)
    else log.warn(line, `refresh failed; ${serving}${floor}`)
  }
}

class AttemptNotRecordedError extends Error {
  override name = 'AttemptNotRecordedError'
}

/** What went wrong, with HubSoft's clipped msg kept for the log line only. */
type OutcomeDetails = Pick<RefreshOutcome, 'outcome' | 'error' | 'reason' | 'httpStatus'> & { readonly upstreamMsg?: string }

/** A refresh that did not succeed; the reason decides whether it was rejected or failed. */
function failure (reason: RefreshReason, error: string, upstream: Pick<OutcomeDetails, 'httpStatus' | 'upstreamMsg'> = {}): OutcomeDetails {
  return { outcome: REFRESH_REASONS[reason].outcome, reason, error, ...upstream }
}

function describeFailure (error: unknown): OutcomeDetails {
  if (error instanceof UpstreamError) {
    return failure(error.reason, error.message, { httpStatus: error.httpStatus, upstreamMsg: error.upstreamMsg })
  }
  if (error instanceof SnapshotValidationError) return failure(error.kind, error.message)
  if (error instanceof AttemptNotRecordedError) return failure('persistence', error.message)
  // An unexpected error's message may quote the data it choked on.
  return failure('internal', error instanceof Error ? maskPersonalText(`${error.name}: ${error.message}`) : 'unknown error')
}
