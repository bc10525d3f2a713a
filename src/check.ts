// `--check` (like `nginx -t`): what start-up would find, without serving or fetching. The
// configuration is already loaded by then (a bad one never gets here); this reads SNAPSHOT_DIR
// as start-up would, reports what it holds and when the floor next allows a fetch, and with
// REDIS_URL asks the fleet's Redis for a PING and the manifest of the snapshot it holds.
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import type { Config, FleetConfig } from './config.js'
import { fleetKeys, redisOptions } from './fleet/redis.js'
import { ATTEMPT_FILE, SNAPSHOT_FILE, SnapshotStore } from './snapshot/persist.js'

export interface CheckReport {
  readonly ok: boolean
  /** One fact or problem a line, for the terminal. */
  readonly lines: readonly string[]
}

export async function checkDeployment (config: Config, warnings: readonly string[], now: number = Date.now()): Promise<CheckReport> {
  const lines = [
    `configuration: valid (${config.demo === null ? `HubSoft at ${config.upstream.url ?? ''}` : 'demo mode: an embedded simulator, synthetic customers'})`,
    ...warnings.map((warning) => `warning: ${warning}`)
  ]
  if (config.fleet !== null) {
    const redis = await checkRedis(config.fleet)
    lines.push(redis.line)
    if (!redis.ok) return { ok: false, lines }
  }
  if (config.snapshotDir === null) return { ok: true, lines: [...lines, 'SNAPSHOT_DIR: unset; the demo persists into a temporary directory of its own'] }
  const store = new SnapshotStore(config.snapshotDir, () => now)
  try {
    await store.prepare()
    const attempt = await store.readAttempt()
    const snapshot = await stat(join(config.snapshotDir, SNAPSHOT_FILE)).catch(() => null)
    lines.push(`SNAPSHOT_DIR '${config.snapshotDir}': writable; ${snapshot === null ? 'no snapshot yet (the first start fetches one)' : `a snapshot of ${snapshot.size} bytes written ${snapshot.mtime.toISOString()}`}`)
    const floorUntil = attempt === null ? null : attempt.getTime() + config.refresh.minIntervalMs
    lines.push(attempt === null
      ? 'last fetch attempt: none recorded; a fetch is allowed now'
      : `last fetch attempt: ${attempt.toISOString()} (${ATTEMPT_FILE}); REFRESH_MIN_INTERVAL allows the next ${floorUntil! <= now ? 'now' : `at ${new Date(floorUntil!).toISOString()}`}`)
    return { ok: true, lines }
  } catch (error) {
    return { ok: false, lines: [...lines, `SNAPSHOT_DIR: ${error instanceof Error ? error.message : String(error)}`] }
  }
}

/** One PING and one read of the manifest key, with the service's own connection options (no queueing, short timeouts). */
async function checkRedis (fleet: FleetConfig): Promise<{ readonly ok: boolean, readonly line: string }> {
  const redis = new Redis(fleet.url, { ...redisOptions(fleet), retryStrategy: () => null })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    await redis.ping()
    const manifest = await redis.exists(fleetKeys(fleet.keyPrefix).manifest)
    return { ok: true, line: `REDIS_URL: answers; ${manifest === 1 ? 'the fleet holds a published snapshot' : 'no snapshot published yet'}` }
  } catch (error) {
    return { ok: false, line: `REDIS_URL: does not answer (${error instanceof Error ? error.message : String(error)}); the fleet cannot claim its floor, so no replica would fetch` }
  } finally {
    redis.disconnect()
  }
}
