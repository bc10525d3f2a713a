// Test fixtures shared by the integration suites: a simulator on loopback, a service built
// with buildApp against it (real HTTP upstream, fastify.inject for our routes), and API keys.
// Every service instance logs at debug level into memory, and when it closes its lines are
// scanned for secrets and personal data (SECURITY.md: what is never logged).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import type { AppDeps } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import type { Config } from '../../src/config.js'
import { buildLogger } from '../../src/log.js'
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
    // Suites other than the limits tests send far more than a minute's worth of requests.
    RATE_LIMIT_MAX: '1000000',
    // Test files run in parallel on two cores: event-loop stalls there are the machine's, not
    // the service's. The limits tests switch load shedding back on.
    OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
    ...env
  })
}

/** Log lines written by one service instance, as pino wrote them. */
export interface CapturedLog {
  readonly lines: string[]
}

export function captureLogger (): { logger: NonNullable<AppDeps['logger']>, log: CapturedLog } {
  const log: CapturedLog = { lines: [] }
  const logger = buildLogger({ level: 'debug', destination: { write: (line: string) => { log.lines.push(line) } } })
  return { logger, log }
}

type Json = Record<string, any>

/** What must never reach a log line: configured secrets, service passwords, full documents. */
export function forbiddenInLogs (simulator: HubsoftSimulator): { secrets: string[], documents: Set<string> } {
  const { password, clientSecret } = simulator.credentials
  const servicePasswords = (simulator.dataset as Json[]).flatMap((cliente) => cliente.servicos as Json[])
    .flatMap((servico) => [servico.senha, ...(servico.senhas as Json[] ?? []).map((senha) => senha.senha)])
    // Short passwords (e.g. '123') also occur by chance in timestamps and ids; 8+ characters do not.
    .filter((senha): senha is string => typeof senha === 'string' && senha.length >= 8)
  const documents = new Set((simulator.dataset as Json[])
    .map((cliente) => typeof cliente.cpf_cnpj === 'string' ? cliente.cpf_cnpj.replace(/[^0-9A-Za-z]/g, '').toUpperCase() : '')
    .filter((document) => document.length === 11 || document.length === 14))
  return { secrets: [...Object.values(KEYS), password, clientSecret, ...servicePasswords], documents }
}

/** Bearer values in clear, and this service's own token formats anywhere. */
const TOKEN_PATTERNS = [/bearer\s+(?!\[redacted\])[^\s"\\]{8,}/i, /hb[ar]t_[\w-]{16,}/]

function percentDecoded (text: string): string {
  return text.replace(/(?:%[\dA-Fa-f]{2})+/g, (escapes) => {
    try {
      return decodeURIComponent(escapes)
    } catch {
      return escapes
    }
  })
}

/** Every problem of the captured lines: a secret, a token, or a full CPF/CNPJ (any punctuation). */
export function logLeaks (lines: readonly string[], forbidden: { secrets: readonly string[], documents: ReadonlySet<string> }): string[] {
  const leaks: string[] = []
  for (const line of lines) {
    for (const secret of forbidden.secrets) if (line.includes(secret)) leaks.push(`a secret in: ${line.slice(0, 300)}`)
    for (const pattern of TOKEN_PATTERNS) if (pattern.test(line)) leaks.push(`a token in: ${line.slice(0, 300)}`)
    // Judged decoded too: `266%2E181%2E148%2D61` is a CPF as much as `266.181.148-61`.
    const squeezed = percentDecoded(line).replace(/[.\-/\s()+]/g, '').toUpperCase()
    for (const length of [11, 14]) {
      for (let i = 0; i + length <= squeezed.length; i++) {
        if (forbidden.documents.has(squeezed.slice(i, i + length))) leaks.push(`a CPF/CNPJ in: ${line.slice(0, 300)}`)
      }
    }
  }
  return leaks
}

/** A fresh SNAPSHOT_DIR, removed when the test ends. */
export function snapshotDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hubsoft-bff-test-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export type StartServiceOptions = Omit<AppDeps, 'logger'> & { readonly start?: boolean }

/**
 * A built service whose first refresh has run (unless `start` is false); its logs are checked
 * when it closes. Without SNAPSHOT_DIR in `env` it gets a fresh one of its own.
 */
export async function startService (t: TestContext, simulator: HubsoftSimulator, env: Record<string, string> = {}, options: StartServiceOptions = {}): Promise<FastifyInstance & { capturedLog: CapturedLog }> {
  const { start, ...deps } = options
  const { logger, log } = captureLogger()
  const app = await buildApp(serviceConfig(simulator, { SNAPSHOT_DIR: env.SNAPSHOT_DIR ?? snapshotDir(t), ...env }), { ...deps, logger })
  t.after(async () => {
    await app.close()
    assert.ok(log.lines.length > 0, 'the service logged nothing: the capture is broken')
    assert.deepEqual(logLeaks(log.lines, forbiddenInLogs(simulator)).slice(0, 5), [], 'log lines leak secrets or personal data')
  })
  if (start !== false) await app.refresher.start()
  return Object.assign(app, { capturedLog: log })
}

/** The captured lines of a service whose msg matches, parsed. */
export function loggedLines (app: { capturedLog: CapturedLog }, msg: RegExp): Json[] {
  return app.capturedLog.lines.map((line) => JSON.parse(line) as Json).filter((line) => typeof line.msg === 'string' && msg.test(line.msg))
}
