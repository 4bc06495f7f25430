// Shard group and shard operations on the model, mirroring InfluxDB 1.6's services/meta: creating
// a group for a timestamp (aligned like Go's Time.Truncate), marking groups deleted, dropping a
// shard, truncating, pruning long-deleted groups, pre-creating the next group, and lookups by time
// and by shard ID. Operations that record "now" take it as an argument so they stay pure.
import { ShardGroupNotFoundError } from './errors.js'
import { removeAt, replaceAt, requireRetentionPolicy, withRetentionPolicy } from './model-update.js'
import { DAY_NS } from './retention-policy.js'
import {
  acceptsTime,
  compareShardGroups,
  isDeleted,
  isTruncated,
  overlaps,
  shardGroupBounds,
} from './shard-group-time.js'
import type { MetaDataFields, RetentionPolicyInfo, ShardGroupInfo, ShardInfo } from './types.js'

/** How long a deleted shard group stays in the metadata before pruneShardGroups removes it (2 weeks). */
export const SHARD_GROUP_DELETED_EXPIRATION_NS = 14n * DAY_NS

/** A shard group together with the database and retention policy it belongs to. */
export interface LocatedShardGroup {
  readonly database: string
  readonly retentionPolicy: string
  readonly shardGroup: ShardGroupInfo
}

/**
 * The group of a retention policy ('' = default) that takes writes for `timestampNs`: it contains
 * the time, is not deleted, and is not truncated before it. Undefined when there is none.
 */
export function shardGroupByTimestamp(
  data: MetaDataFields,
  db: string,
  rp: string,
  timestampNs: bigint,
): ShardGroupInfo | undefined {
  return requireRetentionPolicy(data, db, rp).rp.shardGroups.find((sg) =>
    acceptsTime(sg, timestampNs),
  )
}

/** The groups of a retention policy that are not deleted, in InfluxDB's order. */
export function shardGroups(
  data: MetaDataFields,
  db: string,
  rp: string,
): readonly ShardGroupInfo[] {
  return requireRetentionPolicy(data, db, rp).rp.shardGroups.filter((sg) => !isDeleted(sg))
}

/** The groups that are not deleted and may hold data in [minNs, maxNs] (both inclusive). */
export function shardGroupsByTimeRange(
  data: MetaDataFields,
  db: string,
  rp: string,
  minNs: bigint,
  maxNs: bigint,
): readonly ShardGroupInfo[] {
  const { shardGroups } = requireRetentionPolicy(data, db, rp).rp
  return shardGroups.filter((sg) => !isDeleted(sg) && overlaps(sg, minNs, maxNs))
}

/**
 * Creates the shard group for `timestampNs` in a retention policy ('' = default), unless a group
 * already takes writes for it (then `data` is returned unchanged). The group gets the next shard
 * group ID and one shard per entry of `shardOwners` (each with the next shard ID and those owner
 * node IDs). Without `shardOwners`, a metastore with no data nodes (a single node) gets one shard
 * without owners, as InfluxDB OSS creates; a cluster gets {@link assignShardOwners}'s layout.
 */
export function createShardGroup(
  data: MetaDataFields,
  db: string,
  rp: string,
  timestampNs: bigint,
  shardOwners?: readonly (readonly bigint[])[],
): MetaDataFields {
  const loc = requireRetentionPolicy(data, db, rp)
  if (loc.rp.shardGroups.some((sg) => acceptsTime(sg, timestampNs))) return data
  const id = data.maxShardGroupID + 1n
  let maxShardID = data.maxShardID
  const layout =
    shardOwners ??
    (data.dataNodes.length === 0
      ? [[]]
      : assignShardOwners(
          data.dataNodes.map((n) => n.id),
          loc.rp.replicaN,
          id,
        ))
  const shards: ShardInfo[] = layout.map((owners) => ({
    id: ++maxShardID,
    owners: owners.slice(),
  }))
  const group: ShardGroupInfo = {
    id,
    ...shardGroupBounds(timestampNs, loc.rp.shardGroupDurationNs),
    deletedAtNs: 0n,
    truncatedAtNs: 0n,
    shards,
  }
  // Array.prototype.sort is stable, so groups that compare equal keep their order.
  const groups = [...loc.rp.shardGroups, group].sort(compareShardGroups)
  const next = withRetentionPolicy(data, loc, { ...loc.rp, shardGroups: groups })
  return { ...next, maxShardGroupID: id, maxShardID }
}

