// How every answer from the snapshot goes out (README, "Decisions"): an ETag from the snapshot
// version, the caller's scope, the route with its normalised query and the representation;
// Last-Modified and If-Modified-Since; Cache-Control whose max-age never outlives the next
// possible refresh; Vary on what changes the body; X-Snapshot-Age/-Version. The conditional
// checks (RFC 9110 §13.1) run before rendering, so a 304 costs no serialisation, and the
// default /all body goes out compressed once per snapshot.
import { createHash } from 'node:crypto'
import negotiate from '@fastify/accept-negotiator'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { NoSnapshotError } from '../../errors.js'
import type { Refresher } from '../../refresh/refresher.js'
import type { RenderedBody } from '../../snapshot/render.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import { rewriteBody } from './body-transform.js'
import { NDJSON_TYPE, acceptsNdjson, ndjsonRewriter } from './ndjson.js'
import { wantsPretty } from './pretty-json.js'
import { recordResultCount } from '../plugins/audit.js'
import { canSeeSecrets } from '../plugins/auth/auth.js'
import { PRECOMPRESSED_ENCODINGS } from './precompressed.js'

/** Without a better guess (no refresh running, none pending), a caller polls this often. */
const NO_SNAPSHOT_POLL_SECONDS = 10

/**
 * Seconds until a snapshot may exist (RFC 9110 §10.2.3 Retry-After): the running refresh's
 * estimated end, else the pending retry, else a short poll.
 */
export function noSnapshotRetryAfterSeconds (refresher: Pick<Refresher, 'progress' | 'nextRetryAt'>, now: number): number {
  const expected = refresher.progress?.estimatedEndAt ?? refresher.nextRetryAt
  return expected === null ? NO_SNAPSHOT_POLL_SECONDS : Math.max(1, Math.ceil((expected.getTime() - now) / 1000))
}

/** The snapshot being served; with none yet, a 503 no_snapshot that says when to come back. */
export function currentSnapshot (refresher: Pick<Refresher, 'snapshot' | 'progress' | 'nextRetryAt'>, reply: FastifyReply, now: number): Snapshot {
  const snapshot = refresher.snapshot
  if (snapshot === null) {
    reply.header('retry-after', String(noSnapshotRetryAfterSeconds(refresher, now)))
    throw new NoSnapshotError()
  }
  return snapshot
}

/** What the body is made of besides the snapshot: every input that changes its bytes. */
export interface AnswerVariant {
  /** `secrets` callers see passwords; `read` callers never share an ETag with them. */
  readonly scope: 'read' | 'secrets'
  /** The route pattern, e.g. /api/v1/integracao/cliente/all/cpf_cnpj/:cpf_cnpj. */
  readonly route: string
  /** The parsed query and path parameters with defaults applied, in a fixed key order. */
  readonly query: unknown
  readonly format: 'json' | 'pretty' | 'ndjson'
}

export function snapshotEtag (snapshot: Pick<Snapshot, 'version'>, variant: AnswerVariant): string {
  const digest = createHash('sha256').update(JSON.stringify([variant.scope, variant.route, variant.query, variant.format])).digest('base64url').slice(0, 16)
  return `"${snapshot.version}.${digest}"`
}

/** What every answer of one snapshot shares, worked out once: Last-Modified, and the ETags given so far. */
interface SnapshotConstants {
  readonly lastModified: string
  /** By scope, format and request URL. */
  readonly etags: Map<string, string>
}

const constantsBySnapshot = new WeakMap<Snapshot, SnapshotConstants>()
/** Distinct requests whose ETag one snapshot remembers; past this the memo starts over. */
const MAX_REMEMBERED_ETAGS = 10_000

function constantsOf (snapshot: Snapshot): SnapshotConstants {
  let constants = constantsBySnapshot.get(snapshot)
  if (constants === undefined) {
    constants = { lastModified: snapshot.fetchedAt.toUTCString(), etags: new Map() }
    constantsBySnapshot.set(snapshot, constants)
  }
  return constants
}

/**
 * The answer's ETag, hashed once per snapshot, scope, format and request URL: the URL alone
 * decides the route and its normalised query, so a poller asking the same URL again costs a
 * map lookup instead of a serialisation and a SHA-256.
 */
function etagOf (snapshot: Snapshot, request: FastifyRequest, variant: AnswerVariant): string {
  const { etags } = constantsOf(snapshot)
  const key = `${variant.scope} ${variant.format} ${request.url}`
  let etag = etags.get(key)
  if (etag === undefined) {
    etag = snapshotEtag(snapshot, variant)
    if (etags.size >= MAX_REMEMBERED_ETAGS) etags.clear()
    etags.set(key, etag)
  }
  return etag
}

