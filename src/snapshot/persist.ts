// The last good snapshot and the time of the last upstream fetch attempt, kept in SNAPSHOT_DIR
// so a restart serves at once and never fetches sooner than REFRESH_MIN_INTERVAL allows, even
// after a crash. Every write is atomic: a temporary file, fsync, rename, fsync of the directory. The
// snapshot file is gzip'd lines: a header, one client per line exactly as HubSoft sent it, and a
// trailer with the count and a SHA-256 of everything before it. A missing file is normal; a
// truncated or corrupt one is renamed aside and reported, never trusted and never fatal.
import { createHash } from 'node:crypto'
import { constants, createReadStream, createWriteStream } from 'node:fs'
import { access, mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import type { UpstreamSourceName } from '../upstream/fetch-clientes.js'
import type { Snapshot, SnapshotMeta } from './snapshot.js'

export const SNAPSHOT_FILE = 'snapshot.ndjson.gz'
export const ATTEMPT_FILE = 'last-attempt.json'
const FORMAT = 'hubsoft-bff-snapshot'
const FORMAT_VERSION = 1
/** Lines are handed to gzip in batches of about this many bytes. */
const WRITE_BATCH_BYTES = 1024 * 1024
/** Clients are handed to the loader's consumer in batches of this many (like upstream pages). */
const READ_BATCH_CLIENTS = 500

/** Receives the persisted clients batch by batch, in file order; a throw makes the file unusable. */
export type ClientesConsumer = (clientes: unknown[]) => Promise<void>

export class SnapshotDirError extends Error {
  override name = 'SnapshotDirError'
}

/** What a load found: nothing, a snapshot's clients, or a file set aside as unusable. */
export type LoadResult =
  | { readonly kind: 'missing' }
  | { readonly kind: 'loaded', readonly clients: number, readonly meta: SnapshotMeta, readonly version: string, readonly bytes: number }
  | { readonly kind: 'corrupt', readonly error: string, readonly setAsideAs: string | null }

export interface SaveResult {
  /** Size of the written (compressed) file. */
  readonly bytes: number
}

interface Header {
  readonly format: typeof FORMAT
  readonly formatVersion: number
  readonly version: string
  readonly fetchedAt: string
  readonly source: UpstreamSourceName
  readonly clients: number
}

interface Trailer {
  readonly end: true
  readonly clients: number
  readonly sha256: string
}

function errorText (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Writes `source` to `dir/name` through a temporary file, fsync'd, renamed, and the directory fsync'd; returns the bytes written. */
async function writeAtomically (dir: string, name: string, source: Readable, signal?: AbortSignal): Promise<number> {
  const path = join(dir, name)
  const temporary = join(dir, `.${name}.${process.pid}.tmp`)
  let bytes = 0
  try {
    // The snapshot holds every customer's personal data and service passwords: owner only.
    const output = createWriteStream(temporary, { flush: true, mode: 0o600 })
    await pipeline(source, async function * count (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        bytes += chunk.length
        yield chunk
      }
    }, output, { signal })
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  const directory = await open(dir, 'r')
  try {
    await directory.sync()
  } finally {
    await directory.close()
  }
  return bytes
}

async function * snapshotLines (snapshot: Snapshot): AsyncGenerator<Buffer> {
  const hash = createHash('sha256')
  const header: Header = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    version: snapshot.version,
    fetchedAt: snapshot.fetchedAt.toISOString(),
    source: snapshot.source,
    clients: snapshot.size
  }
  let batch = `${JSON.stringify(header)}\n`
  for (let position = 0; position < snapshot.size; position++) {
    batch += `${snapshot.clienteJson(position)}\n`
    if (batch.length >= WRITE_BATCH_BYTES) {
      const bytes = Buffer.from(batch)
      hash.update(bytes)
      yield bytes
      batch = ''
    }
  }
  const bytes = Buffer.from(batch)
  hash.update(bytes)
  yield bytes
  const trailer: Trailer = { end: true, clients: snapshot.size, sha256: hash.digest('hex') }
  yield Buffer.from(`${JSON.stringify(trailer)}\n`)
}

function parseHeader (line: string | undefined): Header {
  if (line === undefined) throw new Error('the file is empty')
  const header = JSON.parse(line) as Partial<Header>
  if (header.format !== FORMAT) throw new Error('the file is not a hubsoft-bff snapshot')
  if (header.formatVersion !== FORMAT_VERSION) throw new Error(`unsupported snapshot format version ${String(header.formatVersion)}`)
  if (typeof header.version !== 'string' || typeof header.fetchedAt !== 'string' || Number.isNaN(Date.parse(header.fetchedAt)) ||
    (header.source !== 'todos' && header.source !== 'all') || typeof header.clients !== 'number') {
    throw new Error('the snapshot header is incomplete')
  }
  return header as Header
}

/**
 * Reads and checks a snapshot file, handing its clients to `consume` in batches as it goes (the
 * whole parsed list never exists); any problem throws with a description of it. The consumer
 * must not make a snapshot of what it got until this resolves: the checksum comes last.
 */
async function readSnapshotFile (path: string, size: number, consume: ClientesConsumer): Promise<Extract<LoadResult, { kind: 'loaded' }>> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity })
  const hash = createHash('sha256')
  let batch: unknown[] = []
  let clients = 0
  let header: Header | undefined
  let trailer: Trailer | undefined
  try {
    for await (const line of lines) {
      if (trailer !== undefined) throw new Error('data follows the trailer')
      if (header === undefined) {
        header = parseHeader(line)
        hash.update(`${line}\n`)
      } else if (clients < header.clients) {
        hash.update(`${line}\n`)
        batch.push(JSON.parse(line))
        clients++
        if (batch.length === READ_BATCH_CLIENTS) {
          await consume(batch)
          batch = []
        }
      } else {
        trailer = JSON.parse(line) as Trailer
      }
    }
  } finally {
    lines.close()
  }
  if (header === undefined) throw new Error('the file is empty')
  if (batch.length > 0) await consume(batch)
  if (trailer?.end !== true) throw new Error(`the file ends after ${clients} of ${header.clients} clients without its trailer (truncated)`)
  if (trailer.clients !== clients || trailer.sha256 !== hash.digest('hex')) throw new Error('the checksum does not match the content')
  return {
    kind: 'loaded',
    clients,
    meta: { fetchedAt: new Date(header.fetchedAt), source: header.source },
    version: header.version,
    bytes: size
  }
}

