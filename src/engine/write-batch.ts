// Turning a batch of parsed points into per-key value arrays for one shard, applying InfluxDB's
// validation on the way: the tag key `time` drops the point; the field key `time` is dropped (and
// the point with it when it was the only field); a field whose type differs from the shard's
// drops the whole point. The first reason met is reported with the number of dropped points,
// which the HTTP layer turns into `partial write: <reason> dropped=<n>`.

import type { FieldType, Point, Values } from '../lineprotocol/index.js'
import { joinTSMKey } from './series-key.js'
import type { ShardIndex } from './shard-index.js'
import { ValuesBuffer } from './values-buffer.js'

/** The outcome of validating a batch for one shard. */
export interface PreparedBatch {
  /** TSM key → values (sorted by time, last write wins). */
  readonly values: Map<string, Values>
  /** Points accepted. */
  readonly accepted: number
  /** Points dropped, and the first reason. */
  readonly dropped: number
  readonly reason: string | undefined
  /** Series and fields this batch adds to the index (applied after the WAL write). */
  readonly newSeries: readonly Point[]
  readonly newFields: readonly { measurement: string; field: string; type: FieldType }[]
}

/**
 * Validates `points` against the shard's index (without changing it) and groups their values by
 * TSM key. Fields new to the shard get the type of their first appearance in the batch.
 */
export function prepareBatch(points: readonly Point[], index: ShardIndex): PreparedBatch {
  const buffers = new Map<string, ValuesBuffer>()
  const pendingTypes = new Map<string, FieldType>() // measurement + '\0' + field → type
  const newFields: { measurement: string; field: string; type: FieldType }[] = []
  const newSeries: Point[] = []
  const seenSeries = new Set<string>()
  let accepted = 0
  let dropped = 0
  let reason: string | undefined
  const drop = (why: string): void => {
    dropped++
    reason ??= why
  }
  points: for (const p of points) {
    for (const t of p.tags) {
      if (t.key === 'time') {
        drop(`invalid tag key: input tag "time" on measurement "${p.measurement}" is invalid`)
        continue points
      }
    }
    let fieldCount = 0
    for (const f of p.fields) {
      if (f.key === 'time') continue
      fieldCount++
      const known = index.fieldType(p.measurement, f.key) ?? pendingTypes.get(p.measurement + '\0' + f.key)
      if (known !== undefined && known !== f.value.kind) {
        drop(
          `field type conflict: input field "${f.key}" on measurement "${p.measurement}" is type ${f.value.kind}, already exists as type ${known}`,
        )
        continue points
      }
    }
    if (fieldCount === 0) {
      drop(`invalid field name: input field "time" on measurement "${p.measurement}" is invalid`)
      continue
    }
    for (const f of p.fields) {
      if (f.key === 'time') continue
      const typeKey = p.measurement + '\0' + f.key
      if (index.fieldType(p.measurement, f.key) === undefined && !pendingTypes.has(typeKey)) {
        pendingTypes.set(typeKey, f.value.kind)
        newFields.push({ measurement: p.measurement, field: f.key, type: f.value.kind })
      }
      const key = joinTSMKey(p.seriesKey, f.key)
      let buf = buffers.get(key)
      if (buf === undefined) buffers.set(key, (buf = new ValuesBuffer(f.value.kind)))
      buf.push(p.time, f.value.value)
    }
    if (!seenSeries.has(p.seriesKey) && !index.hasSeries(p.seriesKey)) {
      seenSeries.add(p.seriesKey)
      newSeries.push(p)
    }
    accepted++
  }
  const values = new Map<string, Values>()
  for (const [k, b] of buffers) values.set(k, b.sorted())
  return { values, accepted, dropped, reason, newSeries, newFields }
}
