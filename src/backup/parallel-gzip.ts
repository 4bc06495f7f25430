// gzip compression on several cores, as influxd's pgzip does: the input is cut into 1 MiB blocks,
// each compressed on the libuv thread pool as its own gzip member, and the members are written in
// input order. A multi-member gzip file is valid gzip (RFC 1952 §2.2): Go's gzip reader (so
// `influxd restore`), GNU gzip, zlib and Python read it as one stream. Memory stays bounded by
// the blocks in flight. deflate on TSM data (already compressed) is the slowest step of a backup,
// so this is where the cores help; a block whose sample barely deflates (values that do not
// shrink further, such as random floats) is stored instead, as pgzip's compressor skips what it
// cannot shrink. A stored member is laid out here (stored deflate blocks, RFC 1951 §3.2.4, and the
// CRC-32) into a reused buffer: no zlib stream, no thread-pool round trip, no fresh memory.
//
// Each member carries its own total length in an FEXTRA subfield (`TM`, 4 bytes little-endian),
// as BGZF does with `BC`: gzip readers skip extra fields, and our reader (parallel-gunzip.ts) uses
// it to inflate several members at once on restore.

import { Buffer } from 'node:buffer'
import { availableParallelism } from 'node:os'
import { Transform } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import { promisify } from 'node:util'
import { deflateRaw, gzip, constants as zlibConstants } from 'node:zlib'
import { BufferPool, crc32 } from '../util/index.js'

const gzipAsync = promisify(gzip)
const deflateRawAsync = promisify(deflateRaw)

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
  const header = Buffer.allocUnsafe(INDEXED_HEADER_BYTES)
  writeIndexedHeader(header, INDEXED_HEADER_BYTES + gzip.length - 10)
  return [header, gzip.subarray(10)]
}

/** Writes the header of an indexed member of `total` bytes at the start of `out`. */
function writeIndexedHeader(out: Buffer, total: number): void {
  out.set([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 255], 0) // ID1 ID2 CM=deflate FLG=FEXTRA MTIME=0 XFL OS=unknown
  out.writeUInt16LE(8, 10) // XLEN
  out[12] = MEMBER_LENGTH_SUBFIELD[0]
  out[13] = MEMBER_LENGTH_SUBFIELD[1]
  out.writeUInt16LE(4, 14)
  out.writeUInt32LE(total, 16)
}

/** The most bytes one stored deflate block holds (its LEN field is 16 bits). */
const STORED_BLOCK_MAX = 65535

/** The length of an indexed member holding `n` bytes in stored blocks (one empty block for none). */
export function storedMemberBytes(n: number): number {
  return INDEXED_HEADER_BYTES + 5 * Math.max(1, Math.ceil(n / STORED_BLOCK_MAX)) + n + 8
}

/**
 * Lays out `block` in `out` as an indexed member of stored deflate blocks — each a 5-byte header
 * (BFINAL/BTYPE=00, LEN, NLEN) and the bytes — then the CRC-32 and ISIZE; returns the member.
 */
export function storedMember(block: Buffer, out: Buffer): Buffer {
  const total = storedMemberBytes(block.length)
  writeIndexedHeader(out, total)
  let at = INDEXED_HEADER_BYTES
  let from = 0
  do {
    const n = Math.min(STORED_BLOCK_MAX, block.length - from)
    out[at] = from + n === block.length ? 1 : 0
    out.writeUInt16LE(n, at + 1)
    out.writeUInt16LE(~n & 0xffff, at + 3)
    block.copy(out, at + 5, from, from + n)
    at += 5 + n
    from += n
  } while (from < block.length)
  out.writeUInt32LE(crc32(block), at)
  out.writeUInt32LE(block.length % 2 ** 32, at + 4)
  return out.subarray(0, total)
}

/** Options of ParallelGzip. */
export interface ParallelGzipOptions {
  /** zlib level 0–9 (default: zlib's default, 6). */
  readonly level?: number
  /** Input bytes per gzip member (default 1 MiB). */
  readonly blockSizeBytes?: number
  /** Members compressed at once (default: the cores plus one, at most 4 — the size of libuv's pool). */
  readonly concurrency?: number
  /**
   * A block whose sample (SAMPLE_BYTES from its middle) deflates to more than this fraction of its
   * size is stored (level 0) instead (default 0.9; 1 turns it off). TSM blocks are compressed
   * already: on data that does not shrink further, zlib's deflate runs at a third of its usual
   * speed for a few percent, where storing costs a copy and the CRC.
   */
  readonly storeAboveRatio?: number
  /**
   * A sample that says "store" decides for this many blocks, its own included (default 4); a
   * block after one deflated is always sampled.
   */
  readonly sampleEvery?: number
  /**
   * Called with each input chunk once no member needs it any more (only chunks that were one
   * block each, as tarStream's 1 MiB pieces are): the producer can reuse it.
   */
  readonly recycleInput?: (chunk: Buffer) => void
}

