// The strict exposition reader the metrics tests rely on: what it accepts and what it refuses.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseExposition, sampleSum, sampleValue, seriesNames } from './prometheus-text.js'

test('reads families, labels with escapes, special values and histogram series', () => {
  const exposition = parseExposition([
    '# HELP a_total Things.',
    '# TYPE a_total counter',
    'a_total{route="/x/:id",key="k\\"1\\\\"} 3',
    'a_total{route="/y",key="k2"} 4 1700000000000',
    '# TYPE g gauge',
    'g{x="1"} NaN',
    'g{x="2"} Nan',
    '# TYPE h_seconds histogram',
    'h_seconds_bucket{le="0.5"} 1',
    'h_seconds_bucket{le="+Inf"} 2',
    'h_seconds_sum 0.75',
    'h_seconds_count 2',
    ''
  ].join('\n'))
  assert.deepEqual([...exposition.types], [['a_total', 'counter'], ['g', 'gauge'], ['h_seconds', 'histogram']])
  assert.equal(sampleValue(exposition, 'a_total', { route: '/x/:id', key: 'k"1\\' }), 3)
  assert.equal(sampleSum(exposition, 'a_total'), 7)
  assert.equal(sampleSum(exposition, 'a_total', { key: 'none' }), 0)
  assert.ok(Number.isNaN(sampleValue(exposition, 'g', { x: '1' })) && Number.isNaN(sampleValue(exposition, 'g', { x: '2' })))
  assert.equal(sampleValue(exposition, 'h_seconds_bucket', { le: '+Inf' }), 2)
  assert.throws(() => sampleValue(exposition, 'a_total', { route: '/y' }), /no sample/, 'exact labels only')
})

test('refuses what is not the text format', () => {
  const table: Array<[string, string, RegExp]> = [
    ['no final line feed', '# TYPE a gauge\na 1', /line feed/],
    ['a sample of no declared family', '# TYPE a gauge\nb 1\n', /undeclared/],
    ['a histogram suffix on a gauge', '# TYPE a gauge\na_sum 1\n', /undeclared/],
    ['a value that is not a number', '# TYPE a gauge\na one\n', /sample value/],
    ['an unquoted label value', '# TYPE a gauge\na{x=1} 1\n', /bad label/],
    ['an unterminated label value', '# TYPE a gauge\na{x="1} 1\n', /unterminated/],
    ['a bad escape', '# TYPE a gauge\na{x="\\t"} 1\n', /bad escape/],
    ['a repeated label', '# TYPE a gauge\na{x="1",x="2"} 1\n', /repeated/],
    ['a repeated series', '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n', /repeated/],
    ['an unknown type', '# TYPE a meter\n', /unknown type/],
    ['a family typed twice', '# TYPE a gauge\n# TYPE a counter\n', /typed twice/],
    ['no value', '# TYPE a gauge\na{x="1"}\n', /not a sample/]
  ]
  for (const [name, text, error] of table) assert.throws(() => parseExposition(text), error, name)
})

test('seriesNames reads the families of # TYPE lines, with the series histograms and summaries add', () => {
  // Written by hand in prom-client 15's format: HELP and TYPE lines even for a family without
  // samples yet (requests_total has none), histograms as _bucket/_sum/_count.
  const exposition = [
    '# HELP requests_total HTTP requests answered.',
    '# TYPE requests_total counter',
    '',
    '# HELP snapshot_ready 1 while a snapshot is served.',
    '# TYPE snapshot_ready gauge',
    'snapshot_ready 1',
    '',
    '# HELP duration_seconds Time to answer.',
    '# TYPE duration_seconds histogram',
    'duration_seconds_bucket{le="0.1",route="/status"} 3',
    'duration_seconds_bucket{le="+Inf",route="/status"} 4',
    'duration_seconds_sum{route="/status"} 0.52',
    'duration_seconds_count{route="/status"} 4',
    '',
    '# HELP lag_seconds Event-loop lag.',
    '# TYPE lag_seconds summary',
    'lag_seconds{quantile="0.99"} 0.01',
    'lag_seconds_sum 1.5',
    'lag_seconds_count 120',
    '# a comment that says TYPE not_a_family counter',
    ''
  ].join('\n')
  assert.deepEqual([...seriesNames(parseExposition(exposition))].sort(), [
    'duration_seconds_bucket', 'duration_seconds_count', 'duration_seconds_sum',
    'lag_seconds', 'lag_seconds_count', 'lag_seconds_sum',
    'requests_total', 'snapshot_ready'
  ])
})
