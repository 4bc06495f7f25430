// Database, retention policy and continuous query operations on the model, mirroring InfluxDB
// 1.6's services/meta (data.go and the client's CreateDatabase/CreateRetentionPolicy): the same
// checks in the same order, the same idempotency, the same error texts. Every operation is pure:
// it returns a new MetaDataFields, or the very same object when nothing changes.
import {
  ContinuousQueryExistsError,
  DatabaseNameRequiredError,
  IncompatibleDurationsError,
  NameTooLongError,
  ReplicationFactorTooLowError,
  RetentionPolicyConflictError,
  RetentionPolicyDurationTooLowError,
  RetentionPolicyExistsError,
  RetentionPolicyNameExistsError,
  RetentionPolicyNameRequiredError,
  RetentionPolicyNotFoundError,
} from './errors.js'
import {
  databaseIndex,
  removeAt,
  replaceAt,
  requireDatabase,
  retentionPolicyIndex,
  withDatabase,
} from './model-update.js'
import {
  DEFAULT_RETENTION_POLICY_NAME,
  MAX_NAME_BYTES,
  MIN_RETENTION_POLICY_DURATION_NS,
  nameBytes,
  normalisedShardGroupDuration,
  retentionPolicyFromSpec,
  specMatches,
} from './retention-policy.js'
import type {
  DatabaseInfo,
  MetaDataFields,
  RetentionPolicyInfo,
  RetentionPolicySpec,
  RetentionPolicyUpdate,
  UserInfo,
} from './types.js'

/** The database named `name`, or undefined. */
export function database(data: MetaDataFields, name: string): DatabaseInfo | undefined {
  return data.databases.find((db) => db.name === name)
}

/**
 * A database's retention policy by name ('' = the default), or undefined when the database has
 * none of that name. Throws DatabaseNotFoundError when the database does not exist.
 */
export function retentionPolicy(
  data: MetaDataFields,
  db: string,
  name: string,
): RetentionPolicyInfo | undefined {
  const found = requireDatabase(data, db).db
  return found.retentionPolicies[retentionPolicyIndex(found, name)]
}

function checkDurationNotTooLow(durationNs: bigint | undefined): void {
  if (
    durationNs !== undefined &&
    durationNs < MIN_RETENTION_POLICY_DURATION_NS &&
    durationNs !== 0n
  ) {
    throw new RetentionPolicyDurationTooLowError(durationNs)
  }
}

/** data.go's CreateDatabase: appends an empty database unless one of that name exists. */
function addDatabase(data: MetaDataFields, name: string): MetaDataFields {
  if (name === '') throw new DatabaseNameRequiredError()
  if (nameBytes(name) > MAX_NAME_BYTES) throw new NameTooLongError(name)
  if (databaseIndex(data, name) >= 0) return data
  const db: DatabaseInfo = {
    name,
    defaultRetentionPolicy: '',
    retentionPolicies: [],
    continuousQueries: [],
  }
  return { ...data, databases: [...data.databases, db] }
}

/**
 * data.go's CreateRetentionPolicy: validates, normalises the shard group duration, and appends the
 * policy (idempotent when an identical one exists).
 */
function addRetentionPolicy(
  data: MetaDataFields,
  dbName: string,
  rp: RetentionPolicyInfo,
  makeDefault: boolean,
): MetaDataFields {
  if (rp.name === '') throw new RetentionPolicyNameRequiredError(dbName)
  if (nameBytes(rp.name) > MAX_NAME_BYTES) throw new NameTooLongError(rp.name)
  if (rp.replicaN < 1) throw new ReplicationFactorTooLowError(rp.replicaN)
  const shardGroupDurationNs = normalisedShardGroupDuration(rp.shardGroupDurationNs, rp.durationNs)
  if (rp.durationNs > 0n && rp.durationNs < shardGroupDurationNs) {
    throw new IncompatibleDurationsError(rp.durationNs, shardGroupDurationNs)
  }
  const { dbIndex, db } = requireDatabase(data, dbName)
  const existing = db.retentionPolicies.find((p) => p.name === rp.name)
  if (existing !== undefined) {
    if (
      existing.replicaN !== rp.replicaN ||
      existing.durationNs !== rp.durationNs ||
      existing.shardGroupDurationNs !== shardGroupDurationNs
    ) {
      throw new RetentionPolicyExistsError(dbName, rp.name)
    }
    if (makeDefault && db.defaultRetentionPolicy !== rp.name)
      throw new RetentionPolicyConflictError(dbName, rp.name)
    return data
  }
  return withDatabase(data, dbIndex, {
    ...db,
    retentionPolicies: [...db.retentionPolicies, { ...rp, shardGroupDurationNs }],
    defaultRetentionPolicy: makeDefault ? rp.name : db.defaultRetentionPolicy,
  })
}

