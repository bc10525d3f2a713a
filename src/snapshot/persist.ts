// The last good snapshot and the time of the last upstream fetch attempt, kept in SNAPSHOT_DIR
// so a restart serves at once and never fetches sooner than REFRESH_MIN_INTERVAL allows, even
// after a crash. Every write is atomic: a temporary file, fsync, rename, fsync of the directory. The
// snapshot file is gzip'd lines: a header, one client per line exactly as HubSoft sent it, and a
// trailer with the count and a SHA-256 of everything before it. A missing file is normal; a
// truncated or corrupt one is renamed aside and reported, never trusted and never fatal.
// The directory holds every customer's data, so nothing in it is taken on trust: it is made
// owner-only, files are read only when they are regular files (a FIFO would hang start-up)
// with lines of bounded length, and temporary files are created exclusively, never through a
// link planted at their name, and swept at start when a crash left them behind.
import { createHash, randomBytes } from 'node:crypto'
import { constants, createReadStream, createWriteStream } from 'node:fs'
import { access, chmod, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
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
/** The attempt record is one short JSON line; anything longer is not ours. */
const ATTEMPT_FILE_MAX_BYTES = 4096
/** `.<name>.<pid>.<random>.tmp` as writeAtomically names them (`.<name>.<pid>.tmp` before). */
const TEMPORARY_FILE = /^\.(?:snapshot\.ndjson\.gz|last-attempt\.json)\.\d+(?:\.[0-9a-f]+)?\.tmp$/
/** Created only if absent, never through a symbolic link at its name. */
const EXCLUSIVE_WRITE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
/** Opening a FIFO for reading blocks until a writer comes; O_NONBLOCK lets fstat refuse it first. */
const SAFE_READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

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

/**
 * Opens a file of SNAPSHOT_DIR for reading if it is a regular file (not a link, FIFO, device or
 * directory); null when it does not exist.
 */
async function openRegularFile (path: string): Promise<{ handle: FileHandle, size: number, mtimeMs: number } | null> {
  let handle: FileHandle
  try {
    handle = await open(path, SAFE_READ)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'ELOOP') throw new Error(`${path} is a symbolic link, not a regular file`)
    throw error
  }
  const stats = await handle.stat()
  if (!stats.isFile()) {
    await handle.close()
    throw new Error(`${path} is not a regular file`)
  }
  return { handle, size: stats.size, mtimeMs: stats.mtimeMs }
}

/**
 * Splits a byte stream into lines, refusing one longer than `maxLineBytes` before it is held
 * whole (readline would grow it until the process dies).
 */
