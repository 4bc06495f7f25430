// Maps from byte strings to values built from them, for keys that repeat from line to line and
// from request to request: series keys, field keys and short string values. A hit costs one hash
// and one byte comparison instead of UTF-8 decoding, un-escaping and building objects. Both read
// four bytes at a time through DataViews. Entries own a copy of their bytes, so a map outlives the
// bodies it was filled from. A map that reaches its size cap is emptied and starts again (cheap,
// and bounded whatever the key cardinality).

/** A hash of `b[start, end)` (read through `view`, a DataView of the same bytes), 30 bits. */
export function hashBytes(view: DataView, b: Uint8Array, start: number, end: number): number {
  let h = (end - start) ^ 0x811c9dc5
  let i = start
  for (; i + 4 <= end; i += 4) {
    h = Math.imul(h ^ view.getUint32(i, true), 0x5bd1e995)
    h ^= h >>> 15
  }
  for (; i < end; i++) h = Math.imul(h ^ (b[i] ?? 0), 0x01000193)
  h = Math.imul(h ^ (h >>> 13), 0x5bd1e995)
  return (h ^ (h >>> 15)) & 0x3fffffff
}

/** Whether `b[start, end)` (with DataView `view`) holds the same bytes as `other`. */
export function sameBytes(
  view: DataView,
  b: Uint8Array,
  start: number,
  end: number,
  other: DataView,
): boolean {
  const len = end - start
  if (other.byteLength !== len) return false
  let i = 0
  for (; i + 4 <= len; i += 4) if (view.getUint32(start + i) !== other.getUint32(i)) return false
  for (; i < len; i++) if (b[start + i] !== other.getUint8(i)) return false
  return true
}

/** A DataView over a copy of `b[start, end)`, to key a ByteMap entry. */
export function copyBytes(b: Uint8Array, start: number, end: number): DataView {
  // Not b.slice(): on a Buffer, slice() is a view of the same memory, not a copy.
  const copy = new Uint8Array(end - start)
  copy.set(b.subarray(start, end))
  return new DataView(copy.buffer)
}

/** Values keyed by byte strings, in an open-addressing hash table. Not concurrent. */
export class ByteMap<T> {
  readonly #maxEntries: number
  /** Entry index + 1 per slot, 0 for an empty slot; the length is a power of two. */
  #slots = new Int32Array(64)
  #hashes: number[] = []
  #keys: DataView[] = []
  #values: T[] = []

  /** Creates an empty map that holds at most `maxEntries` values. */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries
  }

  /** The value stored for bytes equal to `b[start, end)`, whose hashBytes is `hash`. */
  get(view: DataView, b: Uint8Array, start: number, end: number, hash: number): T | undefined {
    const slots = this.#slots
    const mask = slots.length - 1
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const e = (slots[i] ?? 0) - 1
      if (e < 0) return undefined
      const key = this.#keys[e]
      if (this.#hashes[e] === hash && key !== undefined && sameBytes(view, b, start, end, key)) {
        return this.#values[e]
      }
    }
  }

  /** Stores `value` for `bytes` (see copyBytes) with hash `hash`; empties the map when full. */
  set(bytes: DataView, hash: number, value: T): void {
    if (this.#keys.length >= this.#maxEntries) {
      this.#slots = new Int32Array(64)
      this.#hashes = []
      this.#keys = []
      this.#values = []
    }
    const e = this.#keys.length
    this.#hashes.push(hash)
    this.#keys.push(bytes)
    this.#values.push(value)
    if ((e + 1) * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2)
    else this.#place(this.#slots, hash, e)
  }

  #place(slots: Int32Array, hash: number, e: number): void {
    const mask = slots.length - 1
    let i = hash & mask
    while (slots[i] !== 0) i = (i + 1) & mask
    slots[i] = e + 1
  }

  #rehash(size: number): void {
    const slots = new Int32Array(size)
    for (let e = 0; e < this.#hashes.length; e++) this.#place(slots, this.#hashes[e] ?? 0, e)
    this.#slots = slots
  }
}
