// Turning a batch of parsed points into per-key value arrays for one shard, applying InfluxDB's
// validation on the way: the tag key `time` drops the point; the field key `time` is dropped (and
// the point with it when it was the only field); a field whose type differs from the shard's
// drops the whole point. The first reason met is reported with the number of dropped points,
// which the HTTP layer turns into `partial write: <reason> dropped=<n>`.

import type { FieldType, Point, Values } from '../lineprotocol/index.js'
import { joinTSMKey } from './series-key.js'
import type { ShardIndex } from './shard-index.js'
import { makeValues, sortDedup } from './values-buffer.js'

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
/** One TSM key of the batch: its type, how many values it gets, and then the values. */
interface Slot {
  readonly kind: FieldType
  count: number
  pos: number
  ordered: boolean
  times: BigInt64Array | undefined
  column: Float64Array | BigInt64Array | BigUint64Array | Uint8Array | string[] | undefined
}

export function prepareBatch(points: readonly Point[], index: ShardIndex): PreparedBatch {
  // Two passes over the points: the first validates them and counts the values of every TSM key,
  // the second fills arrays of exactly that size. Batches usually carry a few points for each of
  // many series, so growable per-key buffers would mostly allocate and copy. Nested maps (series
  // key → field → slot) keep string concatenation out of the loop.
  const bySeries = new Map<string, Map<string, Slot>>()
  const pendingTypes = new Map<string, Map<string, FieldType>>()
  const newFields: { measurement: string; field: string; type: FieldType }[] = []
  const newSeries: Point[] = []
  const accepted: (Map<string, Slot> | undefined)[] = new Array<Map<string, Slot> | undefined>(
    points.length,
  )
  let acceptedCount = 0
  let dropped = 0
  let reason: string | undefined
  const drop = (why: string): void => {
    dropped++
    reason ??= why
  }
  let lastMeasurement: string | undefined
  let known: ReadonlyMap<string, FieldType> | undefined
  let pending: Map<string, FieldType> | undefined
  points: for (let i = 0; i < points.length; i++) {
    const p = points[i] as Point
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
      const slot = fields.get(f.key)
      if (slot !== undefined) {
        slot.count++
        continue
      }
      fields.set(f.key, {
        kind: f.value.kind,
        count: 1,
        pos: 0,
        ordered: true,
        times: undefined,
        column: undefined,
      })
      if (known?.get(f.key) === undefined && pending?.get(f.key) === undefined) {
        pending?.set(f.key, f.value.kind)
        newFields.push({ measurement: p.measurement, field: f.key, type: f.value.kind })
      }
    }
    accepted[i] = fields
    acceptedCount++
  }
  for (let i = 0; i < points.length; i++) {
    const fields = accepted[i]
    if (fields === undefined) continue
    const p = points[i] as Point
    for (const f of p.fields) {
      if (f.key === 'time') continue
      const slot = fields.get(f.key) as Slot
      if (slot.times === undefined) {
        slot.times = new BigInt64Array(slot.count)
        slot.column = newColumn(slot.kind, slot.count)
      }
      const at = slot.pos++
      if (at > 0 && slot.ordered && (slot.times[at - 1] ?? 0n) >= p.time) slot.ordered = false
      slot.times[at] = p.time
      setValue(slot.column, at, f.value.value)
    }
  }
  const values = new Map<string, Values>()
  for (const [seriesKey, fields] of bySeries) {
    for (const [field, slot] of fields) {
      if (slot.times === undefined || slot.column === undefined) continue
      const v = makeValues(slot.kind, slot.times, slot.column)
      values.set(joinTSMKey(seriesKey, field), slot.ordered ? v : sortDedup(v))
    }
  }
  return { values, accepted: acceptedCount, dropped, reason, newSeries, newFields }
}

function newColumn(
  kind: FieldType,
  n: number,
): Float64Array | BigInt64Array | BigUint64Array | Uint8Array | string[] {
  switch (kind) {
    case 'float':
      return new Float64Array(n)
    case 'integer':
      return new BigInt64Array(n)
    case 'unsigned':
      return new BigUint64Array(n)
    case 'boolean':
      return new Uint8Array(n)
    case 'string':
      return new Array<string>(n)
    default: {
      const never: never = kind
      throw new Error(`unknown field type ${String(never)}`)
    }
  }
}

function setValue(
  column: Slot['column'],
  at: number,
  value: number | bigint | boolean | string,
): void {
  if (column instanceof Float64Array) column[at] = value as number
  else if (column instanceof Uint8Array) column[at] = value === true ? 1 : 0
  else if (Array.isArray(column)) column[at] = value as string
  else if (column !== undefined) column[at] = value as bigint
}
