// One shard: the WAL, the cache, the TSM file set and the shard's index, with snapshots and
// compactions running in the background. Layout: `<data dir>/<db>/<rp>/<id>/` for TSM files,
// tombstones and fields.idx, `<wal dir>/<db>/<rp>/<id>/` for WAL segments — InfluxDB's.
//
// Durability: a write is acknowledged only when its WAL entry is fsynced. A snapshot writes the
// cache to a new TSM file (temp name, fsync, rename) and only then removes the WAL segments it
// covered. A compaction publishes its output before it retires its inputs. At every instant each
// acknowledged point is in the WAL, in a durable TSM file, or both.

import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { FieldType, Point, Values } from '../lineprotocol/index.js'
import {
  fieldTypeOfBlock,
  formatTSMFileName,
  readFieldsIndex,
  TOMBSTONE_MAX_TIME,
  TOMBSTONE_MIN_TIME,
  TSMWriter,
  type TSMReader,
  writeFieldsIndex,
} from '../tsm/index.js'
import { WAL, type WALEntry, type WALReplayWarning } from '../wal/index.js'
import { Cache, compareKeys } from './cache.js'
import { compact, hasTombstoneFile, planFullCompaction, planLevelCompaction } from './compactor.js'
import { FieldTypeConflictError, ShardClosedError, ShardOpenError } from './errors.js'
import { FileStore } from './file-store.js'
import { KeyCursor, type KeyCursorOptions } from './key-cursor.js'
import { silentLogger, type Logger } from './logger.js'
import { splitTSMKey, joinTSMKey } from './series-key.js'
import { ShardIndex } from './shard-index.js'
import { filterTimeRange, mergeValues } from './values-buffer.js'
import { prepareBatch } from './write-batch.js'

/** Engine settings, with InfluxDB's `[data]` names and defaults. */
export interface EngineOptions {
  /** cache-max-memory-size: writes are refused beyond it (0 = no limit). Default 1 GiB. */
  readonly cacheMaxMemorySizeBytes: number
  /** cache-snapshot-memory-size: snapshot when the cache passes it. Default 25 MiB. */
  readonly cacheSnapshotMemorySizeBytes: number
  /** cache-snapshot-write-cold-duration: snapshot after this long without writes. Default 10 min. */
  readonly cacheSnapshotWriteColdDurationMs: number
  /** compact-full-write-cold-duration: full compaction after this long without writes. Default 4 h. */
  readonly compactFullWriteColdDurationMs: number
  /** Points per TSM block (InfluxDB: 1000). */
  readonly maxPointsPerBlock: number
  /** Roll compaction output at this size (InfluxDB: 2 GiB). */
  readonly maxTSMFileSizeBytes: number
  /** WAL segment size (InfluxDB: 10 MiB). */
  readonly walMaxSegmentSizeBytes: number
  /** How often the background loop checks for cold snapshots and compactions. */
  readonly checkIntervalMs: number
  /** Run snapshots and compactions in the background (off: only when called). */
  readonly background: boolean
}

/** InfluxDB 1.x's defaults. */
export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  cacheMaxMemorySizeBytes: 1024 * 1024 * 1024,
  cacheSnapshotMemorySizeBytes: 25 * 1024 * 1024,
  cacheSnapshotWriteColdDurationMs: 10 * 60 * 1000,
  compactFullWriteColdDurationMs: 4 * 60 * 60 * 1000,
  maxPointsPerBlock: 1000,
  maxTSMFileSizeBytes: 2 * 1024 * 1024 * 1024,
  walMaxSegmentSizeBytes: 10 * 1024 * 1024,
  checkIntervalMs: 1000,
  background: true,
}

/** Where a shard lives and who it belongs to. */
export interface ShardConfig {
  readonly id: number
  readonly database: string
  readonly retentionPolicy: string
  /** The shard's own data directory (`<data>/<db>/<rp>/<id>`). */
  readonly path: string
  /** The shard's own WAL directory (`<wal>/<db>/<rp>/<id>`). */
  readonly walPath: string
  readonly options?: Partial<EngineOptions>
  readonly logger?: Logger
}

