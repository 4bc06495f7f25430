// Buffers of one size kept for reuse. A fresh megabyte costs page faults on first touch, and every
// one counts towards V8's external memory, whose growth triggers full garbage collections of the
// whole heap: streaming a 100 MB archive through fresh 1 MiB buffers cost the server ~30% of its
// main thread in such collections. A buffer comes back only when its last user is done with it.

import { Buffer } from 'node:buffer'

/** A free list of equal-sized buffers; `give` takes back only buffers this pool lent. */
export class BufferPool {
  readonly size: number
  readonly #keep: number
  readonly #free: Buffer[] = []
  readonly #lent = new WeakSet<ArrayBufferLike>()

  /** Buffers of `size` bytes; at most `keep` are kept free. */
  constructor(size: number, keep: number) {
    this.size = size
    this.#keep = keep
  }

  /** A buffer of `size` bytes (contents undefined): a free one, or a new one. */
  take(): Buffer {
    const b = this.#free.pop() ?? Buffer.allocUnsafeSlow(this.size)
    this.#lent.add(b.buffer)
    return b
  }

  /**
   * Takes back the buffer that `view` (the whole buffer or a part of it) was lent from. Anything
   * not lent by this pool, or given back already, is ignored, so a caller cannot free a buffer
   * twice.
   */
  give(view: Uint8Array): void {
    if (!this.#lent.delete(view.buffer)) return
    if (this.#free.length < this.#keep) this.#free.push(Buffer.from(view.buffer, 0, this.size))
  }
}
