// The order in which InfluxDB 1.6 feeds a tag set's points to an aggregate it does not push down
// to the shards (percentile, median, mode, stddev, spread, distinct, top, integral, raw
// transformations …). Its top-level iterators are always Ordered, so each shard merges the
// series of the tag set (in series key order, reversed for ORDER BY time DESC) with
// query.NewSortedMergeIterator, and the shards' streams are merged the same way. That iterator is
// a Go container/heap of inputs ordered by their next point's time, then by its aux values when
// they are all strings (in the aux fields' name order), one point per pop. A heap is not stable:
// points that compare equal come out in the order its sifting leaves them, which decides which
// of several equal points a selector such as percentile() returns, and in which order a float sum
// (stddev) adds them. We replay the same heap operations over the same comparisons.

import type { InputPoint } from './functions/index.js'
import type { QueryCell } from './result.js'
import { timeHalves } from './select-merge.js'

/**
 * A Go container/heap of input numbers (non-negative int32) under `less` (heap.Init, heap.Pop,
 * heap.Push), the same sift steps as Go's, on a typed array.
 */
export class GoHeap {
  #items: Int32Array
  #size: number
  readonly #less: (a: number, b: number) => boolean

  /** heap.Init over `items`. */
  constructor(items: readonly number[], less: (a: number, b: number) => boolean) {
    this.#items = Int32Array.from(items)
    this.#size = items.length
    this.#less = less
    const n = this.#size
    for (let i = (n >> 1) - 1; i >= 0; i--) this.#down(i, n)
  }

  /** How many inputs the heap holds. */
  get size(): number {
    return this.#size
  }

  /** heap.Pop: the least input (among equal ones, the one the heap's shape puts first). */
  pop(): number {
    const n = this.#size - 1
    this.#swap(0, n)
    this.#down(0, n)
    this.#size = n
    return this.#items[n] as number
  }

  /** heap.Push. */
  push(x: number): void {
    if (this.#size === this.#items.length) {
      const grown = new Int32Array(Math.max(4, this.#size * 2))
      grown.set(this.#items)
      this.#items = grown
    }
    this.#items[this.#size] = x
    this.#up(this.#size++)
  }

  #lessAt(i: number, j: number): boolean {
    const h = this.#items
    return this.#less(h[i] as number, h[j] as number)
  }

  #swap(i: number, j: number): void {
    const h = this.#items
    const t = h[i] as number
    h[i] = h[j] as number
    h[j] = t
  }

  #down(i0: number, n: number): void {
    let i = i0
    for (;;) {
      const j1 = 2 * i + 1
      if (j1 >= n) break
      let j = j1
      const j2 = j1 + 1
      if (j2 < n && this.#lessAt(j2, j1)) j = j2
      if (!this.#lessAt(j, i)) break
      this.#swap(i, j)
      i = j
    }
  }

  #up(j0: number): void {
    let j = j0
    while (j > 0) {
      const i = (j - 1) >> 1
      if (!this.#lessAt(j, i)) break
      this.#swap(i, j)
      j = i
    }
  }
}

/** The sorted merge heap's Less: time, then the aux values while they are strings. */
export function sortedLess(
  x: { readonly time: bigint; readonly aux: readonly QueryCell[] },
  y: { readonly time: bigint; readonly aux: readonly QueryCell[] },
  ascending: boolean,
  auxOrder: readonly number[],
): boolean {
  if (x.time !== y.time) return ascending ? x.time < y.time : x.time > y.time
  if (x.aux.length === 0 || x.aux.length !== y.aux.length) return false
  for (const i of auxOrder) {
    const v1 = x.aux[i]
    const v2 = y.aux[i]
    if (typeof v1 !== 'string' || typeof v2 !== 'string') return false
    if (v1 === v2) continue
    return ascending ? v1 < v2 : v1 > v2
  }
  return false
}

/**
 * query.NewSortedMergeIterator over `inputs` (each in read order: ascending, or descending when
 * not `ascending`). `auxOrder` lists the aux positions in the order InfluxDB sorts its aux fields
 * (by name); equal times are ordered by those values when they are all strings.
 *
 * The replay is Go's container/heap (Init, then per point Pop and, while the input has more,
 * Push) comparing each input's next time as int64 halves: millions of points cost numeric
 * comparisons only, and the aux values are read only between equal times.
 */
export function goSortedMerge(
  inputs: readonly (readonly InputPoint[])[],
  ascending: boolean,
  auxOrder: readonly number[],
): readonly InputPoint[] {
  const live = inputs.filter((l) => l.length > 0)
  if (live.length === 0) return []
  if (live.length === 1) return live[0] as readonly InputPoint[]
  const count = live.length
  const halves = live.map((l) => timeHalves(l))
  const pos = new Int32Array(count)
  const curHi = new Int32Array(count)
  const curLo = new Uint32Array(count)
  const load = (k: number): void => {
    const h = halves[k] as { hi: Int32Array; lo: Uint32Array }
    const p = pos[k] as number
    curHi[k] = h.hi[p] as number
    curLo[k] = h.lo[p] as number
  }
  for (let k = 0; k < count; k++) load(k)
  const head = (k: number): InputPoint =>
    (live[k] as readonly InputPoint[])[pos[k] as number] as InputPoint
  // Less: the earlier next time (the later one for DESC), then the aux values.
  const less = (a: number, b: number): boolean => {
    const ah = curHi[a] as number
    const bh = curHi[b] as number
    if (ah !== bh) return ascending ? ah < bh : ah > bh
    const al = curLo[a] as number
    const bl = curLo[b] as number
    if (al !== bl) return ascending ? al < bl : al > bl
    return auxOrder.length > 0 && sortedLess(head(a), head(b), ascending, auxOrder)
  }
  const heap = new GoHeap(
    live.map((_l, k) => k),
    less,
  )
  let total = 0
  for (const l of live) total += l.length
  const out: InputPoint[] = new Array<InputPoint>(total)
  for (let o = 0; o < total; o++) {
    const k = heap.pop()
    const list = live[k] as readonly InputPoint[]
    const p = pos[k] as number
    out[o] = list[p] as InputPoint
    if (p + 1 < list.length) {
      pos[k] = p + 1
      load(k)
      heap.push(k)
    }
  }
  return out
}

/**
 * A tag set's points in InfluxDB's feed order, in read direction: `byShard` holds per shard (in
 * shard order) the series' points (series in key order, each ascending). Each shard's series are
 * merged (reversed first for DESC), then the shards.
 */
export function goFeed(
  byShard: readonly (readonly (readonly InputPoint[])[])[],
  ascending: boolean,
  auxOrder: readonly number[],
): readonly InputPoint[] {
  const shards = byShard.map((series) =>
    goSortedMerge(
      ascending ? series : [...series].reverse().map((pts) => [...pts].reverse()),
      ascending,
      auxOrder,
    ),
  )
  return goSortedMerge(shards, ascending, auxOrder)
}
