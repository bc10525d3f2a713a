// deploy/systemd/hubsoft-bff.service: systemd's own checks (`systemd-analyze verify`, and
// `security`, whose exposure score must stay in its "OK" band), the sandbox directives the
// README promises, and settings the service accepts, pointing where the reverse proxies send.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../src/config.js'
import { configurationVariables } from '../helpers/readme.js'
import { runTool } from '../helpers/required-tool.js'
import { UNIT_PATH, unitEnvironment, unitValues } from '../helpers/systemd-unit.js'

const WHY = 'systemd-analyze is not on PATH: .ci/run should install the Debian package systemd'

test('the unit is sandboxed as the README says: throwaway user, one state directory, read-only system', () => {
  const expected: Array<[string, string]> = [
    ['DynamicUser', 'yes'], ['StateDirectory', 'hubsoft-bff'], ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'], ['PrivateDevices', 'yes'], ['NoNewPrivileges', 'yes'], ['CapabilityBoundingSet', ''],
    ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX'], ['SystemCallFilter', '@system-service'], ['UMask', '0077'],
    ['EnvironmentFile', '/etc/hubsoft-bff/hubsoft-bff.env'], ['LoadCredential', 'api-keys:/etc/hubsoft-bff/api-keys'],
    ['RestartPreventExitStatus', '2']
  ]
  for (const [key, value] of expected) assert.ok(unitValues(key).includes(value), `${key}=${value}`)
  // V8's JIT needs writable executable memory: the unit must not forbid it.
  assert.deepEqual(unitValues('MemoryDenyWriteExecute'), ['no'])
})

test('its settings are variables the service knows and accepts, and keep the snapshot in the state directory', () => {
  const environment = unitEnvironment()
  // Besides the service's own: NODE_ENV, glibc's allocator settings and V8's heap flag (README, Performance).
  const known = new Set([...configurationVariables(), 'NODE_ENV', 'MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'NODE_OPTIONS'])
  for (const name of Object.keys(environment)) assert.ok(known.has(name), `${name} is in the README Configuration table`)
  assert.equal(environment.SNAPSHOT_DIR, `/var/lib/${unitValues('StateDirectory')[0]!}`)
  assert.equal(environment.API_KEYS_FILE, `/run/credentials/hubsoft-bff.service/${unitValues('LoadCredential')[0]!.split(':')[0]!}`)
  const config = loadConfig({
    ...environment,
    HUBSOFT_URL: 'https://api.provider.hubsoft.com.br',
    HUBSOFT_CLIENT_ID: 'id',
    HUBSOFT_CLIENT_SECRET: 'secret',
    HUBSOFT_USERNAME: 'user',
    HUBSOFT_PASSWORD: 'password'
  }, { readFile: () => 'erp:0123456789abcdef0123:read\n' })
  assert.equal(config.host, '127.0.0.1')
  assert.deepEqual(config.limits.trustProxy, [config.host])
  assert.equal(config.snapshotDir, '/var/lib/hubsoft-bff')
})

test('systemd-analyze verifies the unit and rates its exposure OK', async (t) => {
  const verify = await runTool('systemd-analyze', ['verify', UNIT_PATH], WHY)
  if (verify === undefined) return t.skip('systemd-analyze is not installed')
  assert.equal(verify.status, 0, verify.output)
  assert.equal(verify.output.trim(), '', 'no warnings')
  const security = await runTool('systemd-analyze', ['security', '--offline=yes', '--no-pager', UNIT_PATH], WHY)
  assert.ok(security !== undefined)
  const exposure = /Overall exposure level for \S+: ([\d.]+) (\w+)/.exec(security.output)
  assert.ok(exposure, security.output.slice(-500))
  // systemd's bands: 0–2 OK, then MEDIUM, EXPOSED, UNSAFE.
  assert.ok(Number(exposure[1]) <= 2, `exposure ${exposure[1]} ${exposure[2]}`)
  assert.equal(exposure[2], 'OK')
})
