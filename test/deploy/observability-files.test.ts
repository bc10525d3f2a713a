// The monitoring files in deploy/ against the service: every metric an alert or a dashboard
// panel queries is one GET /metrics exports, the files are well formed, and, where promtool is
// installed, Prometheus's own checker accepts the rules and their unit tests pass.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { bearer, startService, startSimulator } from '../helpers/service.js'
import { parseExposition, seriesNames } from '../helpers/prometheus-text.js'
import { grafanaExprToPromQL, metricNamesIn } from '../helpers/promql.js'
import { runPromtool } from '../helpers/promtool.js'

const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url))
const prometheusDir = join(deployDir, 'prometheus')
const alertsPath = join(prometheusDir, 'alerts.yml')
const dashboardPath = join(deployDir, 'grafana', 'hubsoft-bff.json')

/** Series Prometheus adds to every scrape itself, which no exposition lists. */
const SYNTHESISED = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped'])

type Json = Record<string, any>

interface Rule { alert?: string, record?: string, expr: string, for?: string, labels?: Json, annotations?: Json }

function alertRules (): Rule[] {
  const document = parseYaml(readFileSync(alertsPath, 'utf8')) as { groups: Array<{ name: string, rules: Rule[] }> }
  return document.groups.flatMap((group) => group.rules)
}

function dashboard (): Json {
  return JSON.parse(readFileSync(dashboardPath, 'utf8')) as Json
}

/** Every panel, those inside collapsed rows included. */
function dashboardPanels (board: Json): Json[] {
  return (board.panels as Json[]).flatMap((panel) => [panel, ...(panel.panels as Json[] | undefined ?? [])])
}

/** A query variable's PromQL: the selector of label_values(…, label), or query_result(…)'s query. */
function variableExpr (variable: Json): string | undefined {
  const query = typeof variable.query === 'string' ? variable.query : variable.query?.query
  if (typeof query !== 'string') return undefined
  const match = /^\s*(?:label_values\((.+),\s*\w+\s*\)|query_result\((.+)\))\s*$/s.exec(query)
  return match?.[1] ?? match?.[2]
}

/** Where each PromQL expression of the monitoring files comes from, and the expression. */
function queriedExpressions (): Array<{ where: string, expr: string }> {
  const board = dashboard()
  return [
    ...alertRules().map((rule) => ({ where: `alert ${rule.alert ?? rule.record ?? '?'}`, expr: rule.expr })),
    ...dashboardPanels(board).flatMap((panel) => (panel.targets as Json[] | undefined ?? [])
      .map((target) => ({ where: `panel "${panel.title as string}" ${target.refId as string}`, expr: grafanaExprToPromQL(target.expr as string) }))),
    ...(board.templating.list as Json[]).filter((variable) => variable.type === 'query').map((variable) => {
      const expr = variableExpr(variable)
      assert.ok(expr !== undefined, `variable ${variable.name as string}: a query this test cannot read`)
      return { where: `variable ${variable.name as string}`, expr: grafanaExprToPromQL(expr) }
    })
  ]
}

test('every metric the alert rules and the dashboard query is exported by GET /metrics', async (t) => {
  const simulator = await startSimulator(t, { clients: 30 })
  const app = await startService(t, simulator)
  const answer = await app.inject({ method: 'GET', url: '/metrics', headers: bearer('admin') })
  assert.equal(answer.statusCode, 200, answer.body.slice(0, 300))
  const exported = seriesNames(parseExposition(answer.body))
  assert.ok(exported.has('hubsoft_bff_snapshot_ready'), 'the exposition was read: a known family is in it')

  const expressions = queriedExpressions()
  assert.ok(expressions.length >= 30, `all queries collected (${expressions.length})`)
  const missing = expressions.flatMap(({ where, expr }) => metricNamesIn(expr)
    .filter((name) => !exported.has(name) && !SYNTHESISED.has(name))
    .map((name) => `${where}: ${name}`))
  assert.deepEqual(missing, [], 'queried but not exported')
})

