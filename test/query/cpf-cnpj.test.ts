// Table-driven tests for CPF/CNPJ parsing; expected check digits worked out by hand or taken
// from the vendor's example and Receita Federal's published alphanumeric CNPJ example.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cnpjCheckDigits, cpfCheckDigits, cpfCnpjIndexKey, isValidCnpj, isValidCpf, parseCpfCnpj } from '../../src/query/cpf-cnpj.js'

test('parseCpfCnpj normalises shapes and classifies them', () => {
  const table: Array<[string, { key: string, kind: string, checkDigitsValid: boolean } | null]> = [
    // The vendor's example CPFs have wrong check digits (the first is 179 mod 11 → 8, not 8-1).
    ['10682083681', { key: '10682083681', kind: 'cpf', checkDigitsValid: false }],
    [' 053.336.146-22 ', { key: '05333614622', kind: 'cpf', checkDigitsValid: false }],
    ['529.982.247-25', { key: '52998224725', kind: 'cpf', checkDigitsValid: true }],
    ['52998224725', { key: '52998224725', kind: 'cpf', checkDigitsValid: true }],
    ['529.982.247-52', { key: '52998224752', kind: 'cpf', checkDigitsValid: false }],
    ['111.111.111-11', { key: '11111111111', kind: 'cpf', checkDigitsValid: false }],
    ['11.222.333/0001-81', { key: '11222333000181', kind: 'cnpj', checkDigitsValid: true }],
    ['11222333000182', { key: '11222333000182', kind: 'cnpj', checkDigitsValid: false }],
    ['12.ABC.345/01DE-35', { key: '12ABC34501DE35', kind: 'cnpj', checkDigitsValid: true }], // Receita's example
    ['12.abc.345/01de-35', { key: '12ABC34501DE35', kind: 'cnpj', checkDigitsValid: true }],
    ['12ABC34501DE3X', null], // check digits are always numeric
    ['1068208368', null],
    ['106820836811', null],
    ['', null],
    ['abc', null],
    ['106_820_836_81', null],
    ['10682083681%00', null]
  ]
  for (const [input, expected] of table) {
    assert.deepEqual(parseCpfCnpj(input), expected, input)
  }
})

test('check digit helpers', () => {
  assert.equal(cpfCheckDigits('529982247'), '25')
  assert.equal(cpfCheckDigits('106820836'), '82')
  assert.equal(cpfCheckDigits('053336146'), '01')
  assert.equal(cnpjCheckDigits('112223330001'), '81')
  assert.equal(cnpjCheckDigits('12ABC34501DE'), '35')
  assert.equal(isValidCpf('00000000000'), false)
  assert.equal(isValidCnpj('00000000000000'), false)
  assert.equal(isValidCpf('1068208368A'), false)
})

test('check digits agree with the mod-11 definition on random bases', () => {
  // The definition, written as the Receita Federal states it: each digit is the weighted sum of
  // the characters before it (ASCII code minus 48) mod 11, 0 for a remainder below 2, else 11 minus it.
  const digit = (values: number[], weights: number[]) => {
    const remainder = values.reduce((sum, v, i) => sum + v * weights[i]!, 0) % 11
    return remainder < 2 ? 0 : 11 - remainder
  }
  const both = (base: string, weights: (length: number) => number[]) => {
    const values = [...base].map((c) => c.charCodeAt(0) - 48)
    const first = digit(values, weights(values.length))
    return `${first}${digit([...values, first], weights(values.length + 1))}`
  }
  const cpfWeights = (length: number) => Array.from({ length }, (_, i) => length + 1 - i)
  const cnpjWeights = (length: number) => [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2].slice(13 - length)
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  let seed = 7
  const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n }
  for (let round = 0; round < 2000; round++) {
    const cpf = Array.from({ length: 9 }, () => String(random(10))).join('')
    assert.equal(cpfCheckDigits(cpf), both(cpf, cpfWeights), cpf)
    const cnpj = Array.from({ length: 12 }, () => alphabet[random(round % 2 === 0 ? 10 : 36)]).join('')
    assert.equal(cnpjCheckDigits(cnpj), both(cnpj, cnpjWeights), cnpj)
  }
})

test('cpfCnpjIndexKey keeps letters and digits only', () => {
  assert.equal(cpfCnpjIndexKey('106.820.836-81'), '10682083681')
  assert.equal(cpfCnpjIndexKey('12.abc.345/01de-35'), '12ABC34501DE35')
  assert.equal(cpfCnpjIndexKey(''), '')
})
