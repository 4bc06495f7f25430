// gunzip on several cores for the archives ParallelGzip writes: each gzip member records its own
// length in a `TM` FEXTRA subfield, so members can be cut out of the stream without decoding and
// inflated at once on the libuv thread pool, then emitted in order, each checked against its
// CRC-32 and ISIZE as gunzip would. At the first member without that subfield (an archive from
// influxd, or any other gzip) the rest of the stream goes through zlib's own gunzip unchanged.
// A member of stored blocks (what ParallelGzip stores) is read here: its data are views of it.
// Errors carry zlib's codes and texts (Z_DATA_ERROR "incorrect data check", Z_BUF_ERROR
// "unexpected end of file"), so callers treat both paths alike.

import { Buffer } from 'node:buffer'
import { availableParallelism } from 'node:os'
import { Transform } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import { promisify } from 'node:util'
import { createGunzip, gunzip, type Gunzip } from 'node:zlib'
import { crc32 } from '../util/index.js'
import { INDEXED_HEADER_BYTES, MEMBER_LENGTH_SUBFIELD } from './parallel-gzip.js'

const gunzipAsync = promisify(gunzip)

function zlibError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

/** The total length an indexed member's header records, or undefined if `b` (≥ 20 bytes) does not start one. */
export function indexedLength(b: Buffer): number | undefined {
  if (b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8 || b[3] !== 4) return undefined
  if (
    b.readUInt16LE(10) !== 8 ||
    b[12] !== MEMBER_LENGTH_SUBFIELD[0] ||
    b[13] !== MEMBER_LENGTH_SUBFIELD[1] ||
    b.readUInt16LE(14) !== 4
  )
    return undefined
  const total = b.readUInt32LE(16)
  return total >= INDEXED_HEADER_BYTES + 8 ? total : undefined
}

/**
 * The data of an indexed member made of stored deflate blocks only (as ParallelGzip stores what
 * does not shrink), as views of `member`, when its blocks, ISIZE and CRC-32 all check out;
 * undefined otherwise (a compressed member, or damage: zlib then says what is wrong). With
 * `checkCRC: false` the CRC-32 is not computed (the caller proves the bytes another way).
 */
export function storedData(
  member: Buffer,
  options: { readonly checkCRC?: boolean } = {},
): Buffer[] | undefined {
  const checkCRC = options.checkCRC !== false
  const end = member.length - 8
  const pieces: Buffer[] = []
  let crc = 0
  let size = 0
  let at = INDEXED_HEADER_BYTES
  for (;;) {
    if (at + 5 > end) return undefined
    const head = member[at] ?? 0
    if ((head & 0b110) !== 0) return undefined // not BTYPE 00 (stored)
    const n = member.readUInt16LE(at + 1)
    if ((n ^ member.readUInt16LE(at + 3)) !== 0xffff || at + 5 + n > end) return undefined
    const piece = member.subarray(at + 5, at + 5 + n)
    if (n > 0) pieces.push(piece)
    if (checkCRC) crc = crc32(piece, crc)
    size += n
    at += 5 + n
    if ((head & 1) === 1) break
  }
  if (
    at !== end ||
    (checkCRC && member.readUInt32LE(end) !== crc) ||
    member.readUInt32LE(end + 4) !== size % 2 ** 32
  )
    return undefined
  return pieces
}

/**
 * Inflates one whole member: a stored one here (a CRC-32 and no copy), any other by zlib, which
 * checks its header, CRC-32 and ISIZE on the thread pool.
 */
async function inflateMember(member: Buffer, size: number): Promise<Buffer[]> {
  const stored = storedData(member)
  if (stored !== undefined) return stored
  // One output buffer the size of the data (plus room to see the end): no joining of pieces.
  return [await gunzipAsync(member, { chunkSize: memberChunkBytes(size) })]
}

/** The largest zlib output chunk asked for at once: a damaged ISIZE could claim any size. */
const MAX_CHUNK_BYTES = 16 << 20

/**
 * zlib's output chunk size for a member whose ISIZE is `size`: all of it in one chunk when it is
 * believable (zlib checks ISIZE at the end).
 */
export function memberChunkBytes(size: number): number {
  return Math.min(MAX_CHUNK_BYTES, Math.max(64 * 1024, size + 1024))
}

/** A Transform from gzip bytes to the uncompressed bytes. */
export class ParallelGunzip extends Transform {
  readonly #concurrency: number
  #buffered: Buffer[] = []
  #bufferedBytes = 0
  #inflight: Promise<Buffer[]>[] = []
  #fallback: Gunzip | undefined
  #fallbackError: Error | undefined
  #members = 0
  /** Bytes of the input taken as indexed members. */
  #taken = 0

