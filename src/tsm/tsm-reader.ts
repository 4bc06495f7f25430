// Reader of TSM1 files (spec §2.1–§2.3, §2.11, §2.12, §2.15).
//
// open() reads the 5-byte header, the 8-byte footer and the whole index region into memory and
// validates all of it before trusting a byte (TSMIndex.parse); data blocks stay on disk and are
// read on demand with positioned reads, so files may be larger than memory. Every block read is
// CRC-checked (influxd skips that; we don't). The file's tombstones are applied at open: keys
// deleted for their whole time range disappear, partial ranges are filtered out of readAll().

import { Buffer } from 'node:buffer'
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import type { Values } from '../lineprotocol/index.js'
import { NotOpenError, crc32 } from '../util/index.js'
import { blockTimeBounds, blockType, decodeBlock, fieldTypeOfBlock } from './block.js'
import { TSMCorruptError } from './file-errors.js'
import { tombstonePathFor } from './file-name.js'
import { concatValues, emptyValues, excludeTimeRanges, sortLastWins } from './file-values.js'
import type { TimeRange } from './file-values.js'
import { INDEX_ENTRY_SIZE, TSMIndex, TSM_HEADER_SIZE } from './tsm-index.js'
import { measurementFieldKey, tsmKeyProblem } from './tsm-key.js'
import { rleBoundsMatch, smallUvarint, smallUvarintValue } from './timestamp-codec.js'
import type { IndexEntry } from './tsm-index.js'
import { readTombstones } from './tombstone.js'
import type { TombstoneRecord } from './tombstone.js'
import { TombstoneSet } from './tombstone-set.js'

/** A TSM file's keys and block types in index order (TSMReader.keyList). */
export type TSMKeyList = Pick<TSMIndex, 'sameKeysAs'>

/** Options of TSMReader.open(). */
export interface TSMReaderOptions {
  /** Read `<name>.tombstone` beside the file and apply it (default true). */
  readonly applyTombstones?: boolean
}

/** One block as blocks() yields it: its key, block type, index entry and CRC-checked data. */
export interface TSMBlock {
  readonly key: string
  readonly type: number
  readonly entry: IndexEntry
  /** Block data after the CRC (type byte, timestamps, values). */
  readonly data: Uint8Array
}

/** The verdict on one block from verify(). */
export interface BlockReport {
  readonly key: string
  readonly offset: number
  readonly size: number
  readonly ok: boolean
  /** Why the block is broken (absent when ok). */
  readonly reason?: string
}

/** What verify() found: one report per block, in index order. */
export interface VerifyReport {
  readonly path: string
  readonly blockCount: number
  readonly brokenCount: number
  readonly blocks: readonly BlockReport[]
}

const MAGIC = 0x16d116d1
const VERSION = 1
const FOOTER_SIZE = 8
const MAX_INDEX_BYTES = 0x7fffffff
const READ_AHEAD_BYTES = 1024 * 1024
/** readAll() reads a key's adjacent blocks in one call up to this size, else block by block. */
const MAX_SPAN_BYTES = 16 * 1024 * 1024

/** Records block type `type` of TSM key `key` under its measurement's field in `types`. */
function addFieldType(types: Map<string, Set<number>>, key: string, type: number): void {
  const field = measurementFieldKey(key)
  const seen = types.get(field)
  if (seen === undefined) types.set(field, new Set([type]))
  else seen.add(type)
}

/** Where TSMReader.checkBlocks is: key, entry and its place in the index region, blocks done. */
interface CheckCursor {
  key: number
  entry: number
  p: number
  blocks: number
  /** The block to read next, when #checkHeld stops for it. */
  offset: number
  size: number
}

/** Reads exactly `length` bytes at `position`, or throws ERR_TSM_CORRUPT at the short offset. */
async function readExactly(
  fh: FileHandle,
  path: string,
  position: number,
  length: number,
  into?: Buffer,
): Promise<Buffer> {
  const buf =
    into !== undefined && into.length >= length
      ? into.subarray(0, length)
      : Buffer.allocUnsafe(length)
  let done = 0
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done)
    if (bytesRead === 0) {
      throw new TSMCorruptError(path, position + done, 'unexpected end of file', {
        expected: length,
        found: done,
      })
    }
    done += bytesRead
  }
  return buf
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0')
}

