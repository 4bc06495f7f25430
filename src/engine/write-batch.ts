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
  // Nested maps keep the hot loop free of string concatenation: series key → field → buffer, and
  // measurement → field → type for the types this batch introduces.
  const bySeries = new Map<string, Map<string, ValuesBuffer>>()
  const pendingTypes = new Map<string, Map<string, FieldType>>()
  const newFields: { measurement: string; field: string; type: FieldType }[] = []
  const newSeries: Point[] = []
  let accepted = 0
  let dropped = 0
  let reason: string | undefined
  const drop = (why: string): void => {
    dropped++
    reason ??= why
  }
  let lastMeasurement: string | undefined
  let known: ReadonlyMap<string, FieldType> | undefined
  let pending: Map<string, FieldType> | undefined
  points: for (const p of points) {
    for (const t of p.tags) {
      if (t.key === 'time') {
        drop(`invalid tag key: input tag "time" on measurement "${p.measurement}" is invalid`)
        continue points
      }
    }
    if (p.measurement !== lastMeasurement) {
      lastMeasurement = p.measurement
      known = index.measurements.get(p.measurement)?.fields
      pending = pendingTypes.get(p.measurement)
      if (pending === undefined) pendingTypes.set(p.measurement, (pending = new Map()))
    }
    let fieldCount = 0
    for (const f of p.fields) {
      if (f.key === 'time') continue
      fieldCount++
      const type = known?.get(f.key) ?? pending?.get(f.key)
      if (type !== undefined && type !== f.value.kind) {
        drop(
          `field type conflict: input field "${f.key}" on measurement "${p.measurement}" is type ${f.value.kind}, already exists as type ${type}`,
        )
        continue points
      }
    }
    if (fieldCount === 0) {
      drop(`invalid field name: input field "time" on measurement "${p.measurement}" is invalid`)
      continue
    }
    let fields = bySeries.get(p.seriesKey)
    if (fields === undefined) {
      bySeries.set(p.seriesKey, (fields = new Map()))
      if (!index.hasSeries(p.seriesKey)) newSeries.push(p)
    }
    for (const f of p.fields) {
      if (f.key === 'time') continue
      let buf = fields.get(f.key)
      if (buf === undefined) {
        fields.set(f.key, (buf = new ValuesBuffer(f.value.kind, 64)))
        if (known?.get(f.key) === undefined && pending?.get(f.key) === undefined) {
          pending?.set(f.key, f.value.kind)
          newFields.push({ measurement: p.measurement, field: f.key, type: f.value.kind })
        }
      }
      buf.push(p.time, f.value.value)
    }
    accepted++
  }
  const values = new Map<string, Values>()
  for (const [seriesKey, fields] of bySeries) {
    for (const [field, buf] of fields) values.set(joinTSMKey(seriesKey, field), buf.sorted())
  }
  return { values, accepted, dropped, reason, newSeries, newFields }
}
