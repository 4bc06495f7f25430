// Partial aggregation as InfluxDB 1.6 runs count, sum, mean, min, max, first and last: the call
// runs per series of each shard, and the partial results are combined level by level (series of a
// shard, then the shards, then the sources), each level merging its inputs with InfluxDB's merge
// iterator (a Go container/heap keyed by window, so equal windows come out in heap order) and
// reducing them again (count becomes sum, mean weighs each partial by its point count). Float
// results then match InfluxDB's to the last bit, which a single pass over all points does not.

import { availableParallelism } from 'node:os'
import { StatementError } from './errors.js'
import type {
  InputPoint,
  OutputPoint,
  ReducerContext,
  Scalar,
  ValueType,
} from './functions/index.js'
import type { FunctionLibrary } from './select-plan.js'
import { GoHeap, sortedLess } from './select-go-merge.js'

/** The calls InfluxDB pushes down to the shards. */
export const MERGEABLE: ReadonlySet<string> = new Set([
  'count',
  'sum',
  'mean',
  'min',
  'max',
  'first',
  'last',
])

/** A partial result: its window, value, time, aux and how many points it stands for. */
export interface Partial {
  readonly window: bigint
  readonly point: OutputPoint
  readonly count: number
}

/** Go's GOMAXPROCS as influxd on this machine sees it (it decides how series are grouped). */
const PARALLELISM = Math.max(1, availableParallelism())

/**
 * The order query.NewMergeIterator emits the points of `inputs` (each in window order): a Go
 * binary heap of inputs ordered by their next point's window; the popped input gives all its
 * points of that window before going back on the heap.
 */
export function goMerge(inputs: readonly (readonly Partial[])[], ascending: boolean): Partial[] {
  const live = inputs.filter((i) => i.length > 0)
  if (live.length === 0) return []
  const only = live[0]
  if (live.length === 1 && only !== undefined) return [...only]
  const pos = live.map(() => 0)
  const windowOf = (k: number): bigint => live[k]?.[pos[k] ?? 0]?.window ?? 0n
  const heap = new GoHeap(
    live.map((_, i) => i),
    (a, b) => (ascending ? windowOf(a) < windowOf(b) : windowOf(a) > windowOf(b)),
  )
  const out: Partial[] = []
  while (heap.size > 0) {
    const curr = heap.pop()
    const list = live[curr] ?? []
    const first = list[pos[curr] ?? 0]
    if (first === undefined) continue
    const w = first.window
    let p = pos[curr] ?? 0
    while (p < list.length && list[p]?.window === w) out.push(list[p++] as Partial)
    pos[curr] = p
    if (p < list.length) heap.push(curr)
  }
  return out
}

/** NewParallelMergeIterator: inputs in GOMAXPROCS contiguous groups, each merged, then merged together. */
export function parallelMerge(
  inputs: readonly (readonly Partial[])[],
  ascending: boolean,
): Partial[] {
  const live = inputs.filter((i) => i.length > 0)
  if (live.length <= 1) return goMerge(live, ascending)
  const p = Math.min(PARALLELISM, live.length)
  const n = Math.trunc(live.length / p)
  const outputs: Partial[][] = []
  for (let i = 0; i < p; i++)
    outputs.push(goMerge(i < p - 1 ? live.slice(i * n, (i + 1) * n) : live.slice(i * n), ascending))
  return goMerge(outputs, ascending)
}

/** Runs a call over one series' points (in read order), one partial per window. */
export function seriesPartials(
  lib: FunctionLibrary,
  name: string,
  input: ValueType,
  points: readonly InputPoint[],
  windowOf: (t: bigint) => bigint,
  contextOf: (window: bigint) => ReducerContext,
): Partial[] {
  const fn = lib.aggregate(name)
  if (fn === undefined) throw new StatementError(`undefined function ${name}()`)
  const out: Partial[] = []
  let i = 0
  while (i < points.length) {
    const first = points[i]
    if (first === undefined) break
    const w = windowOf(first.time)
    const ctx = contextOf(w)
    const r = fn.newReducer(input, ctx)
    let j = i
    for (; j < points.length; j++) {
      const p = points[j]
      if (p === undefined || windowOf(p.time) !== w) break
      r.push(p)
    }
    for (const point of r.emit()) out.push({ window: w, point, count: j - i })
    i = j
  }
  return out
}

