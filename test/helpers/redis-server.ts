// A real redis-server (Debian package redis-server; .ci/run installs it) on a free loopback port
// with a temporary directory and no persistence, stopped by its PID when the test ends. Required
// in CI, left out elsewhere (required-tool.ts). `stop` and `start` let a test take Redis away and
// bring it back on the same port.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import type { FleetConfig } from '../../src/config.js'
import { openFleetConnections } from '../../src/fleet/redis.js'
import type { FleetConnections } from '../../src/fleet/redis.js'
import { freePort, kill, spawnRedis } from './redis-process.js'
import { missingTool } from './required-tool.js'

export interface RedisServer {
  readonly port: number
  /** redis://127.0.0.1:<port> */
  readonly url: string
  /** Kills the server (SIGKILL: nothing is saved anyway) and waits for it to exit. */
  stop: () => Promise<void>
  /** Starts it again, empty, on the same port. */
  start: () => Promise<void>
}

/** A running redis-server for this test, or undefined (the test should skip) when it is not installed outside CI. */
export async function startRedis (t: TestContext): Promise<RedisServer | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'hubsoft-bff-redis-'))
  const port = await freePort()
  let child = await spawnRedis(port, dir)
  if (child === 'missing') {
    rmSync(dir, { recursive: true, force: true })
    missingTool('redis-server is not on PATH: .ci/run should install the Debian package redis-server')
    return undefined
  }
  let running: ChildProcess | null = child
  t.after(async () => {
    if (running !== null) await kill(running)
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (running !== null) await kill(running)
      running = null
    },
    start: async () => {
      if (running !== null) return
      child = await spawnRedis(port, dir)
      if (child === 'missing') throw new Error('redis-server disappeared')
      running = child
    }
  }
}

/** The fleet's connections to `server` under a key prefix of the test's own, closed when the test ends. */
export function fleetConnectionsTo (t: TestContext, server: RedisServer, keyPrefix = 'test:'): FleetConnections {
  const connections = openFleetConnections(fleetTestConfig(server, keyPrefix))
  t.after(async () => await connections.close())
  return connections
}

/** A FleetConfig for `server` with short leases, as the tests use them. */
export function fleetTestConfig (server: RedisServer, keyPrefix = 'test:'): FleetConfig {
  return { url: server.url, keyPrefix, leaderTtlMs: 1000, lockTtlMs: 1000, pollIntervalMs: 1000 }
}
