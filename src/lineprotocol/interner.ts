// Maps from byte strings to values built from them, for keys that repeat from line to line and
// from request to request: series keys, field keys and short string values. A hit costs one hash
// and one byte comparison instead of UTF-8 decoding, un-escaping and building objects; both read
// four bytes at a time through DataViews. Entries own a copy of their bytes, kept in large shared
// chunks (a key of its own ArrayBuffer would cost an off-heap allocation), so a map outlives the
// bodies it was filled from. A map that reaches its size cap is emptied and starts again (cheap,
// and bounded whatever the key cardinality).

/** A copy of some key bytes: `length` bytes at `offset` in the chunk `view`. */
export interface KeyBytes {
  readonly view: DataView
  readonly offset: number
  readonly length: number
}

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

/** Whether `b[start, end)` (with DataView `view`) holds the same bytes as `key`. */
export function sameBytes(
  view: DataView,
  b: Uint8Array,
  start: number,
  end: number,
  key: KeyBytes,
): boolean {
  const len = end - start
  if (key.length !== len) return false
  const other = key.view
  const at = key.offset
  let i = 0
  for (; i + 4 <= len; i += 4)
    if (view.getUint32(start + i) !== other.getUint32(at + i)) return false
  for (; i < len; i++) if (b[start + i] !== other.getUint8(at + i)) return false
  return true
}

/** The size of a chunk of key bytes. */
const CHUNK_BYTES = 64 * 1024
/** The initial table size: room for 512 keys before the first rehash. */
const INITIAL_SLOTS = 1024

/** Copies of key bytes, appended to large chunks. Not concurrent. */
export class KeyArena {
  #chunk = new Uint8Array(CHUNK_BYTES)
  #view = new DataView(this.#chunk.buffer)
  #used = 0

  /** Copies `b[start, end)` into the arena. */
  copy(b: Uint8Array, start: number, end: number): KeyBytes {
    const length = end - start
    if (this.#used + length > this.#chunk.length) {
      this.#chunk = new Uint8Array(Math.max(CHUNK_BYTES, length))
      this.#view = new DataView(this.#chunk.buffer)
      this.#used = 0
    }
    const chunk = this.#chunk
    const offset = this.#used
    for (let i = 0; i < length; i++) chunk[offset + i] = b[start + i] ?? 0
    this.#used += length
    return { view: this.#view, offset, length }
  }
}

/** Values keyed by byte strings, in an open-addressing hash table. Not concurrent. */
export class ByteMap<T> {
  readonly #maxEntries: number
  /** Entry index + 1 per slot, 0 for an empty slot; the length is a power of two. */
  #slots = new Int32Array(INITIAL_SLOTS)
  #hashes: number[] = []
  #keys: KeyBytes[] = []
  #values: T[] = []
  #arena = new KeyArena()

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

  /**
   * Stores `value` for a copy of `b[start, end)`, whose hash is `hash`, and returns the copy.
   * Empties the map first when it is full.
   */
  set(b: Uint8Array, start: number, end: number, hash: number, value: T): KeyBytes {
    this.#makeRoom()
    return this.setCopy(this.#arena.copy(b, start, end), hash, value)
  }

  /** Copies `b[start, end)` into this map's arena, for an entry stored later with setCopy. */
  copy(b: Uint8Array, start: number, end: number): KeyBytes {
    return this.#arena.copy(b, start, end)
  }

  /** Stores `value` for `key` (from {@link copy}), whose hash is `hash`; returns `key`. */
  setCopy(key: KeyBytes, hash: number, value: T): KeyBytes {
    this.#makeRoom()
    const e = this.#keys.length
    this.#hashes.push(hash)
    this.#keys.push(key)
    this.#values.push(value)
    if ((e + 1) * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2)
    else this.#place(this.#slots, hash, e)
    return key
  }

  /** Empties the map when it holds maxEntries values. */
  #makeRoom(): void {
    if (this.#keys.length < this.#maxEntries) return
    this.#slots = new Int32Array(INITIAL_SLOTS)
    this.#hashes = []
    this.#keys = []
    this.#values = []
    this.#arena = new KeyArena()
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
