// The write coordinator of a single node: maps points to shard groups (creating groups as needed,
// exactly as InfluxDB's coordinator.PointsWriter.MapShards does), drops points older than the
// retention policy keeps, and writes each shard's points to the store. Clustering (owners,
// replication, hinted handoff) builds on this with issue #6.

import type { Point } from '../lineprotocol/index.js'
import type { MetaClient, ShardGroupInfo } from '../meta/index.js'
import type { Store } from '../store/index.js'
import { WriteDatabaseNotFoundError, WriteRetentionPolicyNotFoundError } from './errors.js'

/** What a write did: every point stored, or some dropped with the first reason. */
export type PointsWriteResult =
  | { readonly kind: 'ok'; readonly written: number }
  | {
      readonly kind: 'partial'
      readonly written: number
      readonly dropped: number
      readonly reason: string
    }

/** Writes points of one request into the shards of one retention policy. Safe to call concurrently. */
export class PointsWriter {
  readonly #meta: MetaClient
  readonly #store: Store
  readonly #now: () => bigint

  constructor(
    meta: MetaClient,
    store: Store,
    now: () => bigint = () => BigInt(Date.now()) * 1_000_000n,
  ) {
    this.#meta = meta
    this.#store = store
    this.#now = now
  }

  /**
   * Writes `points` to `database`/`retentionPolicy` ('' = the database's default). Throws
   * WriteDatabaseNotFoundError / WriteRetentionPolicyNotFoundError; shard-level drops (type conflicts,
   * `time` keys) and points beyond the retention policy come back as a partial result — shard
   * reasons take precedence over retention drops, as in InfluxDB.
   */
  async writePoints(
    database: string,
    retentionPolicy: string,
    points: readonly Point[],
  ): Promise<PointsWriteResult> {
    const db = this.#meta.data.database(database)
    if (db === undefined) throw new WriteDatabaseNotFoundError(database)
    const rpName = retentionPolicy === '' ? db.defaultRetentionPolicy : retentionPolicy
    const rp = this.#meta.data.retentionPolicy(database, rpName)
    if (rp === undefined) throw new WriteRetentionPolicyNotFoundError(rpName)
    if (points.length === 0) return { kind: 'ok', written: 0 }

    const minTime = rp.durationNs > 0n ? this.#now() - rp.durationNs : -(2n ** 63n)
    // Shard groups this request uses; a point older than the RP keeps only lands in one of them.
    const groups: ShardGroupInfo[] = []
    const covering = (t: bigint): ShardGroupInfo | undefined =>
      groups.find((g) => g.startTimeNs <= t && t < g.endTimeNs)
    for (const p of points) {
      if (p.time < minTime || covering(p.time) !== undefined) continue
      let group = this.#meta.data.shardGroupByTimestamp(database, rpName, p.time)
      if (group === undefined) {
        const data = await this.#meta.update((d) => d.createShardGroup(database, rpName, p.time))
        group = data.shardGroupByTimestamp(database, rpName, p.time)
      }
      if (group !== undefined) groups.push(group)
    }
    const byShard = new Map<bigint, Point[]>()
    let beyondRetention = 0
    for (const p of points) {
      const group = covering(p.time)
      const shard = group?.shards[0]
      if (group === undefined || shard === undefined) {
        beyondRetention++
        continue
      }
      let list = byShard.get(shard.id)
      if (list === undefined) byShard.set(shard.id, (list = []))
      list.push(p)
    }
    let written = 0
    let dropped = 0
    let reason: string | undefined
    for (const [shardID, list] of [...byShard].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const shard =
        this.#store.shard(Number(shardID)) ??
        (await this.#store.createShard(database, rpName, Number(shardID)))
      const r = await shard.writePoints(list)
      written += r.written
      dropped += r.dropped
      reason ??= r.reason
    }
    if (reason !== undefined) return { kind: 'partial', written, dropped, reason }
    if (beyondRetention > 0)
      return {
        kind: 'partial',
        written,
        dropped: beyondRetention,
        reason: 'points beyond retention policy',
      }
    return { kind: 'ok', written }
  }
}
