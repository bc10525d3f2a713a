// Picks the positions an answer lists: candidates (all clients, or an index hit), the filter,
// the ordering and the offset/limit window. Few candidates are sorted directly; many are
// walked in the snapshot's precomputed ordering, stopping once the window is full.
import { clienteMatches } from '../query/filter.js'
import type { ServicoPredicate } from '../query/filter.js'
import type { ClienteFilter, Ordering } from '../query/list-query.js'
import { compareClientes } from '../query/order.js'
import type { Snapshot } from './snapshot.js'

export interface Selection {
  /** Positions to consider; undefined means every client. */
  readonly candidates?: readonly number[]
  readonly filter: ClienteFilter
  readonly servicoPredicate?: ServicoPredicate
  readonly ordering: Ordering
  /** Overrides `ordering` with an ordering of positions (a busca by a lookup field); sorts the candidates. */
  readonly compare?: (a: number, b: number) => number
  readonly offset: number
  readonly limit?: number
}

/** Below this many candidates, sorting them beats walking the whole precomputed ordering. */
const DIRECT_SORT_MAX = 256

/**
 * The first `count` items in `compare` order. A lookup's window is small (at most 100) and its
 * matches many (a one-letter name scan matches most clients): keeping the best `count` in a
 * sorted buffer costs about one comparison per item instead of a full sort's log n.
 */
export function firstInOrder<T> (items: readonly T[], compare: (a: T, b: T) => number, count: number): T[] {
  if (count >= items.length) return [...items].sort(compare)
  if (count <= 0) return []
  const best: T[] = []
  for (const item of items) {
    if (best.length === count && compare(item, best[count - 1]!) >= 0) continue
    let low = 0
    let high = best.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compare(best[middle]!, item) <= 0) low = middle + 1
      else high = middle
    }
    best.splice(low, 0, item)
    if (best.length > count) best.pop()
  }
  return best
}

export function selectPositions (snapshot: Snapshot, selection: Selection): number[] {
  const { facts, shownByDefault } = snapshot
  const { candidates, filter, servicoPredicate, ordering, compare, offset, limit } = selection
  // Without dates, packages or a service predicate, only cancelado decides: a column answers.
  const onlyCancelado = filter.dataInicio === undefined && filter.dataFim === undefined && filter.codigoPacote === undefined &&
    filter.possuiPacote === undefined && servicoPredicate === undefined
  const keep = onlyCancelado
    ? (position: number) => filter.includeCancelado || shownByDefault[position] === 1
    : (position: number) => clienteMatches(facts[position]!, filter, servicoPredicate)
  const end = limit === undefined ? Infinity : offset + limit

  if (compare !== undefined) {
    const pool = candidates ?? Array.from({ length: snapshot.size }, (_, position) => position)
    return firstInOrder(pool.filter(keep), compare, end).slice(offset)
  }
  // A lookup by CPF/CNPJ: one client, nothing to order.
  if (candidates?.length === 1) return keep(candidates[0]!) ? [candidates[0]!].slice(offset, end) : []
  if (candidates !== undefined && candidates.length <= DIRECT_SORT_MAX) {
    const compareFacts = compareClientes(ordering)
    return candidates.filter(keep)
      .sort((a, b) => compareFacts(facts[a]!, facts[b]!))
      .slice(offset, end)
  }

  let member: Uint8Array | undefined
  if (candidates !== undefined) {
    member = new Uint8Array(snapshot.size)
    for (const position of candidates) member[position] = 1
  }
  const selected: number[] = []
  let matched = 0
  for (const position of snapshot.orderings[`${ordering.orderBy}:${ordering.orderType}`]) {
    if (matched >= end) break
    if (member !== undefined && member[position] === 0) continue
    if (!keep(position)) continue
    if (matched >= offset) selected.push(position)
    matched++
  }
  return selected
}
