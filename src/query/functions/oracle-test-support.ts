// Test support for the function library's oracle tests: one real influxd 1.6.7 per test file
// loaded with a small deterministic data set (two series of one measurement, floats, integers,
// strings and booleans, ties, gaps, negative values), and a reference runner that feeds the same
// points through this library's reducers and transforms so both answers can be compared cell by
// cell. Not part of the component's API.

import { parseExpr } from '../../influxql/index.js'
import type { Call, Expr } from '../../influxql/index.js'
import { startInfluxd } from '../../../test/helpers/influxd.js'
import type { InfluxdHandle, JSONValue } from '../../../test/helpers/influxd.js'
import { isWholeTagSet } from './extensions.js'
import type { AggregateFunction, InputPoint, OutputPoint, Scalar, ValueType } from './types.js'

/** Seconds → ns. */
export const S = 1_000_000_000n

interface Row {
  readonly host: string
  readonly t: number
  readonly f?: number
  readonly i?: bigint
  readonly u?: string
  readonly s?: string
  readonly b?: boolean
}

/** The data set (times in seconds). Ties: a/b both have f=4 at 12s; a has f=4 at 10s and 12s. */
export const ROWS: readonly Row[] = [
  { host: 'a', t: 0, f: 1.5, i: 2n, s: 'm', b: true },
  { host: 'a', t: 5, f: -2.25, i: -3n, s: 'c', b: false },
  { host: 'a', t: 10, f: 4, i: 4n, s: 'x', b: true },
  { host: 'a', t: 12, f: 4, i: 4n, s: 'x', b: false },
  { host: 'a', t: 20, f: 0.5, i: 7n, s: 'a', b: true },
  { host: 'a', t: 40, f: -2.25, i: -3n, s: 'c', b: true },
  { host: 'a', t: 45, f: 8, i: 9n, s: 'z', b: false },
  { host: 'a', t: 55, f: 1.5, i: 2n, s: 'm', b: false },
  { host: 'b', t: 0, f: 3, i: 3n, s: 'q', b: false },
  { host: 'b', t: 5, f: 3, i: 3n, s: 'q', b: true },
  { host: 'b', t: 12, f: 4, i: 4n, s: 'x', b: true },
  { host: 'b', t: 25, f: -1, i: -1n, s: 'b', b: false },
  { host: 'b', t: 41, f: 6.75, i: 6n, s: 'k', b: true },
  { host: 'b', t: 50, f: -5.5, i: -8n, s: 'e', b: false },
  { host: 'b', t: 51, f: 0.25, i: 0n, s: 'e', b: true },
]

/** The field types of the data set. */
export const FIELD_TYPES: Readonly<Record<string, ValueType>> = {
  f: 'float',
  i: 'integer',
  s: 'string',
  b: 'boolean',
}

function lineOf(r: Row): string {
  const fields: string[] = []
  if (r.f !== undefined) fields.push(`f=${r.f}`)
  if (r.i !== undefined) fields.push(`i=${r.i}i`)
  if (r.s !== undefined) fields.push(`s="${r.s}"`)
  if (r.b !== undefined) fields.push(`b=${r.b}`)
  return `m,host=${r.host} ${fields.join(',')} ${r.t}`
}

/** A running influxd with the data set in database `fx`. */
export interface Oracle {
  /** The series of the query's first result, or its error text. */
  query(q: string): Promise<{ series: OracleSeries[]; error?: string }>
  stop(): Promise<void>
}

/** One series of influxd's answer with every cell normalized by {@link norm}. */
export interface OracleSeries {
  readonly tags: Readonly<Record<string, string>>
  readonly values: string[][]
}

/** Starts influxd and writes the data set. */
export async function startOracle(): Promise<Oracle> {
  const h: InfluxdHandle = await startInfluxd()
  await h.query('CREATE DATABASE fx')
  await h.write('fx', ROWS.map(lineOf).join('\n'), { precision: 's' })
  return {
    async query(q) {
      const res = await h.query(q, { db: 'fx', epoch: 'ns' })
      const r0 = pick(pick(res, 'results'), 0)
      const err = pick(r0, 'error')
      if (typeof err === 'string') return { series: [], error: err }
      const series = pick(r0, 'series')
      if (!Array.isArray(series)) return { series: [] }
      return {
        series: series.map((s) => {
          const tags = pick(s, 'tags')
          const values = pick(s, 'values')
          return {
            tags: (tags !== null && typeof tags === 'object' && !Array.isArray(tags)
              ? tags
              : {}) as Record<string, string>,
            values: Array.isArray(values)
              ? values.map((row) => (Array.isArray(row) ? row.map(norm) : []))
              : [],
          }
        }),
      }
    },
    stop: () => h.stop(),
  }
}

