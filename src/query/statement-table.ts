// Which handler runs each statement kind, which statements carry the read-only (GET) warning, and
// the checks InfluxDB makes while rewriting SHOW statements into SELECTs (whose failures it reports
// under statement ID 0, a quirk kept here).

import type { Statement } from '../influxql/index.js'
import type { ExecutionContext, ResultPart } from './context.js'
import {
  createContinuousQuery,
  createSubscription,
  dropContinuousQuery,
  dropSubscription,
  showContinuousQueries,
  showSubscriptions,
} from './cq-statements.js'
import {
  alterRetentionPolicy,
  createDatabase,
  createRetentionPolicy,
  dropDatabase,
  dropRetentionPolicy,
  showDatabases,
  showRetentionPolicies,
} from './database-statements.js'
import { showDiagnostics, showStats } from './diagnostics.js'
import { hasTimeExpr } from './condition.js'
import { deleteSeries, dropMeasurement, dropSeries } from './series-statements.js'
import { dropShard, showShardGroups, showShards } from './shard-statements.js'
import { showCardinality, showFieldKeys, showSeries } from './show-data-statements.js'
import {
  showMeasurementCardinality,
  showMeasurements,
  showSeriesCardinality,
  showTagKeys,
  showTagValues,
} from './show-index-statements.js'
import {
  createUser,
  dropUser,
  grant,
  grantAdmin,
  revoke,
  revokeAdmin,
  setPassword,
  showGrants,
  showUsers,
} from './user-statements.js'

/** Statements that change something: run over GET they carry InfluxDB's deprecation warning. */
export function warnsWhenReadOnly(stmt: Statement): boolean {
  switch (stmt.kind) {
    case 'AlterRetentionPolicyStatement':
    case 'CreateContinuousQueryStatement':
    case 'CreateDatabaseStatement':
    case 'CreateRetentionPolicyStatement':
    case 'CreateSubscriptionStatement':
    case 'CreateUserStatement':
    case 'DropContinuousQueryStatement':
    case 'DropDatabaseStatement':
    case 'DropMeasurementStatement':
    case 'DropSeriesStatement':
    case 'DropRetentionPolicyStatement':
    case 'DropShardStatement':
    case 'DropSubscriptionStatement':
    case 'DropUserStatement':
    case 'GrantStatement':
    case 'GrantAdminStatement':
    case 'RevokeStatement':
    case 'RevokeAdminStatement':
    case 'SetPasswordUserStatement':
    case 'KillQueryStatement':
      return true
    default:
      return false
  }
}

/** The estimate forms of SERIES/MEASUREMENT CARDINALITY: no EXACT and no clause at all. */
function isEstimate(stmt: {
  readonly exact: boolean
  readonly sources: readonly unknown[]
  readonly condition: unknown
  readonly dimensions: readonly unknown[]
  readonly limit: number
  readonly offset: number
}): boolean {
  return (
    !stmt.exact &&
    stmt.sources.length === 0 &&
    stmt.condition === null &&
    stmt.dimensions.length === 0 &&
    stmt.limit === 0 &&
    stmt.offset === 0
  )
}

/** The error InfluxDB's statement rewriter gives for `stmt`, if any. */
export function rewriteError(stmt: Statement): string | undefined {
  switch (stmt.kind) {
    case 'ShowMeasurementsStatement':
      return hasTimeExpr(stmt.condition)
        ? "SHOW MEASUREMENTS doesn't support time in WHERE clause"
        : undefined
    case 'ShowMeasurementCardinalityStatement':
      return !isEstimate(stmt) && hasTimeExpr(stmt.condition)
        ? "SHOW MEASUREMENT EXACT CARDINALITY doesn't support time in WHERE clause"
        : undefined
    case 'ShowSeriesCardinalityStatement':
      return !isEstimate(stmt) && hasTimeExpr(stmt.condition)
        ? "SHOW SERIES EXACT CARDINALITY doesn't support time in WHERE clause"
        : undefined
    case 'ShowTagKeyCardinalityStatement':
      return hasTimeExpr(stmt.condition)
        ? "SHOW TAG KEY EXACT CARDINALITY doesn't support time in WHERE clause"
        : undefined
    case 'ShowFieldKeyCardinalityStatement':
      return hasTimeExpr(stmt.condition)
        ? "SHOW FIELD KEY CARDINALITY doesn't support time in WHERE clause"
        : undefined
    default:
      return undefined
  }
}

