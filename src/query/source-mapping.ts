// Shard mapping for the SHOW statements InfluxDB 1.6 rewrites into SELECTs (FIELD KEYS, the
// CARDINALITY statements, SERIES): each FROM source gets its database and retention policy (the
// default one unless named), the shard groups overlapping the time range select the shards, and a
// regex source expands to the database's measurements that match (only when some shard mapped).
// Per shard, a measurement's series are those the shard holds that the condition selects, with
// the query engine's tag-set rules.

import type { Shard, Tag } from '../engine/index.js'
import type { Expr, Measurement, Source } from '../influxql/index.js'
import type { ExecutionContext } from './context.js'
import { DatabaseIndex, MeasurementView } from './database-index.js'
import { StatementError } from './errors.js'
import { normalizeMeasurement } from './normalize.js'
import { regexMatches } from './regex.js'
import { selectSeries } from './series-filter.js'
import { shardsOfDatabase } from './series-statements.js'
import type { TimeRange } from './condition.js'
import { rangeMax, rangeMin } from './condition.js'

/** One FROM source after mapping: the measurements it names and the shards to read. */
export interface MappedSource {
  readonly database: string
  readonly retentionPolicy: string
  /** Sorted measurement names (a regex expanded; a plain name as given). */
  readonly names: readonly string[]
  /** The shards of the retention policy overlapping the time range, by ascending ID. */
  readonly shards: readonly Shard[]
}

/** `FROM /.+/`: what the rewritten statements read when no FROM is given. */
export const ALL_MEASUREMENTS: Measurement = {
  kind: 'Measurement',
  database: '',
  retentionPolicy: '',
  name: '',
  regex: { kind: 'RegexLiteral', pattern: '.+' },
  isTarget: false,
}

/**
 * Maps sources as the SELECT planner would. `statementDatabase` is the statement's ON database
 * (it wins over the request's `db`); `systemIterator` for sources read through a system
 * iterator (SHOW SERIES, SHOW FIELD KEYS), which may lack a name.
 */
export function mapSources(
  ctx: ExecutionContext,
  sources: readonly Source[],
  statementDatabase: string,
  range: TimeRange,
  systemIterator = false,
): MappedSource[] {
  const data = ctx.meta.data
  const defaults = { database: ctx.defaultDatabase, retentionPolicy: ctx.request.retentionPolicy }
  const normalized = sources.map((s) => {
    if (s.kind !== 'Measurement') throw new StatementError('subqueries are not supported here')
    const m =
      s.database === '' && statementDatabase !== '' ? { ...s, database: statementDatabase } : s
    return normalizeMeasurement(m, data, defaults, systemIterator)
  })
  return normalized.map((m) => {
    const ids = new Set<number>()
    for (const sg of data.shardGroupsByTimeRange(
      m.database,
      m.retentionPolicy,
      rangeMin(range),
      rangeMax(range),
    )) {
      for (const s of sg.shards) ids.add(Number(s.id))
    }
    const shards = [...ids]
      .sort((a, b) => a - b)
      .map((id) => ctx.store.shard(id))
      .filter((s): s is Shard => s !== undefined && s.database === m.database)
    let names: string[]
    if (m.regex !== null) {
      const pattern = m.regex.pattern
      const all =
        shards.length === 0
          ? []
          : new DatabaseIndex(shardsOfDatabase(ctx, m.database)).measurementNames()
      names = all.filter((n) => regexMatches(pattern, n))
    } else {
      names = m.name === '' ? [] : [m.name]
    }
    return { database: m.database, retentionPolicy: m.retentionPolicy, names, shards }
  })
}

/** One series a shard holds, selected by a condition. */
export interface ShardSeries {
  readonly key: string
  readonly tags: readonly Tag[]
}

/** The series of measurement `name` in `shard` that `cond` selects (tag-set rules). */
export function shardSeries(shard: Shard, name: string, cond: Expr | null): ShardSeries[] {
  const mi = shard.index.measurements.get(name)
  if (mi === undefined || mi.series.size === 0) return []
  if (cond === null) return [...mi.series].map(([key, tags]) => ({ key, tags }))
  const view = new MeasurementView(name, [mi])
  const selected = selectSeries(view, cond, 'tagsets')
  if (selected === null) return []
  const out: ShardSeries[] = []
  for (const key of selected.keys()) {
    const tags = mi.series.get(key)
    if (tags !== undefined) out.push({ key, tags })
  }
  return out
}

/** The field keys and types of `name` in `shard` (empty when it has none). */
export function shardFields(shard: Shard, name: string): ReadonlyMap<string, string> {
  return shard.index.measurements.get(name)?.fields ?? new Map<string, string>()
}
