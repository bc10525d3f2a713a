// Proves the query-string grammar HubSoft (Laravel) has: an empty or bare value is a parameter
// not sent, values trimmed, repeats make a list, form decoding, and flags kept when bare.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseQueryString } from '../../src/hubsoft/query-string.js'

test('empty and bare values are absent; the rest is read as a form', () => {
  const table: Array<[string, Record<string, string | string[]>]> = [
    ['', {}],
    ['cancelado=', {}],
    ['servico_status', {}],
    ['incluir_alarmes&incluir_contrato=', {}],
    ['limit=&order_by=&relacoes=', {}],
    // The vendor's Postman template for cliente/todos, every optional parameter left blank.
    ['pagina=0&itens_por_pagina=100&data_inicio=&data_fim=&cancelado=&possui_pacote=&codigo_pacote=&servico_status=&relacoes=', { pagina: '0', itens_por_pagina: '100' }],
    ['cancelado=sim&limit=', { cancelado: 'sim' }],
    ['termo_busca=jo%C3%A3o+silva', { termo_busca: 'joão silva' }],
    ['relacoes=pacotes,senhas', { relacoes: 'pacotes,senhas' }],
    ['limit=5&limit=6', { limit: ['5', '6'] }],
    ['limit=5&limit=', { limit: '5' }],
    ['limit=&limit=', {}],
    ['=5&a=1', { a: '1' }],
    ['termo_busca=%20', {}],
    ['codigo_pacote=+ip_fixo+&cancelado=%20sim', { codigo_pacote: 'ip_fixo', cancelado: 'sim' }]
  ]
  for (const [queryString, expected] of table) {
    assert.deepEqual({ ...parseQueryString(queryString) }, expected, queryString)
  }
})

test('flags stay present when sent bare or empty, and keep a value when given one', () => {
  const table: Array<[string, Record<string, string | string[]>]> = [
    ['pretty', { pretty: '' }],
    ['pretty=', { pretty: '' }],
    ['pretty=0&limit=', { pretty: '0' }],
    ['limit=2&pretty', { limit: '2', pretty: '' }]
  ]
  for (const [queryString, expected] of table) {
    assert.deepEqual({ ...parseQueryString(queryString, { flags: ['pretty'] }) }, expected, queryString)
  }
  assert.deepEqual({ ...parseQueryString('pretty') }, {}, 'not a flag unless named')
})

test('__proto__ is a parameter like any other, never the prototype of the result', () => {
  const values = parseQueryString('__proto__=a&__proto__=b&limit=1')
  assert.equal(Object.getPrototypeOf(values), null)
  assert.deepEqual(Object.getOwnPropertyDescriptor(values, '__proto__')?.value, ['a', 'b'])
  assert.equal(values.limit, '1')
})
