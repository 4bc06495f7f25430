// A cache from byte ranges of one request body to values built from them. The parser uses it for
// series keys and field keys, which repeat from line to line: a hit costs one hash and one byte
// comparison instead of UTF-8 decoding, un-escaping and building tag objects. It lives for one
// parsePoints call (its entries point into that call's body) and stops growing at a size cap.

interface Entry<T> {
  readonly start: number
  readonly end: number
  readonly value: T
  readonly next: Entry<T> | undefined
}

/** FNV-1a over `b[start, end)`, folded to 30 bits so it stays a small integer in V8. */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) h = Math.imul(h ^ (b[i] ?? 0), 0x01000193)
  return (h ^ (h >>> 30)) & 0x3fffffff
}

/**
 * Values keyed by byte ranges of one body. Not safe to share between bodies; not concurrent.
 */
export class ByteInterner<T> {
  readonly #body: Uint8Array
  readonly #buckets = new Map<number, Entry<T>>()
  readonly #maxEntries: number
  #size = 0

  /** Creates an empty cache over `body` holding at most `maxEntries` values. */
  constructor(body: Uint8Array, maxEntries: number) {
    this.#body = body
    this.#maxEntries = maxEntries
  }

  /** The value stored for bytes equal to `body[start, end)`, whose hash is `hash`. */
  get(start: number, end: number, hash: number): T | undefined {
    const b = this.#body
    const len = end - start
    for (let e = this.#buckets.get(hash); e !== undefined; e = e.next) {
      if (e.end - e.start !== len) continue
      let i = len - 1
      const d = e.start - start
      while (i >= 0 && b[start + i] === b[start + i + d]) i--
      if (i < 0) return e.value
    }
    return undefined
  }

  /** Stores `value` for the bytes `body[start, end)` unless the cache is full. */
  set(start: number, end: number, hash: number, value: T): void {
    if (this.#size >= this.#maxEntries) return
    this.#size++
    this.#buckets.set(hash, { start, end, value, next: this.#buckets.get(hash) })
  }
}
