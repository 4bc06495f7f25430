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
  const heap: number[] = live.map((_, i) => i)
  const windowOf = (k: number): bigint => live[k]?.[pos[k] ?? 0]?.window ?? 0n
  const less = (a: number, b: number): boolean => {
    const x = windowOf(heap[a] ?? 0)
    const y = windowOf(heap[b] ?? 0)
    return ascending ? x < y : x > y
  }
  const swap = (a: number, b: number): void => {
    const t = heap[a] ?? 0
    heap[a] = heap[b] ?? 0
    heap[b] = t
  }
  const down = (i0: number, n: number): void => {
    let i = i0
    for (;;) {
      const j1 = 2 * i + 1
      if (j1 >= n) break
      let j = j1
      const j2 = j1 + 1
      if (j2 < n && less(j2, j1)) j = j2
      if (!less(j, i)) break
      swap(i, j)
      i = j
    }
  }
  const up = (j0: number): void => {
    let j = j0
    for (;;) {
      const i = Math.trunc((j - 1) / 2)
      if (i === j || !less(j, i)) break
      swap(i, j)
      j = i
    }
  }
  for (let i = Math.trunc(heap.length / 2) - 1; i >= 0; i--) down(i, heap.length)
  const out: Partial[] = []
  while (heap.length > 0) {
    const n = heap.length - 1
    swap(0, n)
    down(0, n)
    const curr = heap.pop() ?? 0
    const list = live[curr] ?? []
    const first = list[pos[curr] ?? 0]
    if (first === undefined) continue
    const w = first.window
    let p = pos[curr] ?? 0
    while (p < list.length && list[p]?.window === w) out.push(list[p++] as Partial)
    pos[curr] = p
    if (p < list.length) {
      heap.push(curr)
      up(heap.length - 1)
    }
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
