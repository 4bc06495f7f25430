// Raw SELECTs (no function calls), tag set by tag set: the series rows of a tag set merged by
// time (a row per point with a selected field), OFFSET/LIMIT applied across blocks, the select
// list evaluated per row. Store measurements are read shard by shard in time order, each
// shard's series streamed through cursors and merged with a heap.

import type { Expr } from '../influxql/index.js'
import type { QueryCell } from './result.js'
import { type Expanded, evalField, timeCell, toCell } from './select-columns.js'
import type { EngineSeries, EngineSource } from './select-engine-source.js'
import type { EngineInput } from './select-engine.js'
import type { SelectPlan } from './select-plan.js'
import type { SeriesRows } from './select-series-data.js'
import type { RowSource } from './select-series-cursor.js'
import type { MeasurementTyping } from './select-typing.js'

/** How many rows of a tag set OFFSET still skips and LIMIT still lets through. */
export interface RowCut {
  skip: number
  left: number
}

/** A raw block of a tag set: rows of all its series by time, a row per point with a selected field. */
export function rawValues(
  plan: SelectPlan,
  ex: Expanded,
  rows: readonly SeriesRows[],
  auxCol: readonly number[],
  input: EngineInput,
  direct: boolean,
  typing: MeasurementTyping,
  cut: RowCut,
  heads: number[] = rows.map((r) => (plan.ascending ? 0 : r.times.length - 1)),
  maxRows = Number.POSITIVE_INFINITY,
): QueryCell[][] {
  const out: QueryCell[][] = []
  const nAux = ex.aux.length
  const aux: QueryCell[] = new Array<QueryCell>(nAux).fill(null)
  const fieldCols = auxCol.filter((c) => c >= 0)
  // Each series' rows are sorted: merge them by time (walking backwards for DESC), from `heads` on.
  for (;;) {
    if (cut.left <= 0 || out.length >= maxRows) break
    let best = -1
    let bestTime = 0n
    for (let s = 0; s < rows.length; s++) {
      const r = rows[s]
      const h = heads[s] ?? 0
      if (r === undefined || h < 0 || h >= r.times.length) continue
      const t = r.times[h] ?? 0n
      if (best < 0 || (plan.ascending ? t < bestTime : t > bestTime)) {
        best = s
        bestTime = t
      }
    }
    if (best < 0) break
    const r = rows[best]
    const i = heads[best] ?? 0
    heads[best] = plan.ascending ? i + 1 : i - 1
    if (r === undefined) continue
    let any = false
    for (const c of fieldCols) if (r.cols[c]?.[i] !== null) any = true
    if (!any || (!direct && (bestTime < input.minNs || bestTime > input.maxNs))) continue
    if (cut.skip > 0) {
      cut.skip--
      continue
    }
    cut.left--
    for (let k = 0; k < nAux; k++) {
      const c = auxCol[k] ?? -1
      const convert = typing.auxConvert[k]
      const cell = c >= 0 ? (r.cols[c]?.[i] ?? null) : (r.tags.get(ex.aux[k]?.name ?? '') ?? null)
      aux[k] = convert === undefined || c < 0 ? cell : convert(cell)
    }
    const row: QueryCell[] = [timeCell(bestTime, plan.location)]
    for (const f of ex.fields)
      row.push(
        f.expr.kind === 'ref'
          ? (aux[f.expr.slot] ?? null)
          : toCell(evalField(f.expr, [], aux, typing.slots)),
      )
    out.push(row)
  }
  return out
}

/** Rows of a raw tag set are produced in arrays of at most this many. */
const BLOCK_ROWS = 1000
/** Points read are reported to the max-select-point limit in batches of this many. */
const POINTS_BATCH = 1024

/** One series' row source and its place among the tag set's series (breaks ties between equal times). */
interface RowStream {
  readonly src: RowSource
  readonly order: number
}

/**
 * A raw tag set of a store measurement, shard by shard in time order. In each shard the series
 * are streamed through cursors (select-series-cursor.ts) and merged by time with a binary heap;
 * rows are yielded BLOCK_ROWS at a time as they are produced, and LIMIT stops the reading. Memory
 * holds a chunk per series and field, not the tag set's points.
 */
