// Streaming writer of TSM1 files (spec §2.1–§2.3, §2.11–§2.13).
//
//   header: 16 D1 16 D1 01
//   blocks: per block CRC-32 (BE u32) of the block data, then the data (type byte, timestamps,
//           values)
//   index:  per key in ascending byte order: u16 key length, key, type, u16 count, 28-byte entries
//   footer: BE u64 offset of the first index byte
//
// Blocks are appended through a buffer (1 MiB by default) to `<path>.tmp`; the index grows in
// memory as the exact bytes it will be written as (28 bytes per block); finish() writes index and
// footer, fsyncs, renames the file to `path` and fsyncs the directory, so a crash leaves either no
// file or a complete one. Keys must arrive in ascending byte order of their UTF-8 bytes and each
// key's blocks in time order, without overlap; violations are typed errors and nothing is written.

import { Buffer } from 'node:buffer'
import { open, rename, rm } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Values } from '../lineprotocol/index.js'
import { crc32, fsyncDir, tempPathFor } from '../util/index.js'
import { encodeBlock } from './block.js'
import {
  TSMBlockOrderError,
  TSMBlockTypeError,
  TSMKeyOrderError,
  TSMKeyTooLongError,
  TSMMaxBlocksError,
  TSMNoValuesError,
  TSMWriterClosedError,
} from './file-errors.js'
import { firstUnorderedIndex, sliceValues } from './file-values.js'
import { MAX_BLOCK_TYPE, MAX_INDEX_ENTRIES, MAX_KEY_LENGTH, TSMIndexBuilder } from './tsm-index.js'

/** Options of a TSMWriter. */
export interface TSMWriterOptions {
  /** Points per block that write() produces (influxd: 1000). */
  readonly maxPointsPerBlock?: number
  /** Size of the write buffer in bytes (default 1 MiB). */
  readonly bufferSizeBytes?: number
  /** fsync the file after this many bytes since the last fsync, as influxd does (default 25 MiB) */
  readonly fsyncEveryBytes?: number
}

const MAGIC_AND_VERSION = new Uint8Array([0x16, 0xd1, 0x16, 0xd1, 0x01])

type WriterState = 'open' | 'failed' | 'finished' | 'aborted'

/**
 * Writes one TSM file. Create with `TSMWriter.create(path)`, add blocks with writeBlock() or
 * write(), then `finish()` to publish the file or `abort()` to remove it. The caller owns the
 * writer and must call one of the two. Not safe for concurrent calls: await each call before
 * the next. After an I/O error only abort() is useful.
 */
export class TSMWriter {
  /** The final path of the file (it exists only after finish()). */
  readonly path: string
  /** The temporary path written until finish(). */
  readonly tempPath: string
  readonly #fh: FileHandle
  readonly #maxPoints: number
  readonly #fsyncEvery: number
  #buf: Uint8Array
  #bufView: DataView
  #bufLen = 0
  /** File position of the next byte written (buffered bytes included). */
  #offset = 0
  /** File position up to which bytes have been handed to the OS. */
  #flushed = 0
  #lastSync = 0
  readonly #index = new TSMIndexBuilder()
  #prevKey: Buffer | undefined
  #prevKeyString = ''
  #curType = -1
  #curLastMax = 0n
  #state: WriterState = 'open'
  #fhClosed = false

  private constructor(path: string, fh: FileHandle, options: TSMWriterOptions) {
    this.path = path
    this.tempPath = tempPathFor(path)
    this.#fh = fh
    this.#maxPoints = options.maxPointsPerBlock ?? 1000
    this.#fsyncEvery = options.fsyncEveryBytes ?? 25 * 1024 * 1024
    this.#buf = new Uint8Array(Math.max(4096, options.bufferSizeBytes ?? 1024 * 1024))
    this.#bufView = new DataView(this.#buf.buffer)
    this.#buf.set(MAGIC_AND_VERSION)
    this.#bufLen = MAGIC_AND_VERSION.length
    this.#offset = MAGIC_AND_VERSION.length
  }

