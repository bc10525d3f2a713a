// Proves the success envelope's opening, as render writes it byte by byte, reads back as the
// vendor's two fields followed by the client list.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CLIENTES_ENVELOPE_HEAD, SUCCESS_ENVELOPE } from '../../src/hubsoft/envelope.js'

test('the envelope head closes into the vendor envelope, status and msg first', () => {
  const clientes = [{ id_cliente: 1 }, { id_cliente: 2 }]
  const text = `${CLIENTES_ENVELOPE_HEAD}${clientes.map((cliente) => JSON.stringify(cliente)).join(',')}]}`
  assert.equal(text, '{"status":"success","msg":"Dados consultados com sucesso","clientes":[{"id_cliente":1},{"id_cliente":2}]}')
  assert.deepEqual(SUCCESS_ENVELOPE, { status: 'success', msg: 'Dados consultados com sucesso' })
})
