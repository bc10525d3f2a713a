// gzip and brotli negotiated with Accept-Encoding (@fastify/compress) for answers over 1 KiB,
// and the store of default /all bodies compressed once per snapshot (reply/precompressed.ts),
// which reply/snapshot-reply.ts serves already encoded so the plugin leaves them alone.
import compress from '@fastify/compress'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { BROTLI_OPTIONS, PRECOMPRESSED_ENCODINGS, PrecompressedBodies } from '../reply/precompressed.js'

declare module 'fastify' {
  interface FastifyInstance {
    precompressed: PrecompressedBodies
  }
}

async function compressionPlugin (app: FastifyInstance) {
  await app.register(compress, {
    encodings: [...PRECOMPRESSED_ENCODINGS],
    // Below this, headers and CPU cost more than the bytes saved.
    threshold: 1024,
    brotliOptions: BROTLI_OPTIONS
  })
  app.decorate('precompressed', new PrecompressedBodies())
}

export default fp(compressionPlugin, { name: 'compression' })
