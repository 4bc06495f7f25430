// Helpers for immutable updates of the model: find an element, replace or remove it, and return
// a new MetaDataFields that shares every untouched branch with the old one.
import { DatabaseNotFoundError, RetentionPolicyNotFoundError } from './errors.js'
import type { DatabaseInfo, MetaDataFields, RetentionPolicyInfo } from './types.js'

/** A copy of `items` with element `i` replaced by `value`. */
export function replaceAt<T>(items: readonly T[], i: number, value: T): readonly T[] {
  const out = items.slice()
  out[i] = value
  return out
}

/** A copy of `items` without element `i`. */
export function removeAt<T>(items: readonly T[], i: number): readonly T[] {
  return items.slice(0, i).concat(items.slice(i + 1))
}

/** The index of the database named `name`, or -1. */
export function databaseIndex(data: MetaDataFields, name: string): number {
  return data.databases.findIndex((db) => db.name === name)
}

/**
 * The index of a database's retention policy, or -1. An empty name means the default retention
 * policy (InfluxDB's DatabaseInfo.RetentionPolicy).
 */
export function retentionPolicyIndex(db: DatabaseInfo, name: string): number {
  const want = name === '' ? db.defaultRetentionPolicy : name
  if (want === '') return -1
  return db.retentionPolicies.findIndex((rp) => rp.name === want)
}

/** Where a retention policy sits in the model. */
export interface RetentionPolicyLocation {
  readonly dbIndex: number
  readonly rpIndex: number
  readonly db: DatabaseInfo
  readonly rp: RetentionPolicyInfo
}

/** Finds a database by name or throws DatabaseNotFoundError. */
export function requireDatabase(
  data: MetaDataFields,
  database: string,
): { dbIndex: number; db: DatabaseInfo } {
  const dbIndex = databaseIndex(data, database)
  const db = data.databases[dbIndex]
  if (db === undefined) throw new DatabaseNotFoundError(database)
  return { dbIndex, db }
}

/** Finds a retention policy ('' = the default) or throws DatabaseNotFoundError / RetentionPolicyNotFoundError. */
export function requireRetentionPolicy(
  data: MetaDataFields,
  database: string,
  policy: string,
): RetentionPolicyLocation {
  const { dbIndex, db } = requireDatabase(data, database)
  const rpIndex = retentionPolicyIndex(db, policy)
  const rp = db.retentionPolicies[rpIndex]
  if (rp === undefined) throw new RetentionPolicyNotFoundError(database, policy)
  return { dbIndex, rpIndex, db, rp }
}

/** The model with database `dbIndex` replaced. */
export function withDatabase(
  data: MetaDataFields,
  dbIndex: number,
  db: DatabaseInfo,
): MetaDataFields {
  return { ...data, databases: replaceAt(data.databases, dbIndex, db) }
}

/** The model with retention policy `loc` replaced by `rp`. */
export function withRetentionPolicy(
  data: MetaDataFields,
  loc: Pick<RetentionPolicyLocation, 'dbIndex' | 'rpIndex' | 'db'>,
  rp: RetentionPolicyInfo,
): MetaDataFields {
  return withDatabase(data, loc.dbIndex, {
    ...loc.db,
    retentionPolicies: replaceAt(loc.db.retentionPolicies, loc.rpIndex, rp),
  })
}