export class SnapshotStore {
  readonly dir: string
  readonly #now: () => number

  constructor (dir: string, now: () => number = Date.now) {
    this.dir = dir
    this.#now = now
  }

  /** Creates SNAPSHOT_DIR if needed and checks it is writable; a start-up failure names it. */
  async prepare (): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 })
      await access(this.dir, constants.W_OK)
    } catch (error) {
      throw new SnapshotDirError(`SNAPSHOT_DIR='${this.dir}' is not a writable directory (${errorText(error)}): it must hold the snapshot and the time of the last fetch`)
    }
  }

  /**
   * When the last fetch attempt started, or null when none is recorded. A record that cannot be
   * read falls back to the file's modification time: being unsure must never allow an early fetch.
   */
  async readAttempt (): Promise<Date | null> {
    const path = join(this.dir, ATTEMPT_FILE)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    let at = NaN
    try {
      at = Date.parse((JSON.parse(text) as { last_attempt_at?: string }).last_attempt_at ?? '')
    } catch {}
    if (!Number.isNaN(at)) return new Date(Math.min(at, this.#now()))
    return new Date(Math.min((await stat(path)).mtimeMs, this.#now()))
  }

  async writeAttempt (at: Date): Promise<void> {
    await writeAtomically(this.dir, ATTEMPT_FILE, Readable.from([Buffer.from(`${JSON.stringify({ last_attempt_at: at.toISOString() })}\n`)]))
  }

  /** Forgets the recorded attempt (one that provably never reached HubSoft, when none came before it). */
  async clearAttempt (): Promise<void> {
    await rm(join(this.dir, ATTEMPT_FILE), { force: true })
  }

  async save (snapshot: Snapshot, signal?: AbortSignal): Promise<SaveResult> {
    return { bytes: await writeAtomically(this.dir, SNAPSHOT_FILE, Readable.from(snapshotLines(snapshot)).pipe(createGzip({ level: 6 })), signal) }
  }

  /**
   * Loads the persisted snapshot, handing its clients to `consume`; an unusable file (damaged,
   * or refused by the consumer) is renamed aside, never deleted.
   */
  async load (consume: ClientesConsumer): Promise<LoadResult> {
    const path = join(this.dir, SNAPSHOT_FILE)
    let size: number
    try {
      size = (await stat(path)).size
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' }
      return { kind: 'corrupt', error: `cannot read ${path}: ${errorText(error)}`, setAsideAs: null }
    }
    try {
      return await readSnapshotFile(path, size, consume)
    } catch (error) {
      return { kind: 'corrupt', error: errorText(error), setAsideAs: await this.#setAside(path) }
    }
  }

  /** Renames an unusable snapshot file to `<name>.corrupt-<time>`, kept for inspection. */
  async #setAside (path: string): Promise<string | null> {
    const target = `${path}.corrupt-${new Date(this.#now()).toISOString().replaceAll(':', '-')}`
    try {
      await rename(path, target)
      return target
    } catch {
      return null
    }
  }
}
