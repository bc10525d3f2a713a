// The conditional-request and freshness rules of snapshot answers, as pure functions, with
// expectations worked out by hand from RFC 9110 §13.1 and the refresh floor.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ifNoneMatchHits, maxAgeSeconds, notModifiedSince, snapshotEtag } from '../../../src/http/reply/snapshot-reply.js'
import type { AnswerVariant } from '../../../src/http/reply/snapshot-reply.js'

test('If-None-Match: weak comparison, lists and *', () => {
  const etag = '"v1.abc"'
  const table: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ['"v1.abc"', true],
    ['W/"v1.abc"', true],
    ['"v0.abc", "v1.abc"', true],
    ['"v0.abc",W/"v1.abc"', true],
    ['*', true],
    ['"v1.abd"', false],
    ['v1.abc', false],
    ['', false]
  ]
  for (const [header, expected] of table) assert.equal(ifNoneMatchHits(header, etag), expected, String(header))
})

test('If-Modified-Since compares whole seconds and ignores bad dates', () => {
  const fetchedAt = new Date('2026-11-26T12:00:00.750Z')
  const table: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ['Thu, 26 Nov 2026 12:00:00 GMT', true],
    ['Thu, 26 Nov 2026 12:00:01 GMT', true],
    ['Thu, 26 Nov 2026 11:59:59 GMT', false],
    ['Wed, 25 Nov 2026 12:00:00 GMT', false],
    ['not a date', false]
  ]
  for (const [header, expected] of table) assert.equal(notModifiedSince(header, fetchedAt), expected, String(header))
})

test('max-age ends at the refresh floor, and is 0 while a refresh runs or may start', () => {
  const now = Date.parse('2026-11-26T12:00:00Z')
  const table: Array<[{ running: boolean, floorUntil: Date | null }, number]> = [
    [{ running: false, floorUntil: new Date(now + 900_000) }, 900],
    [{ running: false, floorUntil: new Date(now + 1_999) }, 1],
    [{ running: false, floorUntil: new Date(now - 5_000) }, 0],
    [{ running: false, floorUntil: null }, 0],
    [{ running: true, floorUntil: new Date(now + 900_000) }, 0]
  ]
  for (const [refresher, expected] of table) assert.equal(maxAgeSeconds(refresher, now), expected, JSON.stringify(refresher))
})

test('the ETag changes with the version, the scope, the route, the query and the format only', () => {
  const base: AnswerVariant = { scope: 'read', route: '/all', query: [null, { offset: 0 }], format: 'json' }
  const etag = snapshotEtag({ version: 'v1' }, base)
  assert.match(etag, /^"v1\.[\w-]{16}"$/)
  assert.equal(snapshotEtag({ version: 'v1' }, { ...base, query: [null, { offset: 0 }] }), etag)
  const variants: AnswerVariant[] = [
    { ...base, scope: 'secrets' },
    { ...base, route: '/all/status/:status_prefixo' },
    { ...base, query: [null, { offset: 1 }] },
    { ...base, format: 'pretty' },
    { ...base, format: 'ndjson' }
  ]
  const etags = new Set([etag, snapshotEtag({ version: 'v2' }, base), ...variants.map((variant) => snapshotEtag({ version: 'v1' }, variant))])
  assert.equal(etags.size, variants.length + 2)
})