/**
 * Runs one statement other than SELECT, EXPLAIN, SHOW QUERIES and KILL QUERY (which the executor
 * handles itself).
 */
export function runStatement(stmt: Statement, ctx: ExecutionContext): AsyncIterable<ResultPart> {
  switch (stmt.kind) {
    case 'CreateDatabaseStatement':
      return createDatabase(stmt, ctx)
    case 'DropDatabaseStatement':
      return dropDatabase(stmt, ctx)
    case 'CreateRetentionPolicyStatement':
      return createRetentionPolicy(stmt, ctx)
    case 'AlterRetentionPolicyStatement':
      return alterRetentionPolicy(stmt, ctx)
    case 'DropRetentionPolicyStatement':
      return dropRetentionPolicy(stmt, ctx)
    case 'ShowDatabasesStatement':
      return showDatabases(stmt, ctx)
    case 'ShowRetentionPoliciesStatement':
      return showRetentionPolicies(stmt, ctx)
    case 'CreateUserStatement':
      return createUser(stmt, ctx)
    case 'DropUserStatement':
      return dropUser(stmt, ctx)
    case 'SetPasswordUserStatement':
      return setPassword(stmt, ctx)
    case 'GrantStatement':
      return grant(stmt, ctx)
    case 'GrantAdminStatement':
      return grantAdmin(stmt, ctx)
    case 'RevokeStatement':
      return revoke(stmt, ctx)
    case 'RevokeAdminStatement':
      return revokeAdmin(stmt, ctx)
    case 'ShowUsersStatement':
      return showUsers(stmt, ctx)
    case 'ShowGrantsForUserStatement':
      return showGrants(stmt, ctx)
    case 'CreateContinuousQueryStatement':
      return createContinuousQuery(stmt, ctx)
    case 'DropContinuousQueryStatement':
      return dropContinuousQuery(stmt, ctx)
    case 'ShowContinuousQueriesStatement':
      return showContinuousQueries(stmt, ctx)
    case 'CreateSubscriptionStatement':
      return createSubscription(stmt, ctx)
    case 'DropSubscriptionStatement':
      return dropSubscription(stmt, ctx)
    case 'ShowSubscriptionsStatement':
      return showSubscriptions(stmt, ctx)
    case 'DropShardStatement':
      return dropShard(stmt, ctx)
    case 'ShowShardsStatement':
      return showShards(stmt, ctx)
    case 'ShowShardGroupsStatement':
      return showShardGroups(stmt, ctx)
    case 'DropMeasurementStatement':
      return dropMeasurement(stmt, ctx)
    case 'DropSeriesStatement':
      return dropSeries(stmt, ctx)
    case 'DeleteSeriesStatement':
      return deleteSeries(stmt, ctx)
    case 'ShowMeasurementsStatement':
      return showMeasurements(stmt, ctx)
    case 'ShowTagKeysStatement':
      return showTagKeys(stmt, ctx)
    case 'ShowTagValuesStatement':
      return showTagValues(stmt, ctx)
    case 'ShowSeriesStatement':
      return showSeries(stmt, ctx)
    case 'ShowFieldKeysStatement':
      return showFieldKeys(stmt, ctx)
    case 'ShowSeriesCardinalityStatement':
      return isEstimate(stmt) ? showSeriesCardinality(stmt, ctx) : showCardinality(stmt, ctx)
    case 'ShowMeasurementCardinalityStatement':
      return isEstimate(stmt) ? showMeasurementCardinality(stmt, ctx) : showCardinality(stmt, ctx)
    case 'ShowTagKeyCardinalityStatement':
    case 'ShowTagValuesCardinalityStatement':
    case 'ShowFieldKeyCardinalityStatement':
      return showCardinality(stmt, ctx)
    case 'ShowDiagnosticsStatement':
      return showDiagnostics(stmt, ctx)
    case 'ShowStatsStatement':
      return showStats(stmt, ctx)
    case 'SelectStatement':
    case 'ExplainStatement':
    case 'ShowQueriesStatement':
    case 'KillQueryStatement':
      throw new Error(`${stmt.kind} is run by the executor itself`)
    default: {
      const never: never = stmt
      throw new Error(`unknown statement ${String(never)}`)
    }
  }
}