/**
 * Creates a database (InfluxDB's client CreateDatabase). Idempotent: an existing database is left
 * as it is. With `retentionAutoCreate` (the default, like InfluxDB's `retention-autocreate`), a new
 * database gets the default policy `autogen` (infinite, 7-day shard groups, replication 1).
 */
export function createDatabase(
  data: MetaDataFields,
  name: string,
  retentionAutoCreate = true,
): MetaDataFields {
  if (databaseIndex(data, name) >= 0) return data
  const next = addDatabase(data, name)
  if (!retentionAutoCreate) return next
  return addRetentionPolicy(
    next,
    name,
    retentionPolicyFromSpec({ name: DEFAULT_RETENTION_POLICY_NAME }),
    true,
  )
}

/**
 * Creates a database whose default retention policy is `spec` (InfluxDB's
 * CreateDatabaseWithRetentionPolicy, i.e. `CREATE DATABASE … WITH …`). Idempotent only when the
 * database exists and `spec` matches its default policy; otherwise an existing database with
 * policies gives RetentionPolicyConflictError.
 */
export function createDatabaseWithRetentionPolicy(
  data: MetaDataFields,
  name: string,
  spec: RetentionPolicySpec,
): MetaDataFields {
  checkDurationNotTooLow(spec.durationNs)
  let next = databaseIndex(data, name) >= 0 ? data : addDatabase(data, name)
  const rp = retentionPolicyFromSpec(spec)
  let db = requireDatabase(next, name).db
  if (db.retentionPolicies.length === 0) {
    next = addRetentionPolicy(next, name, rp, true)
    db = requireDatabase(next, name).db
  } else if (!specMatches(spec, db.retentionPolicies[retentionPolicyIndex(db, rp.name)])) {
    throw new RetentionPolicyConflictError(name, rp.name)
  }
  if (db.defaultRetentionPolicy !== rp.name) throw new RetentionPolicyConflictError(name, rp.name)
  return next
}

/** Drops a database and every user's privilege on it; no error when it does not exist. */
export function dropDatabase(data: MetaDataFields, name: string): MetaDataFields {
  const i = databaseIndex(data, name)
  if (i < 0) return data
  const users = data.users.map((u): UserInfo => {
    if (!u.privileges.has(name)) return u
    const privileges = new Map(u.privileges)
    privileges.delete(name)
    return { ...u, privileges }
  })
  return { ...data, databases: removeAt(data.databases, i), users }
}

/**
 * Creates a retention policy from a spec (InfluxDB's client CreateRetentionPolicy). Idempotent
 * when an identical policy exists (and, with `makeDefault`, is already the default).
 */
export function createRetentionPolicy(
  data: MetaDataFields,
  db: string,
  spec: RetentionPolicySpec,
  makeDefault: boolean,
): MetaDataFields {
  checkDurationNotTooLow(spec.durationNs)
  return addRetentionPolicy(data, db, retentionPolicyFromSpec(spec), makeDefault)
}

