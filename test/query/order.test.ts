// Proves order_by/order_type: missing dates last in both directions, ties by id_cliente ascending, and the limit/offset window.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compareClientes, pageWindow } from '../../src/query/order.js'
import type { Ordering } from '../../src/query/list-query.js'
import type { Cliente } from '../../src/hubsoft/cliente-schema.js'

function cliente (id: number, dataCadastro: string | null, dataFechamento?: string | null): Cliente {
  const fixture: Record<string, unknown> = { id_cliente: id, data_cadastro: dataCadastro }
  if (dataFechamento !== undefined) fixture.data_fechamento = dataFechamento
  return fixture as Cliente
}

const FIXTURES = [
  cliente(1, '2024-03-10 12:00:00', null),
  cliente(2, null, '2024-05-01 00:00:00'),
  cliente(3, '2024-01-05 08:00:00', '2024-04-01 00:00:00'),
  cliente(4, '2024-03-10 12:00:00', ''),
  cliente(5, '', '2024-04-01 00:00:00'),
  cliente(6, '2024-03-10 12:00:00'), // no data_fechamento at all
  cliente(7, '2023-12-31 23:59:59', '2024-06-01 10:00:00'),
  cliente(8, '2024-03-10 08:00:00', '2024-04-01 00:00:00')
]

/** The same clients in several input orders: the result must not depend on it. */
const INPUT_ORDERS: Array<[string, Cliente[]]> = [
  ['as listed', FIXTURES],
  ['reversed', [...FIXTURES].reverse()],
  ['interleaved', [FIXTURES[5]!, FIXTURES[1]!, FIXTURES[7]!, FIXTURES[3]!, FIXTURES[0]!, FIXTURES[6]!, FIXTURES[4]!, FIXTURES[2]!]]
]

test('compareClientes sorts by date, missing dates last, ties by id_cliente ascending', () => {
  const table: Array<[Ordering, number[]]> = [
    [{ orderBy: 'data_cadastro', orderType: 'asc' }, [7, 3, 8, 1, 4, 6, 2, 5]],
    [{ orderBy: 'data_cadastro', orderType: 'desc' }, [1, 4, 6, 8, 3, 7, 2, 5]],
    [{ orderBy: 'data_fechamento', orderType: 'asc' }, [3, 5, 8, 2, 7, 1, 4, 6]],
    [{ orderBy: 'data_fechamento', orderType: 'desc' }, [7, 2, 3, 5, 8, 1, 4, 6]]
  ]
  for (const [ordering, expected] of table) {
    for (const [inputName, input] of INPUT_ORDERS) {
      const sorted = [...input].sort(compareClientes(ordering)).map((fixture) => fixture.id_cliente)
      assert.deepEqual(sorted, expected, `${ordering.orderBy} ${ordering.orderType}, input ${inputName}`)
    }
  }
})

test('compareClientes on pairs', () => {
  const asc: Ordering = { orderBy: 'data_cadastro', orderType: 'asc' }
  const desc: Ordering = { orderBy: 'data_cadastro', orderType: 'desc' }
  const early = cliente(20, '2024-01-01 00:00:00')
  const late = cliente(10, '2024-12-31 00:00:00')
  const undated = cliente(1, null)
  const empty = cliente(2, '')
  const sameAsEarly = cliente(30, '2024-01-01 00:00:00')
  // [name, ordering, a, b, expected sign of compare(a, b)]
  const table: Array<[string, Ordering, Cliente, Cliente, -1 | 0 | 1]> = [
    ['earlier first, asc', asc, early, late, -1],
    ['later first, desc', desc, early, late, 1],
    ['undated after dated, asc', asc, undated, late, 1],
    ['undated after dated, desc', desc, undated, late, 1],
    ['dated before undated, asc', asc, early, undated, -1],
    ['dated before undated, desc', desc, early, undated, -1],
    ['empty date after dated, desc', desc, empty, early, 1],
    ['null and empty both undated: by id', asc, empty, undated, 1],
    ['null and empty both undated: by id, desc', desc, undated, empty, -1],
    ['same date: lower id first, asc', asc, early, sameAsEarly, -1],
    ['same date: lower id first, desc', desc, sameAsEarly, early, 1],
    ['a client equals itself', asc, early, early, 0]
  ]
  for (const [name, ordering, a, b, expected] of table) {
    assert.equal(Math.sign(compareClientes(ordering)(a, b)), expected, name)
  }
})

test('pageWindow returns [offset, offset + limit)', () => {
  const items = ['a', 'b', 'c', 'd', 'e']
  const table: Array<[number, number | undefined, string[]]> = [
    [0, undefined, ['a', 'b', 'c', 'd', 'e']],
    [2, undefined, ['c', 'd', 'e']],
    [4, undefined, ['e']],
    [5, undefined, []],
    [10, undefined, []],
    [0, 2, ['a', 'b']],
    [3, 2, ['d', 'e']],
    [4, 5, ['e']],
    [0, 5, ['a', 'b', 'c', 'd', 'e']],
    [0, 100, ['a', 'b', 'c', 'd', 'e']],
    [5, 1, []],
    [10, 3, []],
    [1, 1, ['b']]
  ]
  for (const [offset, limit, expected] of table) {
    assert.deepEqual(pageWindow(items, offset, limit), expected, `offset ${offset}, limit ${String(limit)}`)
  }
})

test('pageWindow leaves its input alone', () => {
  const items = Object.freeze(['a', 'b', 'c'])
  const page = pageWindow(items, 0)
  page.push('d')
  assert.deepEqual(items, ['a', 'b', 'c'])
  assert.deepEqual(pageWindow([], 0, 10), [])
})
