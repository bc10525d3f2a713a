// Environment → typed, validated Config (the README's configuration table). The only module that reads environment
// variables; everything else receives the Config. Each bad variable gets one message naming it,
// the bad value (never for secrets) and what is expected; all of them are reported at once.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { getHeapStatistics } from 'node:v8'
import { Type } from '@sinclair/typebox'
import type { Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { Cron } from 'croner'
import type { UpstreamSourceName } from './upstream/fetch-clientes.js'

export const SCOPES = ['read', 'secrets', 'admin'] as const
export type Scope = typeof SCOPES[number]

/** A configured API key. Only its SHA-256 digest is kept: the key itself never stays in memory. */
export interface ApiKeyConfig {
  readonly name: string
  readonly digest: Buffer
  readonly scopes: readonly Scope[]
}

/** Keys are random strings of 16+ characters, so a plain SHA-256 (no stretching) is enough. */
export function digestApiKey (key: string): Buffer {
  return createHash('sha256').update(key).digest()
}

/** Below this a key could be guessed; demo mode (loopback, synthetic data) is exempt. */
export const MIN_API_KEY_LENGTH = 16

/** Abuse limits (SECURITY.md); a 0 among the overload bounds switches that check off. */
export interface LimitsConfig {
  /** Requests per key (per IP for callers without a valid key) in each rateLimitWindowMs. */
  readonly rateLimitMax: number
  readonly rateLimitWindowMs: number
  /** Full (unlimited) list downloads served at once. */
  readonly fullDumpConcurrency: number
  /** Of those, at most this many for one API key, so one key cannot hold every slot. */
  readonly fullDumpPerKey: number
  /** A full download still being sent after this is cut (a slow reader frees its slot). */
  readonly fullDumpTimeoutMs: number
  /** Connections open at once; beyond it new ones are closed at accept (below the open-file limit). */
  readonly maxConnections: number
  /** Time to receive a request, and the longest a connection may sit idle. */
  readonly requestTimeoutMs: number
  readonly maxEventLoopDelayMs: number
  readonly maxHeapUsedBytes: number
  readonly maxRssBytes: number
  /** Fastify's trustProxy: whose X-Forwarded-For names the caller's IP (per-IP limits). */
  readonly trustProxy: boolean | string[]
}

export interface UpstreamConfig {
  /** null in demo mode until the embedded simulator is listening. */
  readonly url: string | null
  readonly clientId: string
  readonly clientSecret: string
  readonly username: string
  readonly password: string
  readonly caPem?: string
  readonly tlsInsecure: boolean
  readonly source: UpstreamSourceName
  readonly pageSize: number
  readonly pageDelayMs: number
  readonly timeoutMs: number
  readonly maxResponseBytes: number
  /** A client with more services than this fails validation (HUBSOFT_MAX_SERVICOS). */
  readonly maxServicosPerCliente: number
}

export interface Config {
  readonly upstream: UpstreamConfig
  /** Set when HUBSOFT_URL is unset: the embedded simulator stands in for HubSoft (demo mode). */
  readonly demo: { readonly clients: number, readonly seed: number } | null
  readonly refresh: {
    readonly cron: string
    readonly timezone: string
    readonly minIntervalMs: number
    /** Fraction (0–1) of clients a new list may lose against the current one. */
    readonly maxShrink: number
    /** A whole refresh must end within this (REFRESH_DEADLINE). */
    readonly deadlineMs: number
  }
  /** null in demo mode without SNAPSHOT_DIR: the process persists into a temporary directory. */
  readonly snapshotDir: string | null
  /** null when API_KEYS is unset (allowed in demo mode only). */
  readonly apiKeys: readonly ApiKeyConfig[] | null
  /** Lifetime of the bearer tokens POST /oauth/token issues. */
  readonly accessTokenTtlMs: number
  readonly limits: LimitsConfig
  /** Browser origins that get CORS answers (CORS_ORIGINS, lower-cased as browsers send them); empty: no CORS headers. */
  readonly corsOrigins: readonly string[]
  readonly port: number
  readonly host: string
  readonly logLevel: string
  /** null without REDIS_URL: one process on its own. */
  readonly fleet: FleetConfig | null
}

export class ConfigError extends Error {
  override name = 'ConfigError'
  readonly problems: readonly string[]
  constructor (problems: readonly string[]) {
    // One problem fits on one line (what start-up prints); several are listed.
    super(problems.length === 1 ? `invalid configuration: ${problems[0]}` : `invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.problems = problems
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const integer = '^\\d{1,12}$'
const duration = '^\\d{1,9}(ms|s|m|h|d)?$'
const flag = '^(1|0|true|false|yes|no)$'
const variable = (pattern: string, description: string) => Type.Optional(Type.String({ pattern, description }))

/** REDIS_* (see FleetConfig at the end of this file). */
const FleetEnvProperties = {
  REDIS_URL: variable('^rediss?://[^\\s]+$', 'a redis:// or rediss:// URL such as redis://redis:6379/0'),
  REDIS_PASSWORD_FILE: variable('.', 'the path of a file holding the Redis password'),
  REDIS_KEY_PREFIX: variable('^[\\w:.{}-]{1,64}$', 'up to 64 letters, digits and : . _ - { }, such as hubsoft-bff:'),
  REDIS_LEADER_TTL: variable('^[1-9]\\d{0,6}(ms|s|m)?$', 'a duration from 1s to 5m such as 10s'),
  REDIS_LOCK_TTL: variable('^[1-9]\\d{0,6}(ms|s|m)?$', 'a duration from 1s to 10m such as 30s'),
  REDIS_POLL_INTERVAL: variable('^[1-9]\\d{0,6}(ms|s|m)?$', 'a duration from 1s to 10m such as 15s')
}

/** What each variable may hold; `description` is the "expected …" of its error message. */
export const EnvSchema = Type.Object({
  HUBSOFT_URL: variable('^https?://[^\\s/?#@]+(/[^\\s?#]*)?$', 'an http(s) base URL without credentials, such as https://api.provider.hubsoft.com.br'),
  HUBSOFT_CLIENT_ID: variable('.', 'the HubSoft client_id'),
  HUBSOFT_CLIENT_SECRET: variable('.', 'the HubSoft client_secret'),
  HUBSOFT_USERNAME: variable('.', 'the HubSoft user name'),
  HUBSOFT_PASSWORD: variable('.', 'the HubSoft password'),
  HUBSOFT_CA_FILE: variable('.', 'the path of a PEM file with the CA to trust'),
  HUBSOFT_TLS_INSECURE: variable('^(true|false|1|0|yes|no)$', 'true or false'),
  HUBSOFT_SOURCE: variable('^(todos|all)$', 'todos or all'),
  HUBSOFT_PAGE_SIZE: variable(integer, 'a whole number of clients per page'),
  HUBSOFT_PAGE_DELAY_MS: variable(integer, 'a whole number of milliseconds from 0 to 600000 (10 min)'),
  HUBSOFT_TIMEOUT_MS: variable('^[1-9]\\d{0,9}$', 'a whole number of milliseconds from 1 to 3600000 (1 h)'),
  HUBSOFT_MAX_RESPONSE_MB: variable('^[1-9]\\d{0,5}$', 'a whole number of MiB greater than 0'),
  HUBSOFT_MAX_SERVICOS: variable('^[1-9]\\d{0,6}$', 'a whole number of services greater than 0'),
  REFRESH_CRON: variable('.', 'a cron expression such as "0 3,15 * * *"'),
  REFRESH_TZ: variable('.', 'an IANA time zone such as America/Sao_Paulo'),
  REFRESH_MIN_INTERVAL: variable(duration, 'a duration from 1m to 7d such as 900s, 15m or 1h (a bare number is seconds)'),
  REFRESH_DEADLINE: variable('^[1-9]\\d{0,9}(ms|s|m|h|d)?$', 'a duration greater than 0, up to 1d, such as 30m or 1h (a bare number is seconds)'),
  REFRESH_MAX_SHRINK: variable('^\\d{1,3}(\\.\\d+)?%$', 'a percentage from 0% to 100%'),
  SNAPSHOT_DIR: variable('.', 'a directory path'),
  API_KEYS: variable('.', 'a comma list of name:key:scope[+scope]'),
  API_KEYS_FILE: variable('.', 'the path of a file with one name:key:scope[+scope] per line'),
  ACCESS_TOKEN_TTL: variable(duration, 'a duration from 1m to 30d such as 1h (a bare number is seconds)'),
  RATE_LIMIT_MAX: variable('^[1-9]\\d{0,8}$', 'a whole number of requests greater than 0'),
  RATE_LIMIT_WINDOW: variable(duration, 'a duration from 1s to 1d such as 1m (a bare number is seconds)'),
  FULL_DUMP_CONCURRENCY: variable('^[1-9]\\d{0,3}$', 'a whole number of downloads from 1 to 9999'),
  FULL_DUMP_PER_KEY: variable('^[1-9]\\d{0,3}$', 'a whole number of downloads from 1 to 9999, at most FULL_DUMP_CONCURRENCY'),
  FULL_DUMP_TIMEOUT: variable(duration, 'a duration from 1s to 1d such as 5m (a bare number is seconds)'),
  MAX_CONNECTIONS: variable('^[1-9]\\d{0,6}$', 'a whole number of connections greater than 0, below the open-file limit'),
  REQUEST_TIMEOUT: variable(duration, 'a duration from 1s to 1h such as 30s (a bare number is seconds)'),
  OVERLOAD_EVENT_LOOP_DELAY_MS: variable('^\\d{1,7}$', 'a whole number of milliseconds (0 switches the check off)'),
  OVERLOAD_HEAP_MB: variable('^\\d{1,7}$', 'a whole number of MiB (0 switches the check off)'),
  OVERLOAD_RSS_MB: variable('^\\d{1,7}$', 'a whole number of MiB (0 switches the check off)'),
  CORS_ORIGINS: variable('^https?://[^\\s/?#@,]+(,\\s*https?://[^\\s/?#@,]+)*$', 'a comma list of origins (scheme://host[:port], no path) such as https://app.provider.com.br'),
  TRUST_PROXY: variable('^(true|false|[0-9a-fA-F:.]+(/\\d{1,3})?(,[0-9a-fA-F:.]+(/\\d{1,3})?)*)$', 'true, false, or a comma list of proxy addresses/CIDRs'),
  PORT: variable(integer, 'a port number from 0 to 65535'),
  HOST: variable('.', 'a listen address such as 0.0.0.0 or 127.0.0.1'),
  LOG_LEVEL: variable(`^(${LOG_LEVELS.join('|')})$`, LOG_LEVELS.join(', ')),
  DEMO_CLIENTS: variable('^[1-9]\\d{0,6}$', 'a whole number of demo clients from 1 to 9999999'),
  DEMO_SEED: variable(integer, 'a whole number'),
  ...FleetEnvProperties,
  DEMO: variable(flag, '1 (start the demo) or 0')
})

type Env = Static<typeof EnvSchema>
/** Variables whose values never appear in a message. */
const SECRET_VARIABLES = new Set(['HUBSOFT_CLIENT_SECRET', 'HUBSOFT_PASSWORD', 'API_KEYS'])

/** `https://user:pw@host` → `https://***@host`: a URL's credentials are never echoed. */
function maskUserinfo (value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@')
}

/** The floor keeps restarts and retries from hammering HubSoft: below a minute it no longer does. */
const MIN_REFRESH_INTERVAL_MS = 60_000

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export function parseDurationMs (value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value)
  if (match === null) throw new Error(`not a duration: ${value}`)
  return Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's']!
}

/**
 * Parses `name:key:scope[+scope]` entries into digests; messages name the entry but never echo a
 * key. Keys shorter than `minKeyLength` are refused (demo mode passes 1).
 */
export function parseApiKeys (entries: readonly string[], origin: string, minKeyLength = MIN_API_KEY_LENGTH): { keys: ApiKeyConfig[], problems: string[] } {
  const keys: ApiKeyConfig[] = []
  const problems: string[] = []
  entries.forEach((entry, i) => {
    const first = entry.indexOf(':')
    const last = entry.lastIndexOf(':')
    const name = first > 0 ? entry.slice(0, first) : ''
    const where = `${origin} entry ${i + 1}${name === '' ? '' : ` ('${name}')`}`
    if (first <= 0 || last === first) {
      problems.push(`${where} is not of the form name:key:scope[+scope]`)
      return
    }
    const key = entry.slice(first + 1, last)
    const scopes = entry.slice(last + 1).split('+')
    const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope))
    if (!/^[\w.-]{1,64}$/.test(name)) problems.push(`${where}: the name may hold letters, digits, '_', '.', '-' (1–64)`)
    else if (key === '') problems.push(`${where}: the key is empty`)
    else if (key.length < minKeyLength) problems.push(`${where}: the key is shorter than ${minKeyLength} characters; use a random one such as \`openssl rand -hex 24\``)
    // The unknown scope is not echoed: a key written in the wrong place would be.
    else if (unknown.length > 0) problems.push(`${where}: the part after the last ':' holds an unknown scope; expected read, secrets, admin joined by +`)
    else if (keys.some((other) => other.name === name)) problems.push(`${where}: the name is used twice`)
    else {
      const digest = digestApiKey(key)
      if (keys.some((other) => other.digest.equals(digest))) problems.push(`${where}: the same key is given to two names`)
      else keys.push({ name, digest, scopes: [...new Set(scopes as Scope[])] })
    }
  })
  return { keys, problems }
}

