// Aggregates and selectors with GROUP BY time(interval[, offset]): every point of a tag set goes
// to the window `epoch + offset + k × interval` holding its time; each window's row carries the
// window start as its time (selectors too). Each call is then filled on its own, as InfluxDB's
// fill iterator does per call and per tag set: from the window of the range start (or of the
// call's first point when the range has no lower bound) to the window of the range end (now()
// when unbounded), with null (0 for count), none, previous, linear or a number. LIMIT/OFFSET cut
// each call's filled windows per tag set; the calls are then merged by window into rows.

import type { FillOption } from '../influxql/index.js'
import type { FieldType, Values } from '../lineprotocol/index.js'
import { MIN_TIME_NS } from './condition.js'
import type { QueryCell, QueryRow } from './result.js'
import { Reducer } from './select-aggregate.js'
import { groupKeyOf, groupTags, sliceGroups, type TagSetGroup } from './select-group.js'
import { dimensionsOf } from './select-group.js'
import type { CallItem, SelectPlan, TimeInterval } from './select-plan.js'
import { columnNames } from './select-plan.js'
import type { MeasurementSource } from './select-source.js'
import { readField, schemaOf, selectedSeries } from './select-source.js'

/** The reducers of one tag set, by window start. */
type Windows = Map<bigint, Reducer[]>

/** The start of the window holding `t`. */
export function windowStart(t: bigint, iv: TimeInterval): bigint {
  let r = (t - iv.offsetNs) % iv.durationNs
  if (r < 0n) r += iv.durationNs
  return t - r
}

/** Adds the points of `v` to call `c` of the windows they fall in (`v` sorted by time). */
function addWindowed(windows: Windows, calls: readonly CallItem[], c: number, v: Values, iv: TimeInterval): void {
  const times = v.times
  const n = times.length
  let i = 0
  while (i < n) {
    const ws = windowStart(times[i] ?? 0n, iv)
    const we = ws + iv.durationNs
    let j = i + 1
    while (j < n && (times[j] ?? 0n) < we) j++
    let reducers = windows.get(ws)
    if (reducers === undefined) windows.set(ws, (reducers = calls.map((k) => new Reducer(k.fn))))
    reducers[c]?.add(v, i, j)
    i = j
  }
}

/** The value fill(<number>) gives a call whose results look like `sample`. */
function numberFill(sample: QueryCell, fillValue: number | bigint): QueryCell {
  if (typeof sample === 'bigint') return typeof fillValue === 'bigint' ? fillValue : BigInt(Math.trunc(fillValue))
  if (typeof sample === 'string') return ''
  if (typeof sample === 'boolean') return false
  return Number(fillValue)
}

/** fill(linear): the value on the line between two filled-in windows (window indexes as InfluxDB uses). */
function linear(w: bigint, prev: readonly [bigint, QueryCell], next: readonly [bigint, QueryCell], durationNs: bigint): QueryCell {
  const [pw, pv] = prev
  const [nw, nv] = next
  const x = Number(w / durationNs - pw / durationNs)
  const span = Number(nw / durationNs - pw / durationNs)
  if (typeof pv === 'number' && typeof nv === 'number') return ((nv - pv) / span) * x + pv
  if (typeof pv === 'bigint' && typeof nv === 'bigint') return BigInt(Math.trunc((Number(nv - pv) / span) * x + Number(pv)))
  return null
}

/** A cell of the type a call answers, for fill(<number>) when the call saw no point. */
function typeSample(call: CallItem, type: FieldType | undefined): QueryCell {
  if (call.fn === 'count') return 0n
  if (call.fn === 'mean') return 0
  switch (type) {
    case 'integer':
    case 'unsigned':
      return 0n
    case 'string':
      return ''
    case 'boolean':
      return false
    default:
      return 0
  }
}

interface FillSpec {
  readonly fill: FillOption
  readonly fillValue: number | bigint | null
  readonly ascending: boolean
  /** Window of the range start; undefined when unbounded. */
  readonly firstWindow: bigint | undefined
  readonly lastWindow: bigint
}

/** One call's [window, cell] list for a tag set, filled and in output order. */
/**
 * One call's [window, cell] list for a tag set, filled and in output order. A call without points
 * in a tag set that has some is still filled (InfluxDB iterates the tag set's series for every
 * call), over the windows of `span` ([earliest, latest] window of the tag set) when unbounded.
 */