/** RFC 9110 §13.1.2: weak comparison, a list of tags or `*`. */
export function ifNoneMatchHits (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((candidate) => {
    const tag = candidate.trim()
    return tag === '*' || tag.replace(/^W\//, '') === etag
  })
}

/** RFC 9110 §13.1.3: not modified when Last-Modified (whole seconds) is at or before the date; a bad date is ignored. */
export function notModifiedSince (header: string | undefined, lastModified: Date): boolean {
  if (header === undefined) return false
  const since = Date.parse(header)
  if (Number.isNaN(since)) return false
  return Math.floor(lastModified.getTime() / 1000) * 1000 <= since
}

/**
 * Seconds a cached answer may be reused: until the earliest moment a refresh could swap the
 * snapshot (the end of the REFRESH_MIN_INTERVAL floor); 0 while a refresh runs or when one
 * may start at any moment.
 */
export function maxAgeSeconds (refresher: Pick<Refresher, 'running' | 'floorUntil'>, now: number): number {
  const floorUntil = refresher.floorUntil
  if (refresher.running || floorUntil === null) return 0
  return Math.max(0, Math.floor((floorUntil.getTime() - now) / 1000))
}

const SNAPSHOT_VARY = 'authorization, x-api-key, accept, accept-encoding'

export interface SnapshotAnswer {
  readonly refresher: Pick<Refresher, 'running' | 'floorUntil'>
  readonly now: number
  /** The normalised query and parameters (AnswerVariant.query). */
  readonly query: unknown
  /** The route can answer one client per line (`Accept: application/x-ndjson`). */
  readonly ndjson?: boolean
  /**
   * The answer is /all with the default query: the same bytes for every caller of a scope, so
   * it is compressed once per snapshot and reused (precompressed.ts).
   */
  readonly compressOnce?: boolean
  readonly render: () => RenderedBody
}

function formatOf (request: FastifyRequest, ndjson: boolean): AnswerVariant['format'] {
  if (ndjson && acceptsNdjson(request.headers.accept)) return 'ndjson'
  return wantsPretty(request.query) ? 'pretty' : 'json'
}

/**
 * Sends the answer. Synchronous but for the precompressed /all, whose first request waits for
 * the compression: an answer that needs no await costs no promise (it runs on every lookup).
 */
export function sendFromSnapshot (request: FastifyRequest, reply: FastifyReply, snapshot: Snapshot, answer: SnapshotAnswer): undefined | Promise<void> {
  const scope = canSeeSecrets(request) ? 'secrets' : 'read'
  const format = formatOf(request, answer.ndjson === true)
  const etag = etagOf(snapshot, request, { scope, route: request.routeOptions.url ?? request.url, query: answer.query, format })
  const ageSeconds = Math.max(0, Math.floor((answer.now - snapshot.fetchedAt.getTime()) / 1000))
  // Added to, not replaced: CORS varies the answer on Origin when CORS_ORIGINS is set.
  const varyBefore = reply.getHeader('vary')
  reply.headers({
    etag,
    'last-modified': constantsOf(snapshot).lastModified,
    'cache-control': `private, max-age=${maxAgeSeconds(answer.refresher, answer.now)}`,
    vary: varyBefore === undefined ? SNAPSHOT_VARY : `${String(varyBefore)}, ${SNAPSHOT_VARY}`,
    'x-snapshot-age': String(ageSeconds),
    'x-snapshot-version': snapshot.version
  })
  // If-Modified-Since only counts without If-None-Match (RFC 9110 §13.2.2).
  const ifNoneMatch = request.headers['if-none-match']
  const notModified = ifNoneMatch !== undefined ? ifNoneMatchHits(ifNoneMatch, etag) : notModifiedSince(request.headers['if-modified-since'], snapshot.fetchedAt)
  if (notModified) {
    reply.code(304).send()
    return
  }

  if (format === 'ndjson') {
    const rendered = answer.render()
    recordResultCount(reply, rendered.clients)
    reply.type(`${NDJSON_TYPE}; charset=utf-8`).send(rewriteBody(rendered.body, ndjsonRewriter()))
    return
  }
  reply.type('application/json; charset=utf-8')
  const encoding = answer.compressOnce === true && format === 'json' ? negotiate(String(request.headers['accept-encoding'] ?? ''), [...PRECOMPRESSED_ENCODINGS]) : null
  if (encoding !== null) return sendPrecompressed(request, reply, snapshot, scope, encoding, answer.render)
  const rendered = answer.render()
  recordResultCount(reply, rendered.clients)
  // Large on-demand answers do not know their length up front and go out chunked.
  if (rendered.byteLength !== undefined) reply.header('content-length', rendered.byteLength)
  reply.send(rendered.body)
}

/** The default /all of this scope in `encoding`, compressed on its first request (precompressed.ts). */
async function sendPrecompressed (request: FastifyRequest, reply: FastifyReply, snapshot: Snapshot, scope: string, encoding: typeof PRECOMPRESSED_ENCODINGS[number], render: () => RenderedBody): Promise<void> {
  const { compressed, clients } = await request.server.precompressed.get(snapshot, scope, encoding, render)
  recordResultCount(reply, clients)
  reply.header('content-encoding', encoding).header('content-length', compressed.length).send(compressed)
}