/**
 * An open TSM file. Open with `TSMReader.open(path)`; the caller owns it and must close() it.
 * Reads may run concurrently; applyTombstones() and close() must not race with them.
 */
export class TSMReader {
  /** The file's path. */
  readonly path: string
  /** The file's size in bytes. */
  readonly size: number
  readonly #fh: FileHandle
  readonly #index: TSMIndex
  readonly #indexStart: number
  readonly #tombstones: TombstoneSet
  #closed = false

  private constructor(
    path: string,
    size: number,
    fh: FileHandle,
    index: TSMIndex,
    indexStart: number,
  ) {
    this.path = path
    this.size = size
    this.#fh = fh
    this.#index = index
    this.#indexStart = indexStart
    this.#tombstones = new TombstoneSet(index.keyCount)
  }

  /**
   * Opens and validates the TSM file at `path` and (unless disabled) applies its tombstone file.
   * Throws TSMCorruptError (ERR_TSM_CORRUPT, with path, offset and reason) for a bad file and
   * TombstoneCorruptError for a bad tombstone file.
   */
  static async open(path: string, options: TSMReaderOptions = {}): Promise<TSMReader> {
    const fh = await open(path, 'r')
    try {
      const size = (await fh.stat()).size
      if (size < TSM_HEADER_SIZE) {
        throw new TSMCorruptError(path, 0, 'file is shorter than the TSM header', {
          expected: TSM_HEADER_SIZE,
          found: size,
        })
      }
      const header = await readExactly(fh, path, 0, TSM_HEADER_SIZE)
      const magic = header.readUInt32BE(0)
      if (magic !== MAGIC) {
        throw new TSMCorruptError(path, 0, 'can only read from tsm file', {
          expected: hex32(MAGIC),
          found: hex32(magic),
        })
      }
      const version = header.readUInt8(4)
      if (version !== VERSION) {
        throw new TSMCorruptError(path, 4, `file is version ${version}, expected ${VERSION}`, {
          expected: VERSION,
          found: version,
        })
      }
      const footerAt = size - FOOTER_SIZE
      if (footerAt < TSM_HEADER_SIZE) {
        throw new TSMCorruptError(path, TSM_HEADER_SIZE, 'file too small for a footer', {
          found: size,
        })
      }
      const footer = await readExactly(fh, path, footerAt, FOOTER_SIZE)
      const indexStartBig = footer.readBigUInt64BE(0)
      if (indexStartBig >= BigInt(footerAt) || indexStartBig < BigInt(TSM_HEADER_SIZE)) {
        throw new TSMCorruptError(path, footerAt, 'invalid index offset in footer', {
          found: indexStartBig,
          expected: `${TSM_HEADER_SIZE} … ${footerAt - 1}`,
        })
      }
      const indexStart = Number(indexStartBig)
      const indexLength = footerAt - indexStart
      if (indexLength > MAX_INDEX_BYTES) {
        throw new TSMCorruptError(path, indexStart, 'index section is larger than 2 GiB', {
          found: indexLength,
        })
      }
      const indexBytes = await readExactly(fh, path, indexStart, indexLength)
      const index = TSMIndex.parse(indexBytes, indexStart, path)
      const reader = new TSMReader(path, size, fh, index, indexStart)
      if (options.applyTombstones ?? true) {
        reader.applyTombstones(await readTombstones(tombstonePathFor(path)))
      }
      return reader
    } catch (err) {
      await fh.close()
      throw err
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new NotOpenError(`TSM reader ${this.path}`)
  }

  /** Position of a visible key, or −1. */
  #find(key: string | Uint8Array): number {
    const i = this.#index.search(typeof key === 'string' ? Buffer.from(key, 'utf8') : key)
    return i >= 0 && !this.#tombstones.isDeleted(i) ? i : -1
  }

  /** Number of keys, not counting keys deleted by tombstones. */
  get keyCount(): number {
    return this.#index.keyCount - this.#tombstones.deletedCount
  }

  /** Smallest min time over all blocks (ns; tombstones not considered). */
  get minTime(): bigint {
    return this.#index.minTime
  }

