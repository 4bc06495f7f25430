// The index section of a TSM file (spec §2.11): per key, in ascending byte order,
//
//   key length (BE u16) | key | block type (u8) | entry count c (BE u16) | c × 28-byte entries
//   entry = min time (i64) | max time (i64) | offset of the block's CRC (u64)
//           | size incl. CRC (u32)
//
// TSMIndex validates a whole index region once and then answers lookups straight from those bytes,
// holding only a Uint32Array of key-record offsets besides them (like influxd's indirectIndex).
// TSMIndexBuilder is the writer's side: it appends key records and entries to a growing byte
// buffer, so the in-memory index is exactly the bytes that will be written (28 bytes per block).

import { Buffer } from 'node:buffer'
import { TSMCorruptError } from './file-errors.js'

/** Size in bytes of one index entry. */
export const INDEX_ENTRY_SIZE = 28
/** Size of the TSM header (magic + version); the first block starts here. */
export const TSM_HEADER_SIZE = 5
/** Largest key length and entries per key (both are BE u16 in the index). */
export const MAX_KEY_LENGTH = 0xffff
export const MAX_INDEX_ENTRIES = 0xffff
/** Highest block type byte (0 float … 4 unsigned). */
export const MAX_BLOCK_TYPE = 4

const TWO_32 = 4294967296
/** The highest offset we accept as a JS number (2^53): hi half of the u64 must be below 2^21. */
const MAX_OFFSET_HI = 0x200000

/** Where one block of a key is, and the time range of its points (inclusive, ns). */
export interface IndexEntry {
  readonly minTime: bigint
  readonly maxTime: bigint
  /** File offset of the block's CRC. */
  readonly offset: number
  /** Bytes from `offset`, CRC included. */
  readonly size: number
}

/** True when the int64 (aHi, aLo) < (bHi, bLo); hi halves signed, lo halves unsigned. */
function lessThan(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi < bHi || (aHi === bHi && aLo < bLo)
}

function toBigInt(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo)
}

/**
 * Validates the `count` index entries at `pos` (one key's): each entry's max time not before its
 * min time, min times ascending, the block inside the data section [5, indexStart). Folds their
 * times into `range` (min hi, min lo, max hi, max lo). A function of its own, not a loop inside
 * TSMIndex.parse: V8 compiles a small hot loop quickly, and every restore parses indexes cold.
 */
function checkEntries(
  view: DataView,
  pos: number,
  count: number,
  indexStart: number,
  path: string,
  range: Float64Array,
): void {
  let minHi = range[0] ?? 0
  let minLo = range[1] ?? 0
  let maxHi = range[2] ?? 0
  let maxLo = range[3] ?? 0
  let prevMinHi = 0
  let prevMinLo = 0
  for (let e = 0; e < count; e++, pos += INDEX_ENTRY_SIZE) {
    const eMinHi = view.getInt32(pos)
    const eMinLo = view.getUint32(pos + 4)
    const eMaxHi = view.getInt32(pos + 8)
    const eMaxLo = view.getUint32(pos + 12)
    const offHi = view.getUint32(pos + 16)
    const offLo = view.getUint32(pos + 20)
    const size = view.getUint32(pos + 24)
    if (lessThan(eMaxHi, eMaxLo, eMinHi, eMinLo)) {
      throw new TSMCorruptError(path, indexStart + pos, 'entry max time is before its min time')
    }
    if (e > 0 && lessThan(eMinHi, eMinLo, prevMinHi, prevMinLo)) {
      throw new TSMCorruptError(path, indexStart + pos, 'entries are not sorted by min time')
    }
    prevMinHi = eMinHi
    prevMinLo = eMinLo
    const offset = offHi * TWO_32 + offLo
    const outside =
      offHi >= MAX_OFFSET_HI || offset < TSM_HEADER_SIZE || size < 5 || offset + size > indexStart
    if (outside) {
      throw new TSMCorruptError(
        path,
        indexStart + pos + 16,
        'index entry points outside the data section',
        { found: offset, expected: indexStart },
      )
    }
    if (lessThan(eMinHi, eMinLo, minHi, minLo)) {
      minHi = eMinHi
      minLo = eMinLo
    }
    if (lessThan(maxHi, maxLo, eMaxHi, eMaxLo)) {
      maxHi = eMaxHi
      maxLo = eMaxLo
    }
  }
  range[0] = minHi
  range[1] = minLo
  range[2] = maxHi
  range[3] = maxLo
}

