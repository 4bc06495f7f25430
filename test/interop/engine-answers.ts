// Pairs what our engine reads from a set of open shards with influxd's answers for the same
// database: the schema statements (union of the shard indexes; SHOW FIELD KEYS only over the
// default retention policy, because influxd runs it as a query on that policy) and
// `SELECT * FROM <db>.<rp>.<m> GROUP BY *` for every measurement, merged across the policy's
// shards. The results are labelled comparisons for `assertAllDeepEqual`.

import assert from 'node:assert/strict'
import type { Shard } from '../../src/engine/index.js'
import type { JSONObject, JSONValue } from '../helpers/json-bigint.js'
import type { Comparison } from './assert-all.js'
import { addShardIndex, addShardValues } from './engine-reader.js'
import type { ShardLocation } from './engine-reader.js'
import { SelectAnswerBuilder } from './influx-answers.js'
import { firstColumn } from './influxd-steps.js'
import { SchemaModel, statementResult } from './schema-answers.js'

/** An open shard of our engine and where it belongs. */
export interface OpenShard {
  readonly loc: ShardLocation
  readonly shard: Shard
}

/** The statements influxd answers in a `<db>.schema.json` request, in order. */
export function schemaStatements(on: string): string[] {
  return ['RETENTION POLICIES', 'MEASUREMENTS', 'SERIES', 'FIELD KEYS', 'TAG KEYS'].map(
    (s) => `SHOW ${s} ON ${on}`,
  )
}

/** The name of the default retention policy in a SHOW RETENTION POLICIES result. */
export function defaultRetentionPolicy(result: JSONObject | undefined): string {
  const rows = ((result?.['series'] as JSONObject[] | undefined)?.[0]?.['values'] ??
    []) as JSONValue[][]
  const row = rows.find((r) => r[4] === true)
  assert.ok(row !== undefined && typeof row[0] === 'string', 'no default retention policy')
  return row[0]
}

/**
 * Compares our indexes of `db` with influxd's results of {@link schemaStatements} (`want`,
 * indexed by statement: 0 retention policies, 1 measurements, 2 series, 3 field keys, 4 tag keys).
 */
export function schemaComparisons(
  db: string,
  shards: readonly OpenShard[],
  want: readonly JSONObject[],
): Comparison[] {
  const defaultRP = defaultRetentionPolicy(want[0])
  const schema = new SchemaModel()
  const fields = new SchemaModel()
  for (const { loc, shard } of shards) {
    if (loc.database !== db) continue
    addShardIndex(shard, schema)
    if (loc.retentionPolicy === defaultRP) addShardIndex(shard, fields)
  }
  return [
    [`${db}: SHOW MEASUREMENTS`, statementResult(1, schema.showMeasurements()), want[1]],
    [`${db}: SHOW SERIES`, statementResult(2, schema.showSeries()), want[2]],
    [`${db}: SHOW FIELD KEYS`, statementResult(3, fields.showFieldKeys()), want[3]],
    [`${db}: SHOW TAG KEYS`, statementResult(4, schema.showTagKeys()), want[4]],
  ]
}

/**
 * Compares what our engine reads from the shards of `db`.`rp` with influxd's answer `want` to
 * `SELECT * FROM "<db>"."<rp>"."<m>" GROUP BY *` for each of `measurements` (one request, so
 * `want[i]` answers `measurements[i]`). Also fails if we hold rows of a measurement not asked.
 */
export async function selectComparisons(
  db: string,
  rp: string,
  shards: readonly OpenShard[],
  measurements: readonly string[],
  want: readonly JSONObject[],
): Promise<Comparison[]> {
  const builder = new SelectAnswerBuilder()
  for (const { loc, shard } of shards) {
    if (loc.database === db && loc.retentionPolicy === rp) await addShardValues(shard, builder)
  }
  const got = builder.selectAnswer(measurements)['results'] as JSONObject[]
  const out: Comparison[] = [[`${db}.${rp}: statement count`, got.length, want.length]]
  measurements.forEach((m, i) =>
    out.push([`${db}.${rp}: SELECT * FROM "${m}" GROUP BY *`, got[i], want[i]]),
  )
  const unasked = builder.measurementsWithRows().filter((m) => !measurements.includes(m))
  out.push([`${db}.${rp}: measurements we hold that influxd does not list`, unasked, []])
  return out
}

/** The measurement names in a SHOW MEASUREMENTS result. */
export function measurementNames(result: JSONObject | undefined): string[] {
  return firstColumn(result)
}
