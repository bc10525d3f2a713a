// ?pretty re-indents without parsing; JSON.stringify(JSON.parse(x), null, 2) is the oracle,
// fed whole, byte by byte and through a stream, so chunk boundaries cannot matter.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { rewriteBody } from '../../../src/http/reply/body-transform.js'
import { prettyJsonRewriter } from '../../../src/http/reply/pretty-json.js'

const VALUES: unknown[] = [
  {},
  [],
  { a: [], b: {} },
  [1, 2, [3, [4, []]]],
  { status: 'error', msg: 'query parameter limit must be >= 1', code: 'invalid_parameter' },
  { tricky: 'commas, colons: {braces} [brackets] "quotes" \\ backslash \\" escaped quote', empty: '' },
  { unicode: 'DIVINÓPOLIS/MG — São João ☃ 😀', nested: [{ x: null, y: true, z: false, n: -1.5e-7 }] },
  { status: 'success', msg: 'Dados consultados com sucesso', clientes: [{ id_cliente: 1, servicos: [{ pacotes: [], senha: null }] }], paginacao: { primeira_pagina: 0 } },
  'just a string with {',
  42
]

function prettyOf (input: Buffer, chunkBytes: number): string {
  const rewriter = prettyJsonRewriter()
  const out: Buffer[] = []
  for (let i = 0; i < input.length; i += chunkBytes) out.push(rewriter.write(input.subarray(i, i + chunkBytes)))
  out.push(rewriter.end())
  return Buffer.concat(out).toString('utf8')
}

test('pretty output equals JSON.stringify(value, null, 2) plus a newline, whatever the chunking', () => {
  for (const value of VALUES) {
    const compact = Buffer.from(JSON.stringify(value))
    const expected = `${JSON.stringify(value, null, 2)}\n`
    for (const chunkBytes of [compact.length, 1, 2, 3, 7]) {
      assert.equal(prettyOf(compact, chunkBytes), expected, `${JSON.stringify(value)} in chunks of ${chunkBytes}`)
    }
  }
})

test('whitespace in the input is dropped before re-indenting', () => {
  const spaced = Buffer.from('{ "a" : [ 1 , 2 ] ,\n "b" : { } }')
  assert.equal(prettyOf(spaced, 4), `${JSON.stringify({ a: [1, 2], b: {} }, null, 2)}\n`)
})

test('rewriteBody keeps a Buffer a Buffer and a stream a stream', async () => {
  const value = { clientes: Array.from({ length: 50 }, (_, i) => ({ id_cliente: i, nome: `N${i}` })) }
  const compact = Buffer.from(JSON.stringify(value))
  const fromBuffer = rewriteBody(compact, prettyJsonRewriter())
  assert.ok(Buffer.isBuffer(fromBuffer))
  const chunks = Array.from({ length: Math.ceil(compact.length / 100) }, (_, i) => compact.subarray(i * 100, (i + 1) * 100))
  const fromStream = rewriteBody(Readable.from(chunks), prettyJsonRewriter())
  assert.ok(!Buffer.isBuffer(fromStream))
  assert.equal(await text(fromStream), `${JSON.stringify(value, null, 2)}\n`)
})