function typeOf(v: Scalar | null, fallback: ValueType): ValueType {
  if (typeof v === 'number') return 'float'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'boolean'
  return fallback
}

/**
 * One combining level: the merged partials (consecutive per window) reduced again per window,
 * as the call iterator over a merge iterator does (count sums the counts, mean weighs by count).
 */
export function combine(
  lib: FunctionLibrary,
  name: string,
  input: ValueType,
  merged: readonly Partial[],
  contextOf: (window: bigint) => ReducerContext,
): Partial[] {
  const out: Partial[] = []
  let i = 0
  while (i < merged.length) {
    const first = merged[i]
    if (first === undefined) break
    const w = first.window
    let j = i
    while (j < merged.length && merged[j]?.window === w) j++
    const group = merged.slice(i, j)
    i = j
    let total = 0
    for (const p of group) total += p.count
    if (name === 'mean') {
      let sum = 0
      let count = 0
      for (const p of group) {
        const v = Number(p.point.value ?? 0)
        if (p.count >= 2) {
          sum += v * p.count
          count += p.count
        } else {
          sum += v
          count++
        }
      }
      out.push({ window: w, point: { time: first.point.time, value: sum / count, aux: [] }, count })
      continue
    }
    if (name === 'count') {
      let n = 0n
      for (const p of group) n += typeof p.point.value === 'bigint' ? p.point.value : 0n
      out.push({ window: w, point: { time: first.point.time, value: n, aux: [] }, count: total })
      continue
    }
    const fn = lib.aggregate(name)
    if (fn === undefined) throw new StatementError(`undefined function ${name}()`)
    const type = name === 'sum' ? typeOf(first.point.value, input) : input
    const r = fn.newReducer(type, contextOf(w))
    for (const p of group) {
      if (p.point.value === null) continue
      r.push({ time: p.point.time, value: p.point.value, aux: p.point.aux, tags: {} })
    }
    for (const point of r.emit()) out.push({ window: w, point, count: total })
  }
  return out
}

/**
 * first() or last() of one shard's tag set without GROUP BY time. InfluxDB reads it as raw points
 * through a sorted merge of the series (ascending for first, descending for last — series in
 * reverse key order then — whatever the query's order) behind a limit of one point, whose
 * off-by-one lets two points through, and reduces those two. Only the series' first (last)
 * points decide them: `heads` holds each series' partial, series in key order.
 */
export function firstLastPartial(
  lib: FunctionLibrary,
  name: 'first' | 'last',
  input: ValueType,
  heads: readonly Partial[],
  auxOrder: readonly number[],
  contextOf: (window: bigint) => ReducerContext,
): Partial[] {
  const first = heads[0]
  if (first === undefined) return []
  const asc = name === 'first'
  const items = asc ? [...heads] : [...heads].reverse()
  const heap = new GoHeap(
    items.map((_h, k) => k),
    (a, b) => sortedLess((items[a] as Partial).point, (items[b] as Partial).point, asc, auxOrder),
  )
  // The popped series' next point goes back on the heap, but it is later than any point left
  // at the first point's time, so the second pop is the heap's root after the first.
  const picked = [heap.pop()]
  if (heap.size > 0) picked.push(heap.pop())
  const fn = lib.aggregate(name)
  if (fn === undefined) throw new StatementError(`undefined function ${name}()`)
  const r = fn.newReducer(input, contextOf(first.window))
  let total = 0
  for (const p of heads) total += p.count
  for (const k of picked) {
    const p = (items[k] as Partial).point
    if (p.value !== null) r.push({ time: p.time, value: p.value, aux: p.aux, tags: {} })
  }
  return r.emit().map((point) => ({ window: first.window, point, count: total }))
}
