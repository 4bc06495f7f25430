// Raw SELECTs (no function calls), tag set by tag set: the series rows of a tag set merged by
// time (a row per point with a selected field), OFFSET/LIMIT applied across blocks, the select
// list evaluated per row. Store measurements are read shard by shard in time order.

import type { Expr } from '../influxql/index.js'
import type { QueryCell } from './result.js'
import { type Expanded, evalField, timeCell, toCell } from './select-columns.js'
import type { EngineSeries, EngineSource } from './select-engine-source.js'
import type { EngineInput } from './select-engine.js'
import type { SelectPlan } from './select-plan.js'
import type { SeriesRows } from './select-series-data.js'

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
      aux[k] = c >= 0 ? (r.cols[c]?.[i] ?? null) : (r.tags.get(ex.aux[k]?.name ?? '') ?? null)
    }
    const row: QueryCell[] = [timeCell(bestTime, plan.location)]
    for (const f of ex.fields) row.push(f.expr.kind === 'ref' ? (aux[f.expr.slot] ?? null) : toCell(evalField(f.expr, [], aux)))
    out.push(row)
  }
  return out
}

/** Rows of a raw tag set are produced in arrays of at most this many. */
const BLOCK_ROWS = 10_000

/**
 * A raw tag set of a store measurement, shard by shard in time order, its rows produced
 * BLOCK_ROWS at a time. The engine reads a series key of a shard whole (Shard.read has no
 * cursor over a time slice), so one shard's points of the tag set are the most held at once.
 */
export async function* rawBlocks(
  plan: SelectPlan,
  ex: Expanded,
  source: EngineSource,
  members: readonly EngineSeries[],
  read: { readonly names: readonly string[]; readonly filter: Expr | null; readonly tagKeys: ReadonlySet<string> },
  auxCol: readonly number[],
  input: EngineInput,
): AsyncGenerator<QueryCell[][]> {
  const cut: RowCut = { skip: plan.offset, left: plan.limit > 0 ? plan.limit : Number.POSITIVE_INFINITY }
  const shardOrder = source.shardRanges.map((r, i) => ({ r, i })).sort((a, b) => (a.r.minNs < b.r.minNs ? -1 : a.r.minNs > b.r.minNs ? 1 : 0))
  if (!plan.ascending) shardOrder.reverse()
  for (const { r, i } of shardOrder) {
    const inShard = members.filter((m) => m.shardIndex === i)
    const lo = r.minNs > input.minNs ? r.minNs : input.minNs
    const hi = r.maxNs < input.maxNs ? r.maxNs : input.maxNs
    if (inShard.length === 0 || lo > hi) continue
    const rows: SeriesRows[] = []
    for (const m of inShard) {
      if (cut.left <= 0 || input.signal?.aborted === true) return
      const rs = await m.read(read.names, lo, hi, read.filter, read.tagKeys)
      input.limits?.addPoints(rs.times.length)
      if (rs.times.length > 0) rows.push(rs)
    }
    const heads = rows.map((x) => (plan.ascending ? 0 : x.times.length - 1))
    for (;;) {
      if (cut.left <= 0 || input.signal?.aborted === true) return
      const values = rawValues(plan, ex, rows, auxCol, input, false, cut, heads, BLOCK_ROWS)
      if (values.length === 0) break
      yield values
    }
  }
}
