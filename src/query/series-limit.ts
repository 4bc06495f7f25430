// max-select-series checked before a SELECT reads anything: for each measurement the statement
// names and each shard its time range maps to, the series the tag condition selects there are
// counted, and more than the limit fails the statement with InfluxDB's text (`(limit+1/limit)`,
// since InfluxDB stops counting one past the limit). It reads only the in-memory index, so it
// costs a fraction of the query; the engine may take it over through SelectContext.limits.

import type { Shard } from '../engine/index.js'
import type { SelectStatement } from '../influxql/index.js'
import type { MetaData } from '../meta/index.js'
import { conditionExpr, rangeMax, rangeMin } from './condition.js'
import { MeasurementView } from './database-index.js'
import { regexMatches } from './regex.js'
import { SelectLimits } from './query-limits.js'
import { selectSeries } from './series-filter.js'

/** The shards and index the check reads. */
export interface SeriesLimitStorage {
  readonly data: MetaData
  shard(id: number): Shard | undefined
}

/** Throws `max-select-series limit exceeded: (N/limit)` when a measurement selects too many series in a shard. */
export function checkSeriesLimit(
  stmt: SelectStatement,
  storage: SeriesLimitStorage,
  nowNs: bigint,
  maxSeries: number,
): void {
  if (maxSeries <= 0) return
  const limits = new SelectLimits({ maxSelectPoint: 0, maxSelectSeries: maxSeries })
  const { condition, range } = conditionExpr(stmt.condition, nowNs)
  const maxNs =
    !stmt.isRawQuery && range.maxNs === undefined && hasGroupByTime(stmt) ? nowNs : rangeMax(range)
  for (const src of stmt.sources) {
    if (src.kind === 'SubQuery') {
      checkSeriesLimit(src.statement, storage, nowNs, maxSeries)
      continue
    }
    for (const sg of storage.data.shardGroupsByTimeRange(
      src.database,
      src.retentionPolicy,
      rangeMin(range),
      maxNs,
    )) {
      for (const info of sg.shards) {
        const shard = storage.shard(Number(info.id))
        if (shard === undefined) continue
        const measurements = shard.index.measurements
        const names =
          src.regex === null
            ? [src.name]
            : [...measurements.keys()].filter(
                (n) => src.regex !== null && regexMatches(src.regex.pattern, n),
              )
        for (const name of names) {
          const mi = measurements.get(name)
          if (mi === undefined) continue
          const n =
            condition === null
              ? mi.series.size
              : (selectSeries(new MeasurementView(name, [mi]), condition, 'tagsets')?.size ?? 0)
          limits.checkSeries(n)
        }
      }
    }
  }
}

function hasGroupByTime(stmt: SelectStatement): boolean {
  return stmt.dimensions.some((d) => d.expr.kind === 'Call' && d.expr.name === 'time')
}
