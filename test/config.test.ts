// Proves environment → Config (the README's configuration table): defaults in demo mode, one problem naming each bad variable, all reported together, API keys and files, and secrets never echoed.
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { inspect } from 'node:util'
import assert from 'node:assert/strict'
import { ConfigError, describeConfig, loadConfig, parseApiKeys, parseDurationMs, readOpenFileLimit, unknownVariableWarnings } from '../src/config.js'
import type { ApiKeyConfig, Config } from '../src/config.js'

type Env = Record<string, string | undefined>

const PASSWORD = 'pw-Zq8!sEcReT-hubsoft-password'
const CLIENT_SECRET = 'cs-Xk42-sEcReT-hubsoft-client-secret'
const KEY_OPS = 'key-ops-7f3a9c-sEcReT'
const KEY_ADMIN = 'key-admin-b81e22-sEcReT'
const KEY_BOT = 'key-bot-00c4d1-sEcReT'
const SECRETS = [PASSWORD, CLIENT_SECRET, KEY_OPS, KEY_ADMIN, KEY_BOT]

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----\n'

/** A complete, valid upstream configuration. */
const UPSTREAM: Env = {
  HUBSOFT_URL: 'https://api.provedor.hubsoft.com.br',
  HUBSOFT_CLIENT_ID: '12',
  HUBSOFT_CLIENT_SECRET: CLIENT_SECRET,
  HUBSOFT_USERNAME: 'integracao@provedor.com.br',
  HUBSOFT_PASSWORD: PASSWORD,
  API_KEYS: `ops:${KEY_OPS}:read,admin:${KEY_ADMIN}:read+secrets+admin`
}

/** An injected file system: known paths answer their text, any other path fails like fs does. */
function files (contents: Record<string, string>, calls: string[] = []): (path: string) => string {
  return (path) => {
    calls.push(path)
    const text = contents[path]
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`)
    return text
  }
}

/** The problems of an environment on a process whose open-file limit is `openFileLimit`. */
function limitProblems (env: Env, openFileLimit: number): string[] {
  try {
    loadConfig(env, { openFileLimit })
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
  return []
}

function problemsOf (env: Env, readFile = files({})): string[] {
  try {
    loadConfig(env, { readFile })
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`)
}

test('an empty environment starts in demo mode with the documented defaults', () => {
  const config = loadConfig({}, { readFile: files({}) })
  assert.notEqual(config.demo, null)
  assert.equal(config.upstream.url, null)
  assert.equal(config.upstream.source, 'todos')
  assert.equal(config.upstream.pageSize, 200)
  assert.equal(config.upstream.pageDelayMs, 0)
  assert.equal(config.upstream.timeoutMs, 120000)
  assert.equal(config.upstream.tlsInsecure, false)
  assert.equal(config.upstream.caPem, undefined)
  assert.deepEqual(config.refresh, { cron: '0 3,15 * * *', timezone: 'America/Sao_Paulo', minIntervalMs: 900000, maxShrink: 0.3, deadlineMs: 3_600_000 })
  assert.equal(config.snapshotDir, null, 'demo mode persists into a temporary directory of its own')
  assert.equal(config.apiKeys, null)
  assert.equal(config.port, 3000)
  assert.equal(config.host, '0.0.0.0')
  assert.equal(config.logLevel, 'info')
})

test('empty or blank variables count as unset', () => {
  const config = loadConfig({
    HUBSOFT_URL: '', HUBSOFT_SOURCE: '', HUBSOFT_PAGE_SIZE: '', PORT: ' ', LOG_LEVEL: '', REFRESH_CRON: '', REFRESH_TZ: '', API_KEYS: '', HUBSOFT_CA_FILE: ''
  }, { readFile: files({}) })
  assert.notEqual(config.demo, null)
  assert.equal(config.upstream.url, null)
  assert.equal(config.upstream.source, 'todos')
  assert.equal(config.upstream.pageSize, 200)
  assert.equal(config.port, 3000)
  assert.equal(config.logLevel, 'info')
  assert.equal(config.refresh.cron, '0 3,15 * * *')
  assert.equal(config.refresh.timezone, 'America/Sao_Paulo')
  assert.equal(config.apiKeys, null)
  assert.equal(config.upstream.caPem, undefined)

  const problems = problemsOf({ ...UPSTREAM, HUBSOFT_PASSWORD: '' })
  assert.equal(problems.length, 1, problems.join('\n'))
  assert.match(problems[0]!, /HUBSOFT_PASSWORD/)
})