/**
 * Whether the bytes buf[bStart, bEnd) sort after buf[aStart, aEnd). A loop here, not
 * Buffer.compare: a shard open checks the order of every key of every file, and Buffer.compare
 * with offsets validates four arguments and crosses into C++ each time (~0.3 µs; the keys of an
 * index share long prefixes, which this loop passes in a few dozen ns).
 */
function sortsAfter(
  buf: Uint8Array,
  aStart: number,
  aEnd: number,
  bStart: number,
  bEnd: number,
): boolean {
  const aLength = aEnd - aStart
  const bLength = bEnd - bStart
  const n = aLength < bLength ? aLength : bLength
  for (let i = 0; i < n; i++) {
    const x = buf[aStart + i] as number
    const y = buf[bStart + i] as number
    if (x !== y) return y > x
  }
  return bLength > aLength
}

/** A validated, read-only TSM index region with binary search over its keys. */
export class TSMIndex {
  readonly #buf: Buffer
  readonly #view: DataView
  readonly #keyOffsets: Uint32Array
  /** Smallest min time and largest max time over every entry. */
  readonly minTime: bigint
  readonly maxTime: bigint

  private constructor(buf: Buffer, keyOffsets: Uint32Array, minTime: bigint, maxTime: bigint) {
    this.#buf = buf
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    this.#keyOffsets = keyOffsets
    this.minTime = minTime
    this.maxTime = maxTime
  }

  /**
   * Validates and wraps an index region. `indexStart` is the file offset of `bytes[0]` (it is
   * also the end of the data section, which every entry must lie inside); `path` names the file
   * in errors. Throws TSMCorruptError (with the absolute offset) on any inconsistency.
   */
  static parse(bytes: Uint8Array, indexStart: number, path: string): TSMIndex {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    const len = buf.length
    const corrupt = (at: number, reason: string, extra = {}): TSMCorruptError =>
      new TSMCorruptError(path, indexStart + at, reason, extra)
    if (len === 0) throw corrupt(0, 'index is empty')

    let offsets = new Uint32Array(1024)
    let n = 0
    // min time hi, lo, max time hi, lo over every entry (checkEntries folds each key's in)
    const range = new Float64Array([0x7fffffff, 0xffffffff, -0x80000000, 0])
    let prevKeyStart = -1
    let prevKeyEnd = -1
    let pos = 0
    while (pos < len) {
      const recordStart = pos
      if (len - pos < 2) throw corrupt(pos, 'index ends inside a key length')
      const keyLen = view.getUint16(pos)
      pos += 2
      if (len - pos < keyLen + 3) throw corrupt(pos, 'index ends inside a key record')
      const keyEnd = pos + keyLen
      if (prevKeyStart >= 0 && !sortsAfter(buf, prevKeyStart, prevKeyEnd, pos, keyEnd)) {
        throw corrupt(recordStart, 'keys are not in ascending order')
      }
      prevKeyStart = pos
      prevKeyEnd = keyEnd
      pos = keyEnd
      const type = view.getUint8(pos)
      if (type > MAX_BLOCK_TYPE) throw corrupt(pos, 'unknown block type', { found: type })
      const count = view.getUint16(pos + 1)
      pos += 3
      if (count === 0) throw corrupt(pos - 2, 'key has no index entries')
      if (len - pos < count * INDEX_ENTRY_SIZE) {
        throw corrupt(pos, 'index ends inside the entries of a key')
      }
      checkEntries(view, pos, count, indexStart, path, range)
      pos += count * INDEX_ENTRY_SIZE
      if (n === offsets.length) {
        const next = new Uint32Array(n * 2)
        next.set(offsets)
        offsets = next
      }
      offsets[n++] = recordStart
    }
    const [minHi = 0, minLo = 0, maxHi = 0, maxLo = 0] = range
    return new TSMIndex(buf, offsets.slice(0, n), toBigInt(minHi, minLo), toBigInt(maxHi, maxLo))
  }

