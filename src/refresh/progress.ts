// How far a running refresh has got: pages done out of HubSoft's announced ultima_pagina, clients
// and bytes so far, and an estimate of the end from the pace so far. /status shows it, the status
// page draws it as a bar, and the log gets a line every tenth of the pages or every 10 s, so a
// first fetch of a large list is never a silent wait between "refresh started" and its end.

/** What /status reports while a refresh runs. */
export interface RefreshProgress {
  readonly startedAt: Date
  readonly pagesDone: number
  /** ultima_pagina + 1 as the newest page announced it; null while unknown (cliente/all pages by limit). */
  readonly pagesTotal: number | null
  readonly clients: number
  readonly bytes: number
  /** From the pace so far; null until a page is done and the total is known. */
  readonly estimatedEndAt: Date | null
}

/** A progress line at least this often, even when the total is unknown or pages are slow. */
export const PROGRESS_LOG_INTERVAL_MS = 10_000
/** A progress line at each of these fractions of the pages. */
const PROGRESS_LOG_STEPS = 10

export class ProgressTracker {
  readonly #startedAt: number
  readonly #now: () => number
  #pagesDone = 0
  #pagesTotal: number | null = null
  #clients = 0
  #bytes = 0
  #loggedStep = 0
  #loggedAt: number

  constructor (startedAt: number, now: () => number) {
    this.#startedAt = startedAt
    this.#now = now
    this.#loggedAt = startedAt
  }

  /** Counts one page; true when this page deserves a progress line (a new tenth, or 10 s since the last). */
  page (clients: number, bytes: number, pagesTotal: number | null): boolean {
    this.#pagesDone++
    this.#clients += clients
    this.#bytes += bytes
    if (pagesTotal !== null) this.#pagesTotal = Math.max(pagesTotal, this.#pagesDone)
    const now = this.#now()
    const step = this.#pagesTotal === null ? 0 : Math.floor(this.#pagesDone * PROGRESS_LOG_STEPS / this.#pagesTotal)
    // The last page is left to the "refresh finished" line.
    const last = this.#pagesTotal !== null && this.#pagesDone >= this.#pagesTotal
    if (!last && (step > this.#loggedStep || now - this.#loggedAt >= PROGRESS_LOG_INTERVAL_MS)) {
      this.#loggedStep = step
      this.#loggedAt = now
      return true
    }
    return false
  }

  get current (): RefreshProgress {
    const elapsedMs = this.#now() - this.#startedAt
    const total = this.#pagesTotal
    return {
      startedAt: new Date(this.#startedAt),
      pagesDone: this.#pagesDone,
      pagesTotal: total,
      clients: this.#clients,
      bytes: this.#bytes,
      estimatedEndAt: total === null || this.#pagesDone === 0 ? null : new Date(this.#startedAt + Math.round(elapsedMs * total / this.#pagesDone))
    }
  }
}
