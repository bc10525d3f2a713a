// Append-only storage for many small byte strings in a few large buffers: 100 000 clients'
// prepared bytes cost one Buffer object per few MiB instead of one per client, and a client's
// bytes are read back as a view (no copy). A slab may also adopt bytes another slab holds,
// sharing their memory: a refresh that brings mostly unchanged clients then costs little more
// than the changes while both snapshots are alive.

const CHUNK_BYTES = 4 * 1024 * 1024
const EMPTY = Buffer.alloc(0)
/** An address is chunk index × 2³² + offset in the chunk. */
const CHUNK_SPAN = 2 ** 32
/** How many bytes were written into each chunk, whichever slab wrote them. */
const filledBytes = new WeakMap<Buffer, number>()

export class ByteSlab {
  readonly #chunks: Buffer[] = []
  /** The index in #chunks of each chunk adopted from another slab. */
  readonly #adopted = new Map<Buffer, number>()
  /** Bytes adopted from each adopted chunk, by its index in #chunks. */
  readonly #adoptedBytes = new Map<number, number>()
  #current: Buffer | null = null
  #currentIndex = -1
  #used = 0
  #bytes = 0

  /** Stores the UTF-8 of `text` (or the bytes); returns its address for `read`. */
  append (content: string | Buffer): number {
    const length = typeof content === 'string' ? Buffer.byteLength(content) : content.length
    if (this.#current === null || this.#used + length > this.#current.length) {
      this.#current = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, length))
      this.#currentIndex = this.#chunks.push(this.#current) - 1
      this.#used = 0
    }
    const address = this.#currentIndex * CHUNK_SPAN + this.#used
    this.#used += typeof content === 'string' ? this.#current.write(content, this.#used) : content.copy(this.#current, this.#used)
    filledBytes.set(this.#current, this.#used)
    this.#bytes += length
    return address
  }

  /** A view of `length` bytes stored at `address`. */
  read (address: number, length: number): Buffer {
    if (length === 0) return EMPTY
    const chunk = this.#chunks[Math.floor(address / CHUNK_SPAN)]!
    const offset = address % CHUNK_SPAN
    return chunk.subarray(offset, offset + length)
  }

  /** Whether two addresses lie in the same chunk (so the bytes between them are contiguous). */
  sameChunk (first: number, second: number): boolean {
    return Math.floor(first / CHUNK_SPAN) === Math.floor(second / CHUNK_SPAN)
  }

  /** Whether the bytes at `address` are the UTF-8 of `text`. */
  holds (address: number, length: number, text: string): boolean {
    return Buffer.byteLength(text) === length && this.read(address, length).toString() === text
  }

  /** Shares `length` bytes that `from` holds at `address` (no copy); returns their address here. */
  adopt (from: ByteSlab, address: number, length: number): number {
    const chunk = from.#chunks[Math.floor(address / CHUNK_SPAN)]!
    let index = this.#adopted.get(chunk)
    if (index === undefined) {
      index = this.#chunks.push(chunk) - 1
      this.#adopted.set(chunk, index)
    }
    this.#adoptedBytes.set(index, (this.#adoptedBytes.get(index) ?? 0) + length)
    this.#bytes += length
    return index * CHUNK_SPAN + address % CHUNK_SPAN
  }

  /**
   * Whether `address` lies in an adopted chunk this slab uses for less than half of its bytes.
   * Keeping such a chunk alive for a few clients would pile up the dead bytes of changed
   * clients refresh after refresh: its bytes are copied (`copyOwn`) and it is released.
   */
  isSparse (address: number): boolean {
    const index = Math.floor(address / CHUNK_SPAN)
    const used = this.#adoptedBytes.get(index)
    return used !== undefined && used < (filledBytes.get(this.#chunks[index]!) ?? 0) / 2
  }

  /** Copies bytes held at `address` into this slab's own chunks; returns their new address. */
  copyOwn (address: number, length: number): number {
    this.#bytes -= length
    return this.append(this.read(address, length))
  }

  /** Drops the sparse adopted chunks, once every address into them has been copied. */
  releaseSparse (): void {
    for (const [index, used] of this.#adoptedBytes) {
      const chunk = this.#chunks[index]!
      if (used >= (filledBytes.get(chunk) ?? 0) / 2) continue
      this.#adopted.delete(chunk)
      this.#adoptedBytes.delete(index)
      this.#chunks[index] = EMPTY
    }
  }

  /** Gives back the unused tail of the chunk being filled (up to 4 MiB); later appends start a new chunk. */
  trim (): void {
    if (this.#current === null || this.#used === this.#current.length) return
    const trimmed = Buffer.allocUnsafeSlow(this.#used)
    this.#current.copy(trimmed, 0, 0, this.#used)
    filledBytes.set(trimmed, this.#used)
    this.#chunks[this.#currentIndex] = trimmed
    this.#current = trimmed
  }

  /** Bytes stored or adopted (not counting the unused tail of each chunk). */
  get bytes (): number {
    return this.#bytes
  }
}
