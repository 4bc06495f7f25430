// A pull reader over a stream of byte chunks (a gunzip output, a file), for the tar reader: read
// exactly N bytes, or stream N bytes through in pieces without copying them together. It counts
// every byte it hands out, so callers can name offsets in the stream.

import { Buffer } from 'node:buffer'

/** Reads an async stream of chunks in exact sizes. Not safe for concurrent calls. */
export class ByteSource {
  readonly #it: AsyncIterator<Uint8Array>
  #chunk: Buffer = Buffer.alloc(0)
  #pos = 0
  #done = false
  #position = 0

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]()
  }

  /** Bytes handed out so far (the offset of the next byte). */
  get position(): number {
    return this.#position
  }

  async #fill(): Promise<boolean> {
    while (this.#pos >= this.#chunk.length) {
      if (this.#done) return false
      const r = await this.#it.next()
      if (r.done === true) {
        this.#done = true
        return false
      }
      const c = r.value
      this.#chunk = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength)
      this.#pos = 0
    }
    return true
  }

  /**
   * Reads exactly `n` bytes. Returns fewer (possibly none) only when the stream ends first; the
   * caller tells a clean end from a truncation by the length.
   */
  async read(n: number): Promise<Buffer> {
    if (!(await this.#fill())) return Buffer.alloc(0)
    const available = this.#chunk.length - this.#pos
    if (available >= n) {
      const out = this.#chunk.subarray(this.#pos, this.#pos + n)
      this.#pos += n
      this.#position += n
      return out
    }
    const out = Buffer.allocUnsafe(n)
    let got = 0
    while (got < n && (await this.#fill())) {
      const take = Math.min(n - got, this.#chunk.length - this.#pos)
      this.#chunk.copy(out, got, this.#pos, this.#pos + take)
      this.#pos += take
      got += take
      this.#position += take
    }
    return got === n ? out : out.subarray(0, got)
  }

  /**
   * Yields the next `n` bytes in pieces (views into the source chunks; copy them to keep them).
   * If the stream ends first: throws `short()` when given (a consumer that needs all `n` bytes
   * reads them straight from here, with no generator of its own in between), else stops early
   * and the consumer checks `position`.
   */
  async *take(n: number, short?: () => Error): AsyncGenerator<Buffer> {
    let left = n
    while (left > 0) {
      if (!(await this.#fill())) {
        if (short !== undefined) throw short()
        return
      }
      const take = Math.min(left, this.#chunk.length - this.#pos)
      const piece = this.#chunk.subarray(this.#pos, this.#pos + take)
      this.#pos += take
      left -= take
      this.#position += take
      yield piece
    }
  }

  /** Skips `n` bytes; returns how many were skipped (fewer at the end of the stream). */
  async skip(n: number): Promise<number> {
    let skipped = 0
    for await (const piece of this.take(n)) skipped += piece.length
    return skipped
  }

  /** Yields every remaining byte, in pieces. */
  async *rest(): AsyncGenerator<Buffer> {
    while (await this.#fill()) {
      const piece = this.#chunk.subarray(this.#pos)
      this.#pos = this.#chunk.length
      this.#position += piece.length
      yield piece
    }
  }
}
