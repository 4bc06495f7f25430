// The deletions that apply to one open TSM file, by key position in its index (spec §2.15).
// A record over the whole int64 range, or one covering every block of a key, hides the key; so
// do partial ranges that join into one continuous range over the key's blocks (as influxd's
// indirectIndex.DeleteRange decides: ranges must touch or overlap, a one-nanosecond gap keeps the
// key). Other partial ranges are kept, sorted, and filtered out of decoded blocks at read time.

import type { TimeRange } from './file-values.js'
import { TOMBSTONE_MAX_TIME, TOMBSTONE_MIN_TIME } from './tombstone.js'

function compareRanges(a: TimeRange, b: TimeRange): number {
  if (a.min !== b.min) return a.min < b.min ? -1 : 1
  if (a.max !== b.max) return a.max < b.max ? -1 : 1
  return 0
}

/** Whether sorted `ranges` joined together cover every time in [min, max]. */
function coversRange(ranges: readonly TimeRange[], min: bigint, max: bigint): boolean {
  let end = min - 1n
  for (const r of ranges) {
    if (r.min > end + 1n) return false
    if (r.max > end) end = r.max
    if (end >= max) return true
  }
  return false
}

/** Hidden keys and partial deletions of one TSM file's keys. Not safe for concurrent use. */
export class TombstoneSet {
  readonly #keyCount: number
  /** 1 for hidden keys; allocated on the first deletion. */
  #deleted: Uint8Array | undefined
  #deletedCount = 0
  readonly #ranges = new Map<number, TimeRange[]>()

  /** A set for a file with `keyCount` keys, none deleted. */
  constructor(keyCount: number) {
    this.#keyCount = keyCount
  }

  /** Number of hidden keys. */
  get deletedCount(): number {
    return this.#deletedCount
  }

  /** Whether key `i` is hidden. */
  isDeleted(i: number): boolean {
    return this.#deleted !== undefined && this.#deleted[i] === 1
  }

  /** The partial deletions of key `i`, sorted by min then max; undefined when there are none. */
  rangesOf(i: number): readonly TimeRange[] | undefined {
    return this.#ranges.get(i)
  }

  #hide(i: number): void {
    this.#deleted ??= new Uint8Array(this.#keyCount)
    if (this.#deleted[i] === 1) return
    this.#deleted[i] = 1
    this.#deletedCount++
    this.#ranges.delete(i)
  }

  /**
   * Applies the deletion of [min, max] (inclusive, ns) to key `i`, whose blocks span
   * [keyMinTime, keyMaxTime]. Ranges outside the key's blocks and inverted ranges are ignored.
   */
  apply(i: number, min: bigint, max: bigint, keyMinTime: bigint, keyMaxTime: bigint): void {
    if (this.isDeleted(i) || min > max) return
    const allTime = min === TOMBSTONE_MIN_TIME && max === TOMBSTONE_MAX_TIME
    if (allTime || (min <= keyMinTime && max >= keyMaxTime)) {
      this.#hide(i)
      return
    }
    if (min > keyMaxTime || max < keyMinTime) return
    const ranges = [...(this.#ranges.get(i) ?? []), { min, max }].sort(compareRanges)
    if (coversRange(ranges, keyMinTime, keyMaxTime)) this.#hide(i)
    else this.#ranges.set(i, ranges)
  }
}
