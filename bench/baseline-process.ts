// The baselines: the very answers the service gave (bytes, ETag, encoding), served from
// constants on the same routes, by a bare Fastify (BENCH_BASELINE=fastify) or by a bare
// node:http server (BENCH_BASELINE=http), so that each figure is a ratio measured on this
// machine in this run. A matching If-None-Match answers 304, as the service does.
// BENCH_BASELINE=configured is a Fastify of the service's shape doing none of its work: its
// server options (logger, timeouts, request ids), its route schemas, as many hooks per phase as
// a lookup runs there (BENCH_BASELINE_FRAMEWORK, from the service process), each doing nothing,
// and the answer's headers as the service sent them.
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import { open, readFile } from 'node:fs/promises'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { serverOptions } from '../src/app.js'
import { BuscaQuerystringSchema, CpfCnpjParamsSchema, ListQuerystringSchema, SnapshotRequestHeadersSchema } from '../src/http/schemas/clientes.js'
import { buildLogger } from '../src/log.js'
import { serve } from './ipc.js'
import type { BaselineAnswer } from './answers.js'
import { BASE, answerKey } from './answers.js'
import type { FrameworkShape } from './framework-shape.js'

interface Constant {
  readonly body: Buffer
  readonly etag: string | undefined
  readonly encoding: string | undefined
  readonly headers: Readonly<Record<string, string>>
}

async function loadAnswers (manifest: readonly BaselineAnswer[]): Promise<Map<string, Constant>> {
  const answers = new Map<string, Constant>()
  for (const answer of manifest) {
    const file = await open(answer.file)
    try {
      const body = Buffer.allocUnsafe(answer.length)
      await file.read(body, 0, answer.length, answer.offset)
      answers.set(answerKey(answer.url, answer.encoding !== undefined), { body, etag: answer.etag, encoding: answer.encoding, headers: answer.headers ?? {} })
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

/** The loopback port a baseline listens on. */
function portOf (server: Server): number {
  const address = server.address()
  return typeof address === 'object' && address !== null ? address.port : 0
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
  return portOf(app.server)
}

/** A hook of `phase` that only hands on. */
function addIdleHook (app: FastifyInstance, phase: string): void {
  switch (phase) {
    case 'onRequest': case 'preValidation': case 'preHandler': case 'onResponse':
      app.addHook(phase as 'onRequest', (_request: FastifyRequest, _reply: FastifyReply, done: () => void) => { done() })
      return
    case 'preParsing': case 'preSerialization': case 'onSend':
      app.addHook(phase as 'onSend', (_request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => { done(null, payload) })
      return
    default:
      throw new Error(`no idle hook for the phase ${phase}`)
  }
}

async function listenConfigured (shape: FrameworkShape): Promise<number> {
  const app = Fastify(serverOptions(shape.limits, buildLogger({ level: 'warn' }), () => {}))
  for (const [phase, count] of Object.entries(shape.hooks)) {
    for (let hook = 0; hook < count; hook++) addIdleHook(app, phase)
  }
  // Synchronous, as the service's handlers are.
  const handler = (request: FastifyRequest, reply: FastifyReply) => {
    const picked = pick(request.url, request.headers)
    if (picked === undefined) return reply.code(404).send()
    const { answer, notModified } = picked
    reply.headers(answer.headers)
    reply.header('x-request-id', request.id)
    if (answer.etag !== undefined) reply.header('etag', answer.etag)
    if (notModified) return reply.removeHeader('content-type').code(304).send()
    if (answer.encoding !== undefined) reply.header('content-encoding', answer.encoding)
    return reply.send(answer.body)
  }
  const headers = SnapshotRequestHeadersSchema
  app.get(BASE, { schema: { querystring: BuscaQuerystringSchema, headers } }, handler)
  app.get(`${BASE}/all`, { schema: { querystring: ListQuerystringSchema, headers } }, handler)
  app.get(`${BASE}/all/cpf_cnpj/:cpf_cnpj`, { schema: { params: CpfCnpjParamsSchema, querystring: ListQuerystringSchema, headers } }, handler)
  await app.listen({ host: '127.0.0.1', port: 0 })
  return portOf(app.server)
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
  return portOf(server)
}

const kind = process.env.BENCH_BASELINE
const port = kind === 'http'
  ? await listenHttp()
  : kind === 'configured' ? await listenConfigured(JSON.parse(process.env.BENCH_BASELINE_FRAMEWORK!) as FrameworkShape) : await listenFastify()

serve({
  ready: async () => ({ port })
})
