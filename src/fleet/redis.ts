// The fleet's connections to Redis (or Valkey, same protocol) and the names of its keys. Commands
// fail at once while Redis is unreachable instead of queueing: the fleet floor must be known
// before a fetch, and being unsure never allows one. ioredis reconnects by itself, at most a
// second apart, so a Redis that comes back is used again within a second or so.
import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'
import type { FleetConfig } from '../config.js'

/** Every key the fleet uses, under REDIS_KEY_PREFIX. */
export interface FleetKeys {
  /** Exists (with a TTL of REFRESH_MIN_INTERVAL) while the fleet floor forbids a fetch. */
  readonly floor: string
  /** The last fetch attempt of the fleet, kept after the floor expires (for /status and a new leader). */
  readonly lastAttempt: string
  /** Held by the replica whose refresh is running. */
  readonly lock: string
  /** Held by the replica that runs REFRESH_CRON and the retries. */
  readonly leader: string
  /** The published snapshot's description; written last, so it only ever points at complete chunks. */
  readonly manifest: string
  /** Pub/sub channel announcing each new manifest. */
  readonly announcements: string
  /** The key of chunk `index` of publication `id`. */
  chunk: (id: string, index: number) => string
}

export function fleetKeys (prefix: string): FleetKeys {
  return {
    floor: `${prefix}floor`,
    lastAttempt: `${prefix}last-attempt`,
    lock: `${prefix}refresh-lock`,
    leader: `${prefix}leader`,
    manifest: `${prefix}manifest`,
    announcements: `${prefix}announcements`,
    chunk: (id, index) => `${prefix}snapshot:${id}:${index}`
  }
}

/** Each command gets this long before it counts as failed (a fetch is then refused). */
const COMMAND_TIMEOUT_MS = 5000
const CONNECT_TIMEOUT_MS = 3000
const MAX_RECONNECT_DELAY_MS = 1000

export function redisOptions (config: FleetConfig): RedisOptions {
  return {
    ...(config.password === undefined ? {} : { password: config.password }),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, MAX_RECONNECT_DELAY_MS),
    // The ready check issues INFO, which a Redis with ACLs may deny to a restricted user.
    enableReadyCheck: false
  }
}

/** One connection for commands, one for the announcements (a subscribed connection takes no commands). */
export interface FleetConnections {
  readonly commands: Redis
  readonly subscriber: Redis
  readonly keys: FleetKeys
  close: () => Promise<void>
}

export function openFleetConnections (config: FleetConfig): FleetConnections {
  const options = redisOptions(config)
  const commands = new Redis(config.url, options)
  // The subscriber resubscribes by itself after a reconnect; it may queue its SUBSCRIBE meanwhile.
  const subscriber = new Redis(config.url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null })
  // ioredis emits 'error' on every failed reconnect; the coordinator reports reachability instead.
  commands.on('error', () => undefined)
  subscriber.on('error', () => undefined)
  return {
    commands,
    subscriber,
    keys: fleetKeys(config.keyPrefix),
    close: async () => {
      commands.disconnect()
      subscriber.disconnect()
    }
  }
}