function fillCall(found: ReadonlyMap<bigint, QueryCell>, fn: CallItem['fn'], iv: TimeInterval, spec: FillSpec, span: readonly [bigint, bigint], typeSample: QueryCell): [bigint, QueryCell][] {
  const real = [...found.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  if (!spec.ascending) real.reverse()
  if (spec.fill === 'none') return real.map((w) => [w, found.get(w) ?? null])
  const step = spec.ascending ? iv.durationNs : -iv.durationNs
  const lowest = spec.ascending ? real[0] : real[real.length - 1]
  const start = spec.ascending ? (spec.firstWindow ?? lowest ?? span[0]) : spec.lastWindow
  const end = spec.ascending ? spec.lastWindow : (spec.firstWindow ?? lowest ?? span[0])
  const firstReal = real[0]
  const sample = firstReal !== undefined ? (found.get(firstReal) ?? typeSample) : typeSample
  let fill = spec.fill
  let fillValue = spec.fillValue
  if (fill === 'null' && fn === 'count') {
    fill = 'number'
    fillValue = 0n
  }
  const out: [bigint, QueryCell][] = []
  let prev: [bigint, QueryCell] | undefined
  let nextIdx = 0
  for (let w = start; spec.ascending ? w <= end : w >= end; w += step) {
    if (found.has(w)) {
      const cell = found.get(w) ?? null
      prev = [w, cell]
      out.push(prev)
      nextIdx++
      continue
    }
    let cell: QueryCell = null
    if (fill === 'number' && fillValue !== null) cell = numberFill(sample, fillValue)
    else if (fill === 'previous' && prev !== undefined) cell = prev[1]
    else if (fill === 'linear' && prev !== undefined) {
      const nw = real[nextIdx]
      if (nw !== undefined) cell = linear(w, prev, [nw, found.get(nw) ?? null], iv.durationNs)
    }
    out.push([w, cell])
  }
  return out
}

/** Runs an aggregate plan with GROUP BY time over `[minNs, maxNs]` (maxNs already now() when unbounded). */
export async function runWindowed(plan: SelectPlan, iv: TimeInterval, sources: readonly MeasurementSource[], minNs: bigint, maxNs: bigint, limit: number, offset: number, sLimit: number, sOffset: number): Promise<QueryRow[]> {
  const calls = plan.items.filter((i): i is CallItem => i.kind === 'call')
  const fields = [...new Set(calls.map((c) => c.field))]
  const columns = columnNames(calls.map((c) => c.column))
  const bounded = plan.range.minNs !== undefined && plan.range.minNs > MIN_TIME_NS
  const spec: FillSpec = {
    fill: plan.fill,
    fillValue: plan.fillValue,
    ascending: plan.ascending,
    firstWindow: bounded ? windowStart(minNs, iv) : undefined,
    lastWindow: windowStart(maxNs, iv),
  }
  const out: QueryRow[] = []
  const schemas = sources.map(schemaOf)
  const allDims = dimensionsOf(plan.dimensions, schemas)
  for (const source of sources) {
    const schema = schemaOf(source)
    if (!fields.some((f) => schema.fields.has(f))) continue
    const dims = allDims
    const groups = new Map<string, TagSetGroup<Windows>>()
    for (const shard of source.shards) {
      for (const series of selectedSeries(shard, source.name, plan.condition)) {
        const read = await Promise.all(fields.map((f) => readField(shard, series.key, f, minNs, maxNs)))
        if (read.every((v) => v === undefined || v.times.length === 0)) continue
        const key = groupKeyOf(dims, series.tags)
        let g = groups.get(key)
        if (g === undefined) groups.set(key, (g = { key, tags: groupTags(dims, series.tags), items: [new Map()] }))
        const windows = g.items[0]
        if (windows === undefined) continue
        for (let c = 0; c < calls.length; c++) {
          const v = read[fields.indexOf(calls[c]?.field ?? '')]
          if (v !== undefined) addWindowed(windows, calls, c, v, iv)
        }
      }
    }
    for (const g of sliceGroups(groups, sLimit, sOffset, plan.ascending)) {
      const windows = g.items[0]
      if (windows === undefined) continue
      const rows = new Map<bigint, QueryCell[]>()
      let lo: bigint | undefined
      let hi: bigint | undefined
      for (const w of windows.keys()) {
        if (lo === undefined || w < lo) lo = w
        if (hi === undefined || w > hi) hi = w
      }
      if (lo === undefined || hi === undefined) continue
      for (let c = 0; c < calls.length; c++) {
        const call = calls[c]
        if (call === undefined) continue
        const found = new Map<bigint, QueryCell>()
        for (const [w, reducers] of windows) {
          const r = reducers[c]?.result()
          if (r !== undefined) found.set(w, r)
        }
        const sample = typeSample(call, schema.fields.get(call.field))
        const filled = fillCall(found, call.fn, iv, spec, [lo, hi], sample).slice(offset, limit > 0 ? offset + limit : undefined)
        for (const [w, cell] of filled) {
          let row = rows.get(w)
          if (row === undefined) rows.set(w, (row = calls.map((): QueryCell => null)))
          row[c] = cell
        }
      }
      if (rows.size === 0) continue
      const times = [...rows.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      if (!plan.ascending) times.reverse()
      out.push({
        name: source.name,
        ...(dims.length > 0 && { tags: g.tags }),
        columns,
        values: times.map((t) => [{ kind: 'time', ns: t }, ...(rows.get(t) ?? [])]),
      })
    }
  }
  return out
}
