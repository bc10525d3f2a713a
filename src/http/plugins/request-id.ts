// X-Request-Id: a caller's (or its proxy's) id is kept, else one is made; it is the request's id
// in every log line (`reqId`) and is echoed on the answer, so one request can be followed from
// nginx through this service. A presented id is kept only when short and of safe characters: it
// goes into logs and headers as it is.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

export const REQUEST_ID_HEADER = 'x-request-id'
/** UUIDs, W3C trace ids, nginx's $request_id and the like; nothing that could forge a log line. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

/** Fastify's genReqId: the presented X-Request-Id when it is safe, else a new UUID. */
export function requestIdOf (request: IncomingMessage): string {
  const presented = request.headers[REQUEST_ID_HEADER]
  return typeof presented === 'string' && SAFE_REQUEST_ID.test(presented) ? presented : randomUUID()
}

async function requestIdPlugin (app: FastifyInstance) {
  // Set first thing, so error answers (401, 429, 503) carry it too.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
}

export default fp(requestIdPlugin, { name: 'request-id' })