test('accepted values are read as documented', () => {
  const table: Array<[Env, (config: Config) => unknown, unknown]> = [
    [{ HUBSOFT_SOURCE: 'all' }, (c) => c.upstream.source, 'all'],
    [{ HUBSOFT_SOURCE: 'all', HUBSOFT_PAGE_SIZE: '0' }, (c) => c.upstream.pageSize, 0],
    [{ HUBSOFT_SOURCE: 'todos', HUBSOFT_PAGE_SIZE: '1' }, (c) => c.upstream.pageSize, 1],
    [{ HUBSOFT_PAGE_SIZE: '500' }, (c) => c.upstream.pageSize, 500],
    [{ HUBSOFT_PAGE_DELAY_MS: '250' }, (c) => c.upstream.pageDelayMs, 250],
    [{ HUBSOFT_TIMEOUT_MS: '30000' }, (c) => c.upstream.timeoutMs, 30000],
    [{ HUBSOFT_TLS_INSECURE: 'true' }, (c) => c.upstream.tlsInsecure, true],
    [{ HUBSOFT_TLS_INSECURE: 'false' }, (c) => c.upstream.tlsInsecure, false],
    [{ REFRESH_MIN_INTERVAL: '1h' }, (c) => c.refresh.minIntervalMs, 3600000],
    [{ REFRESH_MIN_INTERVAL: '900' }, (c) => c.refresh.minIntervalMs, 900000],
    [{ REFRESH_MAX_SHRINK: '50%' }, (c) => c.refresh.maxShrink, 0.5],
    [{ REFRESH_MAX_SHRINK: '100%' }, (c) => c.refresh.maxShrink, 1],
    [{ REFRESH_MAX_SHRINK: '0%' }, (c) => c.refresh.maxShrink, 0],
    [{ REFRESH_TZ: 'America/Manaus' }, (c) => c.refresh.timezone, 'America/Manaus'],
    [{ REFRESH_CRON: '*/30 * * * *' }, (c) => c.refresh.cron, '*/30 * * * *'],
    [{ PORT: '8080', HOST: '127.0.0.1' }, (c) => `${c.host}:${c.port}`, '127.0.0.1:8080'],
    [{ PORT: '0' }, (c) => c.port, 0],
    [{ LOG_LEVEL: 'debug' }, (c) => c.logLevel, 'debug'],
    [{ SNAPSHOT_DIR: '/var/lib/hubsoft-bff' }, (c) => c.snapshotDir, '/var/lib/hubsoft-bff'],
    [UPSTREAM, (c) => c.snapshotDir, './data'],
    [{ REFRESH_DEADLINE: '30m' }, (c) => c.refresh.deadlineMs, 1_800_000],
    [{ REFRESH_DEADLINE: '1500ms' }, (c) => c.refresh.deadlineMs, 1500],
    [{ ...UPSTREAM, HUBSOFT_URL: 'https://hubsoft.provedor.local/' }, (c) => c.upstream.url, 'https://hubsoft.provedor.local'],
    [UPSTREAM, (c) => c.demo, null],
    [UPSTREAM, (c) => [c.upstream.url, c.upstream.clientId, c.upstream.username], ['https://api.provedor.hubsoft.com.br', '12', 'integracao@provedor.com.br']],
    [UPSTREAM, (c) => [c.upstream.clientSecret, c.upstream.password], [CLIENT_SECRET, PASSWORD]]
  ]
  for (const [env, read, expected] of table) {
    assert.deepEqual(read(loadConfig(env, { readFile: files({}) })), expected, JSON.stringify(env))
  }
})

test('each bad variable is one problem naming it, its value and what is expected', () => {
  const table: Array<[string, Env, string]> = [
    ['HUBSOFT_SOURCE', { HUBSOFT_SOURCE: 'foo' }, 'foo'],
    ['HUBSOFT_PAGE_SIZE', { HUBSOFT_PAGE_SIZE: '0' }, '0'],
    ['HUBSOFT_PAGE_SIZE', { HUBSOFT_PAGE_SIZE: '501' }, '501'],
    ['HUBSOFT_PAGE_SIZE', { HUBSOFT_SOURCE: 'todos', HUBSOFT_PAGE_SIZE: '0' }, '0'],
    ['HUBSOFT_PAGE_SIZE', { HUBSOFT_PAGE_SIZE: '-1' }, '-1'],
    ['HUBSOFT_PAGE_SIZE', { HUBSOFT_PAGE_SIZE: 'cem' }, 'cem'],
    ['HUBSOFT_TIMEOUT_MS', { HUBSOFT_TIMEOUT_MS: '0' }, '0'],
    ['HUBSOFT_TIMEOUT_MS', { HUBSOFT_TIMEOUT_MS: '3600001' }, '3600001'],
    ['HUBSOFT_PAGE_DELAY_MS', { HUBSOFT_PAGE_DELAY_MS: '600001' }, '600001'],
    ['REFRESH_MIN_INTERVAL', { REFRESH_MIN_INTERVAL: '30d' }, '30d'],
    ['REFRESH_MIN_INTERVAL', { REFRESH_MIN_INTERVAL: '169h' }, '169h'],
    ['REFRESH_DEADLINE', { REFRESH_DEADLINE: '25h' }, '25h'],
    ['DEMO', { DEMO: 'maybe' }, 'maybe'],
    ['HUBSOFT_TLS_INSECURE', { HUBSOFT_TLS_INSECURE: 'talvez' }, 'talvez'],
    ['REFRESH_MIN_INTERVAL', { REFRESH_MIN_INTERVAL: '15x' }, '15x'],
    ['REFRESH_MIN_INTERVAL', { REFRESH_MIN_INTERVAL: '0' }, '0'],
    ['REFRESH_MIN_INTERVAL', { REFRESH_MIN_INTERVAL: '59s' }, '59s'],
    ['REFRESH_DEADLINE', { REFRESH_DEADLINE: '0' }, '0'],
    ['REFRESH_DEADLINE', { REFRESH_DEADLINE: 'soon' }, 'soon'],
    ['REFRESH_MAX_SHRINK', { REFRESH_MAX_SHRINK: '150%' }, '150%'],
    ['REFRESH_TZ', { REFRESH_TZ: 'Mars/Olympus' }, 'Mars/Olympus'],
    ['REFRESH_CRON', { REFRESH_CRON: 'not a cron' }, 'not a cron'],
    ['PORT', { PORT: '70000' }, '70000'],
    ['PORT', { PORT: 'http' }, 'http'],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, 'loud'],
    ['HUBSOFT_URL', { ...UPSTREAM, HUBSOFT_URL: 'ftp://x' }, 'ftp://x'],
    ['HUBSOFT_URL', { ...UPSTREAM, HUBSOFT_URL: 'api.provedor.hubsoft.com.br' }, 'api.provedor.hubsoft.com.br']
  ]
  for (const [variable, env, value] of table) {
    const label = `${variable}=${value}`
    const problems = problemsOf(env)
    assert.equal(problems.length, 1, `${label}: ${problems.join(' | ')}`)
    assert.ok(problems[0]!.includes(variable), `${label}: names the variable in ${problems[0]}`)
    assert.ok(problems[0]!.includes(value), `${label}: shows the value in ${problems[0]}`)
    assert.match(problems[0]!, /expected/, `${label}: says what is expected`)
  }
})