export async function* rawBlocks(
  plan: SelectPlan,
  ex: Expanded,
  source: EngineSource,
  members: readonly EngineSeries[],
  read: {
    readonly names: readonly string[]
    readonly filter: Expr | null
    readonly tagKeys: ReadonlySet<string>
  },
  auxCol: readonly number[],
  input: EngineInput,
  typing: MeasurementTyping,
): AsyncGenerator<QueryCell[][]> {
  const cut: RowCut = {
    skip: plan.offset,
    left: plan.limit > 0 ? plan.limit : Number.POSITIVE_INFINITY,
  }
  const asc = plan.ascending
  const byStart = source.shardRanges
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.minNs < b.r.minNs ? -1 : a.r.minNs > b.r.minNs ? 1 : 0))
  // The shards of one shard group (a cluster's group has several) are read as one block.
  const shardOrder: { r: (typeof byStart)[number]['r']; shards: Set<number> }[] = []
  for (const { r, i } of byStart) {
    const last = shardOrder[shardOrder.length - 1]
    if (last !== undefined && last.r.minNs === r.minNs && last.r.maxNs === r.maxNs)
      last.shards.add(i)
    else shardOrder.push({ r, shards: new Set([i]) })
  }
  if (!asc) shardOrder.reverse()
  const nAux = ex.aux.length
  const auxNames = ex.aux.map((a) => a.name)
  const nFields = ex.fields.length
  const { auxConvert, slots } = typing
  // A row is a point of a selected field; a value its shard cannot read as the query's type is none.
  const fieldSlots = auxCol.flatMap((c, k) => (c < 0 ? [] : [{ c, convert: auxConvert[k] }]))
  const refSlots =
    ex.fields.every((f) => f.expr.kind === 'ref') && auxConvert.every((c) => c === undefined)
      ? ex.fields.map((f) => (f.expr.kind === 'ref' ? f.expr.slot : -1))
      : undefined
  const refCols = (refSlots ?? []).map((slot) => auxCol[slot] ?? -1)
  const refNames = (refSlots ?? []).map((slot) => auxNames[slot] ?? '')
  /** The output row of the source's current row. */
  const rowCells = (src: RowSource, t: bigint): QueryCell[] => {
    const cells: QueryCell[] = new Array<QueryCell>(nFields + 1)
    cells[0] = timeCell(t, plan.location)
    if (refSlots !== undefined) {
      // Plain columns: the cells straight from the series' row.
      for (let k = 0; k < nFields; k++) {
        const c = refCols[k] ?? -1
        cells[k + 1] = c >= 0 ? src.cell(c) : (src.tags.get(refNames[k] ?? '') ?? null)
      }
      return cells
    }
    const aux: QueryCell[] = new Array<QueryCell>(nAux)
    for (let k = 0; k < nAux; k++) {
      const c = auxCol[k] ?? -1
      const convert = auxConvert[k]
      if (c < 0) aux[k] = src.tags.get(auxNames[k] ?? '') ?? null
      else aux[k] = convert === undefined ? src.cell(c) : convert(src.cell(c))
    }
    for (let k = 0; k < nFields; k++) {
      const f = ex.fields[k]
      cells[k + 1] =
        f === undefined
          ? null
          : f.expr.kind === 'ref'
            ? (aux[f.expr.slot] ?? null)
            : toCell(evalField(f.expr, [], aux, slots))
    }
    return cells
  }
  for (const { r, shards } of shardOrder) {
    const inShard = members.filter((m) => shards.has(m.shardIndex))
    // Points of equal time go in series key order (descending with ORDER BY time DESC), as
    // influxd merges them; the index holds the series in the order they were created.
    inShard.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    if (!asc) inShard.reverse()
    const lo = r.minNs > input.minNs ? r.minNs : input.minNs
    const hi = r.maxNs < input.maxNs ? r.maxNs : input.maxNs
    if (inShard.length === 0 || lo > hi) continue
    const streams: RowStream[] = []
    const heap: RowStream[] = []
    const less = (a: RowStream, b: RowStream): boolean => {
      const x = a.src.time
      const y = b.src.time
      return x === y ? a.order < b.order : asc ? x < y : x > y
    }
    const down = (at: number): void => {
      const n = heap.length
      let p = at
      const item = heap[p] as RowStream
      for (;;) {
        let c = 2 * p + 1
        if (c >= n) break
        const right = heap[c + 1]
        if (right !== undefined && less(right, heap[c] as RowStream)) c++
        const child = heap[c] as RowStream
        if (!less(child, item)) break
        heap[p] = child
        p = c
      }
      heap[p] = item
    }
    try {
      for (const m of inShard) {
        if (input.signal?.aborted === true) return
        streams.push({
          src: m.rowSource(read.names, lo, hi, read.filter, read.tagKeys, asc),
          order: streams.length,
        })
      }
      for (const s of streams) {
        let ok = s.src.advance()
        if (typeof ok !== 'boolean') ok = await ok
        if (ok) heap.push(s)
      }
      let counted = 0
      for (let k = (heap.length >> 1) - 1; k >= 0; k--) down(k)
      let out: QueryCell[][] = []
      while (heap.length > 0) {
        if (cut.left <= 0 || input.signal?.aborted === true) break
        const s = heap[0] as RowStream
        const src = s.src
        const t = src.time
        let any = false
        for (const { c, convert } of fieldSlots) {
          const cell = src.cell(c)
          if (cell !== null && (convert === undefined || convert(cell) !== null)) {
            any = true
            break
          }
        }
        let cells: QueryCell[] | undefined
        if (any && cut.skip > 0) cut.skip--
        else if (any) {
          cut.left--
          cells = rowCells(src, t)
        }
        if (++counted >= POINTS_BATCH) {
          input.limits?.addPoints(counted)
          counted = 0
        }
        let ok = src.advance()
        if (typeof ok !== 'boolean') ok = await ok
        if (!ok) {
          const last = heap.pop() as RowStream
          if (heap.length > 0 && last !== s) heap[0] = last
        }
        if (heap.length > 0) down(0)
        if (cells === undefined) continue
        out.push(cells)
        if (out.length >= BLOCK_ROWS) {
          yield out
          out = []
        }
      }
      input.limits?.addPoints(counted)
      if (out.length > 0) yield out
      if (cut.left <= 0) return
    } finally {
      for (const s of streams) await s.src.close()
    }
  }
}
