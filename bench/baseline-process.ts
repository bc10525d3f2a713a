// The baselines: the very answers the service gave (bytes, ETag, encoding), served from
// constants on the same routes, by a bare Fastify (BENCH_BASELINE=fastify) or by a bare
// node:http server (BENCH_BASELINE=http), so that each figure is a ratio measured on this
// machine in this run. A matching If-None-Match answers 304, as the service does.
import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { open, readFile } from 'node:fs/promises'
import Fastify from 'fastify'
import { serve } from './ipc.js'
import type { BaselineAnswer } from './answers.js'
import { BASE, answerKey } from './answers.js'

interface Constant { readonly body: Buffer, readonly etag: string | undefined, readonly encoding: string | undefined }

async function loadAnswers (manifest: readonly BaselineAnswer[]): Promise<Map<string, Constant>> {
  const answers = new Map<string, Constant>()
  for (const answer of manifest) {
    const file = await open(answer.file)
    try {
      const body = Buffer.allocUnsafe(answer.length)
      await file.read(body, 0, answer.length, answer.offset)
      answers.set(answerKey(answer.url, answer.encoding !== undefined), { body, etag: answer.etag, encoding: answer.encoding })
    } finally {
      await file.close()
    }
  }
  return answers
}

// The manifest is a file: two thousand answers are past what one environment variable may hold.
const answers = await loadAnswers(JSON.parse(await readFile(process.env.BENCH_BASELINE_MANIFEST!, 'utf8')) as BaselineAnswer[])

/** The constant for this request, and whether it is a 304. */
function pick (url: string, headers: IncomingHttpHeaders): { answer: Constant, notModified: boolean } | undefined {
  const gzip = headers['accept-encoding']?.includes('gzip') === true
  const answer = answers.get(answerKey(url, gzip)) ?? answers.get(answerKey(url, false))
  if (answer === undefined) return undefined
  return { answer, notModified: answer.etag !== undefined && headers['if-none-match'] === answer.etag }
}

async function listenFastify (): Promise<number> {
  const app = Fastify({ logger: false })
  const handler = async (request: { url: string, headers: IncomingHttpHeaders }, reply: import('fastify').FastifyReply) => {
    const picked = pick(request.url, request.headers)
    if (picked === undefined) return await reply.code(404).send()
    const { answer, notModified } = picked
    if (answer.etag !== undefined) reply.header('etag', answer.etag)
    if (notModified) return await reply.code(304).send()
    reply.type('application/json; charset=utf-8')
    if (answer.encoding !== undefined) reply.header('content-encoding', answer.encoding)
    return await reply.send(answer.body)
  }
  // The service's routes, with their parameters: the router does the same work.
  app.get(BASE, handler)
  app.get(`${BASE}/all`, handler)
  app.get(`${BASE}/all/cpf_cnpj/:cpfCnpj`, handler)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  return typeof address === 'object' && address !== null ? address.port : 0
}

async function listenHttp (): Promise<number> {
  const server = createServer((request, response) => {
    const picked = pick(request.url ?? '', request.headers)
    if (picked === undefined) return response.writeHead(404).end()
    const { answer, notModified } = picked
    const headers: Record<string, string> = {}
    if (answer.etag !== undefined) headers.etag = answer.etag
    if (notModified) return response.writeHead(304, headers).end()
    headers['content-type'] = 'application/json; charset=utf-8'
    if (answer.encoding !== undefined) headers['content-encoding'] = answer.encoding
    headers['content-length'] = String(answer.body.length)
    response.writeHead(200, headers).end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return typeof address === 'object' && address !== null ? address.port : 0
}

const port = process.env.BENCH_BASELINE === 'http' ? await listenHttp() : await listenFastify()

serve({
  ready: async () => ({ port })
})
