// Plans a restore without touching anything: which databases the backup's metadata adds to the
// current metadata, the new ID of every shard (InfluxDB's ImportData rules, spec/backup-formats.md
// §3.3: new IDs from the target's counters in RP, group, shard order; owners cleared), and which
// archive goes into which new shard. Flags follow `influxd-ctl restore` / `influxd restore
// -portable`: -db, -newdb, -rp, -newrp, -shard, -newrf.
//
// Refusals use the Enterprise CLI's text (the seed documentation): a target database that already
// holds data gives `restore: operation exited with error: problem setting snapshot: database
// already exists`. A target database that exists WITHOUT data (declared, no shard groups) is
// replaced by the backup's definition, keeping its continuous queries — the documentation only
// requires the affected databases to hold no data. A full restore (no -db) skips `_internal` and,
// as Enterprise does, also brings the backup's continuous queries of the databases it creates and
// the users the target does not have (opt out with `withUsers`/`withContinuousQueries: false`).

import { assignShardOwners, importData } from '../meta/index.js'
// Not re-exported by the meta component's index (not ours to change): the layout of new groups.
import type { DatabaseInfo, MetaData, UserInfo } from '../meta/index.js'
import { MetaError } from '../meta/index.js'
import type { BackupSet, BackupSetShard } from './backup-set-reader.js'
import { locateShard, readBackupMeta, shardLocations } from './backup-set-verifier.js'
import type { BackupMeta } from './backup-set-verifier.js'
import type { ArchiveLocation } from './entry-path.js'
import { badDirectoryName } from './meta-check.js'
import { BackupFileMissingError, RestoreOptionsError, RestoreRefusedError } from './errors.js'
import type { BackupWarning } from './warnings.js'

/** The flags of a restore ('' or unset = not given). */
export interface RestoreOptions {
  /** Restore only this database of the backup. */
  readonly db?: string
  /** Restore `db` under this name (requires `db`). */
  readonly newdb?: string
  /** Restore only this retention policy of `db` (requires `db`); it becomes the default. */
  readonly rp?: string
  /** Restore `rp` under this name (requires `rp`). */
  readonly newrp?: string
  /** Restore only the data of this source shard (metadata still per the other flags). */
  readonly shard?: bigint | number
  /** New replication factor of the restored retention policies (capped to the data nodes, at least 1). */
  readonly newrf?: number
  /**
   * Data node IDs that own every restored shard. Default: on a cluster (the target lists data
   * nodes), each restored group's shards get owners as a new group would (assignShardOwners, by
   * the policy's replication factor, cycling over the layout); on a single node none, as influxd.
   */
  readonly shardOwners?: readonly bigint[]
  /** Add the backup's users the target lacks (default: only when restoring all databases). */
  readonly withUsers?: boolean
  /** Copy continuous queries of databases restored under their own name (default: as withUsers). */
  readonly withContinuousQueries?: boolean
}

/** One archive to install. */
export interface PlannedShard {
  readonly source: BackupSetShard
  /** Where the archive's entries live (the source database, RP and shard ID). */
  readonly location: ArchiveLocation
  readonly database: string
  readonly retentionPolicy: string
  readonly newID: bigint
}

/** A new shard of the restored metadata that gets no archive (it starts empty). */
export interface EmptyShard {
  readonly database: string
  readonly retentionPolicy: string
  readonly id: bigint
}

/** Everything a restore will do. Plain data; nothing has changed yet. */
export interface RestorePlan {
  readonly set: BackupSet
  readonly backupMeta: BackupMeta
  readonly options: RestoreOptions
  /** The metadata the plan was computed from. */
  readonly base: MetaData
  /** The metadata after the restore. */
  readonly meta: MetaData
  /** Backup shard ID → new shard ID, for every imported shard. */
  readonly shardIDMap: ReadonlyMap<bigint, bigint>
  /** Databases the restore creates (or replaces, see `replacedDatabases`). */
  readonly databases: readonly string[]
  /** Existing databases without data that the restore replaces. */
  readonly replacedDatabases: readonly string[]
  readonly shards: readonly PlannedShard[]
  readonly emptyShards: readonly EmptyShard[]
  readonly warnings: readonly BackupWarning[]
}

