// CREATE/DROP DATABASE, CREATE/ALTER/DROP RETENTION POLICY, SHOW DATABASES and SHOW RETENTION
// POLICIES, as InfluxDB 1.6's coordinator/statement_executor.go runs them: names are checked with
// meta.ValidName (`invalid name`), the metastore applies the change with its own checks and texts,
// and drops remove the local shards before the metadata (and are silent when nothing exists).

import type {
  AlterRetentionPolicyStatement,
  CreateDatabaseStatement,
  CreateRetentionPolicyStatement,
  DropDatabaseStatement,
  DropRetentionPolicyStatement,
  ShowDatabasesStatement,
  ShowRetentionPoliciesStatement,
} from '../influxql/index.js'
import { formatGoDuration } from '../influxql/index.js'
import { Privilege, authorizeDatabase, isValidName } from '../meta/index.js'
import type { RetentionPolicySpec, RetentionPolicyUpdate } from '../meta/index.js'
import type { ExecutionContext, ResultPart } from './context.js'
import { StatementError } from './errors.js'
import { databaseNameRequired, databaseNotFound } from './normalize.js'
import type { QueryCell } from './result.js'

function invalidName(name: string): StatementError {
  return new StatementError('invalid name', { name })
}

/** CREATE DATABASE, with or without a WITH clause for its default retention policy. */
export async function* createDatabase(
  stmt: CreateDatabaseStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  if (!isValidName(stmt.name)) throw invalidName(stmt.name)
  if (!stmt.retentionPolicyCreate) {
    await ctx.meta.update((d) => d.createDatabase(stmt.name, ctx.retentionAutoCreate))
    return
  }
  if (stmt.retentionPolicyName !== '' && !isValidName(stmt.retentionPolicyName))
    throw invalidName(stmt.retentionPolicyName)
  const spec: RetentionPolicySpec = {
    name: stmt.retentionPolicyName,
    ...(stmt.retentionPolicyDuration !== null && { durationNs: stmt.retentionPolicyDuration }),
    ...(stmt.retentionPolicyReplication !== null && { replicaN: stmt.retentionPolicyReplication }),
    shardGroupDurationNs: stmt.retentionPolicyShardGroupDuration,
  }
  await ctx.meta.update((d) => d.createDatabaseWithRetentionPolicy(stmt.name, spec))
}

/** DROP DATABASE: its shards, then its metadata; nothing when it does not exist. */
export async function* dropDatabase(
  stmt: DropDatabaseStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  if (ctx.meta.data.database(stmt.name) === undefined) return
  await ctx.store.deleteDatabase(stmt.name)
  await ctx.meta.update((d) => d.dropDatabase(stmt.name))
}

/** CREATE RETENTION POLICY. */
export async function* createRetentionPolicy(
  stmt: CreateRetentionPolicyStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  if (!isValidName(stmt.name)) throw invalidName(stmt.name)
  const spec: RetentionPolicySpec = {
    name: stmt.name,
    durationNs: stmt.duration,
    replicaN: stmt.replication,
    shardGroupDurationNs: stmt.shardGroupDuration,
  }
  await ctx.meta.update((d) => d.createRetentionPolicy(stmt.database, spec, stmt.default))
}

/** ALTER RETENTION POLICY: the given settings change, the others stay. */
export async function* alterRetentionPolicy(
  stmt: AlterRetentionPolicyStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const update: RetentionPolicyUpdate = {
    ...(stmt.duration !== null && { durationNs: stmt.duration }),
    ...(stmt.replication !== null && { replicaN: stmt.replication }),
    ...(stmt.shardGroupDuration !== null && { shardGroupDurationNs: stmt.shardGroupDuration }),
  }
  await ctx.meta.update((d) =>
    d.updateRetentionPolicy(stmt.database, stmt.name, update, stmt.default),
  )
}

/** DROP RETENTION POLICY: its shards, then its metadata; nothing when it does not exist. */
export async function* dropRetentionPolicy(
  stmt: DropRetentionPolicyStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const db = ctx.meta.data.database(stmt.database)
  if (db === undefined || !db.retentionPolicies.some((rp) => rp.name === stmt.name)) return
  await ctx.store.deleteRetentionPolicy(stmt.database, stmt.name)
  await ctx.meta.update((d) => d.dropRetentionPolicy(stmt.database, stmt.name))
}

/** SHOW DATABASES: every database the user may read or write. */
export async function* showDatabases(
  _stmt: ShowDatabasesStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const values: QueryCell[][] = []
  const user = ctx.authorizer
  for (const db of ctx.meta.data.databases) {
    if (
      user === undefined ||
      authorizeDatabase(user, Privilege.Read, db.name) ||
      authorizeDatabase(user, Privilege.Write, db.name)
    ) {
      values.push([db.name])
    }
  }
  yield { series: [{ name: 'databases', columns: ['name'], ...(values.length > 0 && { values }) }] }
}

/** SHOW RETENTION POLICIES [ON db]. */
export async function* showRetentionPolicies(
  stmt: ShowRetentionPoliciesStatement,
  ctx: ExecutionContext,
): AsyncIterable<ResultPart> {
  const name = stmt.database !== '' ? stmt.database : ctx.defaultDatabase
  if (name === '') throw databaseNameRequired()
  const db = ctx.meta.data.database(name)
  if (db === undefined) throw databaseNotFound(name)
  const values: QueryCell[][] = db.retentionPolicies.map((rp) => [
    rp.name,
    formatGoDuration(rp.durationNs),
    formatGoDuration(rp.shardGroupDurationNs),
    BigInt(rp.replicaN),
    db.defaultRetentionPolicy === rp.name,
  ])
  const columns = ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default']
  yield { series: [{ columns, ...(values.length > 0 && { values }) }] }
}
