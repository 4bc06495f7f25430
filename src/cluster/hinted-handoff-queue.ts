// The on-disk hinted-handoff queue of one target node: shard writes kept in order until the node
// takes them. A directory holds numbered segment files (`00000001.seg`, ...) of framed entries
// (hinted-handoff-entry.ts) and a `position` file naming the first entry not yet delivered:
//
//   position: segment number (uint32) | offset (uint32) | CRC-32 of those 8 bytes
//
// Appends are group-committed (one write + one fdatasync for all appends waiting) and resolve only
// once durable. The tail segment rolls at `segmentMaxBytes`. When the queue would pass
// `maxSizeBytes`, whole segments are dropped oldest first, with a warning. Entries older than
// `maxAgeMs` are dropped when read. Delivery is at-least-once: a crash after a delivery but
// before the position is saved delivers that entry again, which InfluxDB's last-write-wins points
// make harmless. On open, a torn tail (a crash mid-append) is cut off; corrupt entries elsewhere
// are logged with file and offset and skipped by the reader.

import { mkdir, open, readdir, readFile, stat, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32, fsyncDir, NotOpenError } from '../util/index.js'
import { HintedHandoffQueueFullError } from './errors.js'
import { decodeFrame, encodeHintedWrite, type HintedWrite } from './hinted-handoff-entry.js'

/** Something that logs with fields first (pino's Logger fits). */
export interface QueueLogger {
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

/** Options of one node's queue. */
export interface HintedHandoffQueueOptions {
  readonly nodeID: bigint
  /** Bytes of segment files the queue may hold. */
  readonly maxSizeBytes: number
  /** Entries older than this (ms) are dropped when read; 0 = kept forever. */
  readonly maxAgeMs: number
  /** Size at which the tail segment rolls (default min(10 MiB, maxSizeBytes / 8)). */
  readonly segmentMaxBytes?: number
  readonly logger: QueueLogger
  /** The clock, Unix ns (tests). */
  readonly now?: () => bigint
}

/** Where the next undelivered entry starts. */
interface Position {
  seq: number
  offset: number
}

/** An entry read from the queue and the position just after it (pass to {@link HintedHandoffQueue.ack}). */
export interface QueuedWrite {
  readonly entry: HintedWrite
  readonly next: { readonly seq: number; readonly offset: number }
}

const SEGMENT = /^(\d{8})\.seg$/
const segName = (seq: number): string => `${String(seq).padStart(8, '0')}.seg`

/**
 * One target node's queue. `open()` first; `append`, `next`, `ack` and `commit` are safe to call
 * concurrently (structural changes run one at a time); `close()` is idempotent.
 */
export class HintedHandoffQueue {
  readonly dir: string
  readonly #o: HintedHandoffQueueOptions
  readonly #segmentMaxBytes: number
  readonly #now: () => bigint
  /** Segment number → size in bytes, ascending. */
  readonly #segments = new Map<number, number>()
  #pos: Position = { seq: 1, offset: 0 }
  #savedPos: Position = { seq: 1, offset: 0 }
  #tail: FileHandle | undefined
  #tailSeq = 0
  #read: { seq: number; bytes: Uint8Array } | undefined
  #pending: { frame: Uint8Array; done: () => void; fail: (e: unknown) => void }[] = []
  #flushing = false
  #lock: Promise<unknown> = Promise.resolve()
  #open = false

  constructor(dir: string, options: HintedHandoffQueueOptions) {
    this.dir = dir
    this.#o = options
    this.#segmentMaxBytes =
      options.segmentMaxBytes ??
      Math.max(4096, Math.min(10 * 1024 * 1024, Math.floor(options.maxSizeBytes / 8)))
    this.#now = options.now ?? ((): bigint => BigInt(Date.now()) * 1_000_000n)
  }

  /** Bytes held in segment files. */
  get sizeBytes(): number {
    let n = 0
    for (const s of this.#segments.values()) n += s
    return n
  }

  /** Whether every queued entry has been delivered (or dropped). */
  get empty(): boolean {
    const last = this.#lastSeq()
    return last === undefined || (this.#pos.seq >= last && this.#pos.offset >= this.#size(last))
  }

  #size(seq: number): number {
    return this.#segments.get(seq) ?? 0
  }

  #lastSeq(): number | undefined {
    let last: number | undefined
    for (const s of this.#segments.keys()) last = s
    return last
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn)
    this.#lock = run.catch(() => undefined)
    return run
  }

