// The helpers the deploy/ checks rest on: if they missed a selector, a dashboard could query
// a metric the service never exports and the check would still pass.
/* eslint-disable no-template-curly-in-string -- ${var} here is Grafana's variable syntax, in plain strings */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { grafanaExprToPromQL, metricNamesIn, unquote } from './promql.js'

test('metricNamesIn lists the metric of every selector, and nothing else', () => {
  const cases: Array<[string, string[]]> = [
    ['up', ['up']],
    ['up{job="hubsoft-bff"} == 0', ['up']],
    ['sum by (route) (rate(http_requests_total{route=~"/api/.*", status_code!~"5.."}[5m]))', ['http_requests_total']],
    // Label names that are also metric-like words, and a label called `route`, are not metrics.
    ['sum by (job, instance, route, le) (rate(duration_seconds_bucket{route="/status"}[5m]))', ['duration_seconds_bucket']],
    ['histogram_quantile(0.99, sum by (le, route) (rate(duration_seconds_bucket[5m])))', ['duration_seconds_bucket']],
    ['a / on(instance) group_left(version) b', ['a', 'b']],
    ['a / ignoring(reason) b * 2', ['a', 'b']],
    ['rate(a[5m] offset 1h) - rate(a[5m])', ['a']],
    ['a @ start()', ['a']],
    ['max_over_time(a[1h:5m])', ['a']],
    ['2 * b > bool 3', ['b']],
    ['1 - 2 * 3', []],
    ['time() - c', ['c']],
    ['label_replace(d, "dst", "$1", "src", "(.*)")', ['d']],
    ["count_values('value', e)", ['e']],
    ['topk(5, sum by (key) (increase(f[1d])))', ['f']],
    ['sum(rate(g[5m])) / clamp_min(sum(rate(h[5m])), 1e-9)', ['g', 'h']],
    ['i and j unless k or l', ['i', 'j', 'k', 'l']],
    ['-m', ['m']],
    ['(n)', ['n']],
    ['absent(o{job="x"})', ['o']],
    ['{__name__="p", job="x"}', ['p']],
    ["{__name__='q'}", ['q']],
    ['{"r.dotted"}', ['r.dotted']],
    ['{"s.dotted", job="x"}', ['s.dotted']],
    ['t # a comment naming u\n', ['t']],
    ['"v is a string, not a metric"', []],
    ['w{route="x"} > 1.5 * w{route="y"}', ['w']]
  ]
  for (const [expr, names] of cases) assert.deepEqual(metricNamesIn(expr), names, expr)
})

test('metricNamesIn refuses what it cannot read', () => {
  const cases: Array<[string, RegExp]> = [
    ['sum(rate(a[5m])) by (', /syntax error/],
    ['a b', /syntax error/],
    ['rate(a{job="x"[5m])', /syntax error/],
    ['a{job=~$job}', /syntax error/],
    ['{job="x"}', /without one fixed metric name/],
    ['{__name__=~"a.*"}', /without one fixed metric name/]
  ]
  for (const [expr, error] of cases) assert.throws(() => metricNamesIn(expr), error, expr)
})

test('unquote reads the three PromQL string forms', () => {
  const cases: Array<[string, string]> = [
    ['"a"', 'a'],
    ['"a\\"b\\n"', 'a"b\n'],
    ["'a\\'b\"c'", 'a\'b"c'],
    ['`a\\nb`', 'a\\nb']
  ]
  for (const [literal, value] of cases) assert.equal(unquote(literal), value, literal)
})

test('grafanaExprToPromQL puts an interval for interval variables and a catch-all regex for the others', () => {
  const cases: Array<[string, string]> = [
    ['rate(a[$__rate_interval])', 'rate(a[5m])'],
    ['rate(a[${__rate_interval}])', 'rate(a[5m])'],
    ['increase(a[$__range]) + rate(a[$__interval])', 'increase(a[5m]) + rate(a[5m])'],
    ['a{job=~"$job", instance=~"${instance}", route=~"${route:regex}"}', 'a{job=~".*", instance=~".*", route=~".*"}'],
    ['a{job=~"[[job]]"}', 'a{job=~".*"}'],
    // A capture reference in label_replace is taken for a variable too; still a valid string.
    ['label_replace(a, "b", "$1", "c", "(.*)")', 'label_replace(a, "b", ".*", "c", "(.*)")']
  ]
  for (const [expr, promql] of cases) assert.equal(grafanaExprToPromQL(expr), promql, expr)
  // The substituted expression is valid PromQL.
  assert.deepEqual(metricNamesIn(grafanaExprToPromQL('histogram_quantile(0.5, sum by (le) (rate(b_bucket{route=~"$route"}[$__rate_interval])))')), ['b_bucket'])
})
