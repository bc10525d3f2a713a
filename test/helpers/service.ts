// Test fixtures shared by the integration suites: a simulator on loopback, a service built
// with buildApp against it (real HTTP upstream, fastify.inject for our routes), and API keys.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import type { AppDeps } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import type { Config } from '../../src/config.js'
import { DEMO_CREDENTIALS, HubsoftSimulator } from '../../src/simulator/simulator.js'
import type { SimulatorOptions } from '../../src/simulator/simulator.js'

export const KEYS = {
  read: 'key-read-0123456789abcdef',
  secrets: 'key-secrets-0123456789abcdef',
  admin: 'key-admin-0123456789abcdef'
} as const

export type KeyName = keyof typeof KEYS

export function bearer (key: KeyName): Record<string, string> {
  return { authorization: `Bearer ${KEYS[key]}` }
}

export async function startSimulator (t: TestContext, options: SimulatorOptions = {}): Promise<HubsoftSimulator> {
  const simulator = await HubsoftSimulator.start(options)
  t.after(async () => await simulator.close())
  return simulator
}

/** The configuration a deployment would have, read through loadConfig from environment strings. */
export function serviceConfig (simulator: HubsoftSimulator, env: Record<string, string> = {}): Config {
  return loadConfig({
    HUBSOFT_URL: simulator.url,
    HUBSOFT_CLIENT_ID: DEMO_CREDENTIALS.clientId,
    HUBSOFT_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
    HUBSOFT_USERNAME: DEMO_CREDENTIALS.username,
    HUBSOFT_PASSWORD: DEMO_CREDENTIALS.password,
    API_KEYS: `reader:${KEYS.read}:read,provisioning:${KEYS.secrets}:secrets,ops:${KEYS.admin}:admin`,
    LOG_LEVEL: 'silent',
    HUBSOFT_PAGE_SIZE: '50',
    HUBSOFT_TIMEOUT_MS: '5000',
    ...env
  })
}

/** A fresh SNAPSHOT_DIR, removed when the test ends. */
export function snapshotDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hubsoft-bff-test-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * A built service whose first refresh has run (unless `start` is false). Without SNAPSHOT_DIR
 * in `env` it gets a fresh one of its own.
 */
export async function startService (t: TestContext, simulator: HubsoftSimulator, env: Record<string, string> = {}, options: AppDeps & { start?: boolean } = {}): Promise<FastifyInstance> {
  const { start, ...deps } = options
  const app = await buildApp(serviceConfig(simulator, { SNAPSHOT_DIR: env.SNAPSHOT_DIR ?? snapshotDir(t), ...env }), deps)
  t.after(async () => await app.close())
  if (start !== false) await app.refresher.start()
  return app
}