/** CORS_ORIGINS, already matched by its pattern: each origin once, lower-cased (a browser's Origin header is). */
function parseCorsOrigins (value: string | undefined): string[] {
  if (value === undefined) return []
  return [...new Set(value.split(',').map((origin) => origin.trim().toLowerCase()))]
}

/** TRUST_PROXY, already matched by its pattern, as Fastify's trustProxy takes it. */
function parseTrustProxy (value: string): boolean | string[] {
  if (value === 'true' || value === 'false') return value === 'true'
  return value.split(',')
}

export interface LoadConfigOptions {
  readonly readFile?: (path: string) => string
  /** V8's heap limit, the base of the default OVERLOAD_HEAP_MB; tests pass a fixed one. */
  readonly heapLimitBytes?: number
  /** The process's open-file limit (`ulimit -n`), the bound of MAX_CONNECTIONS; null when unknown. */
  readonly openFileLimit?: number | null
}

/** Files kept for everything but callers' connections: the snapshot, HubSoft's pool, logs, Node itself. */
export const RESERVED_FILE_DESCRIPTORS = 64
/** MAX_CONNECTIONS without an open-file limit to derive it from. */
const DEFAULT_MAX_CONNECTIONS = 4096

/**
 * The soft open-file limit from Linux's /proc/self/limits ("Max open files  1024  4096  files");
 * null elsewhere or when unlimited. Beyond it accept() fails with EMFILE, so connections are
 * bounded below it.
 */
