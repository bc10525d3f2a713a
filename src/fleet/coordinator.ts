// A replica's part in the fleet (README, Deployment): it follows the fleet's snapshot (announced
// on a channel, the manifest polled as a fallback), takes part in the leader election, and wraps
// each of its refresh attempts in the fleet's lock and floor. Redis being unreachable never stops
// serving; it only stops fetching, since the floor cannot be checked.
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { FastifyBaseLogger } from 'fastify'
import type { FleetConfig } from '../config.js'
import type { CoordinatedRefresher, FleetGrant, RefreshCoordinator } from '../refresh/coordinator.js'
import type { RefreshRefusal, RefreshTrigger } from '../refresh/refresher.js'
import { duringSnapshotBuild } from '../snapshot/compaction.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { FleetFloor } from './floor.js'
import type { FleetAttempt } from './floor.js'
import { LeaderElection } from './leader.js'
import { RefreshLock } from './lock.js'
import { downloadSnapshot, publishSnapshot, readManifest, StalePublicationError } from './publication.js'
import type { FleetManifest } from './publication.js'
import { openFleetConnections } from './redis.js'
import type { FleetConnections } from './redis.js'

/** While Redis cannot be asked, a refused refresh is worth asking again after this. */
const UNREACHABLE_RETRY_MS = 5000
/** A download that finds its chunks replaced starts over with the new manifest this many times. */
const DOWNLOAD_ATTEMPTS = 3

export type FleetRole = 'leader' | 'follower'

/** The last time this replica published, or took the fleet's snapshot. */
export interface FleetEvent {
  readonly at: Date
  readonly outcome: 'ok' | 'failed'
  readonly version: string | null
  readonly error?: string
}

/** What this replica's fleet part counted, for /metrics. */
export interface FleetCounters {
  publications: { ok: number, failed: number }
  ingests: { ok: number, failed: number }
  locksLost: number
}

export interface FleetCoordinatorOptions {
  readonly config: FleetConfig
  readonly log: FastifyBaseLogger
  readonly now?: () => number
  /** Tests pass their own connections; by default they are opened from `config`. */
  readonly connections?: FleetConnections
}

export class FleetCoordinator implements RefreshCoordinator {
  /** Names this replica in the leader and lock keys and in the manifest. */
  readonly replica = `${hostname()}-${randomBytes(4).toString('hex')}`
  readonly counters: FleetCounters = { publications: { ok: 0, failed: 0 }, ingests: { ok: 0, failed: 0 }, locksLost: 0 }
  readonly #redis: FleetConnections
  readonly #log: FastifyBaseLogger
  readonly #now: () => number
  readonly #floor: FleetFloor
  readonly #lock: RefreshLock
  readonly #election: LeaderElection
  readonly #pollIntervalMs: number
  #refresher: CoordinatedRefresher | null = null
  #manifest: FleetManifest | null = null
  #lastPublication: FleetEvent | null = null
  #lastIngest: FleetEvent | null = null
  /** A snapshot this replica fetched but could not publish yet (Redis was away): published when it can be. */
  #unpublished: Snapshot | null = null
  #sync: Promise<void> | null = null
  #syncAgain = false
  #poll: NodeJS.Timeout | null = null
  #stopped = false

