// `?pretty` on any JSON answer (data, errors, status): indented for people reading curl output.
// Runs in onSend before compression, on Buffers and streams alike.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { rewriteBody } from '../reply/body-transform.js'
import { prettyJsonRewriter, wantsPretty } from '../reply/pretty-json.js'

const JSON_TYPE = /^application\/json\b/i

async function prettyPlugin (app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    if (payload === null || payload === undefined || !wantsPretty(request.query)) return payload
    if (reply.hasHeader('content-encoding') || !JSON_TYPE.test(String(reply.getHeader('content-type') ?? ''))) return payload
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload) && typeof (payload as { pipe?: unknown }).pipe !== 'function') return payload
    reply.removeHeader('content-length')
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload as Buffer
    return rewriteBody(body, prettyJsonRewriter())
  })
}

export default fp(prettyPlugin, { name: 'pretty' })
