// The status page as a pure render: human durations and sizes, every value escaped, nothing
// loaded from elsewhere, the cold start and rejected credentials shown, and which Accept
// headers get it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { prefersHtml } from '../../../src/http/status/html.js'
import type { StatusJson } from '../../../src/http/schemas/operations.js'
import { formatBytes, formatDuration, relative, renderStatusPage } from '../../../src/http/status/status-page.js'

const NOW = new Date('2026-11-26T15:12:00Z')
const HOSTILE = '<script>alert("x")</script>&\'"'

function status (overrides: Partial<StatusJson> = {}): StatusJson {
  return {
    version: '9.8.7',
    ready: true,
    snapshot: {
      version: `v-${HOSTILE}`,
      fetched_at: '2026-11-26T12:00:00.000Z',
      age_seconds: 11_520,
      source: 'todos',
      clients: 1234,
      services: 1500,
      services_by_status: { servico_habilitado: 1400, [HOSTILE]: 100 },
      services_by_technology: { FIBRA: 1499, '': 1 },
      prepared_bytes: 3 * 1024 * 1024
    },
    refresh: {
      running: false,
      progress: null,
      time_zone: 'UTC',
      last_attempt_at: '2026-11-26T15:00:00.000Z',
      next_scheduled_at: '2026-11-26T18:00:00.000Z',
      next_retry_at: null,
      floor_until: null,
      consecutive_failures: 1,
      credentials_rejected: false,
      last: null,
      recent: [
        { outcome: 'failed', trigger: 'schedule', started_at: '2026-11-26T15:00:00.000Z', finished_at: '2026-11-26T15:00:02.000Z', duration_ms: 2000, pages: 1, clients: 0, bytes: 0, replaced_characters: 0, reason: 'http_status', http_status: 502, error: `HubSoft said ${HOSTILE}`, reached_hubsoft: true },
        { outcome: 'success', trigger: 'startup', started_at: '2026-11-26T12:00:00.000Z', finished_at: '2026-11-26T12:00:30.000Z', duration_ms: 30_000, pages: 3, clients: 1234, bytes: 5_000_000, replaced_characters: 0, reached_hubsoft: true }
      ]
    },
    persistence: { dir: `/data/${HOSTILE}`, load: { outcome: 'corrupt', error: HOSTILE, set_aside_as: `x-${HOSTILE}` }, last_save: { at: '2026-11-26T12:00:31.000Z', outcome: 'failed', error: HOSTILE } },
    upstream: { requests: { 'cliente/todos': { 200: 3, [HOSTILE]: 1 } }, token_requests: 2, token_renewals: 1, tokens_obtained: 2 },
    ...overrides
  }
}

test('durations keep their two largest units; sizes are binary; times are relative to now', () => {
  const durations: Array<[number, string]> = [
    [0, '0 ms'], [850, '850 ms'], [999.6, '1000 ms'], [1000, '1 s'], [42_500, '42 s'], [60_000, '1 min'], [185_000, '3 min 5 s'],
    [3_600_000, '1 h'], [(3 * 60 + 12) * 60_000 + 59_000, '3 h 12 min'], [(2 * 24 + 4) * 3_600_000 + 5 * 60_000, '2 d 4 h'], [400 * 86_400_000, '400 d']
  ]
  for (const [ms, text] of durations) assert.equal(formatDuration(ms), text, String(ms))
  const sizes: Array<[number, string]> = [[0, '0 B'], [1023, '1023 B'], [1536, '1.5 KiB'], [12.34 * 1024 * 1024, '12.3 MiB'], [5 * 1024 ** 3, '5.0 GiB'], [3 * 1024 ** 4, '3072.0 GiB']]
  for (const [bytes, text] of sizes) assert.equal(formatBytes(bytes), text, String(bytes))
  assert.equal(relative('2026-11-26T12:00:00Z', NOW), '3 h 12 min ago')
  assert.equal(relative('2026-11-26T15:27:00Z', NOW), 'in 15 min')
  assert.equal(relative('2026-11-26T15:12:00.400Z', NOW), 'now')
})

