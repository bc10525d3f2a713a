// How a refresh's outcome becomes the labels ops alert on.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { refreshAttemptLabels } from '../../src/metrics/service-metrics.js'
import type { RefreshOutcome } from '../../src/refresh/refresher.js'

const base: RefreshOutcome = {
  outcome: 'success',
  trigger: 'schedule',
  startedAt: new Date(0),
  finishedAt: new Date(1000),
  durationMs: 1000,
  pages: 1,
  bytes: 10,
  clients: 1,
  replacedCharacters: 0,
  reachedHubsoft: true
}

test('refresh attempt labels by outcome, reason and status', () => {
  const table: Array<[string, Partial<RefreshOutcome>, ReturnType<typeof refreshAttemptLabels>]> = [
    ['a success', {}, { trigger: 'schedule', outcome: 'success', reason: '', status: '' }],
    ['identical data', { outcome: 'unchanged', trigger: 'manual' }, { trigger: 'manual', outcome: 'unchanged', reason: '', status: '' }],
    ['a shrink refused by validation', { outcome: 'rejected', reason: 'shrink' }, { trigger: 'schedule', outcome: 'rejected', reason: 'shrink', status: '' }],
    ['HubSoft answering 503', { outcome: 'failed', reason: 'http_status', httpStatus: 503 }, { trigger: 'schedule', outcome: 'upstream_error', reason: 'http_status', status: '503' }],
    ['an error body with HTTP 200', { outcome: 'failed', reason: 'error_body', httpStatus: 200 }, { trigger: 'schedule', outcome: 'upstream_error', reason: 'error_body', status: '200' }],
    ['credentials refused', { outcome: 'failed', reason: 'invalid_credentials', httpStatus: 401, trigger: 'startup' }, { trigger: 'startup', outcome: 'upstream_error', reason: 'invalid_credentials', status: '401' }],
    ['HubSoft too slow', { outcome: 'failed', reason: 'timeout', trigger: 'retry' }, { trigger: 'retry', outcome: 'timeout', reason: 'upstream_timeout', status: '' }],
    ['the whole refresh past REFRESH_DEADLINE', { outcome: 'failed', reason: 'deadline' }, { trigger: 'schedule', outcome: 'timeout', reason: 'deadline', status: '' }],
    ['unreachable', { outcome: 'failed', reason: 'network' }, { trigger: 'schedule', outcome: 'upstream_error', reason: 'network', status: '' }],
    ['SNAPSHOT_DIR unwritable', { outcome: 'failed', reason: 'persistence' }, { trigger: 'schedule', outcome: 'failed', reason: 'persistence', status: '' }],
    ['shutdown', { outcome: 'failed', reason: 'aborted' }, { trigger: 'schedule', outcome: 'failed', reason: 'aborted', status: '' }],
    ['a bug', { outcome: 'failed', reason: 'internal' }, { trigger: 'schedule', outcome: 'failed', reason: 'internal', status: '' }]
  ]
  for (const [name, outcome, expected] of table) assert.deepEqual(refreshAttemptLabels({ ...base, ...outcome }), expected, name)
})
