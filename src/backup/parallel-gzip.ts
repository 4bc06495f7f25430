// gzip compression on several cores, as influxd's pgzip does: the input is cut into 1 MiB blocks,
// each compressed on the libuv thread pool as its own gzip member, and the members are written in
// input order. A multi-member gzip file is valid gzip (RFC 1952 §2.2): Go's gzip reader (so
// `influxd restore`), GNU gzip, zlib and Python read it as one stream. Memory stays bounded by
// the blocks in flight. deflate on TSM data (already compressed) is the slowest step of a backup,
// so this is where the cores help.
//
// Each member carries its own total length in an FEXTRA subfield (`TM`, 4 bytes little-endian),
// as BGZF does with `BC`: gzip readers skip extra fields, and our reader (parallel-gunzip.ts) uses
// it to inflate several members at once on restore.

import { Buffer } from 'node:buffer'
import { availableParallelism } from 'node:os'
import { Transform } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import { promisify } from 'node:util'
import { gzip, constants as zlibConstants } from 'node:zlib'

const gzipAsync = promisify(gzip)

/** The FEXTRA subfield ID of a member's total length ("TM"). */
export const MEMBER_LENGTH_SUBFIELD = [0x54, 0x4d] as const
/** Header bytes of an indexed member: 10 fixed, XLEN, then the 8-byte subfield. */
export const INDEXED_HEADER_BYTES = 20

/**
 * The gzip member zlib made of one block (`gzip` holds its 10-byte header, the deflate data, CRC-32
 * and ISIZE, all computed on the thread pool), as an indexed member: a header that records the
 * member's total length, then zlib's bytes after its header (not copied).
 */
export function indexedMember(gzip: Buffer): Buffer[] {
  const total = INDEXED_HEADER_BYTES + gzip.length - 10
  const header = Buffer.allocUnsafe(INDEXED_HEADER_BYTES)
  header.set([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 255], 0) // ID1 ID2 CM=deflate FLG=FEXTRA MTIME=0 XFL OS=unknown
  header.writeUInt16LE(8, 10) // XLEN
  header[12] = MEMBER_LENGTH_SUBFIELD[0]
  header[13] = MEMBER_LENGTH_SUBFIELD[1]
  header.writeUInt16LE(4, 14)
  header.writeUInt32LE(total, 16)
  return [header, gzip.subarray(10)]
}

/** Options of ParallelGzip. */
export interface ParallelGzipOptions {
  /** zlib level 0–9 (default: zlib's default, 6). */
  readonly level?: number
  /** Input bytes per gzip member (default 1 MiB). */
  readonly blockSizeBytes?: number
  /** Members compressed at once (default: the cores plus one, at most 4 — the size of libuv's pool). */
  readonly concurrency?: number
}

/** A Transform from bytes to a multi-member gzip stream. */
export class ParallelGzip extends Transform {
  readonly #level: number
  readonly #blockSize: number
  readonly #concurrency: number
  #pending: Buffer[] = []
  #pendingBytes = 0
  #inflight: Promise<Buffer[]>[] = []
  #members = 0

  constructor(options: ParallelGzipOptions = {}) {
    super()
    this.#level = options.level ?? zlibConstants.Z_DEFAULT_COMPRESSION
    this.#blockSize = options.blockSizeBytes ?? 1024 * 1024
    // One member more than cores: a core never waits while this thread hands out the next block.
    this.#concurrency = Math.max(1, options.concurrency ?? Math.min(4, availableParallelism() + 1))
  }

  #start(block: Buffer): void {
    // One output buffer big enough for the whole member: zlib's default 16 KiB chunks cost a
    // main-thread callback each (30% of the wall time on 2 cores).
    const p = gzipAsync(block, {
      level: this.#level,
      chunkSize: this.#blockSize + 64 * 1024,
    }).then(indexedMember)
    p.catch(() => undefined) // awaited in order below; this only keeps it from being "unhandled"
    this.#inflight.push(p)
    this.#members++
  }

  async #drainTo(limit: number): Promise<void> {
    while (this.#inflight.length > limit) {
      const first = this.#inflight.shift()
      if (first !== undefined) for (const piece of await first) this.push(piece)
    }
  }

  /** Takes whole blocks (and with `all`, the remainder) off the pending input, copying it once. */
  #cut(all: boolean): Buffer[] {
    if (this.#pendingBytes < this.#blockSize && !(all && this.#pendingBytes > 0)) return []
    const joined =
      this.#pending.length === 1 && this.#pending[0] !== undefined
        ? this.#pending[0]
        : Buffer.concat(this.#pending, this.#pendingBytes)
    const blocks: Buffer[] = []
    let at = 0
    while (joined.length - at >= this.#blockSize) {
      blocks.push(joined.subarray(at, at + this.#blockSize))
      at += this.#blockSize
    }
    if (all && at < joined.length) {
      blocks.push(joined.subarray(at))
      at = joined.length
    }
    const rest = joined.subarray(at)
    this.#pending = rest.length > 0 ? [rest] : []
    this.#pendingBytes = rest.length
    return blocks
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#pending.push(chunk)
    this.#pendingBytes += chunk.length
    const run = async (): Promise<void> => {
      for (const block of this.#cut(false)) {
        this.#start(block)
        await this.#drainTo(this.#concurrency - 1)
      }
    }
    run().then(() => done(), done)
  }

  override _flush(done: TransformCallback): void {
    const run = async (): Promise<void> => {
      for (const block of this.#cut(true)) this.#start(block)
      if (this.#members === 0) this.#start(Buffer.alloc(0)) // an empty input is still one gzip member
      await this.#drainTo(0)
    }
    run().then(() => done(), done)
  }
}