function given(s: string | undefined): s is string {
  return s !== undefined && s !== ''
}

function checkOptions(o: RestoreOptions): void {
  if (given(o.newdb) && !given(o.db)) throw new RestoreOptionsError('-newdb requires -db')
  if (given(o.rp) && !given(o.db)) throw new RestoreOptionsError('-rp requires -db')
  if (given(o.newrp) && !given(o.rp)) throw new RestoreOptionsError('-newrp requires -rp')
  for (const [flag, name] of [
    ['-newdb', o.newdb],
    ['-newrp', o.newrp],
  ] as const) {
    const bad = given(name) ? badDirectoryName(name) : undefined
    if (bad !== undefined) throw new RestoreOptionsError(`${flag} ${JSON.stringify(name)} ${bad}`)
  }
  if (o.newrf !== undefined && (!Number.isInteger(o.newrf) || o.newrf < 1)) {
    throw new RestoreOptionsError(`-newrf must be a positive integer, got ${o.newrf}`)
  }
}

/** True when a database holds data: a live shard group with shards. */
function holdsData(db: DatabaseInfo): boolean {
  return db.retentionPolicies.some((rp) =>
    rp.shardGroups.some((g) => g.deletedAtNs === 0n && g.shards.length > 0),
  )
}

function refusal(err: unknown): never {
  if (err instanceof MetaError) {
    const database = err.fields['database']
    throw new RestoreRefusedError(
      err.message,
      typeof database === 'string' ? { database } : {},
      err,
    )
  }
  throw err
}

/**
 * Plans restoring `set` into `current` (reads and checks the set's `.meta`, unless the caller read
 * it already: `backupMeta`). Throws RestoreOptionsError, RestoreRefusedError (with the seed's
 * texts), BackupFileMissingError for an archive the restore needs that is missing, or the `.meta`
 * errors of readBackupMeta. Changes nothing.
 */
