// How every answer from the snapshot goes out (SPEC §4): ETag from the snapshot version, the
// redaction and the URL; Last-Modified; X-Snapshot-Age/-Version; and our own If-None-Match
// check (RFC 9110 §13.1.2), done before rendering so a 304 costs no serialisation. The ETag
// carries the version, so a swap invalidates it, and the redaction, so a `read` caller can
// never revalidate into a `secrets` body.
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { NoSnapshotError } from '../errors.js'
import type { Refresher } from '../refresh/refresher.js'
import type { RenderedBody } from '../snapshot/render.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { canSeeSecrets } from './plugins/auth.js'

export function currentSnapshot (refresher: Refresher): Snapshot {
  const snapshot = refresher.snapshot
  if (snapshot === null) throw new NoSnapshotError()
  return snapshot
}

export function snapshotEtag (snapshot: Snapshot, secrets: boolean, url: string): string {
  const variant = createHash('sha256').update(`${secrets ? 'secrets' : 'read'}\n${url}`).digest('base64url').slice(0, 16)
  return `"${snapshot.version}.${variant}"`
}

/** RFC 9110 §13.1.2: weak comparison, a list of tags or `*`. */
export function ifNoneMatchHits (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((candidate) => {
    const tag = candidate.trim()
    return tag === '*' || tag.replace(/^W\//, '') === etag
  })
}

export function sendFromSnapshot (request: FastifyRequest, reply: FastifyReply, snapshot: Snapshot, now: number, render: () => RenderedBody) {
  const etag = snapshotEtag(snapshot, canSeeSecrets(request), request.url)
  const ageSeconds = Math.max(0, Math.floor((now - snapshot.fetchedAt.getTime()) / 1000))
  reply.headers({
    etag,
    'last-modified': snapshot.fetchedAt.toUTCString(),
    'cache-control': 'private, no-cache',
    vary: 'authorization, x-api-key',
    'x-snapshot-age': String(ageSeconds),
    'x-snapshot-version': snapshot.version
  })
  if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return reply.code(304).send()
  const rendered = render()
  reply.type('application/json; charset=utf-8')
  // Large on-demand answers do not know their length up front and go out chunked.
  if (rendered.byteLength !== undefined) reply.header('content-length', rendered.byteLength)
  return reply.send(rendered.body)
}
