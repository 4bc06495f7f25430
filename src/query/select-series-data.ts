// The points of one series as rows: the values of the fields a query needs, read from one shard
// (cache and TSM merged by the engine), joined on time (a row per time at least one of them has
// a value), then kept or dropped by the WHERE condition when it names fields (InfluxDB evaluates
// such a condition per point, with the series' tag values, '' for a missing tag).

import type { Expr } from '../influxql/index.js'
import type { Shard } from '../engine/index.js'
import type { FieldType, Values } from '../lineprotocol/index.js'
import type { QueryCell } from './result.js'
import { evalExpr, MISSING } from './select-eval.js'
import { readField } from './select-source.js'

/** One series' rows, columnar: `cols[k][i]` is field `names[k]` at `times[i]` (null when absent). */
export interface SeriesRows {
  readonly tags: ReadonlyMap<string, string>
  readonly times: bigint[]
  readonly cols: QueryCell[][]
}

/** The cell of value `i` of `v`, typed as the HTTP layer renders it. */
export function cellOf(v: Values, i: number): QueryCell {
  switch (v.kind) {
    case 'float':
      return v.values[i] ?? null
    case 'integer':
      return v.values[i] ?? null
    case 'unsigned':
      return v.values[i] ?? null
    case 'boolean':
      return v.values[i] === 1
    case 'string':
      return v.values[i] ?? null
  }
}

/** Joins the fields' values on time (each sorted by time). */
function join(read: readonly (Values | undefined)[]): { times: bigint[]; cols: QueryCell[][] } {
  const k = read.length
  const only = read[0]
  if (k === 1 && only !== undefined) {
    const n = only.times.length
    const col = new Array<QueryCell>(n)
    for (let i = 0; i < n; i++) col[i] = cellOf(only, i)
    return { times: Array.from(only.times), cols: [col] }
  }
  const cursors = new Array<number>(k).fill(0)
  const times: bigint[] = []
  const cols: QueryCell[][] = read.map(() => [])
  for (;;) {
    let t: bigint | undefined
    for (let f = 0; f < k; f++) {
      const v = read[f]
      const c = cursors[f] ?? 0
      if (v === undefined || c >= v.times.length) continue
      const tf = v.times[c] ?? 0n
      if (t === undefined || tf < t) t = tf
    }
    if (t === undefined) break
    times.push(t)
    for (let f = 0; f < k; f++) {
      const v = read[f]
      const c = cursors[f] ?? 0
      const col = cols[f]
      if (col === undefined) continue
      if (v !== undefined && c < v.times.length && v.times[c] === t) {
        col.push(cellOf(v, c))
        cursors[f] = c + 1
      } else col.push(null)
    }
  }
  return { times, cols }
}

/**
 * The rows of series `key` in `shard` for fields `names` in [minNs, maxNs]; `filter` (the WHERE
 * condition) is evaluated per row when given.
 */
export async function readSeriesRows(
  shard: Shard,
  key: string,
  tags: ReadonlyMap<string, string>,
  names: readonly string[],
  minNs: bigint,
  maxNs: bigint,
  filter: Expr | null,
  schemaTagKeys: ReadonlySet<string> = new Set(),
): Promise<SeriesRows> {
  const read = await Promise.all(names.map((f) => readField(shard, key, f, minNs, maxNs)))
  const { times, cols } = join(read)
  if (filter === null || times.length === 0) return { tags, times, cols }
  const index = new Map<string, number>(names.map((n, i) => [n, i]))
  const tagKeys = new Set(tags.keys())
  const keepTimes: bigint[] = []
  const keepCols: QueryCell[][] = cols.map(() => [])
  let row = 0
  const lookup = (name: string): QueryCell | typeof MISSING => {
    const k = index.get(name)
    if (k !== undefined) return cols[k]?.[row] ?? MISSING
    if (tagKeys.has(name) || schemaTagKeys.has(name)) return tags.get(name) ?? ''
    return null
  }
  const typeOf = (name: string): FieldType | undefined => {
    const k = index.get(name)
    return k === undefined ? undefined : read[k]?.kind
  }
  for (row = 0; row < times.length; row++) {
    if (evalExpr(filter, lookup, typeOf) !== true) continue
    keepTimes.push(times[row] ?? 0n)
    for (let k = 0; k < cols.length; k++) keepCols[k]?.push(cols[k]?.[row] ?? null)
  }
  return { tags, times: keepTimes, cols: keepCols }
}

/** The names a condition refers to (besides `time`), inside calls too. */
export function conditionRefs(expr: Expr | null, out: Set<string> = new Set()): Set<string> {
  if (expr === null) return out
  switch (expr.kind) {
    case 'VarRef':
      if (expr.name.toLowerCase() !== 'time') out.add(expr.name)
      break
    case 'BinaryExpr':
      conditionRefs(expr.lhs, out)
      conditionRefs(expr.rhs, out)
      break
    case 'ParenExpr':
      conditionRefs(expr.expr, out)
      break
    case 'Call':
      for (const a of expr.args) conditionRefs(a, out)
      break
    default:
      break
  }
  return out
}