/**
 * The owners of each shard of a new shard group in a cluster, as InfluxDB Enterprise lays them out:
 * the replication factor is at least 1 and at most the number of data nodes, the group has
 * `nodes / replicationFactor` shards (rounded down), and owners are dealt round-robin over the data
 * nodes (in ID order) starting at an offset that moves with the shard group ID, so consecutive
 * groups spread their shards over different nodes. Pure; `nodeIDs` must not be empty.
 */
export function assignShardOwners(
  nodeIDs: readonly bigint[],
  replicationFactor: number,
  shardGroupID: bigint,
): bigint[][] {
  const n = nodeIDs.length
  const rf = Math.min(Math.max(1, replicationFactor), n)
  const shardN = Math.floor(n / rf)
  let next = Number(shardGroupID % BigInt(n))
  const out: bigint[][] = []
  for (let s = 0; s < shardN; s++) {
    const owners: bigint[] = []
    for (let r = 0; r < rf; r++) {
      const id = nodeIDs[next % n]
      if (id !== undefined) owners.push(id)
      next++
    }
    out.push(owners)
  }
  return out
}

/** Marks a shard group deleted at `nowNs` (InfluxDB's DeleteShardGroup); ShardGroupNotFoundError if absent. */
export function deleteShardGroup(
  data: MetaDataFields,
  db: string,
  rp: string,
  id: bigint,
  nowNs: bigint,
): MetaDataFields {
  const loc = requireRetentionPolicy(data, db, rp)
  const i = loc.rp.shardGroups.findIndex((sg) => sg.id === id)
  const sg = loc.rp.shardGroups[i]
  if (sg === undefined) throw new ShardGroupNotFoundError(id)
  return withRetentionPolicy(data, loc, {
    ...loc.rp,
    shardGroups: replaceAt(loc.rp.shardGroups, i, { ...sg, deletedAtNs: nowNs }),
  })
}

/**
 * Removes a shard by ID (InfluxDB's DropShard). When it was the last shard of its group, the group
 * is marked deleted at `nowNs`. No error when no shard has that ID.
 */
export function dropShard(data: MetaDataFields, shardID: bigint, nowNs: bigint): MetaDataFields {
  for (let dbIndex = 0; dbIndex < data.databases.length; dbIndex++) {
    const db = data.databases[dbIndex]
    if (db === undefined) continue
    for (let rpIndex = 0; rpIndex < db.retentionPolicies.length; rpIndex++) {
      const rp = db.retentionPolicies[rpIndex]
      if (rp === undefined) continue
      for (let sgIndex = 0; sgIndex < rp.shardGroups.length; sgIndex++) {
        const sg = rp.shardGroups[sgIndex]
        if (sg === undefined) continue
        const i = sg.shards.findIndex((s) => s.id === shardID)
        if (i < 0) continue
        const shards = removeAt(sg.shards, i)
        const updated = { ...sg, shards, deletedAtNs: shards.length === 0 ? nowNs : sg.deletedAtNs }
        const shardGroups = replaceAt(rp.shardGroups, sgIndex, updated)
        return withRetentionPolicy(data, { dbIndex, rpIndex, db }, { ...rp, shardGroups })
      }
    }
  }
  return data
}

function mapRetentionPolicies(
  data: MetaDataFields,
  fn: (rp: RetentionPolicyInfo) => RetentionPolicyInfo,
): MetaDataFields {
  let changed = false
  const databases = data.databases.map((db) => {
    let dbChanged = false
    const retentionPolicies = db.retentionPolicies.map((rp) => {
      const next = fn(rp)
      if (next !== rp) dbChanged = true
      return next
    })
    if (!dbChanged) return db
    changed = true
    return { ...db, retentionPolicies }
  })
  return changed ? { ...data, databases } : data
}

/**
 * Truncates every group that could hold timestamps at or after `tNs` (InfluxDB's
 * TruncateShardGroups): a group that starts at or after `tNs` is truncated at its start, one that
 * spans it at `tNs`. Deleted groups, groups ending at or before `tNs` and groups already truncated
 * before it are left alone.
 */
