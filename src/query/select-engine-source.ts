// What the engine reads from: a measurement's series in the store's shards, or the rows a
// subquery answered, behind one interface. A store measurement selects its series through the
// index (tag conditions) and reads each from its shard; a subquery's rows become series keyed by
// name and tags whose fields are the subquery's columns (InfluxDB's subquery iterator).

import type { Expr } from '../influxql/index.js'
import type { FieldType } from '../lineprotocol/index.js'
import type { QueryCell, QueryRow } from './result.js'
import { evalExpr, MISSING } from './select-eval.js'
import { readSeriesRows, type SeriesRows } from './select-series-data.js'
import {
  ChunkRowSource,
  type RowSource,
  seriesRowChunks,
  TypedRowSource,
} from './select-series-cursor.js'
import { joinTSMKey, type KeyCursor, type KeyCursorOptions } from '../engine/index.js'
import type { MeasurementSchema, MeasurementSource, ShardTimeRange } from './select-source.js'
import { higherFieldType, schemaOf, selectedSeries } from './select-source.js'

/** One series of a source. */
export interface EngineSeries {
  /** Which shard it lives in (series of one shard are aggregated together first). */
  readonly shardIndex: number
  readonly key: string
  readonly tags: ReadonlyMap<string, string>
  /** Its rows for fields `names` in [minNs, maxNs], kept by `filter` when given. */
  read(
    names: readonly string[],
    minNs: bigint,
    maxNs: bigint,
    filter: Expr | null,
    tagKeys: ReadonlySet<string>,
  ): Promise<SeriesRows>
  /** The same rows one at a time, in time order (descending when not `ascending`); typed, straight from the cursors, when there is no condition. */
  rowSource(
    names: readonly string[],
    minNs: bigint,
    maxNs: bigint,
    filter: Expr | null,
    tagKeys: ReadonlySet<string>,
    ascending: boolean,
  ): RowSource
  /** A cursor over one field's values in [minNs, maxNs] (store series only; undefined for a subquery's). */
  cursor(
    field: string,
    minNs: bigint,
    maxNs: bigint,
    options: KeyCursorOptions,
  ): KeyCursor | undefined
}

/** A measurement (or a subquery's measurement) the engine reads. */
export interface EngineSource {
  readonly name: string
  readonly schema: MeasurementSchema
  /** Named by a regex source (InfluxDB merges such sources once more). */
  readonly fromRegex: boolean
  /** A subquery: calls run once over all its points (no per-shard partials), and WHERE applies per point. */
  readonly direct: boolean
  /** The time range of each shard (by shard index), to read raw series in blocks; empty for a subquery. */
  readonly shardRanges: readonly ShardTimeRange[]
  series(condition: Expr | null): EngineSeries[]
}

/** A store measurement as an engine source. */
export function storeSource(m: MeasurementSource): EngineSource {
  return {
    name: m.name,
    schema: schemaOf(m),
    fromRegex: m.fromRegex,
    direct: false,
    shardRanges: m.shardRanges,
    series(condition) {
      const out: EngineSeries[] = []
      m.shards.forEach((shard, shardIndex) => {
        for (const s of selectedSeries(shard, m.name, condition)) {
          out.push({
            shardIndex,
            key: s.key,
            tags: s.tags,
            read: (names, minNs, maxNs, filter, tagKeys) =>
              readSeriesRows(shard, s.key, s.tags, names, minNs, maxNs, filter, tagKeys),
            rowSource: (names, minNs, maxNs, filter, tagKeys, ascending) =>
              filter === null
                ? new TypedRowSource(shard, s.key, s.tags, names, minNs, maxNs, ascending)
                : new ChunkRowSource(
                    s.tags,
                    seriesRowChunks(
                      shard,
                      s.key,
                      s.tags,
                      names,
                      minNs,
                      maxNs,
                      filter,
                      tagKeys,
                      ascending,
                    ),
                  ),
            cursor: (field, minNs, maxNs, options) =>
              shard.cursor(joinTSMKey(s.key, field), minNs, maxNs, options),
          })
        }
      })
      return out
    },
  }
}

function typeOfCell(c: QueryCell, unsigned: boolean): FieldType | undefined {
  switch (typeof c) {
    case 'number':
      return 'float'
    case 'bigint':
      return unsigned ? 'unsigned' : 'integer'
    case 'string':
      return 'string'
    case 'boolean':
      return 'boolean'
    default:
      return undefined
  }
}