export function readOpenFileLimit (readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): number | null {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFile('/proc/self/limits'))?.[1]
    return soft === undefined ? null : Number(soft)
  } catch {
    return null
  }
}

/** By default the service sheds load once 90% of V8's heap is in use, before it runs out. */
const DEFAULT_HEAP_FRACTION = 0.9
const MIB = 1024 * 1024

/** The bounds a number variable must lie within, and the "expected …" of its message. */
interface Range {
  readonly min: number
  readonly max: number
  readonly expected: string
}

/**
 * The environment after the schema check, and the problems found so far. A variable with a
 * problem is kept in `#bad`, so a later check of it (range, cross-variable) stays quiet.
 */
class EnvChecks {
  readonly env: Env
  readonly problems: string[] = []
  readonly #bad = new Set<string>()

  constructor (rawEnv: Record<string, string | undefined>) {
    // Empty values count as unset: orchestrators often pass `NAME=`.
    const env: Record<string, string> = {}
    for (const name of Object.keys(EnvSchema.properties)) {
      const value = rawEnv[name]
      if (value !== undefined && value.trim() !== '') env[name] = value.trim()
    }
    this.env = env as Env
    for (const error of Value.Errors(EnvSchema, env)) {
      this.invalid(error.path.slice(1) as keyof Env, error.schema.description ?? 'a valid value')
    }
  }

