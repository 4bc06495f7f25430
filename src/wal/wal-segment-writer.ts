// Appends framed entries to one WAL segment file with group commit. An append is acknowledged
// (its promise resolves) only after its bytes are written and fsynced. Appends that arrive while a
// write+fsync is running are queued and then written together with ONE write and ONE fsync, so
// under concurrency the fsync cost is shared instead of paid per append.

import { constants } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { NotOpenError, fsyncDir } from '../util/index.js'
import { WALWriteError } from './errors.js'
import { encodeEntry } from './wal-entry-codec.js'
import type { WALEntry } from './wal-entry.js'

interface PendingAppend {
  readonly bytes: Uint8Array
  readonly resolve: () => void
  readonly reject: (err: unknown) => void
}

type Status = 'new' | 'open' | 'closing' | 'closed'

/**
 * The writer of one segment file. Create it, `await open()` (creates the file when missing and
 * continues at its end otherwise), then `append()`; `close()` waits for queued appends. Safe to
 * call `append` concurrently: appends land in the file in call order. After a failed write or
 * fsync the writer is `failed` and rejects every later append, because the file's tail is unknown.
 */
export class WALSegmentWriter {
  /** The segment file. */
  readonly path: string
  #fh: FileHandle | undefined
  #status: Status = 'new'
  /** Bytes in the file (written and fsynced, or being written). */
  #fileBytes = 0
  /** Bytes accepted by append() but not yet written. */
  #queuedBytes = 0
  #queue: PendingAppend[] = []
  #flushRunning = false
  #flushDone: Promise<void> = Promise.resolve()
  #failure: WALWriteError | undefined
  #closing: Promise<void> | undefined
  #syncCount = 0

  constructor(path: string) {
    this.path = path
  }

  /** Opens (creating if needed, and then fsyncing its directory) the segment for appending. */
  async open(): Promise<void> {
    if (this.#status !== 'new') return
    let created = false
    try {
      this.#fileBytes = (await stat(this.path)).size
    } catch (err) {
      if (!isNotFound(err)) throw err
      created = true
    }
    this.#fh = await open(this.path, constants.O_RDWR | constants.O_CREAT, 0o644)
    if (created) await fsyncDir(dirname(this.path))
    this.#status = 'open'
  }

  /** The segment's size in bytes, counting appends that are queued but not yet written. */
  get size(): number {
    return this.#fileBytes + this.#queuedBytes
  }

  /** How many write+fsync rounds this writer has done (a statistic; each commits one group). */
  get syncCount(): number {
    return this.#syncCount
  }

  /** The error that stopped this writer, if a write or fsync failed. */
  get failure(): WALWriteError | undefined {
    return this.#failure
  }

  /**
   * Encodes `entries` and appends them; resolves once they are fsynced. The entries are queued
   * synchronously, so appends started one after another land in that order. Rejects with
   * WALInvalidEntryError for entries the format cannot hold (nothing is written then),
   * WALWriteError when the write or fsync fails, NotOpenError when the writer is not open.
   */
  async append(entries: readonly WALEntry[]): Promise<void> {
    this.#assertOpen()
    const bytes = concat(entries.map(encodeEntry))
    if (bytes.length === 0) return
    await this.appendFramed(bytes)
  }

  /**
   * Appends bytes that already hold whole framed entries (see encodeEntry); resolves once they
   * are fsynced. Queued synchronously, like append().
   */
  appendFramed(bytes: Uint8Array): Promise<void> {
    this.#assertOpen()
    if (this.#failure !== undefined) return Promise.reject(this.#failure)
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ bytes, resolve, reject })
      this.#queuedBytes += bytes.length
      if (!this.#flushRunning) {
        this.#flushRunning = true
        this.#flushDone = this.#flushLoop()
      }
    })
  }

  /** Waits for queued appends, then closes the file. Idempotent. */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      const wasOpen = this.#status === 'open'
      this.#status = 'closing'
      this.#closing = (async () => {
        try {
          if (wasOpen) await this.#flushDone
        } finally {
          const fh = this.#fh
          this.#fh = undefined
          this.#status = 'closed'
          if (fh !== undefined) await fh.close()
        }
      })()
    }
    return this.#closing
  }

  #assertOpen(): void {
    if (this.#status !== 'open') throw new NotOpenError(`WAL segment writer ${this.path}`)
  }

  /** Writes and fsyncs everything queued, one group at a time, until the queue is empty. */
  async #flushLoop(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue
        this.#queue = []
        const bytes = concat(group.map((p) => p.bytes))
        this.#queuedBytes -= bytes.length
        try {
          if (this.#failure !== undefined) throw this.#failure
          const fh = this.#fh
          if (fh === undefined) throw new NotOpenError(`WAL segment writer ${this.path}`)
          const position = this.#fileBytes
          this.#fileBytes += bytes.length
          await writeAll(fh, bytes, position)
          await fh.sync()
          this.#syncCount++
        } catch (err) {
          this.#failure ??=
            err instanceof WALWriteError ? err : new WALWriteError(this.path, { cause: err })
          for (const p of group) p.reject(this.#failure)
          continue
        }
        for (const p of group) p.resolve()
      }
    } finally {
      this.#flushRunning = false
    }
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done)
    if (bytesWritten <= 0) throw new Error(`write returned ${bytesWritten} bytes`)
    done += bytesWritten
  }
}

/** The parts joined into one array (the part itself when there is only one). */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0]
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total)
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT'
}