test('several bad variables are reported together in one ConfigError', () => {
  const env: Env = { HUBSOFT_SOURCE: 'foo', PORT: '70000', LOG_LEVEL: 'loud', REFRESH_TZ: 'Mars/Olympus', REFRESH_MIN_INTERVAL: '15x' }
  assert.throws(() => loadConfig(env, { readFile: files({}) }), (error: unknown) => {
    assert.ok(error instanceof ConfigError)
    assert.equal(error.problems.length, 5, error.problems.join('\n'))
    for (const variable of Object.keys(env)) {
      assert.equal(error.problems.filter((problem) => problem.includes(variable)).length, 1, variable)
      assert.ok(error.message.includes(variable), `message names ${variable}`)
    }
    return true
  })
})

test('with HUBSOFT_URL set, each missing credential and API_KEYS are named', () => {
  const table: Array<[string, Env]> = [
    ['HUBSOFT_CLIENT_ID', { ...UPSTREAM, HUBSOFT_CLIENT_ID: undefined }],
    ['HUBSOFT_CLIENT_SECRET', { ...UPSTREAM, HUBSOFT_CLIENT_SECRET: undefined }],
    ['HUBSOFT_USERNAME', { ...UPSTREAM, HUBSOFT_USERNAME: undefined }],
    ['HUBSOFT_PASSWORD', { ...UPSTREAM, HUBSOFT_PASSWORD: undefined }],
    ['HUBSOFT_PASSWORD', { ...UPSTREAM, HUBSOFT_PASSWORD: '' }],
    ['API_KEYS', { ...UPSTREAM, API_KEYS: undefined }],
    ['API_KEYS', { ...UPSTREAM, API_KEYS: '' }]
  ]
  for (const [variable, env] of table) {
    const problems = problemsOf(env)
    assert.equal(problems.length, 1, `${variable}: ${problems.join(' | ')}`)
    assert.ok(problems[0]!.startsWith(variable), `${variable}: ${problems[0]}`)
  }
  const everything = problemsOf({ HUBSOFT_URL: 'https://api.provedor.hubsoft.com.br' })
  for (const variable of ['HUBSOFT_CLIENT_ID', 'HUBSOFT_CLIENT_SECRET', 'HUBSOFT_USERNAME', 'HUBSOFT_PASSWORD', 'API_KEYS']) {
    assert.equal(everything.filter((problem) => problem.startsWith(variable)).length, 1, `all missing: ${variable}`)
  }
  assert.equal(everything.length, 5, everything.join('\n'))
})

/** What a key is held as: its SHA-256, never the key (computed here, not by the code under test). */
const sha256 = (key: string) => createHash('sha256').update(key).digest()

test('parseApiKeys reads name:key:scope[+scope] entries and keeps only digests of the keys', () => {
  const table: Array<[string[], ApiKeyConfig[]]> = [
    [['ops:k1:read'], [{ name: 'ops', digest: sha256('k1'), scopes: ['read'] }]],
    [['adm:k2:read+secrets+admin'], [{ name: 'adm', digest: sha256('k2'), scopes: ['read', 'secrets', 'admin'] }]],
    [['bot:k3:admin'], [{ name: 'bot', digest: sha256('k3'), scopes: ['admin'] }]],
    [['ops:k1:read', 'sup:k2:read+secrets'], [{ name: 'ops', digest: sha256('k1'), scopes: ['read'] }, { name: 'sup', digest: sha256('k2'), scopes: ['read', 'secrets'] }]],
    [['app.v2-prod_1:k:read'], [{ name: 'app.v2-prod_1', digest: sha256('k'), scopes: ['read'] }]]
  ]
  for (const [entries, expected] of table) {
    assert.deepEqual(parseApiKeys(entries, 'API_KEYS', 1), { keys: expected, problems: [] }, entries.join(','))
  }
})

