// The answers both sides of a comparison give: collected once from the service (lookups and
// busca for a rotation of CPF/CNPJs, the full /all identity and gzip), written to files the
// baselines serve as constants, and turned into the request lists the load generator sends.
import { createWriteStream } from 'node:fs'
import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { request } from 'undici'
import type { Request } from './generator.js'

export const BASE = '/api/v1/integracao/cliente'

/** One constant answer a baseline serves: where its bytes are, and the headers that matter. */
export interface BaselineAnswer {
  readonly url: string
  readonly etag?: string
  readonly encoding?: string
  /** A lookup's or busca's other headers as the service sent them, for the configured baseline. */
  readonly headers?: Readonly<Record<string, string>>
  readonly file: string
  readonly offset: number
  readonly length: number
}

/** A baseline looks its constant up by URL and whether the caller accepts gzip. */
export function answerKey (url: string, gzip: boolean): string {
  return gzip ? `${url}\tgzip` : url
}

export interface CollectedAnswers {
  readonly manifest: readonly BaselineAnswer[]
  readonly lookups: readonly Request[]
  readonly revalidations: readonly Request[]
  readonly busca: readonly Request[]
  readonly all: Request
  readonly allGzip: Request | null
  readonly lookupBytes: number
  readonly allBytes: number
  readonly allGzipBytes: number | null
}

function header (headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name]
  return typeof value === 'string' ? value : undefined
}

/** What Node writes itself or the baselines set from the manifest's own fields. */
const NOT_REPLAYED = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'etag', 'content-encoding'])

/** The headers of an answer a baseline sends again as they are. */
function replayedHeaders (headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const replayed: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && !NOT_REPLAYED.has(name)) replayed[name] = value
  }
  return replayed
}

/**
 * A 200 answer's bytes. On a loaded machine the service may shed right after a build (503
 * overloaded, its event-loop bound): asked again a second later, a few times.
 */
async function fetchSmall (origin: string, path: string, auth: Record<string, string>): Promise<{ body: Buffer, etag: string | undefined, headers: Record<string, string> }> {
  for (let attempt = 1; ; attempt++) {
    const response = await request(`${origin}${path}`, { headers: auth })
    const body = Buffer.from(await response.body.arrayBuffer())
    if (response.statusCode === 200) return { body, etag: header(response.headers, 'etag'), headers: replayedHeaders(response.headers) }
    if (response.statusCode !== 503 || attempt === 10) throw new Error(`${path} answered ${response.statusCode}: ${body.toString().slice(0, 200)}`)
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

async function saveLarge (origin: string, path: string, auth: Record<string, string>, file: string, gzip: boolean) {
  const response = await request(`${origin}${path}`, { headers: gzip ? { ...auth, 'accept-encoding': 'gzip' } : auth })
  if (response.statusCode !== 200) throw new Error(`${path} answered ${response.statusCode}`)
  await pipeline(response.body, createWriteStream(file))
  return { length: (await stat(file)).size, etag: header(response.headers, 'etag'), encoding: header(response.headers, 'content-encoding') }
}

/**
 * `rotation` CPF/CNPJs from the middle of the snapshot, each fetched by lookup and by busca
 * (cpf_cnpj), and the full /all: every answer's bytes and ETag, as the service gave them.
 */
export async function collectAnswers (origin: string, auth: Record<string, string>, work: string, clients: number, rotation: number): Promise<CollectedAnswers> {
  const offset = Math.max(0, Math.floor(clients / 2) - Math.floor(rotation / 2))
  const page = await fetchSmall(origin, `${BASE}/all?limit=${rotation}&offset=${offset}`, auth)
  const documents = [...new Set((JSON.parse(page.body.toString()) as { clientes: Array<{ cpf_cnpj: string }> }).clientes.map((c) => c.cpf_cnpj))]
  const smallFile = join(work, 'answers.bin')
  const bodies: Buffer[] = []
  let position = 0
  const manifest: BaselineAnswer[] = []
  const lookups: Request[] = []
  const revalidations: Request[] = []
  const busca: Request[] = []
  const keep = (url: string, answer: { body: Buffer, etag: string | undefined, headers: Record<string, string> }) => {
    manifest.push({ url, etag: answer.etag, headers: answer.headers, file: smallFile, offset: position, length: answer.body.length })
    bodies.push(answer.body)
    position += answer.body.length
  }
  for (const document of documents) {
    const lookupPath = `${BASE}/all/cpf_cnpj/${encodeURIComponent(document)}`
    const lookup = await fetchSmall(origin, lookupPath, auth)
    keep(lookupPath, lookup)
    lookups.push({ path: lookupPath, headers: auth })
    revalidations.push({ path: lookupPath, headers: { ...auth, 'if-none-match': lookup.etag ?? '' } })
    const buscaPath = `${BASE}?busca=cpf_cnpj&termo_busca=${document.replace(/\W/g, '')}`
    keep(buscaPath, await fetchSmall(origin, buscaPath, auth))
    busca.push({ path: buscaPath, headers: auth })
  }
  await writeFile(smallFile, Buffer.concat(bodies))

  const allPath = `${BASE}/all`
  const identity = await saveLarge(origin, allPath, auth, join(work, 'all.json'), false)
  manifest.push({ url: allPath, etag: identity.etag, file: join(work, 'all.json'), offset: 0, length: identity.length })
  const gzip = await saveLarge(origin, allPath, auth, join(work, 'all.json.gz'), true)
  const servesGzip = gzip.encoding === 'gzip'
  if (servesGzip) manifest.push({ url: allPath, etag: gzip.etag, encoding: 'gzip', file: join(work, 'all.json.gz'), offset: 0, length: gzip.length })
  return {
    manifest,
    lookups,
    revalidations,
    busca,
    all: { path: allPath, headers: auth },
    allGzip: servesGzip ? { path: allPath, headers: { ...auth, 'accept-encoding': 'gzip' } } : null,
    lookupBytes: Math.round(bodies.filter((_, i) => i % 2 === 0).reduce((sum, b) => sum + b.length, 0) / documents.length),
    allBytes: identity.length,
    allGzipBytes: servesGzip ? gzip.length : null
  }
}
