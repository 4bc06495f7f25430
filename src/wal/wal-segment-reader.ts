// Streams the entries of one WAL segment file. The file is read in chunks into one reusable
// buffer (a larger buffer only for an entry that does not fit), never a buffer per entry and
// never the whole segment at once. The first entry that cannot be read — a short read, bad
// snappy data, a bad payload or an unknown entry type — ends the stream: `corruption` then holds
// a WALCorruptError and `validSize` the end of the last good entry, where InfluxDB truncates.

import { open, type FileHandle } from 'node:fs/promises'
import { NotOpenError } from '../util/index.js'
import { WALCorruptError } from './errors.js'
import { decodeEntryPayload } from './wal-entry-codec.js'
import { FRAME_HEADER_SIZE, type WALEntry } from './wal-entry.js'

/** One decoded entry and where it sits in the segment. */
export interface WALSegmentRecord {
  readonly entry: WALEntry
  /** Byte offset of the entry's frame header in the segment. */
  readonly offset: number
  /** Bytes the framed entry takes (header + compressed payload). */
  readonly sizeBytes: number
}

/** Options for WALSegmentReader. */
export interface WALSegmentReaderOptions {
  /** Bytes read from the file at a time (default 256 KiB). */
  readonly chunkSizeBytes?: number
}

const DEFAULT_CHUNK_BYTES = 256 * 1024
const SHRANK = 'short read: the file shrank while it was read'

/**
 * A reader over one segment file. `await open()`, iterate with `next()` or `for await`, then
 * `close()` (idempotent). Not safe for concurrent `next()` calls. The file must not be appended
 * to while it is read: the reader stops at the size the file had at open().
 */
export class WALSegmentReader implements AsyncIterable<WALSegmentRecord> {
  /** The segment file. */
  readonly path: string
  readonly #chunkBytes: number
  #fh: FileHandle | undefined
  #opened = false
  #fileSize = 0
  #buf: Uint8Array
  #view: DataView
  /** File position of #buf[0]. */
  #bufStart = 0
  /** Valid bytes in #buf. */
  #bufLen = 0
  /** File position of the next entry; also the end of the last good entry. */
  #pos = 0
  #done = false
  #corruption: WALCorruptError | undefined

  constructor(path: string, options: WALSegmentReaderOptions = {}) {
    this.path = path
    this.#chunkBytes = Math.max(64, options.chunkSizeBytes ?? DEFAULT_CHUNK_BYTES)
    this.#buf = new Uint8Array(0)
    this.#view = new DataView(this.#buf.buffer)
  }

  /** Opens the file and records its size. */
  async open(): Promise<void> {
    if (this.#opened) return
    const fh = await open(this.path, 'r')
    try {
      this.#fileSize = (await fh.stat()).size
    } catch (err) {
      await fh.close()
      throw err
    }
    this.#fh = fh
    this.#opened = true
    this.#setBuffer(new Uint8Array(Math.min(this.#chunkBytes, Math.max(64, this.#fileSize))))
  }

  /** The segment's size in bytes when it was opened. */
  get fileSize(): number {
    return this.#fileSize
  }

  /** The end of the last entry read successfully (the file size once reading ended cleanly). */
  get validSize(): number {
    return this.#pos
  }

  /** Why reading stopped early, or undefined while reading succeeds. */
  get corruption(): WALCorruptError | undefined {
    return this.#corruption
  }

  /**
   * The next entry, or undefined at the end of the segment or at the first bad entry (then
   * `corruption` is set). Throws only for I/O errors and NotOpenError.
   */
  async next(): Promise<WALSegmentRecord | undefined> {
    if (this.#done) return undefined
    const fh = this.#fh
    if (fh === undefined) throw new NotOpenError(`WAL segment reader ${this.path}`)
    const offset = this.#pos
    const left = this.#fileSize - offset
    if (left === 0) return this.#finish(undefined)
    if (left < FRAME_HEADER_SIZE) {
      return this.#finish(
        `short read: entry header needs ${FRAME_HEADER_SIZE} bytes, ${left} remain`,
      )
    }
    if (!(await this.#ensure(fh, FRAME_HEADER_SIZE))) return this.#finish(SHRANK)
    const h = offset - this.#bufStart
    const type = this.#buf[h] ?? 0
    const length = this.#view.getUint32(h + 1)
    const sizeBytes = FRAME_HEADER_SIZE + length
    if (sizeBytes > left) {
      return this.#finish(`short read: entry needs ${sizeBytes} bytes, ${left} remain`)
    }
    if (!(await this.#ensure(fh, sizeBytes))) return this.#finish(SHRANK)
    const start = offset - this.#bufStart + FRAME_HEADER_SIZE
    let entry: WALEntry
    try {
      entry = decodeEntryPayload(type, this.#buf.subarray(start, start + length))
    } catch (err) {
      if (!(err instanceof WALCorruptError)) throw err
      return this.#finish(err.reason, err)
    }
    this.#pos = offset + sizeBytes
    return { entry, offset, sizeBytes }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WALSegmentRecord> {
    for (;;) {
      const r = await this.next()
      if (r === undefined) return
      yield r
    }
  }

  /** Closes the file. Idempotent. */
  async close(): Promise<void> {
    const fh = this.#fh
    this.#fh = undefined
    this.#done = true
    if (fh !== undefined) await fh.close()
  }

  #finish(reason: string | undefined, cause?: unknown): undefined {
    this.#done = true
    if (reason !== undefined) {
      this.#corruption = new WALCorruptError(reason, this.#pos, this.path, { cause })
    }
    return undefined
  }

  #setBuffer(buf: Uint8Array): void {
    this.#buf = buf
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  /**
   * Makes the `n` bytes at #pos available in #buf. `n` never exceeds the size recorded at open(),
   * so this returns false only when the file shrank underneath the reader.
   */
  async #ensure(fh: FileHandle, n: number): Promise<boolean> {
    const rel = this.#pos - this.#bufStart
    if (rel + n <= this.#bufLen) return true
    // Keep the unread tail, moved to the front (or into a larger buffer for a large entry).
    const keep = this.#bufLen - rel
    if (n > this.#buf.length) {
      const bigger = new Uint8Array(Math.max(n, this.#chunkBytes))
      bigger.set(this.#buf.subarray(rel, this.#bufLen))
      this.#setBuffer(bigger)
    } else if (rel > 0) {
      this.#buf.copyWithin(0, rel, this.#bufLen)
    }
    this.#bufStart = this.#pos
    this.#bufLen = keep
    while (this.#bufLen < n) {
      const at = this.#bufStart + this.#bufLen
      const want = Math.min(this.#buf.length - this.#bufLen, this.#fileSize - at)
      const { bytesRead } = await fh.read(this.#buf, this.#bufLen, want, at)
      if (bytesRead === 0) return false
      this.#bufLen += bytesRead
    }
    return true
  }
}