test('a key shorter than 16 characters is refused outside demo mode, accepted in demo mode', () => {
  const short = 'short-key-15chr'
  assert.equal(short.length, 15)
  const problems = problemsOf({ ...UPSTREAM, API_KEYS: `ops:${short}:read` })
  assert.equal(problems.length, 1, problems.join(' | '))
  assert.match(problems[0]!, /API_KEYS entry 1 \('ops'\).*shorter than 16/)
  assert.ok(!problems[0]!.includes(short))
  assert.deepEqual(loadConfig({ ...UPSTREAM, API_KEYS: `ops:${short}x:read` }).apiKeys?.map((key) => key.name), ['ops'])
  assert.deepEqual(loadConfig({ DEMO: '1', API_KEYS: 'ops:k:read' }, { readFile: files({}) }).apiKeys, [{ name: 'ops', digest: sha256('k'), scopes: ['read'] }])
})

test('no key is held in clear anywhere in the Config', () => {
  const config = loadConfig(UPSTREAM)
  const held = inspect(config, { depth: 10, maxStringLength: Infinity })
  for (const key of [KEY_OPS, KEY_ADMIN]) assert.equal(held.includes(key), false, 'a key is held in clear')
  assert.deepEqual(config.apiKeys!.map((key) => Object.keys(key).sort()), [['digest', 'name', 'scopes'], ['digest', 'name', 'scopes']])
})

test('abuse limits and token lifetime: defaults, and every bad value named', () => {
  const config = loadConfig(UPSTREAM, { heapLimitBytes: 1000 * 1024 * 1024, openFileLimit: 1024 })
  assert.equal(config.accessTokenTtlMs, 3_600_000)
  assert.deepEqual(config.limits, {
    rateLimitMax: 600,
    rateLimitWindowMs: 60_000,
    fullDumpConcurrency: 4,
    fullDumpPerKey: 2,
    fullDumpTimeoutMs: 300_000,
    // ulimit -n 1024 less 64 kept for the service's own files.
    maxConnections: 960,
    requestTimeoutMs: 30_000,
    maxEventLoopDelayMs: 1000,
    maxHeapUsedBytes: 900 * 1024 * 1024,
    maxRssBytes: 0,
    trustProxy: false
  })
  const tuned = loadConfig({
    ...UPSTREAM,
    ACCESS_TOKEN_TTL: '30d',
    RATE_LIMIT_MAX: '5',
    RATE_LIMIT_WINDOW: '10s',
    FULL_DUMP_CONCURRENCY: '1',
    FULL_DUMP_TIMEOUT: '90s',
    MAX_CONNECTIONS: '100',
    REQUEST_TIMEOUT: '2m',
    OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
    OVERLOAD_HEAP_MB: '512',
    OVERLOAD_RSS_MB: '1024',
    TRUST_PROXY: '10.0.0.0/8,127.0.0.1'
  })
  assert.equal(tuned.accessTokenTtlMs, 30 * 86_400_000)
  assert.deepEqual(tuned.limits, {
    rateLimitMax: 5,
    rateLimitWindowMs: 10_000,
    fullDumpConcurrency: 1,
    fullDumpPerKey: 1,
    fullDumpTimeoutMs: 90_000,
    maxConnections: 100,
    requestTimeoutMs: 120_000,
    maxEventLoopDelayMs: 0,
    maxHeapUsedBytes: 512 * 1024 * 1024,
    maxRssBytes: 1024 * 1024 * 1024,
    trustProxy: ['10.0.0.0/8', '127.0.0.1']
  })
  assert.equal(loadConfig(UPSTREAM, { openFileLimit: null }).limits.maxConnections, 4096, 'no known limit: the default')
  assert.equal(loadConfig(UPSTREAM, { openFileLimit: 1_048_576 }).limits.maxConnections, 4096)
  assert.match(limitProblems({ ...UPSTREAM, MAX_CONNECTIONS: '400' }, 300)[0]!, /^MAX_CONNECTIONS='400' is invalid: expected below the open-file limit \(300\)/)
  assert.equal(loadConfig({ ...UPSTREAM, MAX_CONNECTIONS: '236' }, { openFileLimit: 300 }).limits.maxConnections, 236)
  assert.match(problemsOf({ ...UPSTREAM, FULL_DUMP_PER_KEY: '5' })[0]!, /^FULL_DUMP_PER_KEY='5' is invalid: expected at most FULL_DUMP_CONCURRENCY \(4\)/)
  assert.equal(readOpenFileLimit(() => 'Limit  Soft Limit  Hard Limit  Units\nMax open files            300                  4096                 files\n'), 300)
  assert.equal(readOpenFileLimit(() => 'Max open files            unlimited            unlimited            files\n'), null)
  assert.equal(readOpenFileLimit(() => { throw new Error('ENOENT') }), null)
  assert.equal(loadConfig({ ...UPSTREAM, TRUST_PROXY: 'true' }).limits.trustProxy, true)
  assert.deepEqual(loadConfig({ ...UPSTREAM, TRUST_PROXY: '::1' }).limits.trustProxy, ['::1'])
  const table: Array<[string, string]> = [
    ['ACCESS_TOKEN_TTL', '30s'],
    ['ACCESS_TOKEN_TTL', '31d'],
    ['ACCESS_TOKEN_TTL', 'forever'],
    ['RATE_LIMIT_MAX', '0'],
    ['RATE_LIMIT_MAX', '-5'],
    ['RATE_LIMIT_WINDOW', '500ms'],
    ['RATE_LIMIT_WINDOW', '2d'],
    ['FULL_DUMP_CONCURRENCY', '0'],
    ['FULL_DUMP_CONCURRENCY', 'many'],
    ['FULL_DUMP_PER_KEY', '0'],
    ['FULL_DUMP_TIMEOUT', '0'],
    ['FULL_DUMP_TIMEOUT', '2d'],
    ['MAX_CONNECTIONS', '0'],
    ['REQUEST_TIMEOUT', '0'],
    ['REQUEST_TIMEOUT', '2h'],
    ['OVERLOAD_EVENT_LOOP_DELAY_MS', '1.5'],
    ['OVERLOAD_HEAP_MB', '90%'],
    ['OVERLOAD_RSS_MB', 'lots'],
    ['TRUST_PROXY', 'yes please'],
    ['TRUST_PROXY', '10.0.0.1,'],
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['CORS_ORIGINS', 'https://app.example.com/'],
    ['CORS_ORIGINS', 'https://app.example.com/path'],
    ['CORS_ORIGINS', 'https://app.example.com,'],
    ['CORS_ORIGINS', 'ftp://app.example.com']
  ]
  for (const [name, value] of table) {
    const problems = problemsOf({ ...UPSTREAM, [name]: value })
    assert.equal(problems.length, 1, `${name}=${value}: ${problems.join(' | ')}`)
    assert.ok(problems[0]!.startsWith(`${name}='${value}' is invalid: expected `), problems[0])
  }
})