  /** Reads the position and segments, deletes delivered segments and cuts a torn tail. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    this.#pos = await this.#readPosition()
    const seqs = (await readdir(this.dir))
      .map((f) => SEGMENT.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number)
      .sort((a, b) => a - b)
    for (const seq of seqs) {
      const path = join(this.dir, segName(seq))
      if (seq < this.#pos.seq) {
        await unlink(path)
        continue
      }
      this.#segments.set(seq, (await stat(path)).size)
    }
    const last = this.#lastSeq()
    if (last !== undefined) {
      if (this.#pos.seq < (this.#segments.keys().next().value ?? 0))
        this.#pos = { seq: this.#segments.keys().next().value ?? last, offset: 0 }
      this.#tailSeq = last
      this.#tail = await open(join(this.dir, segName(last)), 'r+')
      await this.#repairTail(last)
    } else {
      this.#tailSeq = this.#pos.seq - 1
    }
    this.#savedPos = { ...this.#pos }
    this.#open = true
  }

  async #readPosition(): Promise<Position> {
    try {
      const b = await readFile(join(this.dir, 'position'))
      if (b.length === 12) {
        const v = new DataView(b.buffer, b.byteOffset, 12)
        if (crc32(b.subarray(0, 8)) === v.getUint32(8))
          return { seq: v.getUint32(0), offset: v.getUint32(4) }
      }
      this.#o.logger.warn(
        { path: join(this.dir, 'position'), nodeID: String(this.#o.nodeID) },
        'unreadable hinted handoff position: delivering the queue from its start',
      )
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    return { seq: 1, offset: 0 }
  }

  /** Cuts a frame that runs past the end of the tail, unless a valid frame follows it (corruption). */
  async #repairTail(seq: number): Promise<void> {
    const bytes = await readFile(join(this.dir, segName(seq)))
    let off = 0
    while (off < bytes.length) {
      const f = decodeFrame(bytes, off)
      if (f.kind === 'entry') {
        off = f.end
        continue
      }
      const resume = resync(bytes, off + 1)
      if (resume !== undefined) {
        off = resume
        continue
      }
      this.#o.logger.warn(
        { path: join(this.dir, segName(seq)), offset: off, bytes: bytes.length - off },
        'cut a torn hinted handoff entry at the end of the queue',
      )
      await this.#tail?.truncate(off)
      await this.#tail?.datasync()
      this.#segments.set(seq, off)
      return
    }
  }

  /** Appends `w`; resolves once it is durable on disk. HintedHandoffQueueFullError if it can never fit. */
  append(w: HintedWrite): Promise<void> {
    if (!this.#open) return Promise.reject(new NotOpenError('hinted handoff queue'))
    const frame = encodeHintedWrite(w)
    if (frame.length > this.#o.maxSizeBytes)
      return Promise.reject(
        new HintedHandoffQueueFullError(this.#o.nodeID, frame.length, this.#o.maxSizeBytes),
      )
    return new Promise((done, fail) => {
      this.#pending.push({ frame, done, fail })
      if (!this.#flushing) void this.#flush()
    })
  }

  async #flush(): Promise<void> {
    this.#flushing = true
    while (this.#pending.length > 0) {
      const batch = this.#pending
      this.#pending = []
      try {
        await this.#serial(() => this.#write(batch.map((p) => p.frame)))
        for (const p of batch) p.done()
      } catch (err) {
        for (const p of batch) p.fail(err)
      }
    }
    this.#flushing = false
  }

  async #write(frames: Uint8Array[]): Promise<void> {
    if (!this.#open) throw new NotOpenError('hinted handoff queue')
    const total = frames.reduce((n, f) => n + f.length, 0)
    while (this.#segments.size > 0 && this.sizeBytes + total > this.#o.maxSizeBytes)
      await this.#dropOldest()
    const tailSize = this.#size(this.#tailSeq)
    if (this.#tail === undefined || (tailSize > 0 && tailSize + total > this.#segmentMaxBytes)) {
      await this.#tail?.close()
      this.#tailSeq++
      this.#tail = await open(join(this.dir, segName(this.#tailSeq)), 'w+')
      this.#segments.set(this.#tailSeq, 0)
      await fsyncDir(this.dir)
    }
    const at = this.#size(this.#tailSeq)
    const data = frames.length === 1 && frames[0] !== undefined ? frames[0] : Buffer.concat(frames)
    await this.#tail.write(data, 0, data.length, at)
    await this.#tail.datasync()
    this.#segments.set(this.#tailSeq, at + data.length)
  }

  async #dropOldest(): Promise<void> {
    const seq = this.#segments.keys().next().value
    if (seq === undefined) return
    const path = join(this.dir, segName(seq))
    this.#o.logger.warn(
      { nodeID: String(this.#o.nodeID), path, bytes: this.#size(seq) },
      'hinted handoff queue reached max-size: dropped its oldest segment',
    )
    if (seq === this.#tailSeq) {
      await this.#tail?.close()
      this.#tail = undefined
    }
    this.#segments.delete(seq)
    if (this.#read?.seq === seq) this.#read = undefined
    if (this.#pos.seq <= seq) this.#pos = { seq: seq + 1, offset: 0 }
    await this.#savePosition()
    await unlink(path)
  }

  /**
   * The oldest undelivered entry, or undefined when the queue is empty. Corrupt entries are
   * logged and skipped, entries older than max-age are logged and dropped.
   */
  async next(): Promise<QueuedWrite | undefined> {
    if (!this.#open) throw new NotOpenError('hinted handoff queue')
    for (;;) {
      const last = this.#lastSeq()
      if (last === undefined) return undefined
      const seq = this.#pos.seq
      const size = this.#size(seq)
      if (!this.#segments.has(seq) || this.#pos.offset >= size) {
        if (seq >= last) return undefined
        this.#pos = { seq: seq + 1, offset: 0 }
        continue
      }
      if (this.#read?.seq !== seq || this.#read.bytes.length < size) {
        const all = await readFile(join(this.dir, segName(seq)))
        this.#read = { seq, bytes: all.subarray(0, size) }
      }
      const bytes = this.#read.bytes
      const off = this.#pos.offset
      const f = decodeFrame(bytes, off)
      if (f.kind !== 'entry') {
        const resume = resync(bytes, off + 1) ?? bytes.length
        this.#o.logger.error(
          {
            path: join(this.dir, segName(seq)),
            offset: off,
            skippedBytes: resume - off,
            reason: f.kind === 'corrupt' ? f.reason : 'entry runs past the end of the segment',
          },
          'skipped a corrupt hinted handoff entry',
        )
        this.#pos = { seq, offset: resume }
        continue
      }
      const maxAgeNs = BigInt(this.#o.maxAgeMs) * 1_000_000n
      if (maxAgeNs > 0n && f.entry.enqueuedAtNs < this.#now() - maxAgeNs) {
        this.#o.logger.warn(
          { nodeID: String(this.#o.nodeID), shardID: String(f.entry.shardID), offset: off },
          'dropped a hinted handoff entry older than max-age',
        )
        this.#pos = { seq, offset: f.end }
        continue
      }
      return { entry: f.entry, next: { seq, offset: f.end } }
    }
  }

  /** Marks everything before `next` delivered (in memory; {@link commit} saves it). */
  ack(next: { readonly seq: number; readonly offset: number }): void {
    this.#pos = { seq: next.seq, offset: next.offset }
  }

  /** Saves the position durably and deletes the segments wholly delivered. */
  commit(): Promise<void> {
    return this.#serial(async () => {
      if (!this.#open) return
      if (this.empty && this.#lastSeq() !== undefined) {
        // Everything delivered: start the next append on a fresh segment and drop the old ones.
        await this.#tail?.close()
        this.#tail = undefined
        this.#pos = { seq: this.#tailSeq + 1, offset: 0 }
      }
      if (this.#pos.seq === this.#savedPos.seq && this.#pos.offset === this.#savedPos.offset) return
      await this.#savePosition()
      for (const seq of [...this.#segments.keys()]) {
        if (seq >= this.#pos.seq) break
        this.#segments.delete(seq)
        if (this.#read?.seq === seq) this.#read = undefined
        await unlink(join(this.dir, segName(seq)))
      }
    })
  }

  async #savePosition(): Promise<void> {
    const b = Buffer.alloc(12)
    b.writeUInt32BE(this.#pos.seq, 0)
    b.writeUInt32BE(this.#pos.offset, 4)
    b.writeUInt32BE(crc32(b.subarray(0, 8)), 8)
    const fh = await open(join(this.dir, 'position'), 'w')
    try {
      await fh.write(b, 0, 12, 0)
      await fh.datasync()
    } finally {
      await fh.close()
    }
    this.#savedPos = { ...this.#pos }
  }

  /** Waits for pending appends, saves the position and closes the tail. Idempotent. */
  async close(): Promise<void> {
    if (!this.#open) return
    while (this.#flushing) await this.#serial(() => Promise.resolve())
    await this.commit()
    this.#open = false
    await this.#serial(async () => {
      await this.#tail?.close()
      this.#tail = undefined
    })
  }
}

/** The offset of the next valid frame at or after `from`, or undefined. */
function resync(bytes: Uint8Array, from: number): number | undefined {
  for (let i = from; i + 8 <= bytes.length; i++) {
    if (decodeFrame(bytes, i).kind === 'entry') return i
  }
  return undefined
}
