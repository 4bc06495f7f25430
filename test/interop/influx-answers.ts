// Builds the answer influxd 1.6 gives to `SELECT * FROM <m> GROUP BY *` (epoch=ns) from plain
// series data, in exactly the shape `parseJSONBigInt` returns for influxd's JSON: one series per
// tag set, ordered as influxd orders them (by the tag values joined with NUL, compared as bytes),
// `tags` holding every tag key of the measurement ("" where a series lacks it), columns `time`
// then the measurement's field keys sorted, one row per time at which any field has a value, and
// null where a field has none. Both directions of the interop tests use it: the expected side is
// either influxd's answer or a model of what was written, the actual side the other one.

import type { FieldType, Tag, Values } from '../../src/lineprotocol/index.js'
import type { JSONObject, JSONValue } from '../helpers/json-bigint.js'

/** One cell as `parseJSONBigInt` returns it for influxd's JSON output. */
export type Cell = number | bigint | boolean | string | null

/** Orders two strings by their UTF-8 bytes, as Go's `sort.Strings` and `bytes.Compare` do. */
export function compareUTF8(a: string, b: string): number {
  if (a === b) return 0
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/**
 * A float as it comes back from influxd's JSON: Go prints integral floats below 1e21 in fixed
 * notation with the shortest round-trip digits padded with zeros ("123456789012345680000", as
 * JS's `String` does), which the big-int parser reads as a bigint when unsafe; -0 stays -0.
 */
export function floatCell(v: number): number | bigint {
  if (Number.isInteger(v) && !Number.isSafeInteger(v) && Math.abs(v) < 1e21)
    return BigInt(String(v))
  return v
}

/** An int64 or uint64 as it comes back from influxd's JSON: a number when safe, else a bigint. */
export function integerCell(v: bigint): number | bigint {
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : v
}

/** The cell of value `i` of `v`. */
export function cellOf(v: Values, i: number): Cell {
  switch (v.kind) {
    case 'float':
      return floatCell(v.values[i] ?? Number.NaN)
    case 'integer':
      return integerCell(v.values[i] ?? 0n)
    case 'unsigned':
      return integerCell(v.values[i] ?? 0n)
    case 'boolean':
      return v.values[i] === 1
    case 'string':
      return v.values[i] ?? null
    default: {
      const never: never = v
      throw new Error(`unknown values kind ${String(never)}`)
    }
  }
}

interface SeriesRows {
  readonly tags: ReadonlyMap<string, string>
  /** time → field → cell. */
  readonly rows: Map<bigint, Map<string, Cell>>
}

interface MeasurementRows {
  readonly tagKeys: Set<string>
  readonly fields: Map<string, Set<FieldType>>
  /** Series key (as stored) → rows. Several keys may carry the same tag set (merged on output). */
  readonly series: Map<string, SeriesRows>
}

/**
 * Collects the values of many series (from one or several shards of one retention policy) and
 * renders influxd's `SELECT *` answers. Values added later win over earlier ones at equal times.
 */
export class SelectAnswerBuilder {
  readonly #measurements = new Map<string, MeasurementRows>()

  #measurement(name: string): MeasurementRows {
    let m = this.#measurements.get(name)
    if (m === undefined) {
      m = { tagKeys: new Set(), fields: new Map(), series: new Map() }
      this.#measurements.set(name, m)
    }
    return m
  }

  #series(measurement: string, seriesKey: string, tags: readonly Tag[]): SeriesRows {
    const m = this.#measurement(measurement)
    let s = m.series.get(seriesKey)
    if (s === undefined) {
      s = { tags: new Map(tags.map((t) => [t.key, t.value])), rows: new Map() }
      m.series.set(seriesKey, s)
      for (const t of tags) m.tagKeys.add(t.key)
    }
    return s
  }

  #noteField(measurement: string, field: string, type: FieldType): void {
    const fields = this.#measurement(measurement).fields
    let types = fields.get(field)
    if (types === undefined) fields.set(field, (types = new Set()))
    types.add(type)
  }

  /** Adds every value of one field of one series. */
  addValues(
    measurement: string,
    seriesKey: string,
    tags: readonly Tag[],
    field: string,
    v: Values,
  ): void {
    const s = this.#series(measurement, seriesKey, tags)
    this.#noteField(measurement, field, v.kind)
    for (let i = 0; i < v.times.length; i++) {
      const t = v.times[i] ?? 0n
      let row = s.rows.get(t)
      if (row === undefined) s.rows.set(t, (row = new Map()))
      row.set(field, cellOf(v, i))
    }
  }

  /** Adds one value of one field of one series. */
  addValue(
    measurement: string,
    seriesKey: string,
    tags: readonly Tag[],
    field: string,
    type: FieldType,
    time: bigint,
    cell: Cell,
  ): void {
    const s = this.#series(measurement, seriesKey, tags)
    this.#noteField(measurement, field, type)
    let row = s.rows.get(time)
    if (row === undefined) s.rows.set(time, (row = new Map()))
    row.set(field, cell)
  }

  /** Removes the values of `seriesKey` with `min <= t <= max` (a DELETE). */
  deleteRange(measurement: string, seriesKey: string, min: bigint, max: bigint): void {
    const s = this.#measurements.get(measurement)?.series.get(seriesKey)
    if (s === undefined) return
    for (const t of [...s.rows.keys()]) if (t >= min && t <= max) s.rows.delete(t)
  }

  /** Measurement names that have at least one row, sorted by bytes. */
  measurementsWithRows(): string[] {
    const out: string[] = []
    for (const [name, m] of this.#measurements) {
      if ([...m.series.values()].some((s) => s.rows.size > 0)) out.push(name)
    }
    return out.sort(compareUTF8)
  }

  /**
   * The `series` array influxd answers for `SELECT * FROM <measurement> GROUP BY *`, or
   * undefined when it has no rows (influxd then omits `series`).
   */
  selectSeries(measurement: string): JSONObject[] | undefined {
    const m = this.#measurements.get(measurement)
    if (m === undefined) return undefined
    const dims = [...m.tagKeys].sort(compareUTF8)
    const fields = [...m.fields.keys()].sort(compareUTF8)
    const groups = new Map<
      string,
      { tags: Map<string, string>; rows: Map<bigint, Map<string, Cell>> }
    >()
    for (const s of m.series.values()) {
      if (s.rows.size === 0) continue
      const tags = new Map(dims.map((k) => [k, s.tags.get(k) ?? '']))
      const id = [...tags.values()].join('\0')
      let g = groups.get(id)
      if (g === undefined) groups.set(id, (g = { tags, rows: new Map() }))
      for (const [t, row] of s.rows) {
        const into = g.rows.get(t)
        if (into === undefined) g.rows.set(t, new Map(row))
        else for (const [f, c] of row) into.set(f, c)
      }
    }
    if (groups.size === 0) return undefined
    const out: JSONObject[] = []
    for (const id of [...groups.keys()].sort(compareUTF8)) {
      const g = groups.get(id)
      if (g === undefined) continue
      const times = [...g.rows.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      const values: JSONValue[] = times.map((t) => {
        const row = g.rows.get(t)
        return [integerCell(t), ...fields.map((f) => row?.get(f) ?? null)]
      })
      const series: JSONObject = { name: measurement }
      if (dims.length > 0) series['tags'] = Object.fromEntries(g.tags)
      series['columns'] = ['time', ...fields]
      series['values'] = values
      out.push(series)
    }
    return out
  }

  /**
   * influxd's whole answer to `SELECT * FROM <m> GROUP BY *` for each of `measurements`, sent
   * as one request: `{results: [{statement_id, series?}, …]}`.
   */
  selectAnswer(measurements: readonly string[]): JSONObject {
    return {
      results: measurements.map((name, i): JSONObject => {
        const series = this.selectSeries(name)
        return series === undefined ? { statement_id: i } : { statement_id: i, series }
      }),
    }
  }
}