  /** Number of keys in the index (tombstones not applied). */
  get keyCount(): number {
    return this.#keyOffsets.length
  }

  /** Size of the index region in bytes. */
  get size(): number {
    return this.#buf.length
  }

  #recordAt(i: number): number {
    const off = this.#keyOffsets[i]
    if (off === undefined) {
      throw new RangeError(`key index ${i} out of range 0…${this.keyCount - 1}`)
    }
    return off
  }

  /** Where key `i`'s record starts in the index region. */
  recordStartAt(i: number): number {
    return this.#recordAt(i)
  }

  /** The key bytes of key `i` (a view into the index, not a copy). */
  keyBytesAt(i: number): Uint8Array {
    const off = this.#recordAt(i)
    const keyLen = this.#view.getUint16(off)
    return this.#buf.subarray(off + 2, off + 2 + keyLen)
  }

  /**
   * Whether `other` lists the same keys with the same block types, in the same order (the files
   * of a shard usually do: each holds a stretch of time of every series). Compares bytes in
   * place: no key is decoded, nothing is allocated.
   */
  sameKeysAs(other: Pick<TSMIndex, 'sameKeysAs'>): boolean {
    if (!(other instanceof TSMIndex)) return false
    const n = this.keyCount
    if (other.keyCount !== n) return false
    const a = this.#buf
    const b = other.#buf
    for (let i = 0; i < n; i++) {
      const p = this.#recordAt(i)
      const q = other.#recordAt(i)
      const keyLength = this.#view.getUint16(p)
      if (other.#view.getUint16(q) !== keyLength) return false
      // The key and the type byte after it (a record of that length is that long in both).
      const end = 3 + keyLength
      if (a.compare(b, q + 2, q + end, p + 2, p + end) !== 0) return false
    }
    return true
  }

  /** Key `i` decoded as UTF-8. */
  keyAt(i: number): string {
    const off = this.#recordAt(i)
    const keyLen = this.#view.getUint16(off)
    return this.#buf.toString('utf8', off + 2, off + 2 + keyLen)
  }

  /** The block type byte of key `i`. */
  typeAt(i: number): number {
    const off = this.#recordAt(i)
    return this.#view.getUint8(off + 2 + this.#view.getUint16(off))
  }

  /** The number of blocks (index entries) of key `i`. */
  entryCountAt(i: number): number {
    const off = this.#recordAt(i)
    return this.#view.getUint16(off + 3 + this.#view.getUint16(off))
  }

  /**
   * Where in `bytes` key `i`'s entries start: INDEX_ENTRY_SIZE bytes each, big-endian min time and
   * max time (int64), offset (uint64) and size (uint32).
   */
  entriesStartAt(i: number): number {
    const off = this.#recordAt(i)
    return off + 5 + this.#view.getUint16(off)
  }

  /** The index region, read-only: for loops that read entries in place (entriesStartAt). */
  get bytes(): Buffer {
    return this.#buf
  }

  /** Entry `e` of key `i`. */
  entryAt(i: number, e: number): IndexEntry {
    const p = this.entriesStartAt(i) + e * INDEX_ENTRY_SIZE
    const v = this.#view
    return {
      minTime: v.getBigInt64(p),
      maxTime: v.getBigInt64(p + 8),
      offset: v.getUint32(p + 16) * TWO_32 + v.getUint32(p + 20),
      size: v.getUint32(p + 24),
    }
  }

  /** All entries of key `i`, sorted by min time. */
  entriesAt(i: number): IndexEntry[] {
    const count = this.entryCountAt(i)
    const out = new Array<IndexEntry>(count)
    for (let e = 0; e < count; e++) out[e] = this.entryAt(i, e)
    return out
  }

  /** The smallest min time and largest max time over the entries of key `i`. */
  timeRangeAt(i: number): { minTime: bigint; maxTime: bigint } {
    const p0 = this.entriesStartAt(i)
    const count = this.entryCountAt(i)
    const v = this.#view
    let maxHi = v.getInt32(p0 + 8)
    let maxLo = v.getUint32(p0 + 12)
    for (let e = 1, p = p0 + INDEX_ENTRY_SIZE; e < count; e++, p += INDEX_ENTRY_SIZE) {
      const hi = v.getInt32(p + 8)
      const lo = v.getUint32(p + 12)
      if (lessThan(maxHi, maxLo, hi, lo)) {
        maxHi = hi
        maxLo = lo
      }
    }
    return { minTime: v.getBigInt64(p0), maxTime: toBigInt(maxHi, maxLo) }
  }

  /** The position of `key` (UTF-8 bytes) among the keys, or −1; a binary search. */
  search(key: Uint8Array): number {
    const k = Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength)
    let lo = 0
    let hi = this.#keyOffsets.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const off = this.#recordAt(mid)
      const start = off + 2
      const c = k.compare(this.#buf, start, start + this.#view.getUint16(off))
      if (c === 0) return mid
      if (c > 0) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }
}

