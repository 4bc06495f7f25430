// Rewrites a TSM file so that it holds exactly the points a backup or restore must carry: the
// deletions of its tombstone file applied, and (for -start/-end backups) only the points with
// start ≤ time ≤ end — not whole blocks, as influxd's export does. Blocks untouched by both are
// copied as they are (no decode); a block cut by a deletion or the range is decoded, filtered and
// re-encoded. A key whose blocks overlap in time (possible in files from other writers) is read
// whole with later blocks winning, then filtered. Memory is bounded by one key's data.

import type { Values } from '../lineprotocol/index.js'
import {
  decodeBlock,
  excludeTimeRanges,
  TOMBSTONE_MAX_TIME,
  TOMBSTONE_MIN_TIME,
  TSMWriter,
} from '../tsm/index.js'
import type { TimeRange, TSMReader } from '../tsm/index.js'

/** Which points to keep, both bounds inclusive (ns). */
export interface KeepRange {
  readonly min: bigint
  readonly max: bigint
}

/** Whether a TSM file is entirely inside, partly inside or outside `range`. */
export function rangeOverlap(
  fileMin: bigint,
  fileMax: bigint,
  range: KeepRange | undefined,
): 'inside' | 'partial' | 'outside' {
  if (range === undefined) return 'inside'
  if (fileMax < range.min || fileMin > range.max) return 'outside'
  return fileMin >= range.min && fileMax <= range.max ? 'inside' : 'partial'
}

function outside(range: KeepRange | undefined): TimeRange[] {
  if (range === undefined) return []
  const out: TimeRange[] = []
  if (range.min > TOMBSTONE_MIN_TIME) out.push({ min: TOMBSTONE_MIN_TIME, max: range.min - 1n })
  if (range.max < TOMBSTONE_MAX_TIME) out.push({ min: range.max + 1n, max: TOMBSTONE_MAX_TIME })
  return out
}

/**
 * Writes to `dstPath` the points of `reader` (tombstones as the reader applied them) within
 * `range`. Returns false, writing nothing, when no point is left. The caller closes `reader`.
 */
export async function rewriteTSMFile(
  reader: TSMReader,
  dstPath: string,
  range?: KeepRange,
  maxPointsPerBlock = 1000,
): Promise<boolean> {
  const writer = await TSMWriter.create(dstPath, { maxPointsPerBlock })
  try {
    const cut = outside(range)
    for (const key of reader.keys()) {
      const entries = reader.entries(key)
      const drop = [...reader.tombstoneRanges(key), ...cut]
      let overlapping = false
      for (let i = 1; i < entries.length; i++) {
        if ((entries[i]?.minTime ?? 0n) <= (entries[i - 1]?.maxTime ?? 0n)) overlapping = true
      }
      if (overlapping) {
        const all = await reader.readAll(key)
        if (all !== undefined) await writeValues(writer, key, excludeTimeRanges(all, cut))
        continue
      }
      for (const e of entries) {
        if (rangeOverlap(e.minTime, e.maxTime, range) === 'outside') continue
        const data = await reader.readBlock(e)
        const touched = drop.some((r) => r.min <= e.maxTime && r.max >= e.minTime)
        if (!touched) {
          await writer.writeBlock(key, e.minTime, e.maxTime, data)
          continue
        }
        await writeValues(writer, key, excludeTimeRanges(decodeBlock(data), drop))
      }
    }
    if (writer.keyCount === 0) {
      await writer.abort()
      return false
    }
    await writer.finish()
    return true
  } catch (err) {
    await writer.abort()
    throw err
  }
}

async function writeValues(writer: TSMWriter, key: string, v: Values): Promise<void> {
  if (v.times.length > 0) await writer.write(key, v)
}
