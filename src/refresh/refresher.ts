// Owns the serving snapshot: fetches at start-up and on REFRESH_CRON, never twice within
// REFRESH_MIN_INTERVAL, one refresh at a time; builds the next snapshot beside the current
// one, validates it, and swaps a single reference (SPEC §5 G4, G6). Persistence, backoff and
// crash-loop guarantees build on this (issue "Never hammer HubSoft").
import { Cron } from 'croner'
import type { FastifyBaseLogger } from 'fastify'
import { SnapshotBuilder, SnapshotValidationError } from '../snapshot/snapshot.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { UpstreamError } from '../upstream/errors.js'
import { fetchClientPages } from '../upstream/fetch-clientes.js'
import type { FetchClientesOptions } from '../upstream/fetch-clientes.js'
import type { HubsoftClient } from '../upstream/hubsoft-client.js'

export type RefreshOutcomeKind = 'success' | 'unchanged' | 'rejected' | 'failed'

export interface RefreshOutcome {
  readonly outcome: RefreshOutcomeKind
  readonly trigger: RefreshTrigger
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly durationMs: number
  readonly pages: number
  readonly bytes: number
  readonly clients: number
  /** Our own description of what went wrong; never an upstream body. */
  readonly error?: string
  readonly reason?: string
}

export type RefreshTrigger = 'startup' | 'schedule' | 'retry' | 'manual'

/** Why a refresh did not start. */
export type RefreshRefusal = { readonly refused: 'running' } | { readonly refused: 'floor', readonly retryAt: Date }

export interface RefresherOptions {
  readonly client: HubsoftClient
  readonly fetch: Omit<FetchClientesOptions, 'signal'>
  readonly cron: string
  readonly timezone: string
  readonly minIntervalMs: number
  readonly maxShrink: number
  readonly log: FastifyBaseLogger
  readonly now?: () => number
}

export class Refresher {
  readonly #options: RefresherOptions
  readonly #now: () => number
  #snapshot: Snapshot | null = null
  #running: Promise<RefreshOutcome> | null = null
  #lastAttemptAt: number | null = null
  #lastOutcome: RefreshOutcome | null = null
  #consecutiveFailures = 0
  #cron: Cron | null = null
  #retryTimer: NodeJS.Timeout | null = null
  #abort = new AbortController()

