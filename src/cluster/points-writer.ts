// The write coordinator: maps points to shard groups (creating groups as needed, exactly as
// InfluxDB's coordinator.PointsWriter.MapShards does), picks the shard of a group by the FNV-1a
// hash of the series key, drops points older than the retention policy keeps, and writes each
// shard's points. A shard without owners (a single node) goes to the local store; a shard with
// owners (a cluster) goes to every owner through replica-write.ts, under the write's
// consistency level.

import type { Point } from '../lineprotocol/index.js'
import type { MetaClient, ShardGroupInfo } from '../meta/index.js'
import type { Store } from '../store/index.js'
import { WriteDatabaseNotFoundError, WriteRetentionPolicyNotFoundError } from './errors.js'
import { shardIndexFor } from './fnv.js'
import {
  writeReplicas,
  type ConsistencyLevel,
  type ReplicaWriting,
  type ShardResult,
} from './replica-write.js'

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
  readonly #cluster: ReplicaWriting | undefined

  /** `cluster` is how a data node reaches the other owners; absent on a single node. */
  constructor(
    meta: MetaClient,
    store: Store,
    now: () => bigint = () => BigInt(Date.now()) * 1_000_000n,
    cluster?: ReplicaWriting,
  ) {
    this.#meta = meta
    this.#store = store
    this.#now = now
    this.#cluster = cluster
  }

  /**
   * Writes `points` to `database`/`retentionPolicy` ('' = the database's default). Throws
   * WriteDatabaseNotFoundError / WriteRetentionPolicyNotFoundError; shard-level drops (type conflicts,
   * `time` keys) and points beyond the retention policy come back as a partial result — shard
   * reasons take precedence over retention drops, as in InfluxDB. A shard whose owners did not
   * acknowledge it at `consistency` throws WriteConsistencyError (after every other shard of the
   * request was written).
   */
  async writePoints(
    database: string,
    retentionPolicy: string,
    points: readonly Point[],
    consistency: ConsistencyLevel = 'one',
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
    const byShard = new Map<bigint, { owners: readonly bigint[]; points: Point[] }>()
    let beyondRetention = 0
    for (const p of points) {
      const group = covering(p.time)
      const shards = group?.shards ?? []
      const shard =
        shards.length === 1 ? shards[0] : shards[shardIndexFor(p.seriesKey, shards.length)]
      if (group === undefined || shard === undefined) {
        beyondRetention++
        continue
      }
      let entry = byShard.get(shard.id)
      if (entry === undefined) byShard.set(shard.id, (entry = { owners: shard.owners, points: [] }))
      entry.points.push(p)
    }
    let written = 0
    let dropped = 0
    let reason: string | undefined
    let failure: unknown
    for (const [shardID, entry] of [...byShard].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const local = async (): Promise<ShardResult> => {
        const shard =
          this.#store.shard(Number(shardID)) ??
          (await this.#store.createShard(database, rpName, Number(shardID)))
        return shard.writePoints(entry.points)
      }
      let r: ShardResult
      if (entry.owners.length === 0 || this.#cluster === undefined) r = await local()
      else {
        try {
          r = await writeReplicas(this.#cluster, {
            database,
            retentionPolicy: rpName,
            shardID,
            owners: entry.owners,
            points: entry.points,
            consistency,
            local,
          })
        } catch (err) {
          failure ??= err
          continue
        }
      }
      written += r.written
      dropped += r.dropped
      reason ??= r.reason
    }
    if (failure !== undefined) throw failure
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
