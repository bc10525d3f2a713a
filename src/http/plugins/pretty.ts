// `?pretty` on any JSON answer (data, errors, status): indented for people reading curl output.
// Runs in onSend before compression, on Buffers and streams alike.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { rewriteBody } from '../reply/body-transform.js'
import { prettyJsonRewriter, wantsPretty } from '../reply/pretty-json.js'

const JSON_TYPE = /^application\/json\b/i

async function prettyPlugin (app: FastifyInstance) {
  // A callback hook: it runs on every answer and, without ?pretty, has nothing to do.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (payload === null || payload === undefined || !wantsPretty(request.query)) return done(null, payload)
    if (reply.hasHeader('content-encoding') || !JSON_TYPE.test(String(reply.getHeader('content-type') ?? ''))) return done(null, payload)
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload) && typeof (payload as { pipe?: unknown }).pipe !== 'function') return done(null, payload)
    reply.removeHeader('content-length')
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload as Buffer
    done(null, rewriteBody(body, prettyJsonRewriter()))
  })
}

export default fp(prettyPlugin, { name: 'pretty' })