  constructor (options: FleetCoordinatorOptions) {
    this.#redis = options.connections ?? openFleetConnections(options.config)
    this.#log = options.log
    this.#now = options.now ?? Date.now
    this.#pollIntervalMs = options.config.pollIntervalMs
    const { commands, keys } = this.#redis
    this.#floor = new FleetFloor(commands, keys, this.replica, this.#now)
    this.#lock = new RefreshLock(commands, keys.lock, this.replica, options.config.lockTtlMs, () => {
      this.counters.locksLost++
      this.#log.warn('lost the fleet refresh lock while refreshing (Redis unreachable or too slow); the floor still holds')
    })
    this.#election = new LeaderElection(commands, keys.leader, this.replica, options.config.leaderTtlMs, {
      elected: () => this.#elected(),
      deposed: () => this.#log.info({ fleet: { replica: this.replica } }, 'no longer the fleet leader')
    })
  }

  get runsSchedule (): boolean {
    return this.#election.leader
  }

  get role (): FleetRole {
    return this.#election.leader ? 'leader' : 'follower'
  }

  get redisReachable (): boolean {
    return this.#redis.commands.status === 'ready'
  }

  /** The fleet's manifest as last read. */
  get manifest (): FleetManifest | null {
    return this.#manifest
  }

  get lastPublication (): FleetEvent | null {
    return this.#lastPublication
  }

  get lastIngest (): FleetEvent | null {
    return this.#lastIngest
  }

  async start (refresher: CoordinatedRefresher): Promise<void> {
    this.#refresher = refresher
    const { commands, subscriber, keys } = this.#redis
    subscriber.on('message', (channel: string) => { if (channel === keys.announcements) this.#follow() })
    subscriber.subscribe(keys.announcements).catch(() => undefined)
    // Back after an outage: catch up at once rather than at the next poll.
    commands.on('ready', () => {
      this.#follow()
      this.#election.round().catch(() => undefined)
    })
    try {
      await commands.connect()
    } catch (error) {
      this.#log.warn({ err: error }, 'Redis is unreachable: serving what SNAPSHOT_DIR has, and no fetch until the fleet floor can be checked')
    }
    await this.sync()
    await this.#election.start()
    this.#poll = setInterval(() => this.#follow(), this.#pollIntervalMs)
  }

  async stop (): Promise<void> {
    this.#stopped = true
    if (this.#poll !== null) clearInterval(this.#poll)
    await this.#election.stop()
    await this.#sync
    await this.#redis.close()
  }

  async acquire (trigger: RefreshTrigger, minIntervalMs: number): Promise<FleetGrant | RefreshRefusal> {
    let taken: Awaited<ReturnType<RefreshLock['take']>>
    try {
      taken = await this.#lock.take()
    } catch (error) {
      return this.#unreachable(trigger, error)
    }
    if ('busyForMs' in taken) return { refused: 'running', retryAt: new Date(this.#now() + taken.busyForMs) }
    const lock = taken
    let claimed: Awaited<ReturnType<FleetFloor['claim']>>
    try {
      claimed = await this.#floor.claim(minIntervalMs, randomBytes(8).toString('hex'))
    } catch (error) {
      // The claim may have been written with its answer lost: the floor then holds, as it should.
      await lock.release().catch(() => undefined)
      return this.#unreachable(trigger, error)
    }
    if (!claimed.claimed) {
      await lock.release().catch(() => undefined)
      this.#log.info({ trigger, retryAt: claimed.retryAt.toISOString() }, 'refresh skipped: the fleet floor (REFRESH_MIN_INTERVAL since any replica\'s last fetch) has not passed')
      return { refused: 'floor', retryAt: claimed.retryAt }
    }
    const attempt = claimed.attempt
    return { finish: async (ended) => await this.#finish(attempt, lock, ended) }
  }

  #unreachable (trigger: RefreshTrigger, error: unknown): RefreshRefusal {
    this.#log.warn({ trigger, err: error }, 'refresh skipped: Redis is unreachable, so the fleet floor cannot be checked')
    return { refused: 'fleet_unreachable', retryAt: new Date(this.#now() + UNREACHABLE_RETRY_MS) }
  }

  async #finish (attempt: FleetAttempt, lock: { release: () => Promise<void> }, ended: Parameters<FleetGrant['finish']>[0]): Promise<void> {
    try {
      if (ended.sentNothing && await this.#floor.release(attempt)) this.#log.info('nothing reached HubSoft: the fleet floor claimed for this attempt is given back')
      if (ended.snapshot !== null) await this.#publish(ended.snapshot)
    } catch (error) {
      this.#log.warn({ err: error }, 'could not finish the refresh in Redis')
    } finally {
      await lock.release().catch(() => undefined)
    }
  }

  async #publish (snapshot: Snapshot): Promise<void> {
    try {
      const manifest = await publishSnapshot(this.#redis.commands, this.#redis.keys, snapshot, this.replica, this.#now)
      this.#manifest = manifest
      this.#unpublished = null
      this.#lastPublication = { at: new Date(this.#now()), outcome: 'ok', version: manifest.version }
      this.counters.publications.ok++
      this.#log.info({ fleet: { version: manifest.version, chunks: manifest.chunks, bytes: manifest.bytes } }, 'published the snapshot to the fleet')
    } catch (error) {
      this.#unpublished = snapshot
      this.#lastPublication = { at: new Date(this.#now()), outcome: 'failed', version: snapshot.version, error: errorText(error) }
      this.counters.publications.failed++
      this.#log.warn({ err: error }, 'could not publish the snapshot to the fleet; trying again when Redis answers')
    }
  }

  /** Starts a sync unless one runs; one that runs is followed by another (an announcement came meanwhile). */
  #follow (): void {
    if (this.#stopped) return
    this.sync().catch((error: unknown) => this.#log.error({ err: error }, 'fleet sync crashed'))
  }

  /** Reads the manifest and takes the fleet's snapshot when it is newer than the one served. */
  async sync (): Promise<void> {
    if (this.#sync !== null) {
      this.#syncAgain = true
      await this.#sync
      return
    }
    this.#sync = this.#syncOnce().finally(() => { this.#sync = null })
    await this.#sync
    if (this.#syncAgain && !this.#stopped) {
      this.#syncAgain = false
      await this.sync()
    }
  }

  async #syncOnce (): Promise<void> {
    const refresher = this.#refresher
    if (refresher === null) return
    const { commands, keys } = this.#redis
    for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
      let manifest: FleetManifest | null
      try {
        manifest = await readManifest(commands, keys)
      } catch (error) {
        if (this.redisReachable) this.#ingestFailed(null, error)
        return
      }
      this.#manifest = manifest
      const unpublished = this.#unpublished
      if (unpublished !== null && (manifest === null || unpublished.fetchedAt.getTime() > Date.parse(manifest.fetched_at))) {
        await this.#publish(unpublished)
        return
      }
      const current = refresher.snapshot
      // Redis lost its data (restarted without persistence): the leader seeds it again.
      if (manifest === null && current !== null && this.#election.leader) {
        await this.#publish(current)
        return
      }
      if (manifest === null || (current !== null && current.fetchedAt.getTime() >= Date.parse(manifest.fetched_at))) return
      try {
        const snapshot = await duringSnapshotBuild(async () => await downloadSnapshot(commands, keys, manifest, current))
        // A refresh here may have swapped in something newer during the download.
        if (!refresher.adopt(snapshot)) return
        this.#lastIngest = { at: new Date(this.#now()), outcome: 'ok', version: snapshot.version }
        this.counters.ingests.ok++
        this.#log.info({ fleet: { version: snapshot.version, fetchedAt: manifest.fetched_at, publisher: manifest.publisher, clients: snapshot.size } }, 'took the fleet\'s snapshot from Redis')
        return
      } catch (error) {
        if (error instanceof StalePublicationError && attempt < DOWNLOAD_ATTEMPTS) continue
        this.#ingestFailed(manifest.version, error)
        return
      }
    }
  }

  #ingestFailed (version: string | null, error: unknown): void {
    this.#lastIngest = { at: new Date(this.#now()), outcome: 'failed', version, error: errorText(error) }
    this.counters.ingests.failed++
    this.#log.warn({ err: error }, 'could not take the fleet\'s snapshot from Redis; still serving the current one')
  }

  #elected (): void {
    this.#log.info({ fleet: { replica: this.replica } }, 'elected the fleet leader: this replica runs the schedule and the retries')
    const refresher = this.#refresher
    if (refresher === null) return
    this.#floor.lastAttempt().then(
      (attempt) => refresher.takeOver(attempt?.at ?? null),
      () => refresher.takeOver(null)
    )
  }
}

function errorText (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
