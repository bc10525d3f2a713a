// GET /status for a browser: the very facts of the JSON answer as one self-contained HTML page
// (inline CSS, no script, no external URL), every value escaped. Pure: the status object and
// the moment it was read in, to the page.
import { escapeHtml } from './html.js'
import type { StatusJson } from '../schemas/operations.js'

/** Seconds between the page's reloads (a meta refresh: no script needed). */
const STATUS_PAGE_RELOAD_SECONDS = 30

type Outcome = StatusJson['refresh']['recent'][number]

/** The moment the page shows, and the zone (REFRESH_TZ) its times are written in. */
interface View {
  readonly now: Date
  readonly timeZone: string
}

export function renderStatusPage (status: StatusJson, now: Date): string {
  const view: View = { now, timeZone: status.refresh.time_zone }
  const ready = status.ready ? badge('ok', 'Ready') : badge('bad', 'Not ready: no snapshot yet')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${STATUS_PAGE_RELOAD_SECONDS}">
<link rel="icon" href="data:,">
<title>hubsoft-bff status: ${status.ready ? 'ready' : 'not ready'}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>hubsoft-bff status</h1>
<p id="ready">${ready}</p>
<p class="muted">hubsoft-bff <span id="service-version">${escapeHtml(status.version)}</span>${status.snapshot === null ? '' : `, snapshot <code>${escapeHtml(status.snapshot.version)}</code>`}; as of ${escapeHtml(formatDate(now.toISOString(), view.timeZone))} (times in ${escapeHtml(view.timeZone)}); this page reloads every ${STATUS_PAGE_RELOAD_SECONDS} s. Without <code>Accept: text/html</code> the same URL answers these facts as JSON.</p>
</header>
${credentialsBanner(status)}
<main>
<div class="cards">
${snapshotSection(status, view)}
${refreshSection(status, view)}
</div>
${countsSection(status)}
${recentSection(status.refresh.recent, view)}
<div class="cards">
${upstreamSection(status.upstream)}
${persistenceSection(status.persistence, view)}
</div>
</main>
</body>
</html>
`
}

function snapshotSection (status: StatusJson, view: View): string {
  const snapshot = status.snapshot
  if (snapshot === null) {
    return section('snapshot', 'Snapshot', '<p class="empty">No snapshot is loaded yet: data routes answer 503 until the first refresh succeeds. See the refreshes below.</p>')
  }
  return section('snapshot', 'Snapshot', facts([
    ['Version', `<code id="snapshot-version">${escapeHtml(snapshot.version)}</code>`],
    ['Fetched at', when(snapshot.fetched_at, view, '')],
    ['Age', `<span id="snapshot-age">${escapeHtml(formatDuration(snapshot.age_seconds * 1000))}</span>`],
    ['Source', `HubSoft <code>cliente/${escapeHtml(snapshot.source)}</code>`],
    ['Clients', `<span id="snapshot-clients">${number(snapshot.clients)}</span>`],
    ['Services', `<span id="snapshot-services">${number(snapshot.services)}</span> <span class="muted">(cancelled included)</span>`],
    ['Prepared bytes', escapeHtml(formatBytes(snapshot.prepared_bytes))]
  ]))
}

function refreshSection ({ refresh, upstream }: StatusJson, view: View): string {
  const failures = refresh.consecutive_failures
  return section('refresh', 'Refresh', `${progressBar(refresh.progress, view)}${facts([
    ['Running', refresh.running ? badge('info', 'a refresh is running') : 'no'],
    ['Last attempt', when(refresh.last_attempt_at, view, 'none since start-up')],
    ['Next scheduled', when(refresh.next_scheduled_at, view, 'none')],
    ['Next allowed', `<span id="next-allowed">${refresh.floor_until === null ? 'now' : when(refresh.floor_until, view, 'now')}</span> <span class="muted">(REFRESH_MIN_INTERVAL)</span>`],
    ['Next retry', when(refresh.next_retry_at, view, 'none pending')],
    ['Consecutive failures', failures === 0 ? '0' : badge('bad', String(failures))],
    ['Credentials', credentialsState(refresh.credentials_rejected, upstream.tokens_obtained)]
  ])}`)
}

/** Only what is known: accepted once HubSoft issued a token, not before. */
function credentialsState (rejected: boolean, tokensObtained: number): string {
  if (rejected) return badge('bad', 'rejected by HubSoft')
  return tokensObtained > 0 ? 'accepted (HubSoft issued a token)' : '<span class="muted">not known yet: no token obtained since start-up</span>'
}

/** The running refresh as a bar (a native <progress>, no script), with its counts and end estimate. */
function progressBar (progress: StatusJson['refresh']['progress'], view: View): string {
  if (progress === null) return ''
  const total = progress.pages_total
  const bar = total === null ? '<progress id="refresh-progress"></progress>' : `<progress id="refresh-progress" max="${total}" value="${progress.pages_done}">${Math.floor(progress.pages_done * 100 / Math.max(total, 1))} %</progress>`
  const pages = total === null ? `${number(progress.pages_done)} pages` : `${number(progress.pages_done)} of ${number(total)} pages (${Math.floor(progress.pages_done * 100 / Math.max(total, 1))} %)`
  return `<div class="progress">${bar}
<p>${pages}, ${number(progress.clients)} clients, ${escapeHtml(formatBytes(progress.bytes))}; started ${when(progress.started_at, view, '')}; expected end ${when(progress.estimated_end_at, view, 'not known yet')}</p></div>
`
}

function credentialsBanner ({ refresh }: StatusJson): string {
  if (!refresh.credentials_rejected) return ''
  return '<p class="banner" id="credentials-rejected" role="alert">HubSoft rejected the credentials: automatic refreshes are paused. Fix HUBSOFT_CLIENT_ID/SECRET, USERNAME or PASSWORD and restart, or ask POST /admin/refresh.</p>'
}

function countsSection ({ snapshot }: StatusJson): string {
  if (snapshot === null) return ''
  return `<div class="cards">
${section('by-status', 'Services by status', countTable('services-by-status', 'Status', snapshot.services_by_status, snapshot.services))}
${section('by-technology', 'Services by technology', countTable('services-by-technology', 'Technology', snapshot.services_by_technology, snapshot.services))}
</div>`
}

function countTable (id: string, label: string, counts: Readonly<Record<string, number>>, total: number): string {
  const rows = Object.entries(counts).sort(([, a], [, b]) => b - a).map(([key, count]) =>
    `<tr><td>${key === '' ? '<em>(none)</em>' : `<code>${escapeHtml(key)}</code>`}</td><td class="num">${number(count)}</td><td class="num muted">${total === 0 ? '' : `${(count * 100 / total).toFixed(1)} %`}</td></tr>`)
  return `<table id="${id}"><thead><tr><th>${label}</th><th class="num">Services</th><th class="num">Share</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`
}

function recentSection (recent: readonly Outcome[], view: View): string {
  if (recent.length === 0) return section('recent', 'Recent refreshes', '<p class="empty">No refresh since start-up.</p>')
  const rows = recent.map((outcome) => `<tr>
<td>${badge(OUTCOME_TONE[outcome.outcome] ?? 'bad', outcome.outcome)}</td>
<td>${escapeHtml(outcome.trigger)}</td>
<td>${escapeHtml(formatDate(outcome.started_at, view.timeZone))}<br><span class="muted">${escapeHtml(relative(outcome.started_at, view.now))}</span></td>
<td class="num">${escapeHtml(formatDuration(outcome.duration_ms))}</td>
<td class="num">${number(outcome.pages)}</td>
<td class="num">${number(outcome.clients)}</td>
<td class="num">${escapeHtml(formatBytes(outcome.bytes))}</td>
<td>${problem(outcome)}</td>
</tr>`)
  return section('recent', 'Recent refreshes', `<table id="recent-refreshes"><thead><tr><th>Outcome</th><th>Trigger</th><th>Started</th><th class="num">Duration</th><th class="num">Pages</th><th class="num">Clients</th><th class="num">Bytes</th><th>Reason</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`)
}

function problem (outcome: Outcome): string {
  if (outcome.reason === undefined && outcome.error === undefined) return ''
  const reason = outcome.reason === undefined ? '' : `<code>${escapeHtml(outcome.reason)}</code>`
  const httpStatus = outcome.http_status === undefined ? '' : ` (HTTP ${escapeHtml(outcome.http_status)})`
  const error = outcome.error === undefined ? '' : `<br><span class="error">${escapeHtml(outcome.error)}</span>`
  return `${reason}${httpStatus}${error}`
}

function upstreamSection (upstream: StatusJson['upstream']): string {
  const rows = Object.entries(upstream.requests).sort(([a], [b]) => a.localeCompare(b)).flatMap(([route, byStatus]) =>
    Object.entries(byStatus).sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) =>
      `<tr><td><code>${escapeHtml(route)}</code></td><td>${/^2\d\d$/.test(status) ? escapeHtml(status) : badge('bad', status)}</td><td class="num">${number(count)}</td></tr>`))
  const table = rows.length === 0
    ? '<p class="empty">No request to HubSoft since start-up.</p>'
    : `<table id="upstream-requests"><thead><tr><th>Route</th><th>Status or failure</th><th class="num">Requests</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`
  return section('upstream', 'Upstream health (HubSoft)', `${table}
${facts([['Tokens requested', number(upstream.token_requests)], ['Tokens renewed after a 401', number(upstream.token_renewals)]])}`)
}

function persistenceSection (persistence: StatusJson['persistence'], view: View): string {
  const { load, last_save: save } = persistence
  const loaded = load === null
    ? 'not yet'
    : `${load.outcome === 'corrupt' ? badge('bad', 'corrupt') : escapeHtml(load.outcome)}${load.error === undefined ? '' : ` <span class="error">${escapeHtml(load.error)}</span>`}${load.set_aside_as === undefined ? '' : ` <span class="muted">set aside as <code>${escapeHtml(load.set_aside_as)}</code></span>`}`
  const saved = save === null
    ? 'none since start-up'
    : `${save.outcome === 'saved' ? 'saved' : badge('bad', save.outcome)} ${when(save.at, view, '')}${save.bytes === undefined ? '' : `, ${escapeHtml(formatBytes(save.bytes))}`}${save.error === undefined ? '' : ` <span class="error">${escapeHtml(save.error)}</span>`}`
  return section('persistence', 'Persistence', facts([
    ['SNAPSHOT_DIR', `<code>${escapeHtml(persistence.dir)}</code>`],
    ['Start-up load', loaded],
    ['Last save', saved]
  ]))
}

const OUTCOME_TONE: Record<string, Tone> = { success: 'ok', unchanged: 'ok', rejected: 'warn', failed: 'bad' }
type Tone = 'ok' | 'warn' | 'bad' | 'info'

function badge (tone: Tone, text: string): string {
  return `<span class="badge ${tone}">${escapeHtml(text)}</span>`
}

function section (id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${title}</h2>\n${body}\n</section>`
}

