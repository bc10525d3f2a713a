// @fastify/caching for the Cache-Control policy of everything that sets none: `no-cache` on
// 2xx, `no-store` on errors. Its own If-None-Match check matches the ETag alone — not the URL,
// the caller's scope or the snapshot — and runs before authentication (a stranger could probe
// which answers exist), so it gets a store that forgets everything and can never answer 304;
// reply/snapshot-reply.ts does the conditional requests itself (RFC 9110 §13.1).
import caching from '@fastify/caching'
import type { AbstractCacheCompliantObject } from '@fastify/caching'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

/** An abstract-cache store that keeps nothing: every lookup misses. */
const forgetfulStore = {
  get (_key: unknown, done?: (error: unknown, result: null) => void) {
    if (done === undefined) return Promise.resolve(null)
    done(null, null)
  },
  set (_key: unknown, _value: unknown, _ttl: number, done?: (error: unknown, result: unknown) => void) {
    done?.(null, undefined)
  }
} as AbstractCacheCompliantObject

async function cachingPlugin (app: FastifyInstance) {
  await app.register(caching, { privacy: caching.privacy.NOCACHE, cache: forgetfulStore })
}

export default fp(cachingPlugin, { name: 'caching' })
