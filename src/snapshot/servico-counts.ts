// Services counted per status and per technology, once per snapshot, for /status. Every service
// counts, cancelled ones included. Technologies are grouped as the tecnologia filter matches them
// (case-insensitively, query/filter.ts) and shown under the spelling HubSoft uses most for them.
import { foldTecnologia } from '../query/filter.js'
import type { FilterableServico } from '../query/filter.js'

/** The key of services that have no status or technology (null, missing or blank). */
export const NO_VALUE = ''

/** Count per key, most frequent first (ties in code-point order of the key). */
export type ServicoCounts = Readonly<Record<string, number>>

export class ServicoTally {
  readonly #byStatus = new Map<string, number>()
  /** Per exact spelling; grouped by folded technology once, in `byTecnologia`. */
  readonly #bySpelling = new Map<string, number>()

  add (servico: Pick<FilterableServico, 'status_prefixo' | 'tecnologia'>): void {
    const status = typeof servico.status_prefixo === 'string' ? servico.status_prefixo : NO_VALUE
    this.#byStatus.set(status, (this.#byStatus.get(status) ?? 0) + 1)
    const spelling = typeof servico.tecnologia === 'string' ? servico.tecnologia : NO_VALUE
    this.#bySpelling.set(spelling, (this.#bySpelling.get(spelling) ?? 0) + 1)
  }

  byStatus (): ServicoCounts {
    return frozenCounts(this.#byStatus)
  }

  /** `FIBRA` ×80, `Fibra` ×8 and `fibra` ×4 are one technology: `FIBRA` 92. */
  byTecnologia (): ServicoCounts {
    // Spellings that differ only in Unicode form or padding are one spelling.
    const bySpelling = new Map<string, number>()
    for (const [raw, count] of this.#bySpelling) {
      const spelling = raw.normalize('NFC').trim()
      bySpelling.set(spelling, (bySpelling.get(spelling) ?? 0) + count)
    }
    const groups = new Map<string, { total: number, spelling: string, spellingCount: number }>()
    for (const [spelling, count] of bySpelling) {
      const key = foldTecnologia(spelling)
      const group = groups.get(key)
      if (group === undefined) {
        groups.set(key, { total: count, spelling, spellingCount: count })
        continue
      }
      group.total += count
      if (count > group.spellingCount || (count === group.spellingCount && spelling < group.spelling)) {
        group.spelling = spelling
        group.spellingCount = count
      }
    }
    return frozenCounts(new Map([...groups.values()].map((group) => [group.spelling, group.total])))
  }
}

function frozenCounts (counts: ReadonlyMap<string, number>): ServicoCounts {
  const sorted = [...counts].sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
  // fromEntries defines own properties, so a key such as __proto__ is data like any other.
  return Object.freeze(Object.fromEntries(sorted))
}
