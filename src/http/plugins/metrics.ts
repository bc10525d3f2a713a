// GET /metrics in Prometheus's text format, and the hook that counts every answer by route
// template (never the URL: it may carry a CPF), status and key name, refusals by the limits and
// auth included. Registered after the docs plugin, so /metrics is in the OpenAPI document.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { ServiceMetrics } from '../../metrics/service-metrics.js'
import { KEYED_SECURITY } from './docs.js'

export interface MetricsPluginOptions {
  readonly metrics: ServiceMetrics
}

async function metricsPlugin (app: FastifyInstance, { metrics }: MetricsPluginOptions) {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.answered({
      route: request.routeOptions.url ?? null,
      method: request.method,
      statusCode: reply.statusCode,
      keyName: request.apiKey?.name ?? null,
      errorCode: reply.errorCode,
      seconds: reply.elapsedTime / 1000
    })
    done()
  })

  // What Prometheus scrapes; any key may read it (scrape with `authorization: credentials_file`).
  // Never shed: under load it is what shows ops the overload.
  app.get('/metrics', {
    config: { access: 'any', shed: false },
    schema: {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics',
      description: 'Requests, snapshot freshness, refreshes, upstream requests, the projection cache, and process and Node metrics, in the Prometheus text exposition format 0.0.4. The README lists each metric; deploy/ has alert rules and a Grafana dashboard over them.',
      tags: ['operations'],
      security: KEYED_SECURITY,
      response: {
        200: {
          description: 'The metrics.',
          content: { 'text/plain': { schema: { type: 'string' } } }
        }
      }
    }
  }, async (_request, reply) => {
    const text = await metrics.exposition()
    return await reply.header('cache-control', 'no-store').type(metrics.contentType).send(text)
  })
}

export default fp(metricsPlugin, { name: 'metrics', dependencies: ['errors', 'docs'] })