test('CORS_ORIGINS: unset is no CORS; a comma list of origins, lower-cased, each once', () => {
  const table: Array<[string | undefined, string[]]> = [
    [undefined, []],
    ['https://app.example.com', ['https://app.example.com']],
    ['https://App.Example.com:8443, http://127.0.0.1:5173', ['https://app.example.com:8443', 'http://127.0.0.1:5173']],
    ['https://a.example,https://a.example', ['https://a.example']]
  ]
  for (const [value, expected] of table) {
    assert.deepEqual(loadConfig(value === undefined ? UPSTREAM : { ...UPSTREAM, CORS_ORIGINS: value }).corsOrigins, expected, String(value))
  }
})

test('parseApiKeys reports a bad entry by origin, position and name, never by key', () => {
  const table: Array<[string, string[], RegExp]> = [
    ['unknown scope', ['ops:k-secret-1:reader'], /API_KEYS entry 1 \('ops'\).*unknown scope/],
    ['unknown scope among good ones', ['ops:k-secret-1:read+root'], /API_KEYS entry 1 \('ops'\).*unknown scope/],
    ['missing key', ['ops::read'], /API_KEYS entry 1 \('ops'\)/],
    ['missing key and scope', ['ops:read'], /API_KEYS entry 1 \('ops'\)/],
    ['name only', ['ops'], /API_KEYS entry 1/],
    ['missing name', [':k-secret-1:read'], /API_KEYS entry 1/],
    ['missing scope', ['ops:k-secret-1:'], /API_KEYS entry 1 \('ops'\)/],
    ['duplicate name', ['ops:k-secret-1:read', 'ops:k-secret-2:admin'], /API_KEYS entry 2 \('ops'\)/],
    ['same key twice', ['ops:k-secret-1:read', 'bot:k-secret-1:admin'], /API_KEYS entry 2 \('bot'\)/],
    ['bad name', ['o p s:k-secret-1:read'], /API_KEYS entry 1/]
  ]
  for (const [name, entries, mentions] of table) {
    const { problems } = parseApiKeys(entries, 'API_KEYS', 1)
    assert.equal(problems.length, 1, `${name}: ${problems.join(' | ')}`)
    assert.match(problems[0]!, mentions, name)
    assert.ok(!problems[0]!.includes('k-secret'), `${name}: key not echoed in ${problems[0]}`)
  }
})