/** A definition list; values are HTML already escaped by the caller. */
function facts (pairs: ReadonlyArray<readonly [string, string]>): string {
  return `<dl>${pairs.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join('')}</dl>`
}

function number (value: number): string {
  return escapeHtml(value.toLocaleString('en-US'))
}

function when (isoDate: string | null, view: View, absent: string): string {
  if (isoDate === null) return escapeHtml(absent)
  return `${escapeHtml(formatDate(isoDate, view.timeZone))} <span class="muted">(${escapeHtml(relative(isoDate, view.now))})</span>`
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** "2026-11-26 09:00:00 GMT-3" in America/Sao_Paulo, "2026-11-26 12:00:00 UTC" in UTC. */
export function formatDate (isoDate: string, timeZone: string): string {
  let format = dateFormats.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' })
    dateFormats.set(timeZone, format)
  }
  const part = Object.fromEntries(format.formatToParts(new Date(isoDate)).map(({ type, value }) => [type, value]))
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`
}

/** "3 h 12 min ago", "in 15 min", "now". */
export function relative (isoDate: string, now: Date): string {
  const ms = Date.parse(isoDate) - now.getTime()
  if (Math.abs(ms) < 1000) return 'now'
  return ms > 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago`
}

/** The two largest units: "850 ms", "42 s", "3 min 5 s", "3 h 12 min", "2 d 4 h". */
export function formatDuration (ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`
  const seconds = Math.floor(ms / 1000)
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3600], ['min', 60], ['s', 1]]
  const first = units.findIndex(([, size]) => seconds >= size)
  const [bigName, bigSize] = units[first]!
  const big = Math.floor(seconds / bigSize)
  const next = units[first + 1]
  if (next === undefined) return `${big} ${bigName}`
  const small = Math.floor((seconds % bigSize) / next[1])
  return small === 0 ? `${big} ${bigName}` : `${big} ${bigName} ${small} ${next[0]}`
}

/** "512 B", "1.5 KiB", "12.3 MiB". */
export function formatBytes (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

const STYLE = `
:root { color-scheme: light; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #f6f8fa; }
header h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
header p { margin: .25rem 0; }
h2 { margin: 0 0 .75rem; font-size: 1.1rem; }
main { display: grid; gap: 1rem; margin-top: 1rem; }
.cards { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; overflow-x: auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.25rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
table + dl { margin-top: .75rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.error { color: var(--bad); }
.empty { color: var(--muted); font-style: italic; margin: 0; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-weight: 600; font-size: .85rem; color: #fff; }
.badge.ok { background: var(--ok); }
.badge.warn { background: var(--warn); }
.badge.bad { background: var(--bad); }
.badge.info { background: var(--info); }
.progress { margin: 0 0 .75rem; }
.progress progress { width: 100%; height: 1.1rem; }
.progress p { margin: .25rem 0 0; }
.banner { margin: 1rem 0 0; padding: .9rem 1.25rem; border-radius: 8px; background: var(--bad); color: #fff; font-weight: 700; font-size: 1.05rem; }
`