/** The sample of a block that decides whether deflating it is worth it. */
const SAMPLE_BYTES = 32 * 1024

/** A Transform from bytes to a multi-member gzip stream. */
export class ParallelGzip extends Transform {
  readonly #level: number
  readonly #blockSize: number
  readonly #concurrency: number
  readonly #storeAbove: number
  #pending: Buffer[] = []
  #pendingBytes = 0
  #inflight: Promise<Buffer[]>[] = []
  #members = 0
  readonly #recycleInput: ((chunk: Buffer) => void) | undefined
  readonly #sampleEvery: number
  /** The newest sample's verdict known so far, and how many blocks took it (its own included). */
  #known: { level: number; age: number; seq: number } | undefined
  /** Samples started, numbered so that a late answer never replaces a newer one. */
  #samples = 0
  /** Buffers of stored members, back from the consumer through `recycle`. */
  readonly #stored: BufferPool

  constructor(options: ParallelGzipOptions = {}) {
    super()
    this.#level = options.level ?? zlibConstants.Z_DEFAULT_COMPRESSION
    this.#blockSize = options.blockSizeBytes ?? 1024 * 1024
    // One member more than cores: a core never waits while this thread hands out the next block.
    this.#concurrency = Math.max(1, options.concurrency ?? Math.min(4, availableParallelism() + 1))
    this.#storeAbove = options.storeAboveRatio ?? 0.9
    this.#recycleInput = options.recycleInput
    this.#sampleEvery = Math.max(1, options.sampleEvery ?? 4)
    this.#stored = new BufferPool(storedMemberBytes(this.#blockSize), 2 * this.#concurrency + 4)
  }

  /**
   * Hands back an output chunk the consumer is done with (written out, not just queued): a stored
   * member's buffer is reused for a later one. Other chunks are ignored.
   */
  recycle(chunk: Buffer): void {
    this.#stored.give(chunk)
  }

  /**
   * The level for `block`: ours, or 0 when a sample of it barely deflates. Neighbouring blocks of
   * a shard's files are alike, so a sample that says "store" speaks for the next few blocks too
   * (`sampleEvery`); one that says "deflate" speaks only for its own block, and the next is
   * sampled again. The two mistakes differ tenfold in cost: a block stored on a stale word loses
   * a few percent of size, one deflated on a stale word costs ~10 ms of a core for ~4%. Where a
   * TSM file's index (which deflates) met the next file's blocks (which do not), three such
   * blocks at a time held up a backup of 94 MB of random values by ~60 ms, for 0.8% of its size.
   */
  #levelFor(block: Buffer): Promise<number> {
    if (this.#level === 0 || this.#storeAbove >= 1 || block.length < 2 * SAMPLE_BYTES)
      return Promise.resolve(this.#level)
    const known = this.#known
    if (known !== undefined && known.level === 0 && known.age < this.#sampleEvery) {
      known.age++
      return Promise.resolve(0)
    }
    // Sampled at once, beside the blocks in flight: a sample waiting for the one before it
    // would wait behind their deflating on the thread pool.
    const seq = ++this.#samples
    const sampled = this.#sample(block)
    sampled.then(
      (level) => {
        if ((this.#known?.seq ?? 0) < seq) this.#known = { level, age: 1, seq }
      },
      () => undefined, // the block's own member fails with it
    )
    return sampled
  }

  async #sample(block: Buffer): Promise<number> {
    const from = (block.length - SAMPLE_BYTES) >> 1
    const sample = block.subarray(from, from + SAMPLE_BYTES)
    const deflated = await deflateRawAsync(sample, { level: 1 })
    return deflated.length > sample.length * this.#storeAbove ? 0 : this.#level
  }

  #start(block: Buffer): void {
    const p = this.#levelFor(block)
      .then(async (level) => {
        // A short block (a small archive's only one, a large one's last) gets a buffer of its
        // own size: a fresh megabyte for each of hundreds of small archives kept the server's
        // garbage collector busy.
        if (level === 0)
          return [
            storedMember(
              block,
              block.length < this.#blockSize
                ? Buffer.allocUnsafe(storedMemberBytes(block.length))
                : this.#stored.take(),
            ),
          ]
        // One output buffer big enough for the whole member: zlib's default 16 KiB chunks cost a
        // main-thread callback each (30% of the wall time on 2 cores). memLevel 9 (a hash table
        // of 64 Ki chains instead of 32 Ki, 128 KiB more per member in flight) deflates TSM
        // blocks ~8% faster at level 1 for the same size.
        return indexedMember(
          await gzipAsync(block, { level, memLevel: 9, chunkSize: block.length + 64 * 1024 }),
        )
      })
      .then((member) => {
        // A block that spans its whole buffer shares it with no other block: its producer may reuse it.
        if (block.byteOffset === 0 && block.length === block.buffer.byteLength)
          this.#recycleInput?.(block)
        return member
      })
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