export function truncateShardGroups(data: MetaDataFields, tNs: bigint): MetaDataFields {
  return mapRetentionPolicies(data, (rp) => {
    let changed = false
    const groups = rp.shardGroups.map((sg) => {
      if (tNs >= sg.endTimeNs || isDeleted(sg) || (isTruncated(sg) && sg.truncatedAtNs < tNs))
        return sg
      changed = true
      return { ...sg, truncatedAtNs: tNs <= sg.startTimeNs ? sg.startTimeNs : tNs }
    })
    return changed ? { ...rp, shardGroups: groups } : rp
  })
}

/**
 * Removes groups that were marked deleted more than two weeks before `nowNs` (InfluxDB's
 * PruneShardGroups). Returns `data` itself when nothing is removed.
 */
export function pruneShardGroups(data: MetaDataFields, nowNs: bigint): MetaDataFields {
  const expirationNs = nowNs - SHARD_GROUP_DELETED_EXPIRATION_NS
  return mapRetentionPolicies(data, (rp) => {
    const remaining = rp.shardGroups.filter(
      (sg) => sg.deletedAtNs === 0n || !(expirationNs > sg.deletedAtNs),
    )
    return remaining.length === rp.shardGroups.length ? rp : { ...rp, shardGroups: remaining }
  })
}

/**
 * Creates, for every retention policy whose last group is not deleted and ends after `fromNs` but
 * before `toNs`, the group that follows it (InfluxDB's PrecreateShardGroups).
 */
export function precreateShardGroups(
  data: MetaDataFields,
  fromNs: bigint,
  toNs: bigint,
): MetaDataFields {
  let next = data
  for (const db of data.databases) {
    for (const rp of db.retentionPolicies) {
      const last = rp.shardGroups[rp.shardGroups.length - 1]
      if (
        last === undefined ||
        isDeleted(last) ||
        !(last.endTimeNs < toNs) ||
        !(last.endTimeNs > fromNs)
      )
        continue
      next = createShardGroup(next, db.name, rp.name, last.endTimeNs + 1n)
    }
  }
  return next
}

/**
 * The groups that retention should delete at `nowNs`: not deleted, in a finite policy, and ending
 * more than the policy's duration before now.
 */
export function expiredShardGroups(
  data: MetaDataFields,
  nowNs: bigint,
): readonly LocatedShardGroup[] {
  const out: LocatedShardGroup[] = []
  for (const db of data.databases) {
    for (const rp of db.retentionPolicies) {
      if (rp.durationNs === 0n) continue
      for (const sg of rp.shardGroups) {
        if (!isDeleted(sg) && sg.endTimeNs + rp.durationNs < nowNs) {
          out.push({ database: db.name, retentionPolicy: rp.name, shardGroup: sg })
        }
      }
    }
  }
  return out
}

/** The groups marked deleted (whose shards a data node may remove). */
export function deletedShardGroups(data: MetaDataFields): readonly LocatedShardGroup[] {
  const out: LocatedShardGroup[] = []
  for (const db of data.databases) {
    for (const rp of db.retentionPolicies) {
      for (const sg of rp.shardGroups) {
        if (isDeleted(sg)) out.push({ database: db.name, retentionPolicy: rp.name, shardGroup: sg })
      }
    }
  }
  return out
}

/** Every shard ID in the metadata (deleted groups included), ascending. */
export function shardIDs(data: MetaDataFields): readonly bigint[] {
  const ids: bigint[] = []
  for (const db of data.databases) {
    for (const rp of db.retentionPolicies) {
      for (const sg of rp.shardGroups) for (const s of sg.shards) ids.push(s.id)
    }
  }
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** The database, retention policy and (not deleted) group holding a shard, or undefined. */
export function shardOwner(data: MetaDataFields, shardID: bigint): LocatedShardGroup | undefined {
  for (const db of data.databases) {
    for (const rp of db.retentionPolicies) {
      for (const sg of rp.shardGroups) {
        if (!isDeleted(sg) && sg.shards.some((s) => s.id === shardID)) {
          return { database: db.name, retentionPolicy: rp.name, shardGroup: sg }
        }
      }
    }
  }
  return undefined
}