  /** Records a problem with `name`. */
  problem (name: string, message: string): void {
    this.#bad.add(name)
    this.problems.push(message)
  }

  /** `NAME='value' is invalid: expected …`, the value hidden for secrets and a URL's credentials masked. */
  invalid (name: keyof Env, expected: string): void {
    const shown = SECRET_VARIABLES.has(name) ? '(hidden)' : `'${maskUserinfo(String(this.env[name]))}'`
    this.problem(name, `${name}=${shown} is invalid: expected ${expected}`)
  }

  isBad (name: string): boolean {
    return this.#bad.has(name)
  }

  /** A variable its pattern already matched, parsed (or its fallback) and held to its range; 0 when bad. */
  ranged (name: keyof Env, parse: (value: string) => number, fallback: string, range: Range): number {
    if (this.#bad.has(name)) return 0
    const value = parse(this.env[name] ?? fallback)
    if (value < range.min || value > range.max) this.invalid(name, range.expected)
    return value
  }
}

const PAGE_SIZE_RANGES: Readonly<Record<UpstreamSourceName, Range>> = {
  todos: { min: 1, max: 500, expected: '1 to 500 with HUBSOFT_SOURCE=todos' },
  all: { min: 0, max: 100_000, expected: '0 (one request) to 100000 with HUBSOFT_SOURCE=all' }
}
const HUBSOFT_CREDENTIALS = ['HUBSOFT_CLIENT_ID', 'HUBSOFT_CLIENT_SECRET', 'HUBSOFT_USERNAME', 'HUBSOFT_PASSWORD'] as const
const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
/**
 * The longest floor: a week. Longer ones are a typo more often than a plan, and every duration
 * stays far below the 2^31−1 ms (24.8 days) a Node timer can hold (longer ones fire at once).
 */
const MAX_REFRESH_INTERVAL_MS = 7 * DAY_MS

function upstreamConfig (checks: EnvChecks, readFile: (path: string) => string, demo: boolean): UpstreamConfig {
  const e = checks.env
  const source: UpstreamSourceName = e.HUBSOFT_SOURCE === 'all' ? 'all' : 'todos'
  const pageSize = checks.ranged('HUBSOFT_PAGE_SIZE', Number, '200', PAGE_SIZE_RANGES[source])
  if (!demo) {
    for (const name of HUBSOFT_CREDENTIALS) {
      if (e[name] === undefined) checks.problem(name, `${name} is required when HUBSOFT_URL is set`)
    }
  }
  return {
    url: e.HUBSOFT_URL?.replace(/\/+$/, '') ?? null,
    clientId: e.HUBSOFT_CLIENT_ID ?? '',
    clientSecret: e.HUBSOFT_CLIENT_SECRET ?? '',
    username: e.HUBSOFT_USERNAME ?? '',
    password: e.HUBSOFT_PASSWORD ?? '',
    caPem: privateCa(checks, readFile),
    tlsInsecure: ['true', '1', 'yes'].includes(e.HUBSOFT_TLS_INSECURE ?? 'false'),
    source,
    pageSize,
    pageDelayMs: checks.ranged('HUBSOFT_PAGE_DELAY_MS', Number, '0', { min: 0, max: 10 * MINUTE_MS, expected: 'a whole number of milliseconds from 0 to 600000 (10 min)' }),
    timeoutMs: checks.ranged('HUBSOFT_TIMEOUT_MS', Number, '120000', { min: 1, max: HOUR_MS, expected: 'a whole number of milliseconds from 1 to 3600000 (1 h)' }),
    maxResponseBytes: Number(e.HUBSOFT_MAX_RESPONSE_MB ?? 256) * MIB,
    maxServicosPerCliente: Number(e.HUBSOFT_MAX_SERVICOS ?? 1000)
  }
}

function privateCa (checks: EnvChecks, readFile: (path: string) => string): string | undefined {
  const path = checks.env.HUBSOFT_CA_FILE
  if (path === undefined) return undefined
  try {
    const caPem = readFile(path)
    if (!caPem.includes('-----BEGIN CERTIFICATE-----')) checks.invalid('HUBSOFT_CA_FILE', 'a PEM file with a CERTIFICATE block')
    return caPem
  } catch (error) {
    checks.problem('HUBSOFT_CA_FILE', `HUBSOFT_CA_FILE='${path}' cannot be read: ${(error as Error).message}`)
    return undefined
  }
}

function refreshConfig (checks: EnvChecks): Config['refresh'] {
  const e = checks.env
  const timezone = e.REFRESH_TZ ?? 'America/Sao_Paulo'
  try {
    Intl.DateTimeFormat('en-US', { timeZone: timezone })
  } catch {
    checks.problem('REFRESH_TZ', `REFRESH_TZ='${timezone}' is invalid: expected an IANA time zone such as America/Sao_Paulo`)
  }
  const cron = e.REFRESH_CRON ?? '0 3,15 * * *'
  try {
    new Cron(cron, { paused: true }).stop()
  } catch (error) {
    checks.problem('REFRESH_CRON', `REFRESH_CRON='${cron}' is invalid: ${(error as Error).message}; expected a cron expression such as "0 3,15 * * *"`)
  }
  const minIntervalMs = checks.ranged('REFRESH_MIN_INTERVAL', parseDurationMs, '15m', {
    min: MIN_REFRESH_INTERVAL_MS,
    max: MAX_REFRESH_INTERVAL_MS,
    expected: 'a duration from 1m to 7d; the floor is what keeps HubSoft from being hammered'
  })
  const maxShrinkPercent = checks.ranged('REFRESH_MAX_SHRINK', Number.parseFloat, '30%', { min: 0, max: 100, expected: 'a percentage from 0% to 100%' })
  // Its pattern already holds it above 0; a day is more than any list takes.
  const deadlineMs = checks.ranged('REFRESH_DEADLINE', parseDurationMs, '1h', { min: 1, max: DAY_MS, expected: 'a duration greater than 0, up to 1d' })
  return { cron, timezone, minIntervalMs, maxShrink: maxShrinkPercent / 100, deadlineMs }
}

/** API_KEYS or API_KEYS_FILE, parsed; null when neither is set. Every problem is recorded under API_KEYS. */
function apiKeysConfig (checks: EnvChecks, readFile: (path: string) => string, demo: boolean): ApiKeyConfig[] | null {
  const e = checks.env
  const minKeyLength = demo ? 1 : MIN_API_KEY_LENGTH
  const parse = (entries: readonly string[], origin: string) => {
    const parsed = parseApiKeys(entries, origin, minKeyLength)
    for (const problem of parsed.problems) checks.problem('API_KEYS', problem)
    return parsed.keys
  }
  let apiKeys: ApiKeyConfig[] | null = null
  if (e.API_KEYS !== undefined && e.API_KEYS_FILE !== undefined) {
    checks.problem('API_KEYS', 'API_KEYS and API_KEYS_FILE are both set: expected only one of them')
  } else if (e.API_KEYS !== undefined) {
    apiKeys = parse(e.API_KEYS.split(',').map((entry) => entry.trim()), 'API_KEYS')
  } else if (e.API_KEYS_FILE !== undefined) {
    try {
      const lines = readFile(e.API_KEYS_FILE).split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
      apiKeys = parse(lines, 'API_KEYS_FILE')
    } catch (error) {
      checks.problem('API_KEYS', `API_KEYS_FILE='${e.API_KEYS_FILE}' cannot be read: ${(error as Error).message}`)
    }
  }
  if (checks.isBad('API_KEYS')) return apiKeys
  if (!demo && apiKeys === null) {
    checks.problem('API_KEYS', 'API_KEYS (or API_KEYS_FILE) is required when HUBSOFT_URL is set: the service refuses to serve customer data without keys')
  } else if (apiKeys !== null && apiKeys.length === 0) {
    checks.problem('API_KEYS', 'API_KEYS holds no key: expected at least one name:key:scope entry')
  }
  return apiKeys
}

function limitsConfig (checks: EnvChecks, heapLimitBytes: number, openFileLimit: number | null): LimitsConfig {
  const e = checks.env
  const megabytes = (value: string | undefined, fallbackBytes: number) => value === undefined ? fallbackBytes : Number(value) * MIB
  const fullDumpConcurrency = Number(e.FULL_DUMP_CONCURRENCY ?? 4)
  // Half the slots by default: one key's downloads can never lock every other key out.
  const fullDumpPerKey = checks.ranged('FULL_DUMP_PER_KEY', Number, String(Math.max(1, Math.floor(fullDumpConcurrency / 2))), { min: 1, max: checks.isBad('FULL_DUMP_CONCURRENCY') ? Number.POSITIVE_INFINITY : fullDumpConcurrency, expected: `at most FULL_DUMP_CONCURRENCY (${fullDumpConcurrency})` })
  const connectionsBound = openFileLimit === null ? Number.POSITIVE_INFINITY : openFileLimit - RESERVED_FILE_DESCRIPTORS
  const maxConnections = checks.ranged('MAX_CONNECTIONS', Number, String(Math.max(1, Math.min(DEFAULT_MAX_CONNECTIONS, connectionsBound))), {
    min: 1,
    max: connectionsBound,
    expected: `below the open-file limit (${String(openFileLimit)}) less ${RESERVED_FILE_DESCRIPTORS} kept for the service's own files; raise ulimit -n or lower it`
  })
  return {
    rateLimitMax: Number(e.RATE_LIMIT_MAX ?? 600),
    rateLimitWindowMs: checks.ranged('RATE_LIMIT_WINDOW', parseDurationMs, '1m', { min: 1000, max: DAY_MS, expected: 'a duration from 1s to 1d such as 1m' }),
    fullDumpConcurrency,
    fullDumpPerKey,
    fullDumpTimeoutMs: checks.ranged('FULL_DUMP_TIMEOUT', parseDurationMs, '5m', { min: 1000, max: DAY_MS, expected: 'a duration from 1s to 1d such as 5m' }),
    maxConnections,
    requestTimeoutMs: checks.ranged('REQUEST_TIMEOUT', parseDurationMs, '30s', { min: 1000, max: 3_600_000, expected: 'a duration from 1s to 1h such as 30s' }),
    maxEventLoopDelayMs: Number(e.OVERLOAD_EVENT_LOOP_DELAY_MS ?? 1000),
    maxHeapUsedBytes: megabytes(e.OVERLOAD_HEAP_MB, Math.floor(heapLimitBytes * DEFAULT_HEAP_FRACTION)),
    maxRssBytes: megabytes(e.OVERLOAD_RSS_MB, 0),
    trustProxy: parseTrustProxy(e.TRUST_PROXY ?? 'false')
  }
}

/** What says a deployment is real: then a missing HUBSOFT_URL is a mistake, not a wish for the demo. */
const REAL_DEPLOYMENT_VARIABLES = [...HUBSOFT_CREDENTIALS, 'API_KEYS', 'API_KEYS_FILE'] as const

/**
 * Demo mode only when nothing says otherwise: HUBSOFT_URL unset and no credential, no API key
 * and no NODE_ENV=production, or DEMO=1 explicitly. Fake data must never go live by a typo.
 */
function demoMode (checks: EnvChecks, nodeEnv: string | undefined): boolean {
  const e = checks.env
  const forced = ['1', 'true', 'yes'].includes(e.DEMO ?? '')
  if (e.HUBSOFT_URL !== undefined) {
    if (forced) checks.problem('DEMO', 'DEMO=1 and HUBSOFT_URL are both set: expected HUBSOFT_URL for HubSoft, or DEMO=1 alone for the demo')
    return false
  }
  if (forced) return true
  const signs: string[] = REAL_DEPLOYMENT_VARIABLES.filter((name) => e[name] !== undefined)
  if (nodeEnv?.trim() === 'production') signs.push('NODE_ENV=production')
  if (signs.length > 0) {
    checks.problem('HUBSOFT_URL', `HUBSOFT_URL is unset but ${signs.join(', ')} ${signs.length === 1 ? 'is' : 'are'} set: this looks like a real deployment, so the demo (synthetic customers) does not start; set HUBSOFT_URL to HubSoft's base URL, or DEMO=1 to run the demo anyway`)
  }
  return true
}

export function loadConfig (rawEnv: Record<string, string | undefined>, options: LoadConfigOptions = {}): Config {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'))
  const checks = new EnvChecks(rawEnv)
  const e = checks.env
  const demo = demoMode(checks, rawEnv.NODE_ENV)
  const upstream = upstreamConfig(checks, readFile, demo)
  const refresh = refreshConfig(checks)
  const port = checks.ranged('PORT', Number, '3000', { min: 0, max: 65535, expected: 'a port number from 0 to 65535' })
  const apiKeys = apiKeysConfig(checks, readFile, demo)
  const accessTokenTtlMs = checks.ranged('ACCESS_TOKEN_TTL', parseDurationMs, '1h', { min: 60_000, max: 30 * DAY_MS, expected: 'a duration from 1m to 30d such as 1h' })
  const openFileLimit = options.openFileLimit === undefined ? readOpenFileLimit() : options.openFileLimit
  const limits = limitsConfig(checks, options.heapLimitBytes ?? getHeapStatistics().heap_size_limit, openFileLimit)
  const fleet = fleetConfig(checks, readFile)
  if (checks.problems.length > 0) throw new ConfigError(checks.problems)
  return {
    upstream,
    demo: demo ? { clients: Number(e.DEMO_CLIENTS ?? 2000), seed: Number(e.DEMO_SEED ?? 42) } : null,
    refresh,
    // Demo mode fetches from its own in-process simulator: without an explicit SNAPSHOT_DIR it
    // persists into a fresh temporary directory, so a demo restart never waits for the floor.
    snapshotDir: e.SNAPSHOT_DIR ?? (demo ? null : './data'),
    apiKeys,
    accessTokenTtlMs,
    limits,
    corsOrigins: parseCorsOrigins(e.CORS_ORIGINS),
    port,
    host: e.HOST ?? '0.0.0.0',
    logLevel: e.LOG_LEVEL ?? 'info',
    fleet
  }
}

/** Names that look like this service's own: a variable with one of them that is not known is a typo. */
const OWN_PREFIXES = ['HUBSOFT_', 'REFRESH_', 'SNAPSHOT_', 'API_KEY', 'DEMO', 'RATE_LIMIT', 'REDIS_', 'CORS_', 'OVERLOAD_', 'ACCESS_TOKEN', 'FULL_DUMP', 'REQUEST_TIMEOUT', 'TRUST_PROXY', 'LOG_LEVEL']

/** Levenshtein distance; names are short, so the plain O(n·m) table is enough. */
function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[b.length]!
}

