// One audit line per data request (SECURITY.md): which key asked which route, how many clients
// it got and the status. Never the data, the query values or the URL: the route pattern is
// enough to know what was read, and the request's own log line carries the masked URL.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'

declare module 'fastify' {
  interface FastifyReply {
    /** Clients in the answer, for the audit line; null when the handler sent none. */
    resultCount: number | null
  }
}

/** Called by a data route with the number of clients it answers. */
export function recordResultCount (reply: FastifyReply, count: number): void {
  reply.resultCount = count
}

async function auditPlugin (app: FastifyInstance) {
  app.decorateReply('resultCount', null)
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.config.access !== 'data') return
    request.log.info({
      audit: {
        keyName: request.apiKey?.name ?? null,
        route: request.routeOptions.url,
        status: reply.statusCode,
        results: reply.statusCode === 200 ? reply.resultCount : null
      }
    }, 'data request')
  })
}

export default fp(auditPlugin, { name: 'audit' })
