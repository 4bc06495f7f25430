// The in-memory cache of one shard: every value written since the last snapshot, by TSM key.
// Writes land here after their WAL entry is durable; a snapshot hands the current contents to the
// TSM writer while new writes keep arriving in a fresh store. Until the snapshot's TSM file is
// durable its values stay readable here, so a reader never misses a point.

import type { FieldType, Values } from '../lineprotocol/index.js'
import { CacheFullError } from './errors.js'
import { excludeTimeRange, mergeValues, ValuesBuffer } from './values-buffer.js'

/** The values handed to a snapshot: sorted, de-duplicated, by TSM key in ascending byte order. */
export interface CacheSnapshot {
  readonly entries: ReadonlyMap<string, Values>
  readonly sizeBytes: number
}

/**
 * The write cache of one shard. `maxSizeBytes` (InfluxDB's cache-max-memory-size, 0 = no limit)
 * refuses writes that would exceed it, so memory stays bounded when snapshots fall behind.
 */
export class Cache {
  readonly maxSizeBytes: number
  #store = new Map<string, ValuesBuffer>()
  #snapshot: Map<string, Values> | undefined
  #snapshotSizeBytes = 0
  #sizeBytes = 0
  #lastWriteMs = Date.now()

  constructor(maxSizeBytes = 0) {
    this.maxSizeBytes = maxSizeBytes
  }

  /** Bytes held by the live store (not counting a snapshot being written). */
  get sizeBytes(): number {
    return this.#sizeBytes
  }

  /** Milliseconds since the epoch of the last write. */
  get lastWriteMs(): number {
    return this.#lastWriteMs
  }

  /** The number of keys in the live store. */
  get keyCount(): number {
    return this.#store.size
  }

  /** The field type stored under `key` in the cache, if any. */
  type(key: string): FieldType | undefined {
    return this.#store.get(key)?.kind ?? this.#snapshot?.get(key)?.kind
  }

  /** Throws CacheFullError if `bytes` more would exceed the limit. */
  checkRoom(bytes: number): void {
    if (
      this.maxSizeBytes > 0 &&
      this.#sizeBytes + this.#snapshotSizeBytes + bytes > this.maxSizeBytes
    ) {
      throw new CacheFullError(this.#sizeBytes + this.#snapshotSizeBytes, this.maxSizeBytes)
    }
  }

  /** Adds values to the cache. The caller has checked field types (one type per key). */
  write(values: ReadonlyMap<string, Values>): void {
    for (const [key, v] of values) {
      let buf = this.#store.get(key)
      if (buf === undefined) {
        buf = new ValuesBuffer(v.kind, Math.max(8, v.times.length))
        this.#store.set(key, buf)
      }
      const before = buf.sizeBytes
      buf.append(v)
      this.#sizeBytes += buf.sizeBytes - before + (before === 0 ? key.length : 0)
    }
    this.#lastWriteMs = Date.now()
  }

  /** All keys in the cache (live store and snapshot), unsorted. */
  keys(): Set<string> {
    const out = new Set(this.#store.keys())
    if (this.#snapshot) for (const k of this.#snapshot.keys()) out.add(k)
    return out
  }

  /** The cached values of `key`, sorted and de-duplicated (newest write wins), or undefined. */
  values(key: string): Values | undefined {
    const live = this.#store.get(key)
    const snap = this.#snapshot?.get(key)
    if (live === undefined) return snap
    const sorted = live.sorted()
    return snap === undefined ? sorted : mergeValues(sorted.kind, [snap, sorted])
  }

  /** Removes values of `keys` with `min <= time <= max` from the live store and the snapshot. */
  deleteRange(keys: Iterable<string>, min: bigint, max: bigint): void {
    for (const key of keys) {
      const live = this.#store.get(key)
      if (live !== undefined) {
        const left = excludeTimeRange(live.sorted(), min, max)
        const before = live.sizeBytes
        if (left.times.length === 0) {
          this.#store.delete(key)
          this.#sizeBytes -= before + key.length
        } else {
          const buf = new ValuesBuffer(left.kind, left.times.length)
          buf.append(left)
          this.#store.set(key, buf)
          this.#sizeBytes += buf.sizeBytes - before
        }
      }
      const snap = this.#snapshot?.get(key)
      if (snap !== undefined && this.#snapshot) {
        const left = excludeTimeRange(snap, min, max)
        if (left.times.length === 0) this.#snapshot.delete(key)
        else this.#snapshot.set(key, left)
      }
    }
  }

  /**
   * Moves the live store into a snapshot and returns its sorted contents. Only one snapshot may be
   * outstanding: call `clearSnapshot` when its TSM file is durable (or failed) before the next one.
   */
  snapshot(): CacheSnapshot {
    if (this.#snapshot !== undefined) throw new Error('a cache snapshot is already being written')
    const keys = [...this.#store.keys()].sort(compareKeys)
    const entries = new Map<string, Values>()
    for (const k of keys) {
      const buf = this.#store.get(k)
      if (buf !== undefined && buf.length > 0) entries.set(k, buf.sorted())
    }
    this.#snapshot = entries
    this.#snapshotSizeBytes = this.#sizeBytes
    this.#store = new Map()
    this.#sizeBytes = 0
    return { entries, sizeBytes: this.#snapshotSizeBytes }
  }

  /**
   * Ends the outstanding snapshot. On success its values are dropped (they are in a TSM file now);
   * on failure they return to the live store, older than anything written since.
   */
  clearSnapshot(success: boolean): void {
    const snap = this.#snapshot
    this.#snapshot = undefined
    this.#snapshotSizeBytes = 0
    if (success || snap === undefined) return
    const newer = this.#store
    this.#store = new Map()
    this.#sizeBytes = 0
    this.write(snap)
    for (const [k, buf] of newer) this.write(new Map([[k, buf.raw()]]))
  }
}

/**
 * Orders TSM keys by their UTF-8 bytes, as TSM indexes require, without encoding them: UTF-16
 * code-unit order equals code-point (= UTF-8 byte) order except between a surrogate (a code point
 * above U+FFFF) and a unit in U+E000–U+FFFF, which is corrected here.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    const xs = x >= 0xd800 && x <= 0xdfff
    const ys = y >= 0xd800 && y <= 0xdfff
    if (xs && !ys && y >= 0xe000) return 1
    if (ys && !xs && x >= 0xe000) return -1
    return x - y
  }
  return a.length - b.length
}
