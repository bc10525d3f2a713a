// The baselines: a bare Fastify answering constant bytes, the ones the service answers for
// the same request, so that each figure is a ratio measured on this machine in this run.
import { readFile } from 'node:fs/promises'
import Fastify from 'fastify'
import { serve } from './ipc.js'

const files = JSON.parse(process.env.BENCH_BASELINE_FILES ?? '{}') as Record<string, { path: string, encoding?: string }>
const app = Fastify({ logger: false })
for (const [route, { path, encoding }] of Object.entries(files)) {
  const bytes = await readFile(path)
  app.get(`/${route}`, async (_request, reply) => {
    reply.type('application/json; charset=utf-8')
    if (encoding !== undefined) reply.header('content-encoding', encoding)
    return reply.send(bytes)
  })
}
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()

serve({
  ready: async () => ({ port: typeof address === 'object' && address !== null ? address.port : 0 })
})
