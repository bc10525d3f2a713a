// One assertion for the parsers of query/ and hubsoft/: the call throws a ParameterError whose
// message matches, and names the parameter it reports (the HTTP edge answers it as is).
import assert from 'node:assert/strict'
import { ParameterError } from '../../src/hubsoft/parameters.js'

export function assertParameterError (fn: () => unknown, expected: { parameter?: string, mentions?: RegExp }, label: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ParameterError, `${label}: a ParameterError`)
    if (expected.parameter !== undefined) assert.equal(error.parameter, expected.parameter, `${label}: parameter`)
    assert.match(error.message, expected.mentions ?? new RegExp(error.parameter), `${label}: message`)
    assert.match(error.message, new RegExp(error.parameter), `${label}: the message names the parameter at fault`)
    return true
  }, label)
}
