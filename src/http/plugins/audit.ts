// One log line per request, written once the answer is sent (SECURITY.md): the request (method
// and masked URL), status and time, and for a data request the audit — which key asked which
// route, how many clients it got. Never the data, the query values or the raw URL. It replaces
// Fastify's own two lines per request (app.ts turns them off), and is built only from safe
// values, so it is written without pino's serializers and path redaction (log.ts, requestLineWriter).
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { logsInfo, requestLineWriter } from '../../log.js'

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
  const writeLine = requestLineWriter(app.log)
  app.addHook('onResponse', (request, reply, done) => {
    // The service's level, read per request: it may be changed while the service runs.
    if (!logsInfo(app.log)) return done()
    const { statusCode } = reply
    // Read once: Fastify builds this object on every access.
    const route = request.routeOptions
    const data = route.config.access === 'data'
    writeLine({
      msg: data ? 'data request' : 'request completed',
      reqId: request.id,
      req: request,
      statusCode,
      responseTime: reply.elapsedTime,
      audit: data ? { keyName: request.apiKey?.name ?? null, route: route.url, status: statusCode, results: statusCode === 200 ? reply.resultCount : null } : undefined
    })
    done()
  })
}

export default fp(auditPlugin, { name: 'audit' })