export async function * boundedLines (chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<string> {
  let pending: Buffer[] = []
  let pendingBytes = 0
  const tooLong = () => new Error(`a line is longer than ${maxLineBytes} bytes (HUBSOFT_MAX_RESPONSE_MB): no client can be that large`)
  for await (const chunk of chunks) {
    let start = 0
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      if (pendingBytes + newline - start > maxLineBytes) throw tooLong()
      const tail = chunk.subarray(start, newline)
      yield (pendingBytes === 0 ? tail : Buffer.concat([...pending, tail])).toString('utf8')
      pending = []
      pendingBytes = 0
      start = newline + 1
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start
      if (pendingBytes > maxLineBytes) throw tooLong()
      pending.push(chunk.subarray(start))
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8')
}

/** Writes `source` to `dir/name` through a temporary file, fsync'd, renamed, and the directory fsync'd; returns the bytes written. */
async function writeAtomically (dir: string, name: string, source: Readable, signal?: AbortSignal): Promise<number> {
  const path = join(dir, name)
  // A fresh name each time, created exclusively: a file or link already there (planted, or
  // left by a crash of a process with the same pid, as in a container) is never written through.
  const temporary = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  let bytes = 0
  let created = false
  try {
    // The snapshot holds every customer's personal data and service passwords: owner only.
    const handle = await open(temporary, EXCLUSIVE_WRITE, 0o600)
    created = true
    const output = createWriteStream('', { fd: handle, flush: true })
    await pipeline(source, async function * count (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        bytes += chunk.length
        yield chunk
      }
    }, output, { signal })
    await rename(temporary, path)
  } catch (error) {
    if (created) await unlink(temporary).catch(() => undefined)
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

/**
 * One line of the file, parsed. V8's SyntaxError quotes the text around the fault, which in
 * this file is a customer's data (a CPF, a password): the error names only the line.
 */
function parseLine (line: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line)
  } catch (error) {
    if (error instanceof SyntaxError) throw new Error(`line ${lineNumber} is not valid JSON`)
    throw error
  }
}

/** The snapshot as SNAPSHOT_DIR holds it (gzip'd lines with their checksummed trailer), as a stream. */
export function persistedForm (snapshot: Snapshot): Readable {
  return Readable.from(snapshotLines(snapshot)).pipe(createGzip({ level: 6 }))
}

function parseHeader (line: string | undefined): Header {
  if (line === undefined) throw new Error('the file is empty')
  const header = parseLine(line, 1) as Partial<Header>
  if (header.format !== FORMAT) throw new Error('the file is not a hubsoft-bff snapshot')
  if (header.formatVersion !== FORMAT_VERSION) throw new Error(`unsupported snapshot format version ${String(header.formatVersion)}`)
  if (typeof header.version !== 'string' || typeof header.fetchedAt !== 'string' || Number.isNaN(Date.parse(header.fetchedAt)) ||
    (header.source !== 'todos' && header.source !== 'all') || typeof header.clients !== 'number') {
    throw new Error('the snapshot header is incomplete')
  }
  return header as Header
}

/** The longest line read back by default: the default HUBSOFT_MAX_RESPONSE_MB, since no client is larger than one upstream answer. */
const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024

/**
 * Reads and checks a snapshot file, handing its clients to `consume` in batches as it goes (the
 * whole parsed list never exists); any problem throws with a description of it. The consumer
 * must not make a snapshot of what it got until this resolves: the checksum comes last.
 */
async function readSnapshotFile (handle: FileHandle, size: number, maxLineBytes: number, consume: ClientesConsumer): Promise<Extract<LoadResult, { kind: 'loaded' }>> {
  return await readSnapshotStream(createReadStream('', { fd: handle }), size, consume, maxLineBytes)
}

/** Like readSnapshotFile, from any stream of the persisted (gzip'd) form: the fleet's copy in Redis is one. */
export async function readSnapshotStream (input: Readable, size: number, consume: ClientesConsumer, maxLineBytes = DEFAULT_MAX_LINE_BYTES): Promise<Extract<LoadResult, { kind: 'loaded' }>> {
  const gunzip = createGunzip()
  // A source that fails (a chunk missing in Redis) fails the read like damage does.
  input.once('error', (error) => gunzip.destroy(error))
  const lines = boundedLines(input.pipe(gunzip), maxLineBytes)
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
        batch.push(parseLine(line, clients + 2))
        clients++
        if (batch.length === READ_BATCH_CLIENTS) {
          await consume(batch)
          batch = []
        }
      } else {
        trailer = parseLine(line, clients + 2) as Trailer
      }
    }
  } finally {
    // Destroying the file stream closes the handle.
    gunzip.destroy()
    input.destroy()
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
  readonly #maxLineBytes: number

  /** `maxLineBytes` bounds one client's line: no client is larger than one upstream answer. */
  constructor (dir: string, now: () => number = Date.now, maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    this.dir = dir
    this.#now = now
    this.#maxLineBytes = maxLineBytes
  }

  /**
   * Creates SNAPSHOT_DIR if needed, makes it owner-only (an existing 0755 directory would let
   * any local user list and read what it holds), checks it is writable, and removes the
   * temporary files a crash mid-write left (each a full copy of the data). A failure names it.
   */
  async prepare (): Promise<{ readonly staleRemoved: number }> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 })
      const stats = await stat(this.dir)
      if (!stats.isDirectory()) throw new Error('not a directory')
      if ((stats.mode & 0o077) !== 0) await chmod(this.dir, 0o700)
      await access(this.dir, constants.W_OK)
    } catch (error) {
      throw new SnapshotDirError(`SNAPSHOT_DIR='${this.dir}' is not a writable directory this user can make owner-only (${errorText(error)}): it must hold the snapshot and the time of the last fetch`)
    }
    let staleRemoved = 0
    for (const name of await readdir(this.dir)) {
      if (!TEMPORARY_FILE.test(name)) continue
      await unlink(join(this.dir, name))
      staleRemoved++
    }
    return { staleRemoved }
  }

  /**
   * When the last fetch attempt started, or null when none is recorded. A record that cannot be
   * read falls back to the file's modification time: being unsure must never allow an early fetch.
   */
  async readAttempt (): Promise<Date | null> {
    const file = await openRegularFile(join(this.dir, ATTEMPT_FILE))
    if (file === null) return null
    let at = NaN
    try {
      const text = file.size > ATTEMPT_FILE_MAX_BYTES ? '' : await file.handle.readFile('utf8')
      at = Date.parse((JSON.parse(text) as { last_attempt_at?: string }).last_attempt_at ?? '')
    } catch {
    } finally {
      await file.handle.close()
    }
    return new Date(Math.min(Number.isNaN(at) ? file.mtimeMs : at, this.#now()))
  }

  async writeAttempt (at: Date): Promise<void> {
    await writeAtomically(this.dir, ATTEMPT_FILE, Readable.from([Buffer.from(`${JSON.stringify({ last_attempt_at: at.toISOString() })}\n`)]))
  }

  /** Forgets the recorded attempt (one that provably never reached HubSoft, when none came before it). */
  async clearAttempt (): Promise<void> {
    await rm(join(this.dir, ATTEMPT_FILE), { force: true })
  }

  async save (snapshot: Snapshot, signal?: AbortSignal): Promise<SaveResult> {
    return { bytes: await writeAtomically(this.dir, SNAPSHOT_FILE, persistedForm(snapshot), signal) }
  }

  /**
   * Loads the persisted snapshot, handing its clients to `consume`; an unusable file (damaged,
   * or refused by the consumer) is renamed aside, never deleted.
   */
  async load (consume: ClientesConsumer): Promise<LoadResult> {
    const path = join(this.dir, SNAPSHOT_FILE)
    try {
      const file = await openRegularFile(path)
      if (file === null) return { kind: 'missing' }
      return await readSnapshotFile(file.handle, file.size, this.#maxLineBytes, consume)
    } catch (error) {
      return { kind: 'corrupt', error: errorText(error), setAsideAs: await this.setAside() }
    }
  }

  /**
   * Renames an unusable snapshot file (whatever it is: a damaged file, a FIFO, a link) to
   * `<name>.corrupt-<time>`, kept for inspection; null when it cannot be moved.
   */
  async setAside (): Promise<string | null> {
    const path = join(this.dir, SNAPSHOT_FILE)
    const target = `${path}.corrupt-${new Date(this.#now()).toISOString().replaceAll(':', '-')}`
    try {
      await rename(path, target)
      return target
    } catch {
      return null
    }
  }
}