function pick(v: JSONValue | undefined, k: string | number): JSONValue | undefined {
  if (v === undefined || v === null || typeof v !== 'object') return undefined
  if (Array.isArray(v)) return typeof k === 'number' ? v[k] : undefined
  return typeof k === 'string' ? v[k] : undefined
}

/** A cell as text: numbers in JS notation (so 4 and 4n compare equal), null as 'null'. */
export function norm(v: JSONValue | Scalar | null | undefined): string {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return 'null'
  if (
    typeof v === 'number' ||
    typeof v === 'bigint' ||
    typeof v === 'boolean' ||
    typeof v === 'string'
  )
    return String(v)
  return JSON.stringify(v)
}

/** The points of `field` from the hosts in `hosts`, merged in time order (then host order). */
export function pointsOf(
  field: string,
  hosts: readonly string[] = ['a', 'b'],
  fromS = -Infinity,
  toS = Infinity,
): InputPoint[] {
  const out: InputPoint[] = []
  for (const r of [...ROWS].sort((x, y) => x.t - y.t || (x.host < y.host ? -1 : 1))) {
    if (!hosts.includes(r.host) || r.t < fromS || r.t >= toS) continue
    const v = (r as unknown as Record<string, Scalar | undefined>)[field]
    if (v === undefined) continue
    out.push({ time: BigInt(r.t) * S, value: v, aux: [], tags: { host: r.host } })
  }
  return out
}

/** The call parsed from its text, e.g. `percentile(f, 50)`. */
export function callOf(text: string): Call {
  const e: Expr = parseExpr(text)
  if (e.kind !== 'Call') throw new Error(`not a call: ${text}`)
  return e
}

/** Options of {@link reduceWindows}. */
export interface ReduceOptions {
  /** GROUP BY time interval in seconds (0: none). */
  readonly intervalS?: number
  /** The query's WHERE time range in seconds ([from, to)), needed with GROUP BY time. */
  readonly fromS?: number
  readonly toS?: number
  readonly hosts?: readonly string[]
  readonly selectorTime?: boolean
  /** Emit a null (count: 0) point for an empty GROUP BY time window. */
  readonly fill?: boolean
}

/** Runs `fn` over the data set as the engine would: one reducer per window, windows in order. */
export function reduceWindows(
  fn: AggregateFunction,
  callText: string,
  o: ReduceOptions = {},
): string[][] {
  return windowPoints(fn, callText, o).map(rowOf)
}

/** Like {@link reduceWindows} but returns the output points. */
export function windowPoints(
  fn: AggregateFunction,
  callText: string,
  o: ReduceOptions = {},
): OutputPoint[] {
  const call = callOf(callText)
  const arg0 = call.args[0]
  const field = arg0?.kind === 'VarRef' ? arg0.name : ''
  const type = FIELD_TYPES[field] ?? 'float'
  const fromS = o.fromS ?? 0
  const toS = o.toS ?? 1_000_000
  const pts = pointsOf(field, o.hosts, fromS, toS)
  const interval = o.intervalS ?? 0
  const out: OutputPoint[] = []
  if (isWholeTagSet(fn)) {
    const r = fn.newReducer(type, {
      windowStart: BigInt(fromS) * S,
      windowEnd: BigInt(toS) * S,
      intervalNs: BigInt(interval) * S,
      selectorTime: false,
      args: call.args.slice(1),
    })
    for (const p of pts) r.push(p)
    return r.emit()
  }
  const starts = interval === 0 ? [fromS] : range(fromS, toS, interval)
  for (const start of starts) {
    const end = interval === 0 ? toS : start + interval
    const windowStart = BigInt(start) * S
    const r = fn.newReducer(type, {
      windowStart,
      windowEnd: BigInt(end) * S,
      intervalNs: BigInt(interval) * S,
      selectorTime: o.selectorTime ?? false,
      args: call.args.slice(1),
    })
    for (const p of pts) if (p.time >= windowStart && p.time < BigInt(end) * S) r.push(p)
    const emitted = r.emit()
    // InfluxDB's default fill(null) for GROUP BY time, except count() which fills 0.
    if (emitted.length === 0 && o.fill === true)
      emitted.push({ time: windowStart, value: fn.name === 'count' ? 0n : null, aux: [] })
    out.push(...emitted)
  }
  return out
}

/** An output point as the normalized row [time, value, ...tagValues]. */
export function rowOf(p: OutputPoint): string[] {
  return [String(p.time), norm(p.value), ...(p.tagValues ?? [])]
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = []
  for (let t = Math.floor(from / step) * step; t < to; t += step) out.push(t)
  return out
}
