import assert from 'node:assert/strict'
import test from 'node:test'
import { metricLabels, REFRESH_REASON_NAMES, REFRESH_REASONS, reasonsFor } from '../../src/refresh/outcome.js'

test('every reason is rejected or failed as written by hand here', () => {
  const rejected = ['schema', 'duplicate_id', 'empty', 'shrink']
  const failed = [
    'invalid_credentials', 'unauthorized', 'http_status', 'error_body', 'invalid_json', 'invalid_page',
    'incomplete', 'implausible', 'timeout', 'too_large', 'network', 'aborted', 'deadline', 'persistence', 'internal'
  ]
  assert.deepEqual([...reasonsFor('rejected')].sort(), [...rejected].sort())
  assert.deepEqual([...reasonsFor('failed')].sort(), [...failed].sort())
  assert.equal(REFRESH_REASON_NAMES.length, rejected.length + failed.length, 'aborted is one reason, not two')
  for (const reason of rejected) assert.equal(REFRESH_REASONS[reason as 'schema'].outcome, 'rejected', reason)
})

test('metric labels: success has no reason; timeouts and our own failures are told apart from HubSoft errors', () => {
  assert.deepEqual(metricLabels('success', undefined), { outcome: 'success', reason: '' })
  assert.deepEqual(metricLabels('failed', 'too_large'), { outcome: 'upstream_error', reason: 'too_large' })
  assert.deepEqual(metricLabels('failed', 'timeout'), { outcome: 'timeout', reason: 'upstream_timeout' })
  assert.deepEqual(metricLabels('failed', 'aborted'), { outcome: 'failed', reason: 'aborted' })
  assert.deepEqual(metricLabels('rejected', 'empty'), { outcome: 'rejected', reason: 'empty' })
})
