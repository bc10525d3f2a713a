// Append-only storage for many small byte strings in a few large buffers: 100 000 clients'
// prepared bytes cost one Buffer object per few MiB instead of one per client, and a client's
// bytes are read back as a view (no copy).

const CHUNK_BYTES = 4 * 1024 * 1024
const EMPTY = Buffer.alloc(0)

export class ByteSlab {
  readonly #chunks: Buffer[] = []
  #current: Buffer | null = null
  #used = 0
  #bytes = 0

  /** Stores the UTF-8 of `text`; returns its address for `read`. */
  append (text: string): number {
    const length = Buffer.byteLength(text)
    if (this.#current === null || this.#used + length > this.#current.length) {
      this.#current = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, length))
      this.#chunks.push(this.#current)
      this.#used = 0
    }
    const address = (this.#chunks.length - 1) * 2 ** 32 + this.#used
    this.#used += this.#current.write(text, this.#used)
    this.#bytes += length
    return address
  }

  /** A view of `length` bytes stored at `address`. */
  read (address: number, length: number): Buffer {
    if (length === 0) return EMPTY
    const chunk = this.#chunks[Math.floor(address / 2 ** 32)]!
    const offset = address % 2 ** 32
    return chunk.subarray(offset, offset + length)
  }

  /** Bytes stored (not counting the unused tail of each chunk). */
  get bytes (): number {
    return this.#bytes
  }
}
