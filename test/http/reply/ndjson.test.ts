// Accept: application/x-ndjson turns the rendered envelope into one client per line; the
// expected lines are JSON.stringify of each element, written independently of the scanner.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { acceptsNdjson, ndjsonRewriter } from '../../../src/http/reply/ndjson.js'

function ndjsonOf (input: Buffer, chunkBytes: number): string {
  const rewriter = ndjsonRewriter()
  const out: Buffer[] = []
  for (let i = 0; i < input.length; i += chunkBytes) out.push(rewriter.write(input.subarray(i, i + chunkBytes)))
  out.push(rewriter.end())
  return Buffer.concat(out).toString('utf8')
}

const CLIENTES = [
  { id_cliente: 1, nome_razaosocial: 'ANA, "A" [B] {C}', servicos: [{ senhas: [{ senha: 'x\\"],{' }], pacotes: [] }] },
  { id_cliente: 2, nome_razaosocial: 'JOÃO Ü 😀', servicos: [] },
  { id_cliente: 3, nome_razaosocial: null, servicos: null }
]

test('each client of the envelope becomes one line, whatever the chunking', () => {
  const table: Array<[string, unknown[], Record<string, unknown>]> = [
    ['three clients', CLIENTES, {}],
    ['one client', CLIENTES.slice(0, 1), {}],
    ['no client', [], {}],
    ['with a paginacao block after the list', CLIENTES, { paginacao: { primeira_pagina: 0, ultima_pagina: [0] } }]
  ]
  for (const [name, clientes, extra] of table) {
    const envelope = Buffer.from(JSON.stringify({ status: 'success', msg: 'Dados consultados com sucesso', clientes, ...extra }))
    const expected = clientes.map((cliente) => `${JSON.stringify(cliente)}\n`).join('')
    for (const chunkBytes of [envelope.length, 1, 5, 64]) {
      const output = ndjsonOf(envelope, chunkBytes)
      assert.equal(output, expected, `${name} in chunks of ${chunkBytes}`)
      assert.deepEqual(output.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line)), clientes)
    }
  }
})

test('Accept negotiation for application/x-ndjson', () => {
  const table: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ['application/json', false],
    ['*/*', false],
    ['application/x-ndjson', true],
    ['Application/X-NDJSON', true],
    ['application/json;q=0.5, application/x-ndjson', true],
    ['application/x-ndjson; q=0.8', true],
    ['application/x-ndjson;q=0', false],
    ['application/x-ndjson; q=0.000', false],
    ['application/x-ndjsonx', false]
  ]
  for (const [accept, expected] of table) assert.equal(acceptsNdjson(accept), expected, String(accept))
})
