// Proves the sub-routes' path parameters: the index key each gives, and each malformed value
// refused with a ParameterError naming the parameter.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertParameterError } from '../helpers/parameter-error.js'
import { parseCpfCnpjParam, parseStatusPrefixo, parseTecnologia } from '../../src/query/path-params.js'

test('valid path parameters give their index key', () => {
  const table: Array<[string, () => unknown, unknown]> = [
    ['CPF with punctuation', () => parseCpfCnpjParam('529.982.247-25'), { key: '52998224725', kind: 'cpf', checkDigitsValid: true }],
    ['CPF with wrong check digits keeps its shape', () => parseCpfCnpjParam('529.982.247-52'), { key: '52998224752', kind: 'cpf', checkDigitsValid: false }],
    ['alphanumeric CNPJ in lower case', () => parseCpfCnpjParam('12.abc.345/01de-35'), { key: '12ABC34501DE35', kind: 'cnpj', checkDigitsValid: true }],
    ['status_prefixo', () => parseStatusPrefixo('servico_habilitado'), 'servico_habilitado'],
    ['tecnologia folded', () => parseTecnologia(' FIBRA '), 'fibra'],
    ['tecnologia of 64 characters', () => parseTecnologia('x'.repeat(64)), 'x'.repeat(64)]
  ]
  for (const [name, parse, expected] of table) assert.deepEqual(parse(), expected, name)
})

test('malformed path parameters are refused naming the parameter', () => {
  const table: Array<[string, () => unknown, string]> = [
    ['CPF of 10 digits', () => parseCpfCnpjParam('1068208368'), 'cpf_cnpj'],
    ['letters', () => parseCpfCnpjParam('joao'), 'cpf_cnpj'],
    ['status in upper case', () => parseStatusPrefixo('Servico_Habilitado'), 'status_prefixo'],
    ['status with a dash', () => parseStatusPrefixo('servico-habilitado'), 'status_prefixo'],
    ['status of 65 characters', () => parseStatusPrefixo('a'.repeat(65)), 'status_prefixo'],
    ['blank tecnologia', () => parseTecnologia('   '), 'tecnologia'],
    ['tecnologia of 65 characters', () => parseTecnologia('x'.repeat(65)), 'tecnologia']
  ]
  for (const [name, parse, parameter] of table) {
    assertParameterError(parse, { parameter }, name)
  }
})