test('API_KEYS_FILE is read through the injected readFile, comments and blank lines ignored', () => {
  const calls: string[] = []
  const readFile = files({
    '/run/secrets/api-keys': `# chaves da equipe\nops:${KEY_OPS}:read\n\n   \n  admin:${KEY_ADMIN}:read+secrets+admin  \n# fim\n`
  }, calls)
  const config = loadConfig({ ...UPSTREAM, API_KEYS: undefined, API_KEYS_FILE: '/run/secrets/api-keys' }, { readFile })
  assert.deepEqual(calls, ['/run/secrets/api-keys'])
  assert.deepEqual(config.apiKeys, [
    { name: 'ops', digest: sha256(KEY_OPS), scopes: ['read'] },
    { name: 'admin', digest: sha256(KEY_ADMIN), scopes: ['read', 'secrets', 'admin'] }
  ])

  const table: Array<[string, Env, Record<string, string>, RegExp]> = [
    ['both set', { ...UPSTREAM, API_KEYS_FILE: '/run/secrets/api-keys' }, { '/run/secrets/api-keys': `bot:${KEY_BOT}:read\n` }, /API_KEYS.*API_KEYS_FILE/],
    ['unreadable file', { ...UPSTREAM, API_KEYS: undefined, API_KEYS_FILE: '/nope' }, {}, /API_KEYS_FILE/],
    ['only comments', { ...UPSTREAM, API_KEYS: undefined, API_KEYS_FILE: '/k' }, { '/k': '# nada\n\n' }, /API_KEYS/],
    ['bad line', { ...UPSTREAM, API_KEYS: undefined, API_KEYS_FILE: '/k' }, { '/k': `# x\nbot:${KEY_BOT}:write\n` }, /API_KEYS_FILE entry 1 \('bot'\)/]
  ]
  for (const [name, env, contents, mentions] of table) {
    const problems = problemsOf(env, files(contents))
    assert.equal(problems.length, 1, `${name}: ${problems.join(' | ')}`)
    assert.match(problems[0]!, mentions, name)
  }
})

