// Importing a backup's metadata into the current metadata, as InfluxDB 1.6's Data.ImportData does
// for `influxd restore -portable` (spec/backup-formats.md §3.3–3.4): databases are copied under
// their target names, shard groups and shards get new IDs from the target's counters (in RP,
// group, shard order), shard owners are cleared, and a map old → new shard ID is returned.
// All-or-nothing: the function is pure and throws on the first problem.
import {
  DatabaseExistsError,
  ImportDatabaseNotFoundError,
  ImportRetentionPolicyNotFoundError,
} from './errors.js'
import { createDatabase } from './database-ops.js'
import { databaseIndex, retentionPolicyIndex, withDatabase } from './model-update.js'
import type { DatabaseInfo, MetaDataFields, RetentionPolicyInfo } from './types.js'

/** The names `influxd restore` passes: -db, -newdb, -rp, -newrp ('' or unset = not given). */
export interface ImportOptions {
  /** The backup's database to import; unset = every database except `_internal`. */
  readonly database?: string
  /** The target name for `database` (default: the same name). Ignored when `database` is unset. */
  readonly newDatabase?: string
  /** Import only this retention policy of `database` (it becomes the target's default). */
  readonly retentionPolicy?: string
  /** The target name for `retentionPolicy` (default: the same name). */
  readonly newRetentionPolicy?: string
}

/** The outcome of an import, on the plain fields (meta-data.ts wraps it into a MetaData). */
export interface ImportedFields {
  /** The current metadata with the imported databases added (index unchanged). */
  readonly data: MetaDataFields
  /** Backup shard ID → new shard ID, for every imported shard. Empty when nothing had shards. */
  readonly shardIDMap: ReadonlyMap<bigint, bigint>
  /** The names of the databases created, in import order. */
  readonly databases: readonly string[]
}

interface Counters {
  maxShardGroupID: bigint
  maxShardID: bigint
}

function renumber(
  rp: RetentionPolicyInfo,
  counters: Counters,
  shardIDMap: Map<bigint, bigint>,
): RetentionPolicyInfo {
  const shardGroups = rp.shardGroups.map((sg) => {
    const id = ++counters.maxShardGroupID
    const shards = sg.shards.map((s) => {
      const newID = ++counters.maxShardID
      shardIDMap.set(s.id, newID)
      return { id: newID, owners: [] }
    })
    return { ...sg, id, shards }
  })
  return { ...rp, shardGroups }
}

function importOneDatabase(
  data: MetaDataFields,
  backup: MetaDataFields,
  backupDB: string,
  restoreDB: string,
  backupRP: string,
  restoreRP: string,
  shardIDMap: Map<bigint, bigint>,
): MetaDataFields {
  const source = backup.databases.find((db) => db.name === backupDB)
  if (source === undefined) throw new ImportDatabaseNotFoundError(backupDB)
  const target = restoreDB !== '' ? restoreDB : backupDB
  if (databaseIndex(data, target) >= 0) throw new DatabaseExistsError(target)
  let next = createDatabase(data, target, false)
  let policies: readonly RetentionPolicyInfo[]
  let defaultRetentionPolicy: string
  if (backupRP !== '') {
    const rp = source.retentionPolicies[retentionPolicyIndex(source, backupRP)]
    if (rp === undefined) throw new ImportRetentionPolicyNotFoundError(backupDB, backupRP)
    const name = restoreRP !== '' ? restoreRP : backupRP
    policies = [{ ...rp, name }]
    defaultRetentionPolicy = name
  } else {
    policies = source.retentionPolicies
    defaultRetentionPolicy = source.defaultRetentionPolicy
  }
  const counters: Counters = { maxShardGroupID: next.maxShardGroupID, maxShardID: next.maxShardID }
  const retentionPolicies = policies.map((rp) => renumber(rp, counters, shardIDMap))
  const dbIndex = databaseIndex(next, target)
  const created: DatabaseInfo = {
    name: target,
    defaultRetentionPolicy,
    retentionPolicies,
    continuousQueries: [],
  }
  next = withDatabase(next, dbIndex, created)
  return { ...next, maxShardGroupID: counters.maxShardGroupID, maxShardID: counters.maxShardID }
}

/**
 * Imports databases of `backup` into `current` (InfluxDB's ImportData). With `options.database`,
 * imports that database as `newDatabase` (optionally only `retentionPolicy`, renamed to
 * `newRetentionPolicy` and made the default); without it, every database except `_internal` under
 * its own name. Continuous queries and users are not imported; subscriptions come along with
 * their retention policies. Throws ImportDatabaseNotFoundError, DatabaseExistsError,
 * ImportRetentionPolicyNotFoundError (or a name error) and then changes nothing.
 */
export function importDatabases(
  current: MetaDataFields,
  backup: MetaDataFields,
  options: ImportOptions = {},
): ImportedFields {
  const shardIDMap = new Map<bigint, bigint>()
  const backupDB = options.database ?? ''
  if (backupDB !== '') {
    const target =
      options.newDatabase !== undefined && options.newDatabase !== ''
        ? options.newDatabase
        : backupDB
    const data = importOneDatabase(
      current,
      backup,
      backupDB,
      target,
      options.retentionPolicy ?? '',
      options.newRetentionPolicy ?? '',
      shardIDMap,
    )
    return { data, shardIDMap, databases: [target] }
  }
  let data = current
  const databases: string[] = []
  for (const db of backup.databases) {
    if (db.name === '_internal') continue
    data = importOneDatabase(data, backup, db.name, '', '', '', shardIDMap)
    databases.push(db.name)
  }
  return { data, shardIDMap, databases }
}
