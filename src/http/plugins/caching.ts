// The Cache-Control policy of every answer that sets none: `no-cache` on 2xx (a cache may keep
// it but must revalidate), `no-store` on everything else, so a browser never serves a stale
// error. Answers from the snapshot set their own (reply/snapshot-reply.ts), and so do the
// conditional requests: ETag and 304 are worked out there, after authentication, per scope
// and snapshot (RFC 9110 §13.1).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

export function defaultCacheControl (statusCode: number): string {
  return statusCode >= 200 && statusCode < 300 ? 'no-cache' : 'no-store'
}

async function cachingPlugin (app: FastifyInstance) {
  // A callback hook: it runs on every answer and has nothing to wait for.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', defaultCacheControl(reply.statusCode))
    done(null, payload)
  })
}

export default fp(cachingPlugin, { name: 'caching' })