/**
 * Builds an index region as blocks are written: keys must be added in ascending order (the
 * TSM writer checks that), each followed by its entries. Not safe for concurrent use.
 */
export class TSMIndexBuilder {
  #buf = new Uint8Array(64 * 1024)
  #view = new DataView(this.#buf.buffer)
  #len = 0
  /** Position of the current key's entry count, or −1 before the first key. */
  #countPos = -1
  #count = 0
  #keys = 0

  #grow(n: number): void {
    const want = this.#len + n
    if (want <= this.#buf.length) return
    let cap = this.#buf.length * 2
    while (cap < want) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.#buf.subarray(0, this.#len))
    this.#buf = next
    this.#view = new DataView(next.buffer)
  }

  #closeKey(): void {
    if (this.#countPos >= 0) this.#view.setUint16(this.#countPos, this.#count)
  }

  /** Number of keys added so far. */
  get keyCount(): number {
    return this.#keys
  }

  /** Number of entries of the current (last added) key. */
  get currentEntryCount(): number {
    return this.#count
  }

  /** Size in bytes of the index built so far. */
  get size(): number {
    return this.#len
  }

  /** Starts the record of a new key of block type `type`. */
  addKey(key: Uint8Array, type: number): void {
    this.#closeKey()
    this.#grow(5 + key.length)
    this.#view.setUint16(this.#len, key.length)
    this.#buf.set(key, this.#len + 2)
    this.#len += 2 + key.length
    this.#view.setUint8(this.#len, type)
    this.#countPos = this.#len + 1
    this.#len += 3
    this.#count = 0
    this.#keys++
  }

  /** Appends an entry to the current key. */
  addEntry(minTime: bigint, maxTime: bigint, offset: number, size: number): void {
    this.#grow(INDEX_ENTRY_SIZE)
    const v = this.#view
    const p = this.#len
    v.setBigInt64(p, minTime)
    v.setBigInt64(p + 8, maxTime)
    v.setUint32(p + 16, Math.floor(offset / TWO_32))
    v.setUint32(p + 20, offset >>> 0)
    v.setUint32(p + 24, size)
    this.#len += INDEX_ENTRY_SIZE
    this.#count++
  }

  /** The finished index bytes (a view, valid until the builder is used again). */
  finish(): Uint8Array {
    this.#closeKey()
    return this.#buf.subarray(0, this.#len)
  }
}
