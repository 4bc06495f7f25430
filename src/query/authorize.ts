// Query authorization when auth is enabled, as InfluxDB 1.6's QueryAuthorizer does it before any
// statement runs: with no users at all only `CREATE USER … WITH ALL PRIVILEGES` may come first;
// without a user nothing runs; admins run everything; others need, per statement, the privileges
// of influxql's RequiredPrivileges (admin, or READ/WRITE on the statement's database, which
// defaults to the request's `db`).

import type { Query, SelectStatement, Source, Statement } from '../influxql/index.js'
import { formatStatement } from '../influxql/index.js'
import { Privilege, authorizeDatabase } from '../meta/index.js'
import type { MetaData, Privilege as PrivilegeValue, UserInfo } from '../meta/index.js'
import { QueryAuthorizationError } from './errors.js'
import type { QueryUser } from './result.js'
import { privilegeName } from './user-statements.js'

/** One privilege a statement needs: admin, or a privilege on a database ('' = the request's). */
export type RequiredPrivilege =
  | { readonly admin: true }
  | { readonly admin: false; readonly database: string; readonly privilege: PrivilegeValue }

const ADMIN: readonly RequiredPrivilege[] = [{ admin: true }]

function on(database: string, privilege: PrivilegeValue): RequiredPrivilege {
  return { admin: false, database, privilege }
}

function sourcePrivileges(sources: readonly Source[]): RequiredPrivilege[] {
  const out: RequiredPrivilege[] = []
  for (const s of sources) {
    if (s.kind === 'SubQuery') out.push(...selectPrivileges(s.statement))
    else out.push(on(s.database, Privilege.Read))
  }
  return out
}

function selectPrivileges(s: SelectStatement): RequiredPrivilege[] {
  const out = sourcePrivileges(s.sources)
  if (s.target !== null) out.push(on(s.target.measurement.database, Privilege.Write))
  return out
}

/** The privileges InfluxDB requires for a statement (influxql's RequiredPrivileges). */
export function requiredPrivileges(stmt: Statement): readonly RequiredPrivilege[] {
  switch (stmt.kind) {
    case 'CreateDatabaseStatement':
    case 'DropDatabaseStatement':
    case 'CreateUserStatement':
    case 'DropUserStatement':
    case 'GrantStatement':
    case 'GrantAdminStatement':
    case 'KillQueryStatement':
    case 'SetPasswordUserStatement':
    case 'RevokeStatement':
    case 'RevokeAdminStatement':
    case 'CreateRetentionPolicyStatement':
    case 'AlterRetentionPolicyStatement':
    case 'ShowGrantsForUserStatement':
    case 'DropShardStatement':
    case 'DropMeasurementStatement':
    case 'ShowStatsStatement':
    case 'ShowShardGroupsStatement':
    case 'ShowShardsStatement':
    case 'ShowDiagnosticsStatement':
    case 'CreateSubscriptionStatement':
    case 'DropSubscriptionStatement':
    case 'ShowSubscriptionsStatement':
    case 'ShowUsersStatement':
      return ADMIN
    case 'DropRetentionPolicyStatement':
    case 'DropContinuousQueryStatement':
      return [on(stmt.database, Privilege.Write)]
    case 'SelectStatement':
      return selectPrivileges(stmt)
    case 'ExplainStatement':
      return selectPrivileges(stmt.statement)
    case 'DeleteSeriesStatement':
    case 'DropSeriesStatement':
      return [on('', Privilege.Write)]
    case 'ShowSeriesStatement':
    case 'ShowMeasurementsStatement':
    case 'ShowRetentionPoliciesStatement':
    case 'ShowTagKeysStatement':
    case 'ShowTagValuesStatement':
    case 'ShowFieldKeysStatement':
      return [on(stmt.database, Privilege.Read)]
    case 'ShowSeriesCardinalityStatement':
    case 'ShowMeasurementCardinalityStatement':
      return stmt.exact ? sourcePrivileges(stmt.sources) : [on(stmt.database, Privilege.Read)]
    case 'ShowTagKeyCardinalityStatement':
    case 'ShowTagValuesCardinalityStatement':
    case 'ShowFieldKeyCardinalityStatement':
      return sourcePrivileges(stmt.sources)
    case 'ShowContinuousQueriesStatement':
    case 'ShowQueriesStatement':
      return [on('', Privilege.Read)]
    case 'ShowDatabasesStatement':
      return [on('', Privilege.None)]
    case 'CreateContinuousQueryStatement': {
      const out = [on(stmt.database, Privilege.Read)]
      const target = stmt.source.target?.measurement.database ?? ''
      if (target !== '') out.push(on(target, Privilege.Write))
      return out
    }
    default: {
      const never: never = stmt
      throw new Error(`unknown statement ${String(never)}`)
    }
  }
}

/** The user to check: the metastore's current record, else what the request carried. */
function currentUser(data: MetaData, user: QueryUser): UserInfo {
  const stored = data.user(user.name)
  if (stored !== undefined) return stored
  const values = {
    none: Privilege.None,
    read: Privilege.Read,
    write: Privilege.Write,
    all: Privilege.All,
  } as const
  const privileges = new Map<string, PrivilegeValue>()
  for (const [db, p] of user.privileges) privileges.set(db, values[p])
  return { name: user.name, hash: '', admin: user.admin, privileges }
}

/**
 * Checks that `user` may run every statement of `query` (`database` is the request's `db`).
 * Throws QueryAuthorizationError with InfluxDB's text. Returns the user as the metastore knows it.
 */
export function authorizeQuery(
  data: MetaData,
  user: QueryUser | undefined,
  query: Query,
  database: string,
): UserInfo | undefined {
  if (data.users.length === 0) {
    const first = query.statements[0]
    if (first?.kind === 'CreateUserStatement' && first.admin) return undefined
    throw new QueryAuthorizationError('create admin user first or disable authentication', {
      database,
    })
  }
  if (user === undefined) throw new QueryAuthorizationError('no user provided', { database })
  const u = currentUser(data, user)
  if (u.admin) return u
  for (const stmt of query.statements) {
    for (const p of requiredPrivileges(stmt)) {
      if (p.admin) {
        throw new QueryAuthorizationError(
          `${u.name} not authorized to execute statement '${formatStatement(stmt)}', requires admin privilege`,
          { user: u.name, database },
        )
      }
      const db = p.database !== '' ? p.database : database
      if (!authorizeDatabase(u, p.privilege, db)) {
        throw new QueryAuthorizationError(
          `${u.name} not authorized to execute statement '${formatStatement(stmt)}', requires ${privilegeName(p.privilege)} on ${db}`,
          { user: u.name, database },
        )
      }
    }
  }
  return u
}
