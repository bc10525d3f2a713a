// The per-request series are counted in plain numbers (src/metrics/request-series.ts): scraped,
// they must read exactly as prom-client's own Counter and Histogram fed the same requests.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Counter, Histogram, Registry } from 'prom-client'
import type { Metric } from 'prom-client'
import { RequestSeries } from '../../src/metrics/request-series.js'

const BOUNDS = [0.001, 0.01, 0.1, 1]

test('the request series expose what prom-client would for the same requests', async () => {
  const ours = new Registry()
  const series = new RequestSeries(BOUNDS)
  ours.registerMetric(series.counter('x_requests_total', 'Requests.') as unknown as Metric)
  ours.registerMetric(series.histogram('x_duration_seconds', 'Durations.') as unknown as Metric)
  const reference = new Registry()
  const requests = new Counter({ name: 'x_requests_total', help: 'Requests.', labelNames: ['route', 'method', 'status_code', 'key'], registers: [reference] })
  const durations = new Histogram({ name: 'x_duration_seconds', help: 'Durations.', labelNames: ['route', 'method', 'status_code'], buckets: BOUNDS, registers: [reference] })

  assert.equal(await ours.metrics(), await reference.metrics(), 'nothing recorded yet')
  const table: Array<[string, string, number, string, number]> = [
    ['/a/:id', 'GET', 200, 'reader', 0.0004],
    ['/a/:id', 'GET', 200, 'reader', 0.001], // on a bound: counted in it (le)
    ['/a/:id', 'GET', 200, 'ops', 0.05],
    ['/a/:id', 'GET', 404, 'reader', 0.002],
    ['unmatched', 'other', 404, 'anonymous', 3],
    ['/b', 'HEAD', 304, 'reader', 0.2]
  ]
  for (const [route, method, status, key, seconds] of table) {
    series.record(route, method, status, key, seconds)
    requests.inc({ route, method, status_code: String(status), key })
    durations.observe({ route, method, status_code: String(status) }, seconds)
  }
  assert.equal(await ours.metrics(), await reference.metrics())
  const samples = async (registry: Registry) => (await registry.getMetricsAsJSON()).map(({ name, type, values }) => ({ name, type, values: values.map((sample) => ({ value: sample.value, labels: sample.labels, metricName: (sample as { metricName?: string }).metricName })) }))
  assert.deepEqual(await samples(ours), await samples(reference))
})
