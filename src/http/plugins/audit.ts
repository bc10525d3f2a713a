// One log line per request, written once the answer is sent (SECURITY.md): the request (method
// and masked URL), status and time, and for a data request the audit — which key asked which
// route, how many clients it got. Never the data, the query values or the raw URL. It replaces
// Fastify's own two lines per request (app.ts turns them off), and is built only from safe
// values, so it goes through the logger without path redaction (log.ts, requestLineLogger).
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { logsInfo, requestLineLogger } from '../../log.js'

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
  const lines = requestLineLogger(app.log)
  app.addHook('onResponse', (request, reply, done) => {
    // The service's level, read per request: the line logger, a child, keeps its own.
    if (!logsInfo(app.log)) return done()
    const { statusCode } = reply
    const line = { reqId: request.id, req: request, res: { statusCode }, responseTime: reply.elapsedTime }
    if (request.routeOptions.config.access === 'data') {
      const audit = { keyName: request.apiKey?.name ?? null, route: request.routeOptions.url, status: statusCode, results: statusCode === 200 ? reply.resultCount : null }
      lines.info({ ...line, audit }, 'data request')
    } else {
      lines.info(line, 'request completed')
    }
    done()
  })
}

export default fp(auditPlugin, { name: 'audit' })