  constructor (options: RefresherOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** The snapshot being served; replaced whole, never mutated. */
  get snapshot (): Snapshot | null {
    return this.#snapshot
  }

  get lastOutcome (): RefreshOutcome | null {
    return this.#lastOutcome
  }

  get consecutiveFailures (): number {
    return this.#consecutiveFailures
  }

  get running (): boolean {
    return this.#running !== null
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
    return this.#cron?.nextRun() ?? null
  }

  /** Starts the schedule and the first fetch; resolves when that first attempt ends. */
  async start (): Promise<RefreshOutcome | RefreshRefusal> {
    this.#cron?.stop()
    this.#cron = new Cron(this.#options.cron, { timezone: this.#options.timezone, protect: true }, () => this.#fireAndForget('schedule'))
    return await this.refresh('startup')
  }

  /** Runs a refresh unless one is running or the floor forbids it. */
  async refresh (trigger: RefreshTrigger): Promise<RefreshOutcome | RefreshRefusal> {
    if (this.#running !== null) return { refused: 'running' }
    const floorUntil = this.floorUntil
    if (floorUntil !== null) {
      this.#options.log.info({ trigger, retryAt: floorUntil.toISOString() }, 'refresh skipped: REFRESH_MIN_INTERVAL has not passed since the last fetch')
      return { refused: 'floor', retryAt: floorUntil }
    }
    this.#running = this.#run(trigger).finally(() => { this.#running = null })
    return await this.#running
  }

  /** Waits for a running refresh, if any. */
  async idle (): Promise<void> {
    await this.#running?.catch(() => undefined)
  }

  async stop (): Promise<void> {
    this.#cron?.stop()
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer)
    this.#abort.abort()
    await this.idle()
  }

  /** Timers cannot await: a refresh they start reports through the log, never as a rejection. */
  #fireAndForget (trigger: RefreshTrigger): void {
    this.refresh(trigger).catch((error: unknown) => this.#options.log.error({ err: error, trigger }, 'refresh crashed'))
  }

  async #run (trigger: RefreshTrigger): Promise<RefreshOutcome> {
    const startedAt = this.#now()
    this.#lastAttemptAt = startedAt
    let progress = { pages: 0, bytes: 0, clients: 0 }
    let outcome: OutcomeDetails
    try {
      // Each page is validated and prepared as it arrives (a bad client stops the walk early);
      // clients unchanged since the serving snapshot share its bytes.
      const builder = new SnapshotBuilder(this.#snapshot)
      const fetched = await fetchClientPages(this.#options.client, { ...this.#options.fetch, signal: this.#abort.signal }, async (clientes) => await builder.addPage(clientes))
      progress = { pages: fetched.pages, bytes: fetched.bytes, clients: fetched.clients }
      this.#checkShrink(fetched.clients)
      const next = await builder.finish({ fetchedAt: new Date(startedAt), source: this.#options.fetch.source })
      const unchanged = this.#snapshot?.version === next.version
      this.#snapshot = next
      outcome = { outcome: unchanged ? 'unchanged' : 'success' }
    } catch (error) {
      outcome = describeFailure(error)
    }
    const finishedAt = this.#now()
    const result: RefreshOutcome = {
      ...outcome,
      trigger,
      startedAt: new Date(startedAt),
      finishedAt: new Date(finishedAt),
      durationMs: finishedAt - startedAt,
      ...progress
    }
    this.#lastOutcome = result
    this.#consecutiveFailures = result.outcome === 'success' || result.outcome === 'unchanged' ? 0 : this.#consecutiveFailures + 1
    this.#logOutcome(result, outcome)
    this.#scheduleColdRetry()
    return result
  }

  #checkShrink (count: number): void {
    const current = this.#snapshot?.size
    if (current === undefined) return
    if (count < current * (1 - this.#options.maxShrink)) {
      throw new SnapshotValidationError(`the new list has ${count} clients against ${current}: more than REFRESH_MAX_SHRINK (${Math.round(this.#options.maxShrink * 100)}%) fewer`)
    }
  }

  /** Without any snapshot the service is useless: retry as soon as the floor allows, no sooner. */
  #scheduleColdRetry (): void {
    if (this.#snapshot !== null || this.#abort.signal.aborted) return
    const floorUntil = this.floorUntil
    const delayMs = floorUntil === null ? 0 : floorUntil.getTime() - this.#now()
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer)
    this.#retryTimer = setTimeout(() => this.#fireAndForget('retry'), delayMs)
    this.#retryTimer.unref()
  }

  #logOutcome (result: RefreshOutcome, outcome: OutcomeDetails): void {
    const line = {
      refresh: {
        trigger: result.trigger,
        outcome: result.outcome,
        durationMs: result.durationMs,
        pages: result.pages,
        clients: result.clients,
        bytes: result.bytes,
        version: this.#snapshot?.version ?? null,
        error: result.error,
        reason: result.reason,
        upstreamMsg: outcome.upstreamMsg
      }
    }
    if (result.outcome === 'success' || result.outcome === 'unchanged') this.#options.log.info(line, 'refresh finished')
    else this.#options.log.warn(line, 'refresh failed; still serving the previous snapshot')
  }
}

/** What went wrong, with HubSoft's clipped msg kept for the log line only. */
type OutcomeDetails = Pick<RefreshOutcome, 'outcome' | 'error' | 'reason'> & { readonly upstreamMsg?: string }

function describeFailure (error: unknown): OutcomeDetails {
  if (error instanceof UpstreamError) {
    return { outcome: 'failed', reason: error.reason, error: error.message, upstreamMsg: error.upstreamMsg }
  }
  if (error instanceof SnapshotValidationError) {
    return { outcome: 'rejected', reason: 'validation', error: error.message }
  }
  return { outcome: 'failed', reason: 'internal', error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error' }
}
