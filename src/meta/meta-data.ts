// MetaData: the immutable metastore value. It holds InfluxDB's meta.Data fields and offers the
// operations of services/meta/data.go as methods that return a new MetaData (or `this` when the
// operation changes nothing, so a caller can skip a commit). Each method delegates to a pure
// function on MetaDataFields in *-ops.ts; this class adds no behaviour of its own.
import { randomBytes } from 'node:crypto'
import * as db from './database-ops.js'
import { importDatabases } from './import-data.js'
import type { ImportOptions } from './import-data.js'
import * as nodes from './node-ops.js'
import * as sg from './shard-group-ops.js'
import type { LocatedShardGroup } from './shard-group-ops.js'
import * as sub from './subscription-ops.js'
import * as users from './user-ops.js'
import type {
  DatabaseInfo,
  MetaDataFields,
  NodeInfo,
  Privilege,
  RetentionPolicyInfo,
  RetentionPolicySpec,
  RetentionPolicyUpdate,
  ShardGroupInfo,
  UserInfo,
} from './types.js'

/** The outcome of importData. */
export interface ImportResult {
  /** The current metadata with the imported databases added (index unchanged). */
  readonly data: MetaData
  /** Backup shard ID → new shard ID, for every imported shard. Empty when nothing had shards. */
  readonly shardIDMap: ReadonlyMap<bigint, bigint>
  /** The names of the databases created, in import order. */
  readonly databases: readonly string[]
}

/**
 * Imports databases of a backup's metadata into the current metadata, as `influxd restore
 * -portable` makes the server do (InfluxDB's Data.ImportData, spec/backup-formats.md §3.3): see
 * importDatabases in import-data.ts for the rules. Pure: throws ImportDatabaseNotFoundError,
 * DatabaseExistsError or ImportRetentionPolicyNotFoundError and then changes nothing.
 */
export function importData(
  current: MetaDataFields,
  backup: MetaDataFields,
  options?: ImportOptions,
): ImportResult {
  const r = importDatabases(current, backup, options)
  const data = r.data === current && current instanceof MetaData ? current : new MetaData(r.data)
  return { data, shardIDMap: r.shardIDMap, databases: r.databases }
}

/** A random 63-bit cluster ID, as InfluxDB picks one for a new metastore. */
export function randomClusterID(): bigint {
  return randomBytes(8).readBigUInt64BE() >> 1n
}

/**
 * The whole metastore as an immutable value. Safe to share between concurrent readers; writers
 * replace their reference with the result of an operation. Methods throw the MetaError subclasses
 * in errors.ts with InfluxDB's texts.
 */
export class MetaData implements MetaDataFields {
  readonly term: bigint
  readonly index: bigint
  readonly clusterID: bigint
  readonly nodes: readonly NodeInfo[]
  readonly databases: readonly DatabaseInfo[]
  readonly users: readonly UserInfo[]
  readonly maxNodeID: bigint
  readonly maxShardGroupID: bigint
  readonly maxShardID: bigint
  readonly dataNodes: readonly NodeInfo[]
  readonly metaNodes: readonly NodeInfo[]

  constructor(fields: MetaDataFields) {
    this.term = fields.term
    this.index = fields.index
    this.clusterID = fields.clusterID
    this.nodes = fields.nodes
    this.databases = fields.databases
    this.users = fields.users
    this.maxNodeID = fields.maxNodeID
    this.maxShardGroupID = fields.maxShardGroupID
    this.maxShardID = fields.maxShardID
    this.dataNodes = fields.dataNodes
    this.metaNodes = fields.metaNodes
  }

  /** A new, empty metastore with index 1 (as InfluxDB starts one) and the given cluster ID. */
  static empty(clusterID: bigint = randomClusterID()): MetaData {
    return new MetaData({
      term: 0n,
      index: 1n,
      clusterID,
      nodes: [],
      databases: [],
      users: [],
      maxNodeID: 0n,
      maxShardGroupID: 0n,
      maxShardID: 0n,
      dataNodes: [],
      metaNodes: [],
    })
  }