/**
 * One warning per set variable that looks like the service's own but is not known (a typo such as
 * REFRESH_MIN_INTERVALL would otherwise be ignored in silence), naming the closest known name.
 */
export function unknownVariableWarnings (rawEnv: Record<string, string | undefined>): string[] {
  const known = Object.keys(EnvSchema.properties)
  return Object.keys(rawEnv).sort()
    .filter((name) => rawEnv[name] !== undefined && !known.includes(name) && OWN_PREFIXES.some((prefix) => name.toUpperCase().startsWith(prefix)))
    .map((name) => {
      const closest = known.reduce((best, candidate) => editDistance(name.toUpperCase(), candidate) < editDistance(name.toUpperCase(), best) ? candidate : best)
      return `${name} is not a variable this service knows, so it is ignored; did you mean ${closest}?`
    })
}

/** The effective configuration for the start-up log: every secret masked. */
export function describeConfig (config: Config): Record<string, unknown> {
  const { upstream } = config
  return {
    mode: config.demo === null ? 'upstream' : 'demo',
    upstream: {
      url: upstream.url,
      source: upstream.source,
      pageSize: upstream.pageSize,
      pageDelayMs: upstream.pageDelayMs,
      timeoutMs: upstream.timeoutMs,
      tlsInsecure: upstream.tlsInsecure,
      privateCa: upstream.caPem !== undefined,
      clientId: upstream.clientId === '' ? null : upstream.clientId,
      clientSecret: upstream.clientSecret === '' ? null : '***',
      username: upstream.username === '' ? null : upstream.username,
      password: upstream.password === '' ? null : '***'
    },
    demo: config.demo,
    refresh: config.refresh,
    snapshotDir: config.snapshotDir,
    apiKeys: config.apiKeys?.map(({ name, scopes }) => ({ name, scopes })) ?? null,
    accessTokenTtlMs: config.accessTokenTtlMs,
    limits: config.limits,
    corsOrigins: config.corsOrigins,
    listen: `${config.host}:${config.port}`,
    fleet: config.fleet === null ? null : { url: maskUserinfo(config.fleet.url), password: config.fleet.password === undefined ? null : '***', keyPrefix: config.fleet.keyPrefix, leaderTtlMs: config.fleet.leaderTtlMs, lockTtlMs: config.fleet.lockTtlMs, pollIntervalMs: config.fleet.pollIntervalMs }
  }
}

