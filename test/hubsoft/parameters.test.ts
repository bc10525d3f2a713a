// Proves HubSoft's shared parameter grammar: real calendar days in YYYY-MM-DD, ordered date bounds, clipped echoes, each refusal a ParameterError naming its parameter.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertParameterError } from '../helpers/parameter-error.js'
import { clip, parseDateBounds, parseDateParam } from '../../src/hubsoft/parameters.js'
import type { RawDateBounds } from '../../src/hubsoft/parameters.js'

test('parseDateParam accepts real calendar days in YYYY-MM-DD', () => {
  const table = ['2024-03-10', '2024-02-29', '2000-02-29', '2024-12-31', '2024-01-01', '1999-04-30']
  for (const value of table) {
    assert.equal(parseDateParam('data_inicio', value), value, value)
    assert.equal(parseDateParam('data_fim', value), value, value)
  }
})

test('parseDateParam rejects malformed or unreal dates with a message naming the parameter', () => {
  const table: Array<[string, string]> = [
    ['2023-02-29', 'not a leap year'],
    ['1900-02-29', 'century, not a leap year'],
    ['2024-13-01', 'month 13'],
    ['2024-00-10', 'month 0'],
    ['2024-04-31', 'April has 30 days'],
    ['2024-01-00', 'day 0'],
    ['2024-1-01', 'one-digit month'],
    ['2024-01-1', 'one-digit day'],
    ['', 'empty'],
    ['2024/01/01', 'slashes'],
    ['10-03-2024', 'day first'],
    ['20240101', 'no dashes'],
    ['2024-01-01 00:00:00', 'a timestamp, not a date'],
    [' 2024-01-01', 'leading blank'],
    ['abcd-ef-gh', 'letters']
  ]
  for (const [value, why] of table) {
    for (const name of ['data_inicio', 'data_fim']) {
      assertParameterError(() => parseDateParam(name, value), { mentions: new RegExp(name) }, `${name}=${value} (${why})`)
    }
  }
})

test('parseDateParam clips a huge value in its message', () => {
  assert.throws(() => parseDateParam('data_fim', 'x'.repeat(10_000)), (error: Error) => {
    assert.ok(error.message.length < 300, `message of ${error.message.length} characters`)
    return true
  })
})

test('parseDateBounds: each bound optional, data_fim on or after data_inicio', () => {
  const table: Array<[RawDateBounds, { dataInicio?: string, dataFim?: string }]> = [
    [{}, { dataInicio: undefined, dataFim: undefined }],
    [{ data_inicio: '2024-03-01' }, { dataInicio: '2024-03-01', dataFim: undefined }],
    [{ data_fim: '2024-03-10' }, { dataInicio: undefined, dataFim: '2024-03-10' }],
    [{ data_inicio: '2024-03-01', data_fim: '2024-03-10' }, { dataInicio: '2024-03-01', dataFim: '2024-03-10' }],
    [{ data_inicio: '2024-03-10', data_fim: '2024-03-10' }, { dataInicio: '2024-03-10', dataFim: '2024-03-10' }],
    [{ data_inicio: '2023-12-31', data_fim: '2024-01-01' }, { dataInicio: '2023-12-31', dataFim: '2024-01-01' }]
  ]
  for (const [raw, expected] of table) {
    const { dataInicio, dataFim } = parseDateBounds(raw)
    assert.deepEqual({ dataInicio, dataFim }, expected, JSON.stringify(raw))
  }
})

test('parseDateBounds rejects bad bounds, naming the parameter at fault', () => {
  const table: Array<[RawDateBounds, RegExp]> = [
    [{ data_inicio: '2024-03-11', data_fim: '2024-03-10' }, /data_fim.*data_inicio/],
    [{ data_inicio: '2025-01-01', data_fim: '2024-12-31' }, /data_fim.*data_inicio/],
    [{ data_inicio: '2023-02-29' }, /data_inicio/],
    [{ data_fim: '2024-13-01' }, /data_fim/],
    [{ data_inicio: '2024-03-01', data_fim: '' }, /data_fim/],
    [{ data_inicio: '2024-1-01', data_fim: '2024-03-10' }, /data_inicio/]
  ]
  for (const [raw, mentions] of table) {
    assertParameterError(() => parseDateBounds(raw), { mentions }, JSON.stringify(raw))
  }
})

test('clip bounds echoed input', () => {
  const table: Array<[string, number | undefined, string]> = [
    ['abc', undefined, 'abc'],
    ['', undefined, ''],
    ['a'.repeat(64), undefined, 'a'.repeat(64)],
    ['a'.repeat(65), undefined, `${'a'.repeat(64)}…`],
    ['abcdef', 3, 'abc…'],
    ['abc', 3, 'abc']
  ]
  for (const [value, max, expected] of table) {
    assert.equal(max === undefined ? clip(value) : clip(value, max), expected, `${value.length} chars, max ${String(max)}`)
  }
})