test('HUBSOFT_CA_FILE is read through the injected readFile and must be PEM', () => {
  const calls: string[] = []
  const config = loadConfig({ ...UPSTREAM, HUBSOFT_CA_FILE: '/etc/ssl/provedor-ca.pem' }, { readFile: files({ '/etc/ssl/provedor-ca.pem': PEM }, calls) })
  assert.deepEqual(calls, ['/etc/ssl/provedor-ca.pem'])
  assert.equal(config.upstream.caPem, PEM)

  const table: Array<[string, Record<string, string>]> = [
    ['not PEM', { '/ca': 'this is not a certificate\n' }],
    ['a key, not a certificate', { '/ca': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' }],
    ['unreadable', {}]
  ]
  for (const [name, contents] of table) {
    const problems = problemsOf({ ...UPSTREAM, HUBSOFT_CA_FILE: '/ca' }, files(contents))
    assert.equal(problems.length, 1, `${name}: ${problems.join(' | ')}`)
    assert.match(problems[0]!, /HUBSOFT_CA_FILE/, name)
  }
})

test('no problem message and no describeConfig output contains a secret', () => {
  const keysFile = `ops:${KEY_OPS}:read\nbot:${KEY_BOT}:superuser\nops:${KEY_ADMIN}:admin\nsup:${KEY_OPS}:read\n${KEY_BOT}\n`
  const failing: Array<[string, Env, Record<string, string>]> = [
    ['bad API_KEYS entries', {
      ...UPSTREAM,
      API_KEYS: `ops:${KEY_OPS}:read,bot:${KEY_BOT}:superuser,ops:${KEY_ADMIN}:admin,sup:${KEY_OPS}:read,${KEY_BOT},x:${KEY_BOT}`,
      PORT: '70000'
    }, {}],
    ['bad API_KEYS_FILE lines', { ...UPSTREAM, API_KEYS: undefined, API_KEYS_FILE: '/k' }, { '/k': keysFile }],
    ['both API_KEYS and API_KEYS_FILE', { ...UPSTREAM, API_KEYS_FILE: '/k' }, { '/k': keysFile }],
    ['missing credentials beside set secrets', { ...UPSTREAM, HUBSOFT_CLIENT_ID: undefined, HUBSOFT_USERNAME: undefined }, {}],
    ['other bad variables beside set secrets', { ...UPSTREAM, LOG_LEVEL: 'loud', HUBSOFT_URL: 'ftp://x' }, {}]
  ]
  for (const [name, env, contents] of failing) {
    assert.throws(() => loadConfig(env, { readFile: files(contents) }), (error: unknown) => {
      assert.ok(error instanceof ConfigError, name)
      const text = JSON.stringify([error.message, error.problems, String(error)])
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${name}: ${secret} appears in ${text}`)
      return true
    }, name)
  }

  const valid: Array<[string, Env, Record<string, string>]> = [
    ['API_KEYS', { ...UPSTREAM, HUBSOFT_CA_FILE: '/ca' }, { '/ca': PEM }],
    ['API_KEYS_FILE', { ...UPSTREAM, API_KEYS: undefined, API_KEYS_FILE: '/k' }, { '/k': `bot:${KEY_BOT}:read+secrets\n` }]
  ]
  for (const [name, env, contents] of valid) {
    const described = describeConfig(loadConfig(env, { readFile: files(contents) }))
    const text = JSON.stringify(described)
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${name}: ${secret} appears in ${text}`)
    assert.equal(described.mode, 'upstream', name)
  }
})

test('a HUBSOFT_URL carrying credentials is refused without echoing them', () => {
  const problems = problemsOf({ ...UPSTREAM, HUBSOFT_URL: 'https://admin:url-pass-31337@api.provedor.hubsoft.com.br' })
  assert.equal(problems.length, 1, problems.join(' | '))
  assert.match(problems[0]!, /^HUBSOFT_URL='https:\/\/\*\*\*@api\.provedor\.hubsoft\.com\.br' is invalid: expected .*without credentials/)
  assert.ok(!problems[0]!.includes('url-pass-31337'))
})

test('a key written in the scope position is not echoed', () => {
  const problems = problemsOf({ ...UPSTREAM, API_KEYS: `ops:read:${KEY_OPS}` })
  assert.equal(problems.length, 1, problems.join(' | '))
  assert.ok(!JSON.stringify(problems).includes(KEY_OPS), problems[0])
})

test('describeConfig summarises the demo defaults', () => {
  const described = describeConfig(loadConfig({}, { readFile: files({}) }))
  assert.equal(described.mode, 'demo')
  assert.equal(described.apiKeys, null)
  assert.equal(described.listen, '0.0.0.0:3000')
  const upstream = describeConfig(loadConfig(UPSTREAM, { readFile: files({}) }))
  assert.deepEqual(upstream.apiKeys, [{ name: 'ops', scopes: ['read'] }, { name: 'admin', scopes: ['read', 'secrets', 'admin'] }])
})

test('parseDurationMs: units ms, s, m, h, d; a bare number is seconds', () => {
  const table: Array<[string, number]> = [
    ['15m', 900000],
    ['900', 900000],
    ['900s', 900000],
    ['250ms', 250],
    ['1h', 3600000],
    ['2d', 172800000],
    ['0', 0],
    ['1', 1000]
  ]
  for (const [input, expected] of table) {
    assert.equal(parseDurationMs(input), expected, input)
  }
  for (const input of ['15x', '', 'm', '1.5h', '-1s', '15 m']) {
    assert.throws(() => parseDurationMs(input), Error, input)
  }
})

test('REDIS_*: unset is a process on its own; set, the fleet with its defaults, a password file, and a masked URL', () => {
  assert.equal(loadConfig(UPSTREAM, { readFile: files({}) }).fleet, null)
  // The other REDIS_* variables alone change nothing (an env file may show their defaults).
  assert.equal(loadConfig({ ...UPSTREAM, REDIS_KEY_PREFIX: 'x:', REDIS_LOCK_TTL: '30s' }, { readFile: files({}) }).fleet, null)
  assert.deepEqual(loadConfig({ ...UPSTREAM, REDIS_URL: 'redis://redis:6379/0' }, { readFile: files({}) }).fleet, {
    url: 'redis://redis:6379/0', password: undefined, keyPrefix: 'hubsoft-bff:', leaderTtlMs: 10_000, lockTtlMs: 30_000, pollIntervalMs: 15_000
  })
  const withFile = loadConfig({ ...UPSTREAM, REDIS_URL: 'rediss://cache.internal:6380', REDIS_PASSWORD_FILE: '/run/secrets/redis', REDIS_KEY_PREFIX: 'isp-a:', REDIS_LEADER_TTL: '5s', REDIS_LOCK_TTL: '1m', REDIS_POLL_INTERVAL: '2s' }, { readFile: files({ '/run/secrets/redis': 's3cret-redis-password\n' }) })
  assert.deepEqual(withFile.fleet, { url: 'rediss://cache.internal:6380', password: 's3cret-redis-password', keyPrefix: 'isp-a:', leaderTtlMs: 5000, lockTtlMs: 60_000, pollIntervalMs: 2000 })
  const described = inspect(describeConfig(loadConfig({ ...UPSTREAM, REDIS_URL: 'redis://bff:hunter2-redis@redis:6379' }, { readFile: files({}) })), { depth: 5 })
  assert.ok(!described.includes('hunter2-redis'), described)
  assert.match(described, /redis:\/\/\*\*\*@redis:6379/)
  assert.ok(!inspect(describeConfig(withFile), { depth: 5 }).includes('s3cret-redis-password'))
})

test('REDIS_*: a bad URL, an unreadable or empty password file and out-of-range TTLs are named', () => {
  const problems = problemsOf({ ...UPSTREAM, REDIS_URL: 'http://user:pw-in-url@redis:6379', REDIS_LOCK_TTL: '20m', REDIS_LEADER_TTL: '500ms' })
  assert.deepEqual(problems, ["REDIS_URL='http://***@redis:6379' is invalid: expected a redis:// or rediss:// URL such as redis://redis:6379/0"])
  assert.deepEqual(problemsOf({ ...UPSTREAM, REDIS_URL: 'redis://redis', REDIS_LOCK_TTL: '20m', REDIS_LEADER_TTL: '500ms' }), [
    "REDIS_LEADER_TTL='500ms' is invalid: expected a duration from 1s to 5m such as 10s",
    "REDIS_LOCK_TTL='20m' is invalid: expected a duration from 1s to 10m such as 30s"
  ])
  assert.match(problemsOf({ ...UPSTREAM, REDIS_URL: 'redis://redis', REDIS_PASSWORD_FILE: '/nope' })[0]!, /^REDIS_PASSWORD_FILE='\/nope' cannot be read: ENOENT/)
  assert.deepEqual(problemsOf({ ...UPSTREAM, REDIS_URL: 'redis://redis', REDIS_PASSWORD_FILE: '/empty' }, files({ '/empty': ' \n' })), ["REDIS_PASSWORD_FILE='/empty' is empty: expected the Redis password"])
})

test('durations are held to bounds that fit a timer: the largest accepted ones load', () => {
  const config = loadConfig({ REFRESH_MIN_INTERVAL: '7d', REFRESH_DEADLINE: '24h', HUBSOFT_TIMEOUT_MS: '3600000', HUBSOFT_PAGE_DELAY_MS: '600000' }, { readFile: files({}) })
  assert.equal(config.refresh.minIntervalMs, 604_800_000)
  assert.equal(config.refresh.deadlineMs, 86_400_000)
  assert.equal(config.upstream.timeoutMs, 3_600_000)
  assert.equal(config.upstream.pageDelayMs, 600_000)
})

test('without HUBSOFT_URL, anything that says this is a real deployment refuses the demo in one problem naming HUBSOFT_URL', () => {
  const table: Array<[string, Env, RegExp]> = [
    ['a credential', { HUBSOFT_CLIENT_ID: '12' }, /HUBSOFT_CLIENT_ID is set/],
    ['a misspelled URL beside the credentials', { ...UPSTREAM, HUBSOFT_URL: undefined, HUBSOFT_URI: 'https://api.provedor.hubsoft.com.br' }, /HUBSOFT_CLIENT_ID, HUBSOFT_CLIENT_SECRET, HUBSOFT_USERNAME, HUBSOFT_PASSWORD, API_KEYS are set/],
    ['API_KEYS', { API_KEYS: `ops:${KEY_OPS}:read` }, /API_KEYS is set/],
    ['API_KEYS_FILE', { API_KEYS_FILE: '/run/keys' }, /API_KEYS_FILE is set/],
    ['NODE_ENV=production', { NODE_ENV: 'production' }, /NODE_ENV=production is set/]
  ]
  for (const [label, env, named] of table) {
    const problems = problemsOf(env, files({ '/run/keys': `ops:${KEY_OPS}:read\n` }))
    assert.equal(problems.length, 1, `${label}: ${problems.join(' | ')}`)
    assert.match(problems[0]!, /^HUBSOFT_URL is unset/, label)
    assert.match(problems[0]!, named, label)
    assert.match(problems[0]!, /DEMO=1/, `${label}: says how to run the demo anyway`)
    for (const secret of SECRETS) assert.ok(!problems[0]!.includes(secret), `${label}: no secret in the message`)
    try {
      loadConfig(env, { readFile: files({ '/run/keys': `ops:${KEY_OPS}:read\n` }) })
    } catch (error) {
      assert.ok(error instanceof ConfigError && !error.message.includes('\n'), `${label}: one problem is one line`)
    }
  }
})

test('DEMO=1 forces the demo beside keys and NODE_ENV=production; DEMO=1 with HUBSOFT_URL is refused', () => {
  const config = loadConfig({ DEMO: '1', NODE_ENV: 'production', API_KEYS: 'ops:short:read' }, { readFile: files({}) })
  assert.notEqual(config.demo, null)
  assert.deepEqual(config.apiKeys?.map((key) => key.name), ['ops'])
  assert.equal(loadConfig({ NODE_ENV: 'development' }, { readFile: files({}) }).upstream.url, null, 'another NODE_ENV leaves the demo alone')
  const problems = problemsOf({ ...UPSTREAM, DEMO: '1' })
  assert.equal(problems.length, 1, problems.join(' | '))
  assert.match(problems[0]!, /DEMO=1 and HUBSOFT_URL/)
})

test('variables that look like the service\'s own but are unknown are warned about with the closest known name', () => {
  const warnings = unknownVariableWarnings({
    REFRESH_MIN_INTERVALL: '1h',
    HUBSOFT_URI: 'https://x',
    API_KEY: 'ops:k:read',
    SNAPSHOT_DIRECTORY: '/var/lib/x',
    RATE_LIMIT_MAXIMUM: '10',
    HUBSOFT_URL: 'https://x',
    PATH: '/usr/bin',
    HOME: '/root',
    NODE_ENV: 'production'
  })
  assert.deepEqual(warnings, [
    'API_KEY is not a variable this service knows, so it is ignored; did you mean API_KEYS?',
    'HUBSOFT_URI is not a variable this service knows, so it is ignored; did you mean HUBSOFT_URL?',
    'RATE_LIMIT_MAXIMUM is not a variable this service knows, so it is ignored; did you mean RATE_LIMIT_MAX?',
    'REFRESH_MIN_INTERVALL is not a variable this service knows, so it is ignored; did you mean REFRESH_MIN_INTERVAL?',
    'SNAPSHOT_DIRECTORY is not a variable this service knows, so it is ignored; did you mean SNAPSHOT_DIR?'
  ])
})