// The fleet (README, Deployment): replicas that share their floor, refresh and snapshot through
// one Redis or Valkey. Unset REDIS_URL keeps the single process exactly as it is.

export interface FleetConfig {
  /** redis:// or rediss:// (TLS), possibly with user and password. */
  readonly url: string
  /** From REDIS_PASSWORD_FILE, so the password need not sit in the URL or the environment. */
  readonly password?: string
  readonly keyPrefix: string
  /** A leader that stops renewing is replaced after this. */
  readonly leaderTtlMs: number
  /** A refresh lock whose holder died frees itself after this. */
  readonly lockTtlMs: number
  /** How often a replica reads the fleet's manifest, in case it missed an announcement. */
  readonly pollIntervalMs: number
}

/** The REDIS_* variables, already matched by their patterns; null without REDIS_URL. */
function fleetConfig (checks: EnvChecks, readFile: (path: string) => string): FleetConfig | null {
  const e = checks.env
  const url = e.REDIS_URL
  // The other REDIS_* variables mean nothing without it (an env file may show their defaults).
  if (url === undefined || checks.isBad('REDIS_URL')) return null
  let password: string | undefined
  if (e.REDIS_PASSWORD_FILE !== undefined) {
    try {
      password = readFile(e.REDIS_PASSWORD_FILE).trim()
      if (password === '') checks.problem('REDIS_PASSWORD_FILE', `REDIS_PASSWORD_FILE='${e.REDIS_PASSWORD_FILE}' is empty: expected the Redis password`)
    } catch (error) {
      checks.problem('REDIS_PASSWORD_FILE', `REDIS_PASSWORD_FILE='${e.REDIS_PASSWORD_FILE}' cannot be read: ${(error as Error).message}`)
    }
  }
  return {
    url,
    password,
    keyPrefix: e.REDIS_KEY_PREFIX ?? 'hubsoft-bff:',
    leaderTtlMs: checks.ranged('REDIS_LEADER_TTL', parseDurationMs, '10s', { min: 1000, max: 300_000, expected: 'a duration from 1s to 5m such as 10s' }),
    lockTtlMs: checks.ranged('REDIS_LOCK_TTL', parseDurationMs, '30s', { min: 1000, max: 600_000, expected: 'a duration from 1s to 10m such as 30s' }),
    pollIntervalMs: checks.ranged('REDIS_POLL_INTERVAL', parseDurationMs, '15s', { min: 1000, max: 600_000, expected: 'a duration from 1s to 10m such as 15s' })
  }
}