/** Changes the given fields of a retention policy, optionally making it the default (ALTER RETENTION POLICY). */
export function updateRetentionPolicy(
  data: MetaDataFields,
  dbName: string,
  name: string,
  update: RetentionPolicyUpdate,
  makeDefault: boolean,
): MetaDataFields {
  const { dbIndex, db } = requireDatabase(data, dbName)
  const rpIndex = retentionPolicyIndex(db, name)
  const rp = db.retentionPolicies[rpIndex]
  if (rp === undefined) throw new RetentionPolicyNotFoundError(dbName, name)
  if (
    update.name !== undefined &&
    update.name !== name &&
    retentionPolicyIndex(db, update.name) >= 0
  ) {
    throw new RetentionPolicyNameExistsError(dbName, update.name)
  }
  checkDurationNotTooLow(update.durationNs)
  const d = update.durationNs
  const sgd = update.shardGroupDurationNs
  if (
    (d !== undefined &&
      d > 0n &&
      ((sgd !== undefined && d < sgd) || (sgd === undefined && d < rp.shardGroupDurationNs))) ||
    (d === undefined && rp.durationNs > 0n && sgd !== undefined && rp.durationNs < sgd)
  ) {
    throw new IncompatibleDurationsError(d ?? rp.durationNs, sgd ?? rp.shardGroupDurationNs)
  }
  const durationNs = d ?? rp.durationNs
  const updated: RetentionPolicyInfo = {
    ...rp,
    name: update.name ?? rp.name,
    durationNs,
    replicaN: update.replicaN ?? rp.replicaN,
    shardGroupDurationNs:
      sgd !== undefined ? normalisedShardGroupDuration(sgd, durationNs) : rp.shardGroupDurationNs,
  }
  return withDatabase(data, dbIndex, {
    ...db,
    retentionPolicies: replaceAt(db.retentionPolicies, rpIndex, updated),
    defaultRetentionPolicy: makeDefault ? updated.name : db.defaultRetentionPolicy,
  })
}

/** Drops a retention policy; no error when the database or the policy does not exist. */
export function dropRetentionPolicy(
  data: MetaDataFields,
  dbName: string,
  name: string,
): MetaDataFields {
  const dbIndex = databaseIndex(data, dbName)
  const db = data.databases[dbIndex]
  if (db === undefined) return data
  const rpIndex = db.retentionPolicies.findIndex((rp) => rp.name === name)
  if (rpIndex < 0) return data
  return withDatabase(data, dbIndex, {
    ...db,
    retentionPolicies: removeAt(db.retentionPolicies, rpIndex),
  })
}

/** Makes an existing retention policy the database's default. */
export function setDefaultRetentionPolicy(
  data: MetaDataFields,
  dbName: string,
  name: string,
): MetaDataFields {
  const { dbIndex, db } = requireDatabase(data, dbName)
  if (retentionPolicyIndex(db, name) < 0) throw new RetentionPolicyNotFoundError(dbName, name)
  if (db.defaultRetentionPolicy === name) return data
  return withDatabase(data, dbIndex, { ...db, defaultRetentionPolicy: name })
}

/**
 * Adds a continuous query. Idempotent when one of that name has the same text (compared
 * case-insensitively, as InfluxDB does); another text gives ContinuousQueryExistsError.
 */
export function createContinuousQuery(
  data: MetaDataFields,
  dbName: string,
  name: string,
  query: string,
): MetaDataFields {
  const { dbIndex, db } = requireDatabase(data, dbName)
  const existing = db.continuousQueries.find((cq) => cq.name === name)
  if (existing !== undefined) {
    if (existing.query.toLowerCase() === query.toLowerCase()) return data
    throw new ContinuousQueryExistsError(dbName, name)
  }
  return withDatabase(data, dbIndex, {
    ...db,
    continuousQueries: [...db.continuousQueries, { name, query }],
  })
}

/** Drops a continuous query; no error when the database or the query does not exist (InfluxDB 1.6). */
export function dropContinuousQuery(
  data: MetaDataFields,
  dbName: string,
  name: string,
): MetaDataFields {
  const dbIndex = databaseIndex(data, dbName)
  const db = data.databases[dbIndex]
  if (db === undefined) return data
  const i = db.continuousQueries.findIndex((cq) => cq.name === name)
  if (i < 0) return data
  return withDatabase(data, dbIndex, {
    ...db,
    continuousQueries: removeAt(db.continuousQueries, i),
  })
}