  constructor(options: { readonly concurrency?: number } = {}) {
    super()
    this.#concurrency = Math.max(1, options.concurrency ?? Math.min(4, availableParallelism()))
  }

  #take(n: number): Buffer {
    const all =
      this.#buffered.length === 1 && this.#buffered[0] !== undefined
        ? this.#buffered[0]
        : Buffer.concat(this.#buffered, this.#bufferedBytes)
    const head = all.subarray(0, n)
    const rest = all.subarray(n)
    this.#buffered = rest.length > 0 ? [rest] : []
    this.#bufferedBytes = rest.length
    return head
  }

  /** The first `n` buffered bytes, copying at most those (a member's header, not the member). */
  #peek(n: number): Buffer {
    const first = this.#buffered[0]
    if (first !== undefined && first.length >= n) return first.subarray(0, n)
    return Buffer.concat(this.#buffered, Math.min(n, this.#bufferedBytes))
  }

  async #drainTo(limit: number): Promise<void> {
    while (this.#inflight.length > limit) {
      const first = this.#inflight.shift()
      if (first !== undefined) for (const piece of await first) this.push(piece)
    }
  }

  /**
   * Hands the buffered bytes and everything after them to zlib's gunzip. Bytes that do not start
   * a gzip member (a plain tar named .tar.gz) fail here, with the offset where they begin
   * (`offset` on the error): zlib would only fail once it had read them all.
   */
  async #startFallback(): Promise<void> {
    await this.#drainTo(0)
    const head = this.#peek(2)
    if (head.length === 2 && (head[0] !== 0x1f || head[1] !== 0x8b))
      throw Object.assign(zlibError('Z_DATA_ERROR', 'incorrect header check (not gzip data)'), {
        offset: this.#taken,
      })
    // 1 MiB out per turn on the thread pool (zlib's turns run one after another): verify of
    // influxd's 94 MB set in ~0.43 s instead of ~0.47.
    const g = createGunzip({ chunkSize: 1 << 20 })
    this.#fallback = g
    g.on('data', (d: Buffer) => this.push(d))
    g.on('error', (err) => (this.#fallbackError ??= err))
    const rest = this.#take(this.#bufferedBytes)
    if (rest.length > 0) await this.#feed(rest)
  }

  #feed(chunk: Buffer): Promise<void> {
    const g = this.#fallback
    if (g === undefined) return Promise.resolve()
    if (this.#fallbackError !== undefined) return Promise.reject(this.#fallbackError)
    if (g.write(chunk)) return Promise.resolve()
    return new Promise((done, fail) => {
      const settle = (): void => {
        g.off('drain', settle)
        g.off('error', settle)
        if (this.#fallbackError !== undefined) fail(this.#fallbackError)
        else done()
      }
      g.on('drain', settle)
      g.on('error', settle)
    })
  }

  async #consume(): Promise<void> {
    while (this.#fallback === undefined && this.#bufferedBytes >= INDEXED_HEADER_BYTES) {
      const total = indexedLength(this.#peek(INDEXED_HEADER_BYTES))
      if (total === undefined) return this.#startFallback()
      if (this.#bufferedBytes < total) return
      const member = this.#take(total)
      this.#taken += total
      const p = inflateMember(member, member.readUInt32LE(total - 4))
      p.catch(() => undefined) // awaited in order by #drainTo
      this.#inflight.push(p)
      this.#members++
      await this.#drainTo(this.#concurrency - 1)
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.#fallback !== undefined) {
      this.#feed(chunk).then(() => done(), done)
      return
    }
    this.#buffered.push(chunk)
    this.#bufferedBytes += chunk.length
    this.#consume().then(() => done(), done)
  }

  override _flush(done: TransformCallback): void {
    const run = async (): Promise<void> => {
      if (this.#fallback === undefined && this.#bufferedBytes > 0) {
        // Fewer bytes than a whole indexed member: a cut-off archive, or a stream of another kind.
        if (
          this.#bufferedBytes >= INDEXED_HEADER_BYTES &&
          indexedLength(this.#peek(INDEXED_HEADER_BYTES)) !== undefined
        ) {
          await this.#drainTo(0)
          throw zlibError('Z_BUF_ERROR', 'unexpected end of file')
        }
        await this.#startFallback()
      }
      await this.#drainTo(0)
      const g = this.#fallback
      if (g !== undefined) {
        await new Promise<void>((resolve, reject) => {
          if (this.#fallbackError !== undefined) return reject(this.#fallbackError)
          g.once('error', reject)
          g.once('end', resolve)
          g.end()
        })
      } else if (this.#members === 0) {
        throw zlibError('Z_BUF_ERROR', 'unexpected end of file')
      }
    }
    run().then(() => done(), done)
  }
}
