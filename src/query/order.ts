// Ordering by data_cadastro or data_fechamento (the vendor's order_by): clients without the
// date come last in both directions, and equal dates fall back to id_cliente ascending so
// pages are stable.
import type { FilterableCliente } from './filter.js'
import type { Ordering } from './list-query.js'

export type ClienteComparator = (a: FilterableCliente, b: FilterableCliente) => number

function sortableDate (value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

export function compareClientes ({ orderBy, orderType }: Ordering): ClienteComparator {
  const direction = orderType === 'desc' ? -1 : 1
  return (a, b) => {
    const left = sortableDate(a[orderBy])
    const right = sortableDate(b[orderBy])
    if (left !== right) {
      if (left === null) return 1
      if (right === null) return -1
      return left < right ? -direction : direction
    }
    return a.id_cliente - b.id_cliente
  }
}

/** The window [offset, offset + limit) of an ordered list. */
export function pageWindow<T> (items: readonly T[], offset: number, limit?: number): T[] {
  return items.slice(offset, limit === undefined ? undefined : offset + limit)
}
