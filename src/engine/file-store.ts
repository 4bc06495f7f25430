// The set of TSM files of one shard. Files are ordered by (generation, sequence), which is also
// their path order with influxd's zero-padded names; a later file wins over an earlier one for
// equal timestamps. Readers are reference-counted: a compaction that replaces files retires the
// old readers, and they are closed and unlinked only when the last read using them has finished.

import { open, readdir, rm, unlink, type FileHandle } from 'node:fs/promises'
import { Buffer } from 'node:buffer'
import { join } from 'node:path'
import type { FieldType, Values } from '../lineprotocol/index.js'
import {
  appendTombstones,
  fieldTypeOfBlock,
  parseTSMFileName,
  tombstonePathFor,
  TSMCorruptError,
  TSMReader,
  type TombstoneRecord,
  type TSMFileID,
} from '../tsm/index.js'
import { fsyncDir } from '../util/index.js'
import { compareKeys } from './cache.js'
import { mergeValues } from './values-buffer.js'

/** One TSM file of the set, with its reader. */
export interface TSMFile {
  readonly path: string
  readonly id: TSMFileID
  readonly reader: TSMReader
}

interface Entry extends TSMFile {
  refs: number
  retired: boolean
}

function compareIDs(a: TSMFileID, b: TSMFileID): number {
  return a.generation - b.generation || a.sequence - b.sequence
}

/** The TSM files of one shard directory. Owned by the shard, which opens and closes it. */
export class FileStore {
  readonly dir: string
  #files: Entry[] = []
  #maxGeneration = 0
  /** A second handle per file for cursors' multi-block reads, opened on first use. */
  #spanHandles = new Map<string, Promise<FileHandle>>()

  constructor(dir: string) {
    this.dir = dir
  }

  /**
   * Opens every `*.tsm` file of the directory after deleting leftover `*.tmp` files (InfluxDB does
   * the same). A misnamed or corrupt file throws (the shard then fails to open); readers opened
   * before the failure are closed.
   */
  async open(): Promise<void> {
    const names = await readdir(this.dir)
    for (const name of names) {
      if (name.endsWith('.tmp')) await rm(join(this.dir, name), { recursive: true, force: true })
    }
    const tsm = names.filter((n) => n.endsWith('.tsm'))
    const ids = tsm.map((n) => ({ name: n, id: parseTSMFileName(n) }))
    ids.sort((a, b) => compareIDs(a.id, b.id))
    try {
      for (const { name, id } of ids) {
        const path = join(this.dir, name)
        const reader = await TSMReader.open(path)
        this.#files.push({ path, id, reader, refs: 0, retired: false })
        this.#maxGeneration = Math.max(this.#maxGeneration, id.generation)
      }
    } catch (err) {
      await this.close()
      throw err
    }
  }

