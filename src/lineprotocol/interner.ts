// Maps from byte strings to values built from them, for keys that repeat from line to line and
// from request to request: series keys, field keys and short string values. A hit costs one hash
// and one byte comparison instead of UTF-8 decoding, un-escaping and building objects. Entries own
// a copy of their bytes, so a map outlives the bodies it was filled from. A map that reaches its
// size cap is emptied and starts again (cheap, and bounded whatever the key cardinality).

interface Entry<T> {
  readonly bytes: Uint8Array
  readonly value: T
  readonly next: Entry<T> | undefined
}

/** FNV-1a over `b[start, end)`, folded to 30 bits so it stays a small integer in V8. */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) h = Math.imul(h ^ (b[i] ?? 0), 0x01000193)
  return (h ^ (h >>> 30)) & 0x3fffffff
}

/** Values keyed by byte strings. Not concurrent. */
export class ByteMap<T> {
  readonly #buckets = new Map<number, Entry<T>>()
  readonly #maxEntries: number
  #size = 0

  /** Creates an empty map that holds at most `maxEntries` values. */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries
  }

  /** The value stored for bytes equal to `b[start, end)`, whose hashBytes is `hash`. */
  get(b: Uint8Array, start: number, end: number, hash: number): T | undefined {
    const len = end - start
    for (let e = this.#buckets.get(hash); e !== undefined; e = e.next) {
      const bytes = e.bytes
      if (bytes.length !== len) continue
      let i = len - 1
      while (i >= 0 && b[start + i] === bytes[i]) i--
      if (i < 0) return e.value
    }
    return undefined
  }

  /** Stores `value` for the bytes `b[start, end)` (copied); empties the map first when full. */
  set(b: Uint8Array, start: number, end: number, hash: number, value: T): void {
    if (this.#size >= this.#maxEntries) {
      this.#buckets.clear()
      this.#size = 0
    }
    this.#size++
    this.#buckets.set(hash, { bytes: b.slice(start, end), value, next: this.#buckets.get(hash) })
  }
}