test('every alert rule has a duration, a severity and an annotation for ops', () => {
  const rules = alertRules()
  assert.ok(rules.length >= 6)
  for (const rule of rules) {
    assert.match(rule.alert ?? '', /^HubsoftBff[A-Z]\w+$/, `alert name of ${rule.expr}`)
    assert.ok(metricNamesIn(rule.expr).length > 0, `${rule.alert}: expr queries a metric`)
    assert.match(rule.for ?? '', /^\d+[smh]$/, `${rule.alert}: for`)
    assert.ok(['critical', 'warning'].includes(rule.labels?.severity), `${rule.alert}: severity ${rule.labels?.severity as string}`)
    for (const annotation of ['summary', 'description']) {
      assert.ok(typeof rule.annotations?.[annotation] === 'string' && rule.annotations[annotation].length > 20, `${rule.alert}: ${annotation}`)
    }
  }
  assert.equal(new Set(rules.map((rule) => rule.alert)).size, rules.length, 'alert names are unique')
})

test('the dashboard imports anywhere: datasource variable, unique ids, a query per panel, no overlaps', () => {
  const board = dashboard()
  assert.equal(typeof board.uid, 'string')
  assert.ok(board.schemaVersion >= 36, 'a schema with datasource references by uid')
  const datasourceVariable = (board.templating.list as Json[]).find((variable) => variable.type === 'datasource')
  assert.equal(datasourceVariable?.query, 'prometheus')
  const datasource = { type: 'prometheus', uid: `\${${datasourceVariable?.name as string}}` }

  const panels = dashboardPanels(board)
  const ids = panels.map((panel) => panel.id)
  assert.ok(ids.every((id) => Number.isInteger(id)), 'integer panel ids')
  assert.equal(new Set(ids).size, ids.length, 'unique panel ids')
  for (const panel of panels) {
    const name = `panel ${panel.id as number}`
    assert.ok(typeof panel.title === 'string' && panel.title.trim() !== '', `${name}: title`)
    const { x, y, w, h } = panel.gridPos ?? {}
    assert.ok([x, y, w, h].every(Number.isInteger) && x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, `${name}: gridPos within 24 columns`)
    if (panel.type === 'row') continue
    assert.deepEqual(panel.datasource, datasource, `${name}: the datasource variable`)
    const targets = panel.targets as Json[] | undefined ?? []
    assert.ok(targets.length > 0, `${name}: a query`)
    for (const target of targets) {
      assert.ok(typeof target.expr === 'string' && target.expr.trim() !== '', `${name} ${target.refId as string}: expr`)
      if (target.datasource !== undefined) assert.deepEqual(target.datasource, datasource, `${name} ${target.refId as string}: datasource`)
    }
    assert.equal(new Set(targets.map((target) => target.refId)).size, targets.length, `${name}: unique refIds`)
  }
  // Grafana stacks overlapping panels on top of each other; the rows laid out here must not.
  const overlaps: string[] = []
  for (const [i, a] of panels.entries()) {
    for (const b of panels.slice(i + 1)) {
      const [p, q] = [a.gridPos, b.gridPos]
      if (p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h) overlaps.push(`${a.title as string} / ${b.title as string}`)
    }
  }
  assert.deepEqual(overlaps, [], 'overlapping panels')
})

/** promtool's answer, which must succeed, or undefined (test skipped) where it is not installed outside CI. */
async function promtool (t: TestContext, args: string[], cwd = prometheusDir): Promise<string | undefined> {
  const result = await runPromtool(args, { cwd })
  if (result === undefined) {
    t.skip('promtool not installed (Debian package prometheus); CI installs it')
    return undefined
  }
  assert.equal(result.status, 0, `promtool ${args.join(' ')} failed (exit ${result.status}):\n${result.output}`)
  return result.output
}

test('promtool accepts the rules and their unit tests pass', async (t) => {
  const checked = await promtool(t, ['check', 'rules', 'alerts.yml'])
  if (checked === undefined) return
  assert.ok(checked.includes(`SUCCESS: ${alertRules().length} rules found`), checked)
  assert.match(await promtool(t, ['test', 'rules', 'alerts.test.yml']) ?? '', /SUCCESS/)
})

test('promtool accepts the example Prometheus configuration', async (t) => {
  // check config wants the scrape's credentials_file to exist: a copy beside a dummy key.
  const dir = mkdtempSync(join(tmpdir(), 'hubsoft-bff-prometheus-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  for (const file of ['prometheus.yml', 'alerts.yml']) copyFileSync(join(prometheusDir, file), join(dir, file))
  writeFileSync(join(dir, 'hubsoft-bff.key'), 'key-prometheus-0123456789abcdef\n')
  const checked = await promtool(t, ['check', 'config', 'prometheus.yml'], dir)
  if (checked === undefined) return
  assert.match(checked, /SUCCESS: prometheus\.yml is valid/)
  assert.ok(checked.includes(`SUCCESS: ${alertRules().length} rules found`), checked)
})
