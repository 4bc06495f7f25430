// DROP SHARD, SHOW SHARDS and SHOW SHARD GROUPS. Times are printed as Go's time.RFC3339 (whole
// seconds, UTC) strings, as InfluxDB does; the expiry time is the group's end plus the retention
// policy's duration. Groups marked deleted are not listed.

import type {
  DropShardStatement,
  ShowShardGroupsStatement,
  ShowShardsStatement,
} from '../influxql/index.js'
import { isDeleted } from '../meta/index.js'
import type { ExecutionContext, ResultPart } from './context.js'
import type { QueryCell, QueryRow } from './result.js'
import { formatRFC3339 } from './time-text.js'

/** DROP SHARD id: the local shard's files, then its metadata (silent when it does not exist). */
export async function* dropShard(
  stmt: DropShardStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  if (stmt.id <= BigInt(Number.MAX_SAFE_INTEGER)) await ctx.store.deleteShard(Number(stmt.id))
  const nowNs = ctx.nowNs()
  await ctx.meta.update((d) => d.dropShard(stmt.id, nowNs))
}

const SHARD_COLUMNS = [
  'id',
  'database',
  'retention_policy',
  'shard_group',
  'start_time',
  'end_time',
  'expiry_time',
  'owners',
]

/** SHOW SHARDS: one row per database, one value per shard of a group that is not deleted. */
export async function* showShards(
  _stmt: ShowShardsStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const series: QueryRow[] = []
  for (const db of ctx.meta.data.databases) {
    const values: QueryCell[][] = []
    for (const rp of db.retentionPolicies) {
      for (const sg of rp.shardGroups) {
        if (isDeleted(sg)) continue
        for (const sh of sg.shards) {
          values.push([
            sh.id,
            db.name,
            rp.name,
            sg.id,
            formatRFC3339(sg.startTimeNs),
            formatRFC3339(sg.endTimeNs),
            formatRFC3339(sg.endTimeNs + rp.durationNs),
            sh.owners.map((o) => o.toString()).join(','),
          ])
        }
      }
    }
    series.push({ name: db.name, columns: SHARD_COLUMNS, ...(values.length > 0 && { values }) })
  }
  yield { series }
}

/** SHOW SHARD GROUPS: one row named `shard groups`. */
export async function* showShardGroups(
  _stmt: ShowShardGroupsStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const values: QueryCell[][] = []
  for (const db of ctx.meta.data.databases) {
    for (const rp of db.retentionPolicies) {
      for (const sg of rp.shardGroups) {
        if (isDeleted(sg)) continue
        values.push([
          sg.id,
          db.name,
          rp.name,
          formatRFC3339(sg.startTimeNs),
          formatRFC3339(sg.endTimeNs),
          formatRFC3339(sg.endTimeNs + rp.durationNs),
        ])
      }
    }
  }
  const columns = ['id', 'database', 'retention_policy', 'start_time', 'end_time', 'expiry_time']
  yield { series: [{ name: 'shard groups', columns, ...(values.length > 0 && { values }) }] }
}
