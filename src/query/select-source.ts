// The storage side of a SELECT: which measurements the FROM clause names (a regex expanded over
// the shards the time range maps to), which shards hold them, their schema (field types and tag
// keys merged over those shards), and the values of one series' fields read from a shard (cache
// and TSM files merged by the engine). A field may have another type in each shard group; as
// InfluxDB 1.6 (Shards.MapType, DataType.LessThan), the query gives it the highest of its types:
// float, then integer, unsigned, string, boolean.

import type { Shard, Tag } from '../engine/index.js'
import { joinTSMKey } from '../engine/index.js'
import type { Expr, Measurement, Source } from '../influxql/index.js'
import type { FieldType, Values } from '../lineprotocol/index.js'
import type { MetaData } from '../meta/index.js'
import { MeasurementView } from './database-index.js'
import { regexMatches } from './regex.js'
import { selectSeries } from './series-filter.js'

/** What a SELECT reads from: the metastore's current data and the node's shards. */
export interface SelectStorage {
  readonly meta: { readonly data: MetaData }
  readonly store: { shard(id: number): Shard | undefined; shards(): Shard[] }
}

/** One measurement to read, with the shards of its retention policy overlapping the range. */
export interface MeasurementSource {
  readonly database: string
  readonly retentionPolicy: string
  readonly name: string
  readonly shards: readonly Shard[]
  /** The time range of each shard's group (inclusive), aligned with `shards`. */
  readonly shardRanges: readonly ShardTimeRange[]
  /**
   * Every shard of the database. InfluxDB 1.6's in-memory index is per database, so a regex
   * source and the tag keys a wildcard expands to come from all of them (any policy, any time).
   */
  readonly databaseShards: readonly Shard[]
  /** Named by a regex source (InfluxDB merges such sources once more). */
  readonly fromRegex: boolean
}

/** The inclusive time range a shard holds. */
export interface ShardTimeRange {
  readonly minNs: bigint
  readonly maxNs: bigint
}

/** A measurement's fields and tag keys over its shards. */
export interface MeasurementSchema {
  /** Each field's type: the highest of its types in the shards ({@link higherFieldType}). */
  readonly fields: ReadonlyMap<string, FieldType>
  readonly tagKeys: readonly string[]
  /** Every type each field has in some shard (store measurements; a subquery's columns have none). */
  readonly shardTypes?: ReadonlyMap<string, ReadonlySet<FieldType>>
}

/** InfluxDB's precedence of field types (influxql DataType.LessThan): higher wins. */
const PRECEDENCE: Readonly<Record<FieldType, number>> = {
  float: 5,
  integer: 4,
  unsigned: 3,
  string: 2,
  boolean: 1,
}

/** The type a query gives a field that has types `a` and `b` in different shards or measurements. */
export function higherFieldType(a: FieldType | undefined, b: FieldType): FieldType {
  return a === undefined || PRECEDENCE[b] > PRECEDENCE[a] ? b : a
}

function shardsFor(
  storage: SelectStorage,
  database: string,
  rp: string,
  minNs: bigint,
  maxNs: bigint,
): { shards: Shard[]; ranges: ShardTimeRange[] } {
  const ranges = new Map<number, ShardTimeRange>()
  for (const sg of storage.meta.data.shardGroupsByTimeRange(database, rp, minNs, maxNs)) {
    for (const s of sg.shards)
      ranges.set(Number(s.id), { minNs: sg.startTimeNs, maxNs: sg.endTimeNs - 1n })
  }
  const shards: Shard[] = []
  const out: ShardTimeRange[] = []
  for (const id of [...ranges.keys()].sort((a, b) => a - b)) {
    const shard = storage.store.shard(id)
    const range = ranges.get(id)
    if (shard !== undefined && range !== undefined && shard.database === database) {
      shards.push(shard)
      out.push(range)
    }
  }
  return { shards, ranges: out }
}

/**
 * The measurements the sources name, sorted by name as InfluxDB emits them (a name given twice
 * is read once). Statements arrive normalised, so every measurement has a database and policy.
 */