test('every value from HubSoft or the configuration is escaped, and the page loads nothing', () => {
  const page = renderStatusPage(status(), NOW)
  assert.ok(!page.includes('<script'), 'no script element, hostile or not')
  assert.ok(!page.includes(HOSTILE))
  const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&quot;'
  // version, a status key, the refresh error, the dir, the load error and set-aside name, the save error, an upstream status
  assert.ok(page.split(escaped).length - 1 >= 8, 'each hostile value is shown escaped')
  for (const external of [/https?:/i, /\bsrc=/i, /@import/i, /url\(/i, /<link(?![^>]*href="data:,")/i, /<iframe/i]) assert.doesNotMatch(page, external)
  assert.match(page, /<meta http-equiv="refresh" content="30">/)
})

test('the facts people look for are on the page', () => {
  const page = renderStatusPage(status(), NOW)
  const text = page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
  for (const fact of [
    'Age 3 h 12 min', 'Clients 1,234', 'Services 1,500', 'Prepared bytes 3.0 MiB',
    'Next allowed now', 'Next retry none pending', 'Next scheduled 2026-11-26 18:00:00 UTC (in 2 h 48 min)',
    'FIBRA 1,499', '(none) 1', 'failed schedule', 'http_status (HTTP 502)', 'success startup', '4.8 MiB',
    'Tokens requested 2', 'Tokens renewed after a 401 1', 'corrupt', 'Last save failed',
    'hubsoft-bff 9.8.7', 'Credentials accepted (HubSoft issued a token)'
  ]) assert.ok(text.includes(fact), `${fact} in: ${text}`)
  assert.doesNotMatch(page, /credentials-rejected/)
})

test('a cold start renders; rejected credentials are loud', () => {
  const cold = renderStatusPage(status({
    ready: false,
    snapshot: null,
    refresh: { ...status().refresh, recent: [], credentials_rejected: true, floor_until: '2026-11-26T15:27:00.000Z' },
    persistence: { dir: '/data', load: null, last_save: null },
    upstream: { requests: {}, token_requests: 0, token_renewals: 0, tokens_obtained: 0 }
  }), NOW)
  assert.match(cold, /Not ready: no snapshot yet/)
  assert.match(cold, /No snapshot is loaded yet/)
  assert.match(cold, /No refresh since start-up/)
  assert.match(cold, /No request to HubSoft since start-up/)
  assert.match(cold, /id="credentials-rejected" role="alert">HubSoft rejected the credentials/)
  assert.match(cold, /2026-11-26 15:27:00 UTC <span class="muted">\(in 15 min\)/)
  assert.doesNotMatch(cold, /services-by-status/)
})

test('an Accept header that ranks text/html above JSON gets the page; anything else keeps JSON', () => {
  const table: Array<[string | undefined, boolean]> = [
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', true],
    ['text/html', true],
    ['text/html;q=0.9, application/json;q=0.5', true],
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', false],
    ['application/json, text/html', false],
    ['text/html;q=0.5, application/json', false],
    ['text/plain', false]
  ]
  for (const [accept, html] of table) assert.equal(prefersHtml(accept), html, String(accept))
})

test('times are written in REFRESH_TZ, with the zone named', () => {
  const base = status()
  const page = renderStatusPage(status({ refresh: { ...base.refresh, time_zone: 'America/Sao_Paulo' } }), NOW)
  const text = page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
  // 18:00 UTC is 15:00 in São Paulo (UTC−3, no daylight saving time since 2019); NOW 15:12 UTC is 12:12.
  assert.ok(text.includes('Next scheduled 2026-11-26 15:00:00 GMT-3 (in 2 h 48 min)'), text)
  assert.ok(text.includes('as of 2026-11-26 12:12:00 GMT-3 (times in America/Sao_Paulo)'), text)
  assert.ok(!text.includes('18:00:00'), 'no UTC time left on the page')
})

test('a running refresh is a progress bar with its counts and end estimate', () => {
  const base = status()
  const progress = { started_at: '2026-11-26T15:10:00.000Z', pages_done: 30, pages_total: 120, clients: 6000, bytes: 3 * 1024 * 1024, estimated_end_at: '2026-11-26T15:18:00.000Z' }
  const page = renderStatusPage(status({ refresh: { ...base.refresh, running: true, progress } }), NOW)
  assert.match(page, /<progress id="refresh-progress" max="120" value="30">25 %<\/progress>/)
  const text = page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
  assert.ok(text.includes('30 of 120 pages (25 %), 6,000 clients, 3.0 MiB'), text)
  assert.ok(text.includes('expected end 2026-11-26 15:18:00 UTC (in 6 min)'), text)
  const walking = renderStatusPage(status({ refresh: { ...base.refresh, running: true, progress: { ...progress, pages_total: null, estimated_end_at: null } } }), NOW)
  assert.match(walking, /<progress id="refresh-progress"><\/progress>/, 'an unknown total is an indeterminate bar')
  assert.match(walking, /expected end not known yet/)
  assert.doesNotMatch(renderStatusPage(status(), NOW), /refresh-progress/, 'no bar when nothing runs')
})

test('the credentials are called accepted only once HubSoft issued a token', () => {
  const base = status()
  const text = (s: StatusJson) => renderStatusPage(s, NOW).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
  assert.ok(text(status({ upstream: { ...base.upstream, tokens_obtained: 0 } })).includes('Credentials not known yet: no token obtained since start-up'))
  assert.ok(text(status({ refresh: { ...base.refresh, credentials_rejected: true } })).includes('Credentials rejected by HubSoft'))
})