export async function planRestore(
  set: BackupSet,
  current: MetaData,
  options: RestoreOptions = {},
  backupMeta?: BackupMeta,
): Promise<RestorePlan> {
  checkOptions(options)
  backupMeta ??= await readBackupMeta(set)
  const warnings: BackupWarning[] = []
  const locations = shardLocations(set, backupMeta, warnings)
  const onlyShard = options.shard === undefined ? undefined : BigInt(options.shard)
  for (const m of set.missing) {
    // A shard the backup's metadata no longer has (dropped, expired) is skipped anyway.
    const where = locateShard(backupMeta.data, m.shardID)
    if (where === undefined) continue
    const wanted =
      (onlyShard === undefined || onlyShard === m.shardID) &&
      (!given(options.db) || where.database === options.db) &&
      (!given(options.rp) || where.retentionPolicy === options.rp)
    if (wanted) throw new BackupFileMissingError(m.path, m.manifestFileName)
  }
  if (onlyShard !== undefined) {
    const where = locations.get(onlyShard)
    if (where === undefined)
      throw new RestoreOptionsError(`shard ${onlyShard} is not in the backup`)
    // A shard of another database or RP than the ones named would restore nothing.
    if (
      (given(options.db) && where.database !== options.db) ||
      (given(options.rp) && where.retentionPolicy !== options.rp)
    ) {
      throw new RestoreOptionsError(
        `shard ${onlyShard} is not in ${given(options.rp) ? `retention policy ${JSON.stringify(options.rp)} of ` : ''}database ${JSON.stringify(options.db)} of the backup (it is in ${where.database}.${where.retentionPolicy})`,
      )
    }
  }
  const all = !given(options.db)
  // As InfluxDB does, a database missing from the backup is reported before a target that exists.
  const targets = all
    ? backupMeta.data.databases.filter((d) => d.name !== '_internal').map((d) => d.name)
    : backupMeta.data.databases.some((d) => d.name === options.db)
      ? [given(options.newdb) ? options.newdb : (options.db ?? '')]
      : []
  const replaced: DatabaseInfo[] = []
  for (const name of targets) {
    const existing = current.databases.find((d) => d.name === name)
    if (existing === undefined) continue
    if (holdsData(existing))
      throw new RestoreRefusedError('database already exists', { database: name })
    replaced.push(existing)
  }
  const base =
    replaced.length === 0
      ? current
      : current.with({ databases: current.databases.filter((d) => !replaced.includes(d)) })
  let result
  try {
    result = importData(base, backupMeta.data, {
      ...(given(options.db) ? { database: options.db } : {}),
      ...(given(options.newdb) ? { newDatabase: options.newdb } : {}),
      ...(given(options.rp) ? { retentionPolicy: options.rp } : {}),
      ...(given(options.newrp) ? { newRetentionPolicy: options.newrp } : {}),
    })
  } catch (err) {
    refusal(err)
  }
  const withUsers = options.withUsers ?? all
  const withCQs = options.withContinuousQueries ?? withUsers
  const imported = new Set(result.databases)
  const rf =
    options.newrf === undefined
      ? undefined
      : Math.min(options.newrf, Math.max(1, current.dataNodes.length))
  const nodeIDs = current.dataNodes.map((n) => n.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const ownersOf = (replicaN: number, groupID: bigint, index: number): bigint[] => {
    if (options.shardOwners !== undefined) return [...options.shardOwners]
    if (nodeIDs.length === 0) return []
    const layout = assignShardOwners(nodeIDs, replicaN, groupID)
    return [...(layout[index % layout.length] ?? [])]
  }
  const databases = result.data.databases.map((db): DatabaseInfo => {
    if (!imported.has(db.name)) return db
    const old = replaced.find((r) => r.name === db.name)
    // A CQ's text names its database, so CQs come along only when the name stays the same.
    const sourceName = all ? db.name : options.db
    const fromBackup =
      sourceName === db.name ? backupMeta.data.databases.find((d) => d.name === db.name) : undefined
    const continuousQueries =
      old?.continuousQueries ??
      (withCQs && fromBackup !== undefined ? fromBackup.continuousQueries : db.continuousQueries)
    return {
      ...db,
      continuousQueries,
      retentionPolicies: db.retentionPolicies.map((rp) => {
        const replicaN = rf ?? rp.replicaN
        return {
          ...rp,
          replicaN,
          shardGroups: rp.shardGroups.map((g) => ({
            ...g,
            shards: g.shards.map((s, i) => ({ ...s, owners: ownersOf(replicaN, g.id, i) })),
          })),
        }
      }),
    }
  })
  const users: UserInfo[] = [...result.data.users]
  if (withUsers)
    for (const u of backupMeta.data.users) if (!users.some((x) => x.name === u.name)) users.push(u)
  const meta = result.data.with({ databases, users })

  const shards: PlannedShard[] = []
  for (const s of set.shards) {
    const location = locations.get(s.shardID)
    if (location === undefined) continue
    if (onlyShard !== undefined && s.shardID !== onlyShard) continue
    if (given(options.db) && location.database !== options.db) continue
    if (given(options.rp) && location.retentionPolicy !== options.rp) continue
    const newID = result.shardIDMap.get(s.shardID)
    const target = newID === undefined ? undefined : locateShard(meta, newID)
    if (newID === undefined || target === undefined) {
      warnings.push({
        code: 'shard-skipped',
        path: s.path,
        shardID: s.shardID,
        reason: `Meta info not found for shard ${s.shardID} on database ${location.database}. Skipping shard file ${s.entry.fileName}`,
      })
      continue
    }
    shards.push({
      source: s,
      location,
      database: target.database,
      retentionPolicy: target.retentionPolicy,
      newID,
    })
  }
  const planned = new Set(shards.map((s) => s.newID))
  const emptyShards: EmptyShard[] = []
  for (const newID of result.shardIDMap.values()) {
    if (planned.has(newID)) continue
    const where = locateShard(meta, newID)
    if (where !== undefined)
      emptyShards.push({
        database: where.database,
        retentionPolicy: where.retentionPolicy,
        id: newID,
      })
  }
  return {
    set,
    backupMeta,
    options,
    base: current,
    meta,
    shardIDMap: result.shardIDMap,
    databases: result.databases,
    replacedDatabases: replaced.map((d) => d.name),
    shards,
    emptyShards,
    warnings,
  }
}