  /** Largest max time over all blocks (ns; tombstones not considered). */
  get maxTime(): bigint {
    return this.#index.maxTime
  }

  /** Size of the index section in bytes. */
  get indexSize(): number {
    return this.#index.size
  }

  /** The visible keys in ascending byte order. */
  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.#index.keyCount; i++) {
      if (!this.#tombstones.isDeleted(i)) yield this.#index.keyAt(i)
    }
  }

  /** Whether the file holds `key` (and tombstones have not deleted all of it). */
  hasKey(key: string | Uint8Array): boolean {
    return this.#find(key) >= 0
  }

  /**
   * Calls `fn` with every live key and its block type, in key order: no lookup per key (unlike
   * keys() + type()) and no generator or pair per key, as a shard open runs it over every key of
   * every file before its code is optimized.
   */
  forEachKey(fn: (key: string, type: number) => void): void {
    this.#checkOpen()
    const index = this.#index
    const tombstones = this.#tombstones
    for (let i = 0; i < index.keyCount; i++) {
      if (!tombstones.isDeleted(i)) fn(index.keyAt(i), index.typeAt(i))
    }
  }

  /**
   * The file's keys and block types as its index lists them (tombstones not applied), to tell
   * with TSMKeyList.sameKeysAs whether another file lists the same; valid after close().
   */
  get keyList(): TSMKeyList {
    return this.#index
  }

  /**
   * Whether `other` has the same live keys with the same block types as this file (forEachKey
   * would call back with the same pairs). Only files whose tombstones delete no whole key are
   * compared; one that has such a tombstone is reported different.
   */
  sameKeysAs(other: TSMReader): boolean {
    this.#checkOpen()
    other.#checkOpen()
    if (this.#tombstones.deletedCount > 0 || other.#tombstones.deletedCount > 0) return false
    return this.#index.sameKeysAs(other.#index)
  }

  /** The block type (0 float … 4 unsigned) of `key`, or undefined if it is not in the file. */
  type(key: string | Uint8Array): number | undefined {
    const i = this.#find(key)
    return i < 0 ? undefined : this.#index.typeAt(i)
  }

  /** The index entries of `key`, sorted by min time; empty if the key is not in the file. */
  entries(key: string | Uint8Array): IndexEntry[] {
    const i = this.#find(key)
    return i < 0 ? [] : this.#index.entriesAt(i)
  }

  /** The time ranges of `key` deleted by tombstones without deleting the whole key. */
  tombstoneRanges(key: string | Uint8Array): readonly TimeRange[] {
    const i = this.#find(key)
    return i < 0 ? [] : (this.#tombstones.rangesOf(i) ?? [])
  }

  #checkEntry(entry: IndexEntry): void {
    if (
      !Number.isSafeInteger(entry.offset) ||
      !Number.isSafeInteger(entry.size) ||
      entry.offset < TSM_HEADER_SIZE ||
      entry.size < 5 ||
      entry.offset + entry.size > this.#indexStart
    ) {
      throw new TSMCorruptError(this.path, entry.offset, 'block lies outside the data section', {
        found: entry.size,
      })
    }
  }

  /** Checks the CRC of a raw block (CRC + data) that starts at file offset `offset`. */
  #checked(raw: Uint8Array, offset: number): Uint8Array {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
    const expected = view.getUint32(0)
    const data = raw.subarray(4)
    const found = crc32(data)
    if (expected !== found) {
      throw new TSMCorruptError(this.path, offset, 'block checksum mismatch', {
        expected: hex32(expected),
        found: hex32(found),
      })
    }
    return data
  }

  /** Reads one block and checks its CRC; returns the data after the CRC. */
  async readBlock(entry: IndexEntry): Promise<Uint8Array> {
    this.#checkOpen()
    this.#checkEntry(entry)
    const raw = await readExactly(this.#fh, this.path, entry.offset, entry.size)
    return this.#checked(raw, entry.offset)
  }

  #decode(data: Uint8Array, entry: IndexEntry, type: number): Values {
    let values: Values
    try {
      values = decodeBlock(data)
    } catch (err) {
      if (err instanceof TSMCorruptError) throw err
      const reason = `block cannot be decoded: ${(err as Error).message}`
      throw new TSMCorruptError(this.path, entry.offset, reason, {}, err)
    }
    if (values.kind !== fieldTypeOfBlock(type)) {
      throw new TSMCorruptError(this.path, entry.offset, 'block type differs from the index', {
        expected: fieldTypeOfBlock(type),
        found: values.kind,
      })
    }
    return values
  }

  /**
   * All values of `key` in time order, with tombstoned ranges removed; overlapping blocks
   * resolve to the later block on equal timestamps. Undefined if the key is not in the file.
   */
  async readAll(key: string | Uint8Array): Promise<Values | undefined> {
    this.#checkOpen()
    const i = this.#find(key)
    if (i < 0) return undefined
    const type = this.#index.typeAt(i)
    const kind = fieldTypeOfBlock(type)
    const ranges = this.#tombstones.rangesOf(i)
    const entries = this.#index
      .entriesAt(i)
      .filter(
        (e) =>
          ranges === undefined || !ranges.some((r) => r.min <= e.minTime && r.max >= e.maxTime),
      )
    if (entries.length === 0) return emptyValues(kind)
    const parts: Values[] = []
    // A key's blocks are normally adjacent in the file: read them with one positioned read.
    const first = entries[0]
    const last = entries[entries.length - 1]
    let contiguous = first !== undefined && last !== undefined
    for (let e = 1; e < entries.length && contiguous; e++) {
      const prev = entries[e - 1]
      const cur = entries[e]
      contiguous = prev !== undefined && cur !== undefined && prev.offset + prev.size === cur.offset
    }
    let span: Buffer | undefined
    if (contiguous && first !== undefined && last !== undefined) {
      this.#checkEntry(first)
      this.#checkEntry(last)
      const length = last.offset + last.size - first.offset
      if (length <= MAX_SPAN_BYTES)
        span = await readExactly(this.#fh, this.path, first.offset, length)
    }
    for (const entry of entries) {
      let data: Uint8Array
      if (span !== undefined && first !== undefined) {
        const at = entry.offset - first.offset
        data = this.#checked(span.subarray(at, at + entry.size), entry.offset)
      } else {
        data = await this.readBlock(entry)
      }
      let values = this.#decode(data, entry, type)
      if (ranges !== undefined) values = excludeTimeRanges(values, ranges)
      parts.push(values)
    }
    return sortLastWins(concatValues(kind, parts))
  }

  /** Yields [key position, entry, raw bytes incl. CRC] in index order, reading 1 MiB ahead. */
  async *#rawBlocks(includeDeleted: boolean): AsyncGenerator<[number, IndexEntry, Uint8Array]> {
    let chunk: Buffer = Buffer.alloc(0)
    let chunkStart = 0
    for (let i = 0; i < this.#index.keyCount; i++) {
      if (!includeDeleted && this.#tombstones.isDeleted(i)) continue
      const count = this.#index.entryCountAt(i)
      for (let e = 0; e < count; e++) {
        this.#checkOpen()
        const entry = this.#index.entryAt(i, e)
        if (entry.offset < chunkStart || entry.offset + entry.size > chunkStart + chunk.length) {
          chunk = await this.#readAhead(entry.offset, entry.size)
          chunkStart = entry.offset
        }
        const at = entry.offset - chunkStart
        yield [i, entry, chunk.subarray(at, at + entry.size)]
      }
    }
  }

  /** The bytes from the block at `offset` on, at least its `size` and up to 1 MiB (not past the index). */
  #readAhead(offset: number, size: number, into?: Buffer): Promise<Buffer> {
    const ahead = Math.min(READ_AHEAD_BYTES, this.#indexStart - offset)
    return readExactly(this.#fh, this.path, offset, Math.max(size, ahead), into)
  }

  /**
   * Checks every block of every key (tombstoned ones too) against the index without decoding its
   * values: its CRC-32, its type byte, and its first and last timestamps against the index entry's
   * min and max time — the index has no checksum of its own, so this is what catches a flipped bit
   * there. Run-length encoded timestamps (points at a fixed interval) are checked in place, with no
   * allocation per block; other encodings through timestampBounds. Reads 1 MiB at a time into one
   * reused buffer, so memory does not grow with the file. Throws TSMCorruptError
   * (ERR_TSM_CORRUPT) at the first bad block, with its offset; resolves to the number of blocks.
   */
  async checkBlocks(): Promise<number> {
    this.#checkOpen()
    // No more than the blocks take: a megabyte for each of many small files (verify or restore
    // of many small shards) kept the garbage collector busy.
    const reuse = Buffer.allocUnsafe(Math.max(1, Math.min(READ_AHEAD_BYTES, this.#indexStart)))
    const at: CheckCursor = { key: 0, entry: 0, p: 0, blocks: 0, offset: 0, size: 0 }
    let chunk: Buffer = reuse.subarray(0, 0)
    let chunkStart = 0
    // The blocks are checked by a plain loop over what each read holds, not in this async function:
    // V8 then optimizes a small loop, not the whole async state machine, while the file is checked.
    while (!this.#checkHeld(at, chunk, chunkStart)) {
      chunk = await this.#readAhead(at.offset, at.size, reuse)
      this.#checkOpen()
      chunkStart = at.offset
    }
    return at.blocks
  }

  /**
   * Checks that every key (tombstoned ones too) is a series key and a field key, as InfluxDB
   * writes them: `<measurement>[,<tag>=<value>…]#!~#<field>` with a measurement, tag keys, tag
   * values and a field that are not empty. Throws TSMCorruptError at the key's index record: such
   * a key would index as a measurement, tag or field named "". Resolves to the block types of each
   * measurement's field (fieldTypes).
   */
  checkKeys(): Map<string, Set<number>> {
    this.#checkOpen()
    const index = this.#index
    const types = new Map<string, Set<number>>()
    for (let i = 0; i < index.keyCount; i++) {
      const key = index.keyAt(i)
      const problem = tsmKeyProblem(key)
      if (problem !== undefined)
        throw new TSMCorruptError(
          this.path,
          this.#indexStart + index.recordStartAt(i),
          `key ${JSON.stringify(key)}: ${problem}`,
        )
      addFieldType(types, key, index.typeAt(i))
    }
    return types
  }

  /**
   * The block types of each measurement's field over the keys tombstones leave (all keys when the
   * reader does not apply them), by `measurementFieldKey`. A shard holds one type per field.
   */
  fieldTypes(): Map<string, Set<number>> {
    this.#checkOpen()
    const types = new Map<string, Set<number>>()
    this.forEachKey((key, type) => addFieldType(types, key, type))
    return types
  }

  /**
   * Checks blocks from cursor `at` on while `chunk` (the file's bytes from `chunkStart`) holds
   * them. True once every block is checked; false when the block the cursor now names
   * (`at.offset`, `at.size`) must be read first.
   */
  #checkHeld(at: CheckCursor, chunk: Buffer, chunkStart: number): boolean {
    const index = this.#index
    const entries = index.bytes
    const chunkEnd = chunkStart + chunk.length
    for (; at.key < index.keyCount; at.key++, at.entry = 0) {
      const type = index.typeAt(at.key)
      const count = index.entryCountAt(at.key)
      if (at.entry === 0) at.p = index.entriesStartAt(at.key)
      for (; at.entry < count; at.entry++, at.p += INDEX_ENTRY_SIZE) {
        const p = at.p
        // Offsets and sizes were validated against the data section when the index was parsed.
        const offset = entries.readUInt32BE(p + 16) * 2 ** 32 + entries.readUInt32BE(p + 20)
        const size = entries.readUInt32BE(p + 24)
        if (offset < chunkStart || offset + size > chunkEnd) {
          at.offset = offset
          at.size = size
          return false
        }
        const from = offset - chunkStart
        const data = chunk.subarray(from + 4, from + size)
        // On a mismatch #checked computes it again to throw the error with both values.
        if (crc32(data) !== chunk.readUInt32BE(from))
          this.#checked(chunk.subarray(from, from + size), offset)
        if (data[0] !== type || this.#rleTimesMatch(data, entries, p) !== true)
          this.#checkBlockTimes(at.key, type, index.entryAt(at.key, at.entry), data)
        at.blocks++
      }
    }
    return true
  }

  /** rleBoundsMatch on block `data`'s timestamp section, against the index entry at `entries[p]`. */
  #rleTimesMatch(data: Buffer, entries: Buffer, p: number): boolean | undefined {
    // The section's length: a uvarint after the type byte (one or two bytes in practice).
    const q = smallUvarint(data, 1, data.length, 4)
    if (q < 0) return undefined
    const length = smallUvarintValue()
    return rleBoundsMatch(data, q, q + length, entries, p)
  }

  /**
   * The slow check of one block (any timestamp encoding): its type byte against the index, then
   * its first and last timestamps, decoded, against the entry's. Throws TSMCorruptError.
   */
  #checkBlockTimes(keyIndex: number, type: number, e: IndexEntry, data: Uint8Array): void {
    let bounds: { first: bigint; last: bigint } | undefined
    try {
      const found = blockType(data)
      if (found !== type) {
        throw new TSMCorruptError(this.path, e.offset, 'block type differs from the index', {
          expected: type,
          found,
        })
      }
      bounds = blockTimeBounds(data)
    } catch (err) {
      if (err instanceof TSMCorruptError) throw err
      throw new TSMCorruptError(
        this.path,
        e.offset,
        `block cannot be decoded: ${(err as Error).message}`,
        { key: this.#index.keyAt(keyIndex) },
        err,
      )
    }
    if (bounds?.first !== e.minTime || bounds.last !== e.maxTime) {
      throw new TSMCorruptError(this.path, e.offset, 'block times differ from the index entry', {
        key: this.#index.keyAt(keyIndex),
        expected: `${e.minTime}..${e.maxTime}`,
        found: `${bounds?.first ?? '-'}..${bounds?.last ?? '-'}`,
      })
    }
  }

  /**
   * Every block of every visible key, in index order (which is file order for files written by
   * influxd or Tidemark), CRC-checked; a mismatch throws ERR_TSM_CORRUPT. For dump tools.
   */
  async *blocks(): AsyncGenerator<TSMBlock> {
    for await (const [i, entry, raw] of this.#rawBlocks(false)) {
      const data = this.#checked(raw, entry.offset)
      yield { key: this.#index.keyAt(i), type: this.#index.typeAt(i), entry, data }
    }
  }

  /**
   * Checks the CRC of every block in the index (tombstoned keys included) and, with
   * `decode: true`, that each block decodes to its index type. Reports every block instead of
   * stopping at the first broken one (for `influx_inspect verify`).
   */
  async verify(options: { readonly decode?: boolean } = {}): Promise<VerifyReport> {
    this.#checkOpen()
    const blocks: BlockReport[] = []
    let broken = 0
    for await (const [i, entry, raw] of this.#rawBlocks(true)) {
      const key = this.#index.keyAt(i)
      let reason: string | undefined
      try {
        const data = this.#checked(raw, entry.offset)
        if (options.decode === true) this.#decode(data, entry, this.#index.typeAt(i))
      } catch (err) {
        if (!(err instanceof TSMCorruptError)) throw err
        const f = err.fields
        reason =
          f['expected'] !== undefined && f['reason'] === 'block checksum mismatch'
            ? `checksum mismatch: expected ${String(f['expected'])}, found ${String(f['found'])}`
            : String(f['reason'])
      }
      if (reason !== undefined) broken++
      blocks.push(
        reason === undefined
          ? { key, offset: entry.offset, size: entry.size, ok: true }
          : { key, offset: entry.offset, size: entry.size, ok: false, reason },
      )
    }
    return { path: this.path, blockCount: blocks.length, brokenCount: broken, blocks }
  }

  /**
   * Applies deletions in memory (the engine calls this after appendTombstones(), and open()
   * with the file's own tombstones). A record covering all of a key's blocks — alone or joined
   * with earlier records into one continuous range — hides the key.
   */
  applyTombstones(records: Iterable<TombstoneRecord>): void {
    for (const r of records) {
      const i = this.#find(r.key)
      if (i < 0) continue
      const { minTime, maxTime } = this.#index.timeRangeAt(i)
      this.#tombstones.apply(i, r.min, r.max, minTime, maxTime)
    }
  }

  /** Closes the file. Idempotent; later reads throw ERR_NOT_OPEN. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#fh.close()
  }
}
