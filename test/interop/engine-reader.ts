// Opens shard directories laid out as influxd lays them out (`<data>/<db>/<rp>/<id>/`,
// `<wal>/<db>/<rp>/<id>/`) with our engine, and feeds what our engine reads — every value of
// every TSM key, and the shard index — into the answer builders, so it can be compared with
// influxd's own answers.

import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseSeriesKey, Shard, splitTSMKey } from '../../src/engine/index.js'
import type { SelectAnswerBuilder } from './influx-answers.js'
import type { SchemaModel } from './schema-answers.js'

/** Where influxd keeps the data and WAL directories. */
export interface StorageDirs {
  readonly data: string
  readonly wal: string
}

/** One shard: its id, database and retention policy. */
export interface ShardLocation {
  readonly id: number
  readonly database: string
  readonly retentionPolicy: string
}

/** Every `<db>/<rp>/<numeric id>` directory under `dataDir`, ordered by id. */
export function findShards(dataDir: string): ShardLocation[] {
  const out: ShardLocation[] = []
  const dirs = (p: string) => readdirSync(p).filter((n) => statSync(join(p, n)).isDirectory())
  for (const database of dirs(dataDir)) {
    for (const retentionPolicy of dirs(join(dataDir, database))) {
      if (retentionPolicy === '_series') continue
      for (const id of dirs(join(dataDir, database, retentionPolicy))) {
        if (/^\d+$/.test(id)) out.push({ id: Number(id), database, retentionPolicy })
      }
    }
  }
  return out.sort((a, b) => a.id - b.id)
}

/** The data and WAL directories of shard `loc` under `dirs`. */
export function shardPaths(
  dirs: StorageDirs,
  loc: ShardLocation,
): { path: string; walPath: string } {
  const rel = [loc.database, loc.retentionPolicy, String(loc.id)]
  return { path: join(dirs.data, ...rel), walPath: join(dirs.wal, ...rel) }
}

/** Opens shard `loc` under `dirs` with our engine, without background snapshots or compactions. */
export async function openShard(dirs: StorageDirs, loc: ShardLocation): Promise<Shard> {
  const shard = new Shard({
    id: loc.id,
    database: loc.database,
    retentionPolicy: loc.retentionPolicy,
    ...shardPaths(dirs, loc),
    options: { background: false },
  })
  await shard.open()
  return shard
}

/** Adds every value our engine reads from `shard` (files and cache merged) to `builder`. */
export async function addShardValues(shard: Shard, builder: SelectAnswerBuilder): Promise<void> {
  for (const key of shard.keys()) {
    const { seriesKey, field } = splitTSMKey(key)
    const v = await shard.read(key)
    if (v === undefined || v.times.length === 0) continue
    const { measurement, tags } = parseSeriesKey(seriesKey)
    builder.addValues(measurement, seriesKey, tags, field, v)
  }
}

/** Adds `shard`'s index (measurements, series with their tags, field types) to `schema`. */
export function addShardIndex(shard: Shard, schema: SchemaModel): void {
  for (const [name, m] of shard.index.measurements) {
    for (const [seriesKey, tags] of m.series) schema.addSeries(name, seriesKey, tags)
    for (const [field, type] of m.fields) schema.addField(name, field, type)
  }
}
