// A snapshot built from one list of clients in one go, for tests; the service builds page by
// page as a walk arrives (refresh/) or as a persisted file is read.
import { SnapshotBuilder } from '../../src/snapshot/snapshot.js'
import type { Snapshot, SnapshotMeta } from '../../src/snapshot/snapshot.js'

/** A repeated id_cliente is rejected, as when loading a persisted file. */
export async function buildSnapshot (input: readonly unknown[], meta: SnapshotMeta): Promise<Snapshot> {
  const builder = new SnapshotBuilder()
  await builder.addPage(input, 'reject')
  return await builder.finish(meta)
}