export function resolveSources(
  storage: SelectStorage,
  sources: readonly (Source | Measurement)[],
  minNs: bigint,
  maxNs: bigint,
): MeasurementSource[] {
  const byName = new Map<string, MeasurementSource>()
  for (const src of sources) {
    if (src.kind === 'SubQuery') continue
    const { shards, ranges: shardRanges } = shardsFor(
      storage,
      src.database,
      src.retentionPolicy,
      minNs,
      maxNs,
    )
    const databaseShards = storage.store.shards().filter((s) => s.database === src.database)
    const names: string[] = []
    if (src.regex !== null) {
      const seen = new Set<string>()
      if (shards.length > 0)
        for (const shard of databaseShards)
          for (const n of shard.index.measurements.keys()) seen.add(n)
      for (const n of seen) if (regexMatches(src.regex.pattern, n)) names.push(n)
    } else {
      names.push(src.name)
    }
    for (const name of names) {
      if (!byName.has(name))
        byName.set(name, {
          database: src.database,
          retentionPolicy: src.retentionPolicy,
          name,
          shards,
          shardRanges,
          databaseShards,
          fromRegex: src.regex !== null,
        })
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** The schema of a measurement: fields over its mapped shards, tag keys over the database. */
export function schemaOf(m: MeasurementSource): MeasurementSchema {
  const fields = new Map<string, FieldType>()
  const shardTypes = new Map<string, Set<FieldType>>()
  const tagKeys = new Set<string>()
  for (const shard of m.shards) {
    const mi = shard.index.measurements.get(m.name)
    if (mi === undefined) continue
    for (const [f, t] of mi.fields) {
      fields.set(f, higherFieldType(fields.get(f), t))
      let types = shardTypes.get(f)
      if (types === undefined) shardTypes.set(f, (types = new Set()))
      types.add(t)
    }
  }
  for (const shard of m.databaseShards) {
    const mi = shard.index.measurements.get(m.name)
    if (mi !== undefined) for (const k of mi.tagValues.keys()) tagKeys.add(k)
  }
  return { fields, tagKeys: [...tagKeys].sort(), shardTypes }
}

/** One series of a shard that the condition selects. */
export interface SelectedSeries {
  readonly key: string
  readonly tags: ReadonlyMap<string, string>
}

/** The series of measurement `name` in `shard` that the tag condition `cond` selects. */
export function selectedSeries(shard: Shard, name: string, cond: Expr | null): SelectedSeries[] {
  const mi = shard.index.measurements.get(name)
  if (mi === undefined || mi.series.size === 0) return []
  const toMap = (tags: readonly Tag[]): Map<string, string> =>
    new Map(tags.map((t) => [t.key, t.value]))
  if (cond === null) return [...mi.series].map(([key, tags]) => ({ key, tags: toMap(tags) }))
  const selected = selectSeries(new MeasurementView(name, [mi]), cond, 'tagsets')
  if (selected === null) return []
  const out: SelectedSeries[] = []
  for (const key of selected.keys()) {
    const tags = mi.series.get(key)
    if (tags !== undefined) out.push({ key, tags: toMap(tags) })
  }
  return out
}

/** The values of one field of one series in `[minNs, maxNs]`, sorted by time. */
export function readField(
  shard: Shard,
  seriesKey: string,
  field: string,
  minNs: bigint,
  maxNs: bigint,
): Promise<Values | undefined> {
  return shard.read(joinTSMKey(seriesKey, field), minNs, maxNs)
}

/** The names a condition refers to (besides `time`). */
export function conditionNames(expr: Expr | null, out: Set<string> = new Set()): Set<string> {
  if (expr === null) return out
  switch (expr.kind) {
    case 'VarRef':
      if (expr.name.toLowerCase() !== 'time') out.add(expr.name)
      break
    case 'BinaryExpr':
      conditionNames(expr.lhs, out)
      conditionNames(expr.rhs, out)
      break
    case 'ParenExpr':
      conditionNames(expr.expr, out)
      break
    default:
      break
  }
  return out
}