/** The result of a write to a shard: points stored, points dropped and the first reason. */
export interface ShardWriteResult {
  readonly written: number
  readonly dropped: number
  readonly reason: string | undefined
}

type Status = 'new' | 'opening' | 'open' | 'closing' | 'closed'

/** One shard. `open()` before use, `close()` (idempotent) to stop background work and close files. */
export class Shard {
  readonly id: number
  readonly database: string
  readonly retentionPolicy: string
  readonly path: string
  readonly walPath: string
  readonly options: EngineOptions
  readonly index = new ShardIndex()
  #logger: Logger
  #status: Status = 'new'
  #cache: Cache
  #wal: WAL
  #files: FileStore
  #inflight = new Set<Promise<unknown>>()
  #snapshotting: Promise<void> | undefined
  #compacting: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  #fullyCompactedAtWriteMs = -1
  #replayWarnings: readonly WALReplayWarning[] = []
  #backgroundError: unknown

  constructor(config: ShardConfig) {
    this.id = config.id
    this.database = config.database
    this.retentionPolicy = config.retentionPolicy
    this.path = config.path
    this.walPath = config.walPath
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...config.options }
    this.#logger = config.logger ?? silentLogger
    this.#cache = new Cache(this.options.cacheMaxMemorySizeBytes)
    this.#wal = new WAL(this.walPath, { maxSegmentSizeBytes: this.options.walMaxSegmentSizeBytes })
    this.#files = new FileStore(this.path)
  }

  get status(): Status {
    return this.#status
  }

  /** WAL segments cut short on open (their corrupt tails were truncated). */
  get replayWarnings(): readonly WALReplayWarning[] {
    return this.#replayWarnings
  }

  /** The last error of a background snapshot or compaction, if any. */
  get backgroundError(): unknown {
    return this.#backgroundError
  }

  /** Bytes in the cache, bytes in TSM files, and the number of TSM files. */
  stats(): { cacheBytes: number; tsmBytes: number; tsmFiles: number; series: number } {
    return {
      cacheBytes: this.#cache.sizeBytes,
      tsmBytes: this.#files.sizeBytes,
      tsmFiles: this.#files.files.length,
      series: this.index.seriesCount,
    }
  }

  /** The paths of the live TSM files, oldest first. */
  tsmPaths(): string[] {
    return this.#files.files.map((f) => f.path)
  }

  /**
   * Opens the shard: TSM files (a misnamed or corrupt one fails the open with ShardOpenError and
   * changes nothing), the index rebuilt from their keys, then the WAL replayed into the cache.
   */
  async open(): Promise<void> {
    if (this.#status !== 'new') throw new Error(`shard ${this.id} cannot be opened twice`)
    this.#status = 'opening'
    try {
      await mkdir(this.path, { recursive: true })
      await mkdir(this.walPath, { recursive: true })
      await this.#files.open().catch((err: unknown) => {
        throw new ShardOpenError(
          this.id,
          this.path,
          `cannot open TSM files: ${(err as Error).message}`,
          err,
        )
      })
      const fileKeys = this.#indexFileKeys()
      await this.#wal.open()
      let deletes = false
      const replay = await this.#wal.replay((entry) => {
        if (entry.kind !== 'write') deletes = true
        this.#applyReplayed(entry)
      })
      this.#replayWarnings = replay.warnings
      for (const w of replay.warnings) {
        this.#logger.warn(
          { shardID: this.id, path: w.path, offset: w.offset, reason: w.reason },
          'WAL segment truncated at a corrupt entry',
        )
      }
      // Only a replayed delete can leave an indexed series without data.
      if (deletes) this.#dropSeriesWithoutData(fileKeys.keys())
      await this.#checkFieldsIndex()
    } catch (err) {
      await this.#wal.close().catch(() => undefined)
      await this.#files.close().catch(() => undefined)
      this.#status = 'closed'
      if (err instanceof ShardOpenError) throw err
      throw new ShardOpenError(this.id, this.path, (err as Error).message, err)
    }
    this.#status = 'open'
    if (this.options.background) {
      this.#timer = setInterval(() => this.#tick(), this.options.checkIntervalMs)
      this.#timer.unref()
    }
  }

  /**
   * Indexes each TSM key once (files repeat the same keys; a key whose type differs between files
   * is indexed again, so the field-type conflict is reported). A file whose keys and types are
   * the previous file's, byte for byte, is skipped without decoding a key (a restored shard of
   * six files opened in ~30 ms instead of ~45). Returns the keys with their types.
   */
  #indexFileKeys(): Map<string, number> {
    const typed = new Map<string, number>()
    let previous: TSMReader | undefined
    for (const f of this.#files.files) {
      const same = previous !== undefined && f.reader.sameKeysAs(previous)
      previous = f.reader
      if (same) continue
      f.reader.forEachKey((key, type) => {
        if (typed.get(key) === type) return
        typed.set(key, type)
        this.#indexKey(key, fieldTypeOfBlock(type), f.path)
      })
    }
    return typed
  }

  #indexKey(key: string, type: FieldType, where: string): void {
    const { seriesKey, field } = splitTSMKey(key)
    const measurement = this.index.addSeriesKey(seriesKey)
    const existing = this.index.setFieldType(measurement, field, type)
    if (existing !== undefined) {
      throw new ShardOpenError(
        this.id,
        where,
        `field type conflict: field "${field}" on measurement "${measurement}" is ${type} in ${where} but ${existing} elsewhere`,
      )
    }
  }

  #applyReplayed(entry: WALEntry): void {
    switch (entry.kind) {
      case 'write': {
        const ok = new Map<string, Values>()
        for (const [key, v] of entry.values) {
          const { seriesKey, field } = splitTSMKey(key)
          const measurement = this.index.addSeriesKey(seriesKey)
          const existing = this.index.setFieldType(measurement, field, v.kind)
          if (existing !== undefined) {
            this.#logger.warn(
              { shardID: this.id, key, type: v.kind, existing },
              'WAL values skipped: field type conflict',
            )
            continue
          }
          ok.set(key, v)
        }
        this.#cache.write(ok)
        return
      }
      case 'delete':
        this.#cache.deleteRange(entry.keys, TOMBSTONE_MIN_TIME, TOMBSTONE_MAX_TIME)
        return
      case 'delete-range':
        this.#cache.deleteRange(entry.keys, entry.min, entry.max)
        return
      default: {
        const never: never = entry
        throw new Error(`unknown WAL entry ${String(never)}`)
      }
    }
  }

  /**
   * Replayed WAL deletes can leave series with no data anywhere (InfluxDB rebuilds its index after
   * loading the cache for the same reason): keeps only series that have a key in a TSM file
   * (`fileKeys`) or the cache.
   */
  #dropSeriesWithoutData(fileKeys: Iterable<string>): void {
    const live = new Set<string>()
    for (const k of fileKeys) live.add(splitTSMKey(k).seriesKey)
    for (const k of this.#cache.keys()) live.add(splitTSMKey(k).seriesKey)
    for (const sk of [...this.index.seriesKeys()]) if (!live.has(sk)) this.index.removeSeries(sk)
  }

  /**
   * Rewrites fields.idx if it is missing or disagrees with the index the open rebuilt, in the
   * background (close() waits for it): it is derived from the TSM keys and rebuilt at any open,
   * so the open need not wait for its two fsyncs (a restored shard has none yet).
   */
  async #checkFieldsIndex(): Promise<void> {
    const path = join(this.path, 'fields.idx')
    const saved = await readFieldsIndex(path).catch((err: unknown) => {
      this.#logger.warn({ shardID: this.id, path, err }, 'fields.idx unreadable; rebuilding it')
      return undefined
    })
    const current = this.index.fieldSet()
    if (saved !== undefined && sameFieldSet(saved, current)) return
    if (current.size > 0) this.#saveFieldsIndexSoon()
  }

  #checkOpen(): void {
    if (this.#status !== 'open') throw new ShardClosedError(this.id)
  }

  /**
   * Writes points: validates them (dropped points are counted with the first reason), appends the
   * values to the WAL and waits for the fsync, then adds them to the cache. Resolves once durable.
   */
  async writePoints(points: readonly Point[]): Promise<ShardWriteResult> {
    this.#checkOpen()
    const batch = prepareBatch(points, this.index)
    if (batch.values.size === 0) return { written: 0, dropped: batch.dropped, reason: batch.reason }
    let bytes = 0
    for (const [k, v] of batch.values) bytes += k.length + v.times.length * 16
    this.#cache.checkRoom(bytes)
    // Index changes are made before the first await, so concurrent batches see each other's types.
    for (const f of batch.newFields) this.index.setFieldType(f.measurement, f.field, f.type)
    for (const p of batch.newSeries) this.index.addSeries(p.seriesKey, p.measurement, p.tags)
    const done = this.#wal.writeValues(batch.values).then(() => this.#cache.write(batch.values))
    this.#inflight.add(done)
    try {
      await done
    } finally {
      this.#inflight.delete(done)
    }
    if (batch.newFields.length > 0) this.#saveFieldsIndexSoon()
    if (this.#cache.sizeBytes >= this.options.cacheSnapshotMemorySizeBytes)
      this.#background(() => this.snapshot())
    return { written: batch.accepted, dropped: batch.dropped, reason: batch.reason }
  }

  /** Writes already-grouped values (TSM key → values), as restore and replication do. */
  async writeValues(values: ReadonlyMap<string, Values>): Promise<void> {
    this.#checkOpen()
    for (const [key, v] of values) this.#indexKeyChecked(key, v.kind)
    const done = this.#wal.writeValues(values).then(() => this.#cache.write(values))
    this.#inflight.add(done)
    try {
      await done
    } finally {
      this.#inflight.delete(done)
    }
  }

  #indexKeyChecked(key: string, type: FieldType): void {
    const { seriesKey, field } = splitTSMKey(key)
    const measurement = this.index.addSeriesKey(seriesKey)
    const existing = this.index.setFieldType(measurement, field, type)
    if (existing !== undefined) {
      throw new FieldTypeConflictError(measurement, field, type, existing)
    }
  }

  #fieldsSave: Promise<void> | undefined
  #fieldsDirty = false

  /**
   * Saves fields.idx. Saves are serialized (they share one temp file) and coalesced: a request made
   * while a save runs triggers one more save after it. Resolves when the index on disk is current.
   */
  #saveFieldsIndex(): Promise<void> {
    this.#fieldsDirty = true
    this.#fieldsSave ??= (async () => {
      while (this.#fieldsDirty) {
        this.#fieldsDirty = false
        await writeFieldsIndex(join(this.path, 'fields.idx'), this.index.fieldSet())
      }
    })().finally(() => {
      this.#fieldsSave = undefined
    })
    return this.#fieldsSave
  }

  #saveFieldsIndexSoon(): void {
    this.#saveFieldsIndex().catch((err: unknown) => {
      this.#logger.warn({ shardID: this.id, err }, 'fields.idx could not be written')
    })
  }

  /** All values of `key` with `min <= t <= max`, TSM files and cache merged (cache newest). */
  async read(
    key: string,
    min = TOMBSTONE_MIN_TIME,
    max = TOMBSTONE_MAX_TIME,
  ): Promise<Values | undefined> {
    this.#checkOpen()
    const files = this.#files.acquire()
    try {
      const fromFiles = await this.#files.read(key, files)
      const fromCache = this.#cache.values(key)
      const parts = [fromFiles, fromCache].filter((v): v is Values => v !== undefined)
      const first = parts[0]
      if (first === undefined) return undefined
      return filterTimeRange(mergeValues(first.kind, parts), min, max)
    } finally {
      await this.#files.release(files)
    }
  }

  /**
   * A cursor over the values of `key` with `min <= t <= max`, chunk by chunk in time order, merged
   * as `read` merges them but reading only the blocks that overlap the range. It holds the current
   * TSM files until it is closed or read to the end.
   */
  cursor(
    key: string,
    min = TOMBSTONE_MIN_TIME,
    max = TOMBSTONE_MAX_TIME,
    options: KeyCursorOptions = {},
  ): KeyCursor {
    this.#checkOpen()
    const files = this.#files.acquire()
    const cached = this.#cache.values(key)
    return new KeyCursor(
      key,
      min,
      max,
      files.map((f) => f.reader),
      cached,
      () => this.#files.release(files),
      options,
      (path, offset, length) => this.#files.readSpan(path, offset, length),
    )
  }

  /** Every TSM key in the shard (files and cache), sorted by bytes. */
  keys(): string[] {
    this.#checkOpen()
    const set = new Set(this.#files.keys())
    for (const k of this.#cache.keys()) set.add(k)
    return [...set].sort(compareKeys)
  }

  /**
   * Deletes `min <= t <= max` of the given series (every field of their measurement): WAL
   * delete-range entry, cache, tombstones on TSM files. Series left without data leave the index.
   */
  async deleteSeriesRange(seriesKeys: readonly string[], min: bigint, max: bigint): Promise<void> {
    this.#checkOpen()
    const keys: string[] = []
    for (const sk of seriesKeys) {
      const m = this.index.measurements.get(this.index.measurementOfSeries(sk) ?? '')
      for (const field of m?.fields.keys() ?? []) keys.push(joinTSMKey(sk, field))
    }
    if (keys.length === 0) return
    await this.#wal.deleteRange(keys, min, max)
    this.#cache.deleteRange(keys, min, max)
    await this.#files.deleteRange(keys, min, max)
    for (const sk of seriesKeys) {
      if (!(await this.#seriesHasData(sk))) this.index.removeSeries(sk)
    }
    await this.#saveFieldsIndex()
  }

  async #seriesHasData(seriesKey: string): Promise<boolean> {
    const m = this.index.measurements.get(this.index.measurementOfSeries(seriesKey) ?? '')
    for (const field of m?.fields.keys() ?? []) {
      const v = await this.read(joinTSMKey(seriesKey, field))
      if (v !== undefined && v.times.length > 0) return true
    }
    return false
  }

  /**
   * Writes the cache to a new TSM file and drops the WAL segments it covered. Resolves when done;
   * concurrent calls share one snapshot.
   */
  snapshot(): Promise<void> {
    this.#snapshotting ??= this.#snapshot().finally(() => {
      this.#snapshotting = undefined
    })
    return this.#snapshotting
  }

  async #snapshot(): Promise<void> {
    if (this.#cache.keyCount === 0) return
    // Entries appended before the roll are in the closed segments; wait until they reach the cache.
    const closed = await this.#wal.rollSegment()
    await Promise.all([...this.#inflight])
    const snap = this.#cache.snapshot()
    let ok = false
    try {
      if (snap.entries.size > 0) {
        const path = join(this.path, formatTSMFileName(this.#files.nextGeneration(), 1))
        const writer = await TSMWriter.create(path, {
          maxPointsPerBlock: this.options.maxPointsPerBlock,
        })
        try {
          for (const [key, v] of snap.entries) await writer.write(key, v)
          await writer.finish()
        } catch (err) {
          await writer.abort()
          throw err
        }
        await this.#files.replace([], [path])
      }
      ok = true
    } finally {
      this.#cache.clearSnapshot(ok)
    }
    await this.#wal.removeSegments(closed)
    await this.#saveFieldsIndex()
    this.#logger.info(
      { shardID: this.id, keys: snap.entries.size, bytes: snap.sizeBytes },
      'cache snapshot written',
    )
    this.#background(() => this.compactLevels())
  }

  /** Runs level compactions until none is due. Concurrent calls share one run. */
  compactLevels(): Promise<void> {
    return this.#runCompaction(async () => {
      for (;;) {
        const plan = planLevelCompaction(this.#files.files)
        if (plan === undefined || this.#status !== 'open') return
        await this.#compactPlan(plan)
      }
    })
  }

  /** Merges every TSM file into one generation, applying tombstones. */
  compactFull(): Promise<void> {
    return this.#runCompaction(async () => {
      const files = this.#files.files
      const tomb = new Set<string>()
      for (const f of files) if (await hasTombstoneFile(f)) tomb.add(f.path)
      const plan = planFullCompaction(files, (f) => tomb.has(f.path))
      if (plan !== undefined) await this.#compactPlan(plan)
    })
  }

  #runCompaction(run: () => Promise<void>): Promise<void> {
    const prev = this.#compacting ?? Promise.resolve()
    const next = prev.then(run, run).finally(() => {
      if (this.#compacting === next) this.#compacting = undefined
    })
    this.#compacting = next
    return next
  }

  async #compactPlan(plan: Parameters<typeof compact>[1]): Promise<void> {
    const files = this.#files.acquire()
    try {
      const out = await compact(this.#files, plan, {
        maxPointsPerBlock: this.options.maxPointsPerBlock,
        maxFileSizeBytes: this.options.maxTSMFileSizeBytes,
      })
      await this.#files.replace(plan.files, out)
      this.#logger.info(
        { shardID: this.id, level: plan.level, inputs: plan.files.length, outputs: out.length },
        'compaction done',
      )
    } finally {
      await this.#files.release(files)
    }
  }

  #background(task: () => Promise<void>): void {
    if (this.#status !== 'open') return
    task().catch((err: unknown) => {
      this.#backgroundError = err
      this.#logger.error({ shardID: this.id, err }, 'background snapshot or compaction failed')
    })
  }

  #tick(): void {
    if (this.#status !== 'open') return
    const idleMs = Date.now() - this.#cache.lastWriteMs
    if (this.#cache.keyCount > 0 && idleMs >= this.options.cacheSnapshotWriteColdDurationMs) {
      this.#background(() => this.snapshot())
      return
    }
    const lastWrite = this.#cache.lastWriteMs
    if (
      idleMs >= this.options.compactFullWriteColdDurationMs &&
      this.#fullyCompactedAtWriteMs !== lastWrite &&
      this.#compacting === undefined
    ) {
      this.#fullyCompactedAtWriteMs = lastWrite
      this.#background(() => this.compactFull())
    }
  }

  /** Stops background work, waits for it, and closes the WAL and the TSM files. Idempotent. */
  async close(): Promise<void> {
    if (this.#status === 'closed' || this.#status === 'new') {
      this.#status = 'closed'
      return
    }
    this.#status = 'closing'
    if (this.#timer) clearInterval(this.#timer)
    await Promise.allSettled([...this.#inflight])
    await this.#snapshotting?.catch(() => undefined)
    await this.#compacting?.catch(() => undefined)
    await this.#fieldsSave?.catch(() => undefined)
    await this.#wal.close()
    await this.#files.close()
    this.#status = 'closed'
  }
}

function sameFieldSet(
  a: ReadonlyMap<string, ReadonlyMap<string, FieldType>>,
  b: ReadonlyMap<string, ReadonlyMap<string, FieldType>>,
): boolean {
  if (a.size !== b.size) return false
  for (const [m, fa] of a) {
    const fb = b.get(m)
    if (fb === undefined || fb.size !== fa.size) return false
    for (const [f, t] of fa) if (fb.get(f) !== t) return false
  }
  return true
}
