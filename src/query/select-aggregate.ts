// Aggregates and selectors without GROUP BY time: count, sum, mean, min, max, first, last and
// spread over every point of a tag set (all its series, all shards). A lone selector reports the
// selected point's time; otherwise the row's time is the start of the query range (epoch 0 when
// unbounded), as InfluxDB 1.6 does. Ties follow InfluxDB's reducers: min/max keep the earlier
// point, first keeps the smaller value at equal times and last the larger.

import type { Values } from '../lineprotocol/index.js'
import { MIN_TIME_NS } from './condition.js'
import { StatementError } from './errors.js'
import type { QueryCell, QueryRow } from './result.js'
import type { MeasurementSource } from './select-source.js'
import { readField, schemaOf, selectedSeries } from './select-source.js'
import type { AggregateName, CallItem, SelectPlan } from './select-plan.js'
import { columnNames } from './select-plan.js'
import { groupKeyOf, groupTags, sliceGroups, type TagSetGroup } from './select-group.js'
import { dimensionsOf } from './select-group.js'
import { cellOf } from './select-raw.js'

/** The running state of one call over one tag set (or one GROUP BY time window of it). */
export class Reducer {
  readonly fn: AggregateName
  count = 0
  floatSum = 0
  intSum = 0n
  isInt = false
  /** The selected or extreme value and its time. */
  best: QueryCell = null
  bestTimeNs = 0n
  minV: number | bigint | undefined
  maxV: number | bigint | undefined

  constructor(fn: AggregateName) {
    this.fn = fn
  }

  /** Adds values `from` (inclusive) to `to` (exclusive) of `v`. */
  add(v: Values, from = 0, to = v.times.length): void {
    const n = to
    if (n <= from) return
    const fn = this.fn
    if (fn === 'count') {
      this.count += n - from
      return
    }
    if (fn === 'first' || fn === 'last') {
      for (let i = from; i < n; i++) this.#select(v, i)
      return
    }
    if (v.kind === 'string' || v.kind === 'boolean') {
      if (fn === 'min' || fn === 'max') throw new StatementError(`unsupported ${fn} iterator type: ${v.kind}`)
      throw new StatementError(`unsupported ${fn} iterator type: ${v.kind}`)
    }
    this.count += n - from
    if (v.kind === 'float') {
      const a = v.values
      for (let i = from; i < n; i++) {
        const x = a[i] ?? 0
        this.floatSum += x
        this.#extreme(x, v, i)
      }
      return
    }
    this.isInt = true
    const a = v.values
    for (let i = from; i < n; i++) {
      const x = a[i] ?? 0n
      this.intSum += x
      this.#extreme(x, v, i)
    }
  }

  #select(v: Values, i: number): void {
    const t = v.times[i] ?? 0n
    const cell = cellOf(v, i)
    if (this.count === 0) {
      this.count = 1
      this.best = cell
      this.bestTimeNs = t
      return
    }
    const cmp = compareCells(cell, this.best)
    const better = this.fn === 'first' ? t < this.bestTimeNs || (t === this.bestTimeNs && cmp < 0) : t > this.bestTimeNs || (t === this.bestTimeNs && cmp > 0)
    if (better) {
      this.best = cell
      this.bestTimeNs = t
    }
  }

  #extreme(x: number | bigint, v: Values, i: number): void {
    const t = v.times[i] ?? 0n
    if (this.minV === undefined || x < this.minV) this.minV = x
    if (this.maxV === undefined || x > this.maxV) this.maxV = x
    if (this.fn !== 'min' && this.fn !== 'max') return
    const first = this.best === null
    const cur = this.best as number | bigint
    const better = first || (this.fn === 'min' ? x < cur : x > cur) || (x === cur && t < this.bestTimeNs)
    if (better) {
      this.best = x
      this.bestTimeNs = t
    }
  }

  /** The result cell, or undefined when the call saw no point. */
  result(): QueryCell | undefined {
    if (this.count === 0) return undefined
    switch (this.fn) {
      case 'count':
        return BigInt(this.count)
      case 'sum':
        return this.isInt ? this.intSum : this.floatSum
      case 'mean':
        return this.isInt ? Number(this.intSum) / this.count : this.floatSum / this.count
      case 'spread':
        if (this.minV === undefined || this.maxV === undefined) return null
        return typeof this.maxV === 'bigint' && typeof this.minV === 'bigint' ? this.maxV - this.minV : Number(this.maxV) - Number(this.minV)
      default:
        return this.best
    }
  }
}

function compareCells(a: QueryCell, b: QueryCell): number {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return 0
}

/** Runs an aggregate plan over the measurements; returns one row per tag set that has points. */
export async function runAggregate(plan: SelectPlan, sources: readonly MeasurementSource[], minNs: bigint, maxNs: bigint, sLimit: number, sOffset: number): Promise<QueryRow[]> {
  const calls = plan.items.filter((i): i is CallItem => i.kind === 'call')
  const fields = [...new Set(calls.map((c) => c.field))]
  const out: QueryRow[] = []
  const columns = columnNames(calls.map((c) => c.column))
  const startNs = plan.range.minNs !== undefined && plan.range.minNs > MIN_TIME_NS ? plan.range.minNs : 0n
  const schemas = sources.map(schemaOf)
  const allDims = dimensionsOf(plan.dimensions, schemas)
  for (const source of sources) {
    const schema = schemaOf(source)
    if (!fields.some((f) => schema.fields.has(f))) continue
    const dims = allDims
    const groups = new Map<string, TagSetGroup<Reducer>>()
    for (const shard of source.shards) {
      for (const series of selectedSeries(shard, source.name, plan.condition)) {
        const key = groupKeyOf(dims, series.tags)
        let g = groups.get(key)
        if (g === undefined) groups.set(key, (g = { key, tags: groupTags(dims, series.tags), items: calls.map((c) => new Reducer(c.fn)) }))
        const read = await Promise.all(fields.map((f) => readField(shard, series.key, f, minNs, maxNs)))
        for (let c = 0; c < calls.length; c++) {
          const v = read[fields.indexOf(calls[c]?.field ?? '')]
          if (v !== undefined) g.items[c]?.add(v)
        }
      }
    }
    const withPoints = new Map([...groups].filter(([, g]) => g.items.some((r) => r.count > 0)))
    for (const g of sliceGroups(withPoints, sLimit, sOffset)) {
      const cells = g.items.map((r) => r.result() ?? null)
      const lone = g.items[0]
      const timeNs = plan.selectorTime && lone !== undefined ? lone.bestTimeNs : startNs
      out.push({ name: source.name, ...(dims.length > 0 && { tags: g.tags }), columns, values: [[{ kind: 'time', ns: timeNs }, ...cells]] })
    }
  }
  return out
}
