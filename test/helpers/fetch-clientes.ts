// One full walk collected into a list, for tests that check what a walk returns; the service
// itself hands each page to the snapshot builder and keeps nothing (fetchClientPages).
import { fetchClientPages } from '../../src/upstream/fetch-clientes.js'
import type { FetchClientesOptions, FetchPagesResult } from '../../src/upstream/fetch-clientes.js'
import type { HubsoftClient } from '../../src/upstream/hubsoft-client.js'

export interface FetchClientesResult extends FetchPagesResult {
  /** Unique by id_cliente (the last copy seen), in the order first seen. */
  readonly clientes: unknown[]
}

export async function fetchClientes (client: HubsoftClient, options: FetchClientesOptions): Promise<FetchClientesResult> {
  const byId = new Map<number, unknown>()
  const result = await fetchClientPages(client, options, async (clientes) => {
    for (const cliente of clientes) byId.set((cliente as { id_cliente: number }).id_cliente, cliente)
  })
  return { ...result, clientes: [...byId.values()] }
}