  /** Closes every reader. Idempotent. */
  async close(): Promise<void> {
    const files = this.#files
    this.#files = []
    for (const f of files) await f.reader.close()
    const handles = [...this.#spanHandles.values()]
    this.#spanHandles.clear()
    for (const h of handles) await (await h.catch(() => undefined))?.close()
  }

  /**
   * Reads `length` bytes at `offset` of the TSM file at `path` with one positioned read (a key
   * cursor reads a run of adjacent blocks at once). The caller holds the file (acquire), so it is
   * not removed meanwhile. Throws TSMCorruptError when the file is shorter.
   */
  async readSpan(path: string, offset: number, length: number): Promise<Uint8Array> {
    let h = this.#spanHandles.get(path)
    if (h === undefined) {
      h = open(path, 'r')
      this.#spanHandles.set(path, h)
      h.catch(() => this.#spanHandles.delete(path))
    }
    const fh = await h
    const buf = Buffer.allocUnsafe(length)
    let done = 0
    while (done < length) {
      const { bytesRead } = await fh.read(buf, done, length - done, offset + done)
      if (bytesRead === 0)
        throw new TSMCorruptError(path, offset + done, 'unexpected end of file', {
          expected: length,
          found: done,
        })
      done += bytesRead
    }
    return buf
  }

  /** The live files, oldest first. */
  get files(): readonly TSMFile[] {
    return this.#files
  }

  /** The next unused generation number. */
  nextGeneration(): number {
    this.#maxGeneration += 1
    return this.#maxGeneration
  }

  /** Total bytes of the live TSM files. */
  get sizeBytes(): number {
    let n = 0
    for (const f of this.#files) n += f.reader.size
    return n
  }

  /** Takes a reference on the current files; pass the result to `release` when done. */
  acquire(): readonly TSMFile[] {
    const files = this.#files.slice()
    for (const f of files) f.refs++
    return files
  }

  /** Drops references taken by `acquire`, closing and unlinking retired files no longer used. */
  async release(files: readonly TSMFile[]): Promise<void> {
    for (const f of files as readonly Entry[]) {
      f.refs--
      if (f.retired && f.refs === 0) await this.#remove(f)
    }
  }

  async #remove(f: Entry): Promise<void> {
    await f.reader.close()
    const h = this.#spanHandles.get(f.path)
    this.#spanHandles.delete(f.path)
    if (h !== undefined) await (await h.catch(() => undefined))?.close()
    await unlink(f.path).catch(ignoreMissing)
    await unlink(tombstonePathFor(f.path)).catch(ignoreMissing)
  }

  /** The field type of `key` in the newest file that has it. */
  type(key: string): FieldType | undefined {
    for (let i = this.#files.length - 1; i >= 0; i--) {
      const t = this.#files[i]?.reader.type(key)
      if (t !== undefined) return fieldTypeOfBlock(t)
    }
    return undefined
  }

  /** Every key of every file, sorted by bytes, without duplicates. */
  keys(): string[] {
    const set = new Set<string>()
    for (const f of this.#files) for (const k of f.reader.keys()) set.add(k)
    return [...set].sort(compareKeys)
  }

  /** All values of `key` across the files, merged (a newer file wins on equal timestamps). */
  async read(key: string, files: readonly TSMFile[] = this.#files): Promise<Values | undefined> {
    const parts: Values[] = []
    for (const f of files) {
      if (!f.reader.hasKey(key)) continue
      const v = await f.reader.readAll(key)
      if (v !== undefined) parts.push(v)
    }
    const first = parts[0]
    if (first === undefined) return undefined
    return mergeValues(first.kind, parts)
  }

  /**
   * Adds the newly written files `added` (already durable under their final names) and retires
   * `removed` (closed and unlinked once unused). With no `removed` this is a snapshot's new file.
   */
  async replace(removed: readonly TSMFile[], added: readonly string[]): Promise<void> {
    const readers: Entry[] = []
    try {
      for (const path of added) {
        const id = parseTSMFileName(path.slice(path.lastIndexOf('/') + 1))
        readers.push({ path, id, reader: await TSMReader.open(path), refs: 0, retired: false })
        this.#maxGeneration = Math.max(this.#maxGeneration, id.generation)
      }
    } catch (err) {
      for (const r of readers) await r.reader.close()
      throw err
    }
    const gone = new Set(removed.map((f) => f.path))
    const keep = this.#files.filter((f) => !gone.has(f.path))
    const retired = this.#files.filter((f) => gone.has(f.path))
    this.#files = [...keep, ...readers].sort((a, b) => compareIDs(a.id, b.id))
    for (const f of retired) {
      f.retired = true
      if (f.refs === 0) await this.#remove(f)
    }
    if (retired.length > 0) await fsyncDir(this.dir)
  }

  /**
   * Deletes `min <= t <= max` of `keys` from every file holding them: a tombstone record is
   * appended durably to the file's tombstone file, then applied to the open reader.
   */
  async deleteRange(keys: readonly string[], min: bigint, max: bigint): Promise<void> {
    for (const f of this.#files) {
      const records: TombstoneRecord[] = []
      for (const key of keys) {
        if (!f.reader.hasKey(key)) continue
        const entries = f.reader.entries(key)
        const lo = entries[0]?.minTime
        const hi = entries[entries.length - 1]?.maxTime
        if (lo === undefined || hi === undefined || max < lo || min > hi) continue
        records.push({ key, min, max })
      }
      if (records.length === 0) continue
      await appendTombstones(tombstonePathFor(f.path), records)
      f.reader.applyTombstones(records)
    }
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
}