  /**
   * Starts a TSM file that will be published as `path`; bytes go to `<path>.tmp` (truncated if
   * it exists) until finish().
   */
  static async create(path: string, options: TSMWriterOptions = {}): Promise<TSMWriter> {
    const max = options.maxPointsPerBlock ?? 1000
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`maxPointsPerBlock must be ≥ 1, got ${max}`)
    }
    const fh = await open(tempPathFor(path), 'w', 0o644)
    return new TSMWriter(path, fh, options)
  }

  /** Bytes written so far (header and blocks, buffered bytes included; index not yet). */
  get size(): number {
    return this.#offset
  }

  /** Number of keys written so far. */
  get keyCount(): number {
    return this.#index.keyCount
  }

  /** Blocks written so far for the current (last) key; a key may have at most 65535 per file. */
  get currentKeyBlockCount(): number {
    return this.#index.currentEntryCount
  }

  #checkOpen(): void {
    if (this.#state !== 'open') throw new TSMWriterClosedError(this.path)
  }

  /** Writes all of `data` at the end of the file; an I/O error leaves the writer failed. */
  async #writeFully(data: Uint8Array): Promise<void> {
    let done = 0
    try {
      while (done < data.length) {
        const { bytesWritten } = await this.#fh.write(data, done, data.length - done, this.#flushed)
        done += bytesWritten
        this.#flushed += bytesWritten
      }
    } catch (err) {
      this.#state = 'failed'
      throw err
    }
  }

  async #flush(): Promise<void> {
    if (this.#bufLen === 0) return
    await this.#writeFully(this.#buf.subarray(0, this.#bufLen))
    this.#bufLen = 0
    if (this.#flushed - this.#lastSync > this.#fsyncEvery) {
      await this.#fh.sync().catch((err: unknown) => {
        this.#state = 'failed'
        throw err
      })
      this.#lastSync = this.#flushed
    }
  }

  /**
   * Appends one encoded block (type byte, timestamps, values; no CRC) of `key` holding points
   * from `minTime` to `maxTime` (inclusive, ns). Throws ERR_TSM_KEY_ORDER, ERR_TSM_BLOCK_ORDER,
   * ERR_TSM_BLOCK_TYPE, ERR_TSM_KEY_TOO_LONG or ERR_TSM_MAX_BLOCKS without writing anything.
   */
  async writeBlock(
    key: string | Uint8Array,
    minTime: bigint,
    maxTime: bigint,
    blockData: Uint8Array,
  ): Promise<void> {
    this.#checkOpen()
    const sameKey =
      typeof key === 'string' && this.#prevKey !== undefined && key === this.#prevKeyString
    const keyBytes = sameKey
      ? undefined
      : typeof key === 'string'
        ? Buffer.from(key, 'utf8')
        : Buffer.from(key)
    const keyString = typeof key === 'string' ? key : Buffer.from(key).toString('utf8')
    if (keyBytes !== undefined && keyBytes.length > MAX_KEY_LENGTH) {
      throw new TSMKeyTooLongError(this.path, keyBytes.length)
    }
    const type = blockData[0]
    if (type === undefined || type > MAX_BLOCK_TYPE) {
      throw new TSMBlockTypeError(this.path, keyString, this.#curType, type ?? -1)
    }
    if (minTime > maxTime) {
      throw new TSMBlockOrderError(this.path, keyString, 'min time is after max time', {
        minTime,
        maxTime,
      })
    }
    const cmp =
      keyBytes === undefined
        ? 0
        : this.#prevKey === undefined
          ? 1
          : Buffer.compare(keyBytes, this.#prevKey)
    if (cmp < 0) throw new TSMKeyOrderError(this.path, keyString, this.#prevKeyString)
    if (cmp === 0) {
      if (type !== this.#curType) {
        throw new TSMBlockTypeError(this.path, keyString, this.#curType, type)
      }
      if (minTime <= this.#curLastMax) {
        const reason = 'block overlaps or precedes the previous block'
        throw new TSMBlockOrderError(this.path, keyString, reason, {
          minTime,
          previousMaxTime: this.#curLastMax,
        })
      }
      if (this.#index.currentEntryCount >= MAX_INDEX_ENTRIES) {
        throw new TSMMaxBlocksError(this.path, keyString)
      }
    }

    const blockOffset = this.#offset
    const size = 4 + blockData.length
    if (this.#buf.length - this.#bufLen < 4) await this.#flush()
    this.#bufView.setUint32(this.#bufLen, crc32(blockData))
    this.#bufLen += 4
    if (blockData.length <= this.#buf.length - this.#bufLen) {
      this.#buf.set(blockData, this.#bufLen)
      this.#bufLen += blockData.length
    } else {
      await this.#flush()
      if (blockData.length < this.#buf.length) {
        this.#buf.set(blockData, 0)
        this.#bufLen = blockData.length
      } else {
        await this.#writeFully(blockData)
      }
    }
    this.#offset += size

    if (cmp > 0 && keyBytes !== undefined) {
      this.#index.addKey(keyBytes, type)
      this.#prevKey = keyBytes
      this.#prevKeyString = keyString
      this.#curType = type
    }
    this.#index.addEntry(minTime, maxTime, blockOffset, size)
    this.#curLastMax = maxTime
  }

  /**
   * Writes the values of one key (sorted by time, no duplicate times) as blocks of at most
   * `maxPointsPerBlock` points. Empty values write nothing. Unsorted values throw
   * ERR_TSM_BLOCK_ORDER; the other errors are those of writeBlock().
   */
  async write(key: string | Uint8Array, values: Values): Promise<void> {
    this.#checkOpen()
    const n = values.times.length
    if (n === 0) return
    const bad = firstUnorderedIndex(values.times)
    if (bad !== -1) {
      const keyString = typeof key === 'string' ? key : Buffer.from(key).toString('utf8')
      const reason = 'values are not strictly increasing in time'
      throw new TSMBlockOrderError(this.path, keyString, reason, { index: bad })
    }
    for (let start = 0; start < n; start += this.#maxPoints) {
      const end = Math.min(n, start + this.#maxPoints)
      const chunk = start === 0 && end === n ? values : sliceValues(values, start, end)
      const minTime = values.times[start] ?? 0n
      const maxTime = values.times[end - 1] ?? 0n
      await this.writeBlock(key, minTime, maxTime, encodeBlock(chunk))
    }
  }

  /**
   * Writes the index and footer, fsyncs, renames the file to `path` and fsyncs the directory.
   * A writer with no keys throws ERR_TSM_NO_VALUES and stays open: call abort() then.
   */
  async finish(): Promise<void> {
    this.#checkOpen()
    if (this.#index.keyCount === 0) throw new TSMNoValuesError(this.path)
    const indexStart = this.#offset
    const index = this.#index.finish()
    await this.#flush()
    await this.#writeFully(index)
    const footer = new Uint8Array(8)
    new DataView(footer.buffer).setBigUint64(0, BigInt(indexStart))
    await this.#writeFully(footer)
    try {
      await this.#fh.sync()
      this.#fhClosed = true
      await this.#fh.close()
      await rename(this.tempPath, this.path)
    } catch (err) {
      this.#state = 'failed'
      throw err
    }
    this.#state = 'finished'
    await fsyncDir(dirname(this.path))
  }

  /**
   * Closes and removes the temporary file. Idempotent; does nothing after finish(). Also the
   * way out after an I/O error, which leaves the writer refusing everything else.
   */
  async abort(): Promise<void> {
    if (this.#state !== 'open' && this.#state !== 'failed') return
    this.#state = 'aborted'
    try {
      if (!this.#fhClosed) {
        this.#fhClosed = true
        await this.#fh.close()
      }
    } finally {
      await rm(this.tempPath, { force: true })
    }
  }
}