  #wrap(next: MetaDataFields): MetaData {
    if (next === this) return this
    return next instanceof MetaData ? next : new MetaData(next)
  }

  /** A copy with some fields replaced. */
  with(changes: Partial<MetaDataFields>): MetaData {
    return new MetaData({ ...this, ...changes })
  }

  /** A copy with the index incremented, as every commit does. */
  nextIndex(): MetaData {
    return this.with({ index: this.index + 1n })
  }

  // Databases, retention policies, continuous queries.

  /** The database named `name`, or undefined. */
  database(name: string): DatabaseInfo | undefined {
    return db.database(this, name)
  }
  /** A retention policy ('' = default) or undefined; throws DatabaseNotFoundError. */
  retentionPolicy(database: string, name: string): RetentionPolicyInfo | undefined {
    return db.retentionPolicy(this, database, name)
  }
  /** See database-ops.ts createDatabase. */
  createDatabase(name: string, retentionAutoCreate = true): MetaData {
    return this.#wrap(db.createDatabase(this, name, retentionAutoCreate))
  }
  /** See database-ops.ts createDatabaseWithRetentionPolicy. */
  createDatabaseWithRetentionPolicy(name: string, spec: RetentionPolicySpec): MetaData {
    return this.#wrap(db.createDatabaseWithRetentionPolicy(this, name, spec))
  }
  /** See database-ops.ts dropDatabase. */
  dropDatabase(name: string): MetaData {
    return this.#wrap(db.dropDatabase(this, name))
  }
  /** See database-ops.ts createRetentionPolicy. */
  createRetentionPolicy(
    database: string,
    spec: RetentionPolicySpec,
    makeDefault: boolean,
  ): MetaData {
    return this.#wrap(db.createRetentionPolicy(this, database, spec, makeDefault))
  }
  /** See database-ops.ts updateRetentionPolicy. */
  updateRetentionPolicy(
    database: string,
    name: string,
    update: RetentionPolicyUpdate,
    makeDefault: boolean,
  ): MetaData {
    return this.#wrap(db.updateRetentionPolicy(this, database, name, update, makeDefault))
  }
  /** See database-ops.ts dropRetentionPolicy. */
  dropRetentionPolicy(database: string, name: string): MetaData {
    return this.#wrap(db.dropRetentionPolicy(this, database, name))
  }
  /** See database-ops.ts setDefaultRetentionPolicy. */
  setDefaultRetentionPolicy(database: string, name: string): MetaData {
    return this.#wrap(db.setDefaultRetentionPolicy(this, database, name))
  }
  /** See database-ops.ts createContinuousQuery. */
  createContinuousQuery(database: string, name: string, query: string): MetaData {
    return this.#wrap(db.createContinuousQuery(this, database, name, query))
  }
  /** See database-ops.ts dropContinuousQuery. */
  dropContinuousQuery(database: string, name: string): MetaData {
    return this.#wrap(db.dropContinuousQuery(this, database, name))
  }
  /** See subscription-ops.ts createSubscription. */
  createSubscription(
    database: string,
    rp: string,
    name: string,
    mode: string,
    destinations: readonly string[],
  ): MetaData {
    return this.#wrap(sub.createSubscription(this, database, rp, name, mode, destinations))
  }
  /** See subscription-ops.ts dropSubscription. */
  dropSubscription(database: string, rp: string, name: string): MetaData {
    return this.#wrap(sub.dropSubscription(this, database, rp, name))
  }

  // Shard groups and shards.

  /** See shard-group-ops.ts shardGroupByTimestamp. */
  shardGroupByTimestamp(
    database: string,
    rp: string,
    timestampNs: bigint,
  ): ShardGroupInfo | undefined {
    return sg.shardGroupByTimestamp(this, database, rp, timestampNs)
  }
  /** See shard-group-ops.ts shardGroups. */
  shardGroups(database: string, rp: string): readonly ShardGroupInfo[] {
    return sg.shardGroups(this, database, rp)
  }
  /** See shard-group-ops.ts shardGroupsByTimeRange. */
  shardGroupsByTimeRange(
    database: string,
    rp: string,
    minNs: bigint,
    maxNs: bigint,
  ): readonly ShardGroupInfo[] {
    return sg.shardGroupsByTimeRange(this, database, rp, minNs, maxNs)
  }
  /** See shard-group-ops.ts createShardGroup. */
  createShardGroup(
    database: string,
    rp: string,
    timestampNs: bigint,
    shardOwners?: readonly (readonly bigint[])[],
  ): MetaData {
    return this.#wrap(sg.createShardGroup(this, database, rp, timestampNs, shardOwners))
  }
  /** See shard-group-ops.ts deleteShardGroup. */
  deleteShardGroup(database: string, rp: string, id: bigint, nowNs: bigint): MetaData {
    return this.#wrap(sg.deleteShardGroup(this, database, rp, id, nowNs))
  }
  /** See shard-group-ops.ts dropShard. */
  dropShard(shardID: bigint, nowNs: bigint): MetaData {
    return this.#wrap(sg.dropShard(this, shardID, nowNs))
  }
  /** See shard-group-ops.ts truncateShardGroups. */
  truncateShardGroups(tNs: bigint): MetaData {
    return this.#wrap(sg.truncateShardGroups(this, tNs))
  }
  /** See shard-group-ops.ts pruneShardGroups. */
  pruneShardGroups(nowNs: bigint): MetaData {
    return this.#wrap(sg.pruneShardGroups(this, nowNs))
  }
  /** See shard-group-ops.ts precreateShardGroups. */
  precreateShardGroups(fromNs: bigint, toNs: bigint): MetaData {
    return this.#wrap(sg.precreateShardGroups(this, fromNs, toNs))
  }
  /** See shard-group-ops.ts expiredShardGroups. */
  expiredShardGroups(nowNs: bigint): readonly LocatedShardGroup[] {
    return sg.expiredShardGroups(this, nowNs)
  }
  /** See shard-group-ops.ts deletedShardGroups. */
  deletedShardGroups(): readonly LocatedShardGroup[] {
    return sg.deletedShardGroups(this)
  }
  /** See shard-group-ops.ts shardIDs. */
  shardIDs(): readonly bigint[] {
    return sg.shardIDs(this)
  }
  /** See shard-group-ops.ts shardOwner. */
  shardOwner(shardID: bigint): LocatedShardGroup | undefined {
    return sg.shardOwner(this, shardID)
  }

  // Users and privileges.

  /** The user named `name`, or undefined. */
  user(name: string): UserInfo | undefined {
    return users.user(this, name)
  }
  /** See user-ops.ts createUser (takes a hash; users.ts hashes passwords). */
  createUser(name: string, hash: string, admin: boolean): MetaData {
    return this.#wrap(users.createUser(this, name, hash, admin))
  }
  /** See user-ops.ts dropUser. */
  dropUser(name: string): MetaData {
    return this.#wrap(users.dropUser(this, name))
  }
  /** See user-ops.ts updateUser. */
  updateUser(name: string, hash: string): MetaData {
    return this.#wrap(users.updateUser(this, name, hash))
  }
  /** See user-ops.ts setPrivilege. */
  setPrivilege(name: string, database: string, p: Privilege): MetaData {
    return this.#wrap(users.setPrivilege(this, name, database, p))
  }
  /** See user-ops.ts setAdminPrivilege. */
  setAdminPrivilege(name: string, admin: boolean): MetaData {
    return this.#wrap(users.setAdminPrivilege(this, name, admin))
  }
  /** See user-ops.ts userPrivileges. */
  userPrivileges(name: string): ReadonlyMap<string, Privilege> {
    return users.userPrivileges(this, name)
  }
  /** See user-ops.ts userPrivilege. */
  userPrivilege(name: string, database: string): Privilege {
    return users.userPrivilege(this, name, database)
  }
  /** Whether at least one user is an admin. */
  adminUserExists(): boolean {
    return users.adminUserExists(this)
  }

  // Cluster nodes.

  /** See node-ops.ts createDataNode. */
  createDataNode(host: string, tcpHost: string): MetaData {
    return this.#wrap(nodes.createDataNode(this, host, tcpHost))
  }
  /** See node-ops.ts createMetaNode. */
  createMetaNode(host: string, tcpHost: string): MetaData {
    return this.#wrap(nodes.createMetaNode(this, host, tcpHost))
  }
  /** See node-ops.ts deleteDataNode. */
  deleteDataNode(id: bigint): MetaData {
    return this.#wrap(nodes.deleteDataNode(this, id))
  }
  /** See node-ops.ts deleteMetaNode. */
  deleteMetaNode(id: bigint): MetaData {
    return this.#wrap(nodes.deleteMetaNode(this, id))
  }

  // Restore.

  /** See importData: this metadata plus the backup's databases, and the shard ID map. */
  importData(backup: MetaDataFields, options?: ImportOptions): ImportResult {
    return importData(this, backup, options)
  }
}