/** The rows a subquery answered, as sources (one per measurement name, in name order). */
export function subquerySources(rows: readonly QueryRow[]): EngineSource[] {
  const byName = new Map<string, QueryRow[]>()
  for (const r of rows) {
    const name = r.name ?? ''
    let list = byName.get(name)
    if (list === undefined) byName.set(name, (list = []))
    list.push(r)
  }
  const out: EngineSource[] = []
  for (const [name, list] of [...byName].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const fields = new Map<string, FieldType>()
    const tagKeys = new Set<string>()
    for (const r of list) {
      for (const k of Object.keys(r.tags ?? {})) tagKeys.add(k)
      r.columns.forEach((c, i) => {
        if (i === 0 || fields.has(c)) return
        for (const v of r.values ?? []) {
          const t = typeOfCell(v[i] ?? null, r.unsigned?.[i] === true)
          if (t !== undefined) {
            fields.set(c, t)
            break
          }
        }
      })
    }
    const schema: MeasurementSchema = { fields, tagKeys: [...tagKeys].sort() }
    out.push({
      name,
      schema,
      fromRegex: false,
      direct: true,
      shardRanges: [],
      series: () =>
        list.map((r, i) => {
          const tags = new Map(Object.entries(r.tags ?? {}))
          const rowChunks = async function* (
            names: readonly string[],
            filter: Expr | null,
            ascending: boolean,
          ): AsyncGenerator<SeriesRows> {
            const rows = rowsOf(r, tags, names, filter, schema)
            if (!ascending) {
              rows.times.reverse()
              for (const c of rows.cols) c.reverse()
            }
            if (rows.times.length > 0) yield rows
          }
          return {
            shardIndex: 0,
            key: `${name}\u0000${i}`,
            tags,
            read: async (names, _minNs, _maxNs, filter) => rowsOf(r, tags, names, filter, schema),
            rowSource: (names, _minNs, _maxNs, filter, _tagKeys, ascending) =>
              new ChunkRowSource(tags, rowChunks(names, filter, ascending)),
            cursor: () => undefined,
          }
        }),
    })
  }
  return out
}

/** A subquery row set's values for `names`, in its own order, kept by `filter`. */
function rowsOf(
  r: QueryRow,
  tags: ReadonlyMap<string, string>,
  names: readonly string[],
  filter: Expr | null,
  schema: MeasurementSchema,
): SeriesRows {
  const idx = names.map((n) => r.columns.indexOf(n))
  const times: bigint[] = []
  const cols: QueryCell[][] = names.map(() => [])
  for (const v of r.values ?? []) {
    const t = v[0]
    if (t === null || t === undefined || typeof t !== 'object' || !('kind' in t)) continue
    if (filter !== null) {
      const lookup = (name: string): QueryCell | typeof MISSING => {
        const k = r.columns.indexOf(name)
        if (k > 0) return v[k] ?? MISSING
        return tags.get(name) ?? ''
      }
      if (evalExpr(filter, lookup, (name) => schema.fields.get(name)) !== true) continue
    }
    times.push(t.ns)
    idx.forEach((k, j) => cols[j]?.push(k > 0 ? (v[k] ?? null) : null))
  }
  // A subquery ordered by time DESC answered its rows backwards; the engine reads forwards.
  const first = times[0]
  const last = times[times.length - 1]
  if (first !== undefined && last !== undefined && first > last) {
    times.reverse()
    for (const c of cols) c.reverse()
  }
  return { tags, times, cols }
}

/** Sources of one name read as one (InfluxDB merges every source of a name into one series stream). */
export function mergeSameName(sources: readonly EngineSource[]): EngineSource[] {
  const byName = new Map<string, EngineSource>()
  for (const s of sources) {
    const prev = byName.get(s.name)
    if (prev === undefined) {
      byName.set(s.name, s)
      continue
    }
    const fields = new Map(prev.schema.fields)
    for (const [k, t] of s.schema.fields) fields.set(k, higherFieldType(fields.get(k), t))
    const shardTypes = new Map(prev.schema.shardTypes)
    for (const [k, types] of s.schema.shardTypes ?? [])
      shardTypes.set(k, new Set([...(shardTypes.get(k) ?? []), ...types]))
    byName.set(s.name, {
      name: s.name,
      schema: {
        fields,
        tagKeys: [...new Set([...prev.schema.tagKeys, ...s.schema.tagKeys])].sort(),
        shardTypes,
      },
      fromRegex: prev.fromRegex || s.fromRegex,
      direct: prev.direct || s.direct,
      shardRanges: prev.direct || s.direct ? [] : [...prev.shardRanges, ...s.shardRanges],
      series: (condition) => {
        const a = prev.series(condition)
        const shift = a.reduce((m, x) => Math.max(m, x.shardIndex + 1), 0)
        return [
          ...a,
          ...s
            .series(condition)
            .map((x) => ({ ...x, shardIndex: x.shardIndex + shift, key: `${x.key}\u0001` })),
        ]
      },
    })
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
