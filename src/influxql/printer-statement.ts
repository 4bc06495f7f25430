// Prints statements in InfluxQL's canonical form, exactly as InfluxDB's String() methods do:
// the text SHOW CONTINUOUS QUERIES shows, that query logs print, and that parses back to the same
// statement. Passwords print as [REDACTED]. Two quirks are kept for fidelity: CREATE DATABASE
// prints durations as Go does (`1h0m0s`), and SHOW MEASUREMENTS ON prints its database unquoted.

import type { Dimension, Expr, SortField, Source } from './ast-expr.js'
import type { Query, Statement, TagKeyFilter } from './ast-statement.js'
import { formatDuration, formatGoDuration } from './duration.js'
import {
  formatDimensions,
  formatExpr,
  formatSelect,
  formatSortFields,
  formatSource,
  formatSources,
} from './printer-expr.js'
import { quoteIdent, quoteString } from './quote.js'

interface Clauses {
  readonly database?: string
  readonly sources?: readonly Source[]
  readonly condition?: Expr | null
  readonly dimensions?: readonly Dimension[]
  readonly sortFields?: readonly SortField[]
  readonly limit?: number
  readonly offset?: number
  readonly sLimit?: number
  readonly sOffset?: number
}

/** ON / FROM / WHERE / GROUP BY / ORDER BY / LIMIT / OFFSET / SLIMIT / SOFFSET, when present. */
function clauses(c: Clauses, tagKey?: TagKeyFilter): string {
  let text = ''
  if (c.database !== undefined && c.database !== '') text += ' ON ' + quoteIdent(c.database)
  if (c.sources !== undefined && c.sources.length > 0) text += ' FROM ' + formatSources(c.sources)
  if (tagKey !== undefined) {
    const operand =
      tagKey.tagKeyExpr.kind === 'StringLiteral'
        ? quoteIdent(tagKey.tagKeyExpr.value)
        : formatExpr(tagKey.tagKeyExpr)
    text += ` WITH KEY ${tagKey.op} ${operand}`
  }
  if (c.condition !== undefined && c.condition !== null) text += ' WHERE ' + formatExpr(c.condition)
  if (c.dimensions !== undefined && c.dimensions.length > 0)
    text += ' GROUP BY ' + formatDimensions(c.dimensions)
  if (c.sortFields !== undefined && c.sortFields.length > 0)
    text += ' ORDER BY ' + formatSortFields(c.sortFields)
  if (c.limit !== undefined && c.limit > 0) text += ` LIMIT ${c.limit}`
  if (c.offset !== undefined && c.offset > 0) text += ` OFFSET ${c.offset}`
  if (c.sLimit !== undefined && c.sLimit > 0) text += ` SLIMIT ${c.sLimit}`
  if (c.sOffset !== undefined && c.sOffset > 0) text += ` SOFFSET ${c.sOffset}`
  return text
}

const exact = (isExact: boolean): string => (isExact ? 'EXACT ' : '')

/** `db.rp` of the subscription statements, each part quoted as needed. */
const onRetentionPolicy = (s: { database: string; retentionPolicy: string }): string =>
  `${quoteIdent(s.database)}.${quoteIdent(s.retentionPolicy)}`

/** A statement in canonical InfluxQL. */
export function formatStatement(s: Statement): string {
  switch (s.kind) {
    case 'SelectStatement':
      return formatSelect(s)
    case 'ExplainStatement':
      return 'EXPLAIN ' + (s.analyze ? 'ANALYZE ' : '') + formatSelect(s.statement)
    case 'DeleteSeriesStatement':
      return 'DELETE' + clauses({ sources: s.sources, condition: s.condition })
    case 'DropSeriesStatement':
      return 'DROP SERIES' + clauses({ sources: s.sources, condition: s.condition })
    case 'DropMeasurementStatement':
      return 'DROP MEASUREMENT ' + quoteIdent(s.name)
    case 'DropShardStatement':
      return `DROP SHARD ${s.id}`
    case 'CreateDatabaseStatement': {
      let text = 'CREATE DATABASE ' + quoteIdent(s.name)
      if (s.retentionPolicyCreate) {
        text += ' WITH'
        if (s.retentionPolicyDuration !== null)
          text += ' DURATION ' + formatGoDuration(s.retentionPolicyDuration)
        if (s.retentionPolicyReplication !== null)
          text += ` REPLICATION ${s.retentionPolicyReplication}`
        if (s.retentionPolicyShardGroupDuration > 0n) {
          text += ' SHARD DURATION ' + formatGoDuration(s.retentionPolicyShardGroupDuration)
        }
        if (s.retentionPolicyName !== '') text += ' NAME ' + quoteIdent(s.retentionPolicyName)
      }
      return text
    }
    case 'DropDatabaseStatement':
      return 'DROP DATABASE ' + quoteIdent(s.name)
    case 'CreateRetentionPolicyStatement':
      return (
        `CREATE RETENTION POLICY ${quoteIdent(s.name)} ON ${quoteIdent(s.database)}` +
        ` DURATION ${formatDuration(s.duration)} REPLICATION ${s.replication}` +
        (s.shardGroupDuration > 0n
          ? ` SHARD DURATION ${formatDuration(s.shardGroupDuration)}`
          : '') +
        (s.default ? ' DEFAULT' : '')
      )
    case 'AlterRetentionPolicyStatement':
      return (
        `ALTER RETENTION POLICY ${quoteIdent(s.name)} ON ${quoteIdent(s.database)}` +
        (s.duration !== null ? ` DURATION ${formatDuration(s.duration)}` : '') +
        (s.replication !== null ? ` REPLICATION ${s.replication}` : '') +
        (s.shardGroupDuration !== null
          ? ` SHARD DURATION ${formatDuration(s.shardGroupDuration)}`
          : '') +
        (s.default ? ' DEFAULT' : '')
      )
    case 'DropRetentionPolicyStatement':
      return `DROP RETENTION POLICY ${quoteIdent(s.name)} ON ${quoteIdent(s.database)}`
    case 'CreateUserStatement':
      return (
        `CREATE USER ${quoteIdent(s.name)} WITH PASSWORD [REDACTED]` +
        (s.admin ? ' WITH ALL PRIVILEGES' : '')
      )
    case 'DropUserStatement':
      return 'DROP USER ' + quoteIdent(s.name)
    case 'SetPasswordUserStatement':
      return `SET PASSWORD FOR ${quoteIdent(s.name)} = [REDACTED]`
    case 'GrantStatement':
      return `GRANT ${s.privilege} ON ${quoteIdent(s.on)} TO ${quoteIdent(s.user)}`
    case 'GrantAdminStatement':
      return 'GRANT ALL PRIVILEGES TO ' + quoteIdent(s.user)
    case 'RevokeStatement':
      return `REVOKE ${s.privilege} ON ${quoteIdent(s.on)} FROM ${quoteIdent(s.user)}`
    case 'RevokeAdminStatement':
      return 'REVOKE ALL PRIVILEGES FROM ' + quoteIdent(s.user)
    case 'CreateContinuousQueryStatement': {
      let text = `CREATE CONTINUOUS QUERY ${quoteIdent(s.name)} ON ${quoteIdent(s.database)} `
      if (s.resampleEvery > 0n || s.resampleFor > 0n) {
        text += 'RESAMPLE '
        if (s.resampleEvery > 0n) text += `EVERY ${formatDuration(s.resampleEvery)} `
        if (s.resampleFor > 0n) text += `FOR ${formatDuration(s.resampleFor)} `
      }
      return text + `BEGIN ${formatSelect(s.source)} END`
    }
    case 'DropContinuousQueryStatement':
      return `DROP CONTINUOUS QUERY ${quoteIdent(s.name)} ON ${quoteIdent(s.database)}`
    case 'CreateSubscriptionStatement':
      return (
        `CREATE SUBSCRIPTION ${quoteIdent(s.name)} ON ${onRetentionPolicy(s)}` +
        ` DESTINATIONS ${s.mode} ${s.destinations.map(quoteString).join(', ')}`
      )
    case 'DropSubscriptionStatement':
      return `DROP SUBSCRIPTION ${quoteIdent(s.name)} ON ${onRetentionPolicy(s)}`
    case 'ShowDatabasesStatement':
      return 'SHOW DATABASES'
    case 'ShowRetentionPoliciesStatement':
      return 'SHOW RETENTION POLICIES' + clauses({ database: s.database })
    case 'ShowMeasurementsStatement': {
      let text = 'SHOW MEASUREMENTS'
      if (s.database !== '') text += ' ON ' + s.database
      if (s.source !== null) {
        const op = s.source.kind === 'Measurement' && s.source.regex !== null ? '=~' : '='
        text += ` WITH MEASUREMENT ${op} ${formatSource(s.source)}`
      }
      return (
        text +
        clauses({
          condition: s.condition,
          sortFields: s.sortFields,
          limit: s.limit,
          offset: s.offset,
        })
      )
    }
    case 'ShowMeasurementCardinalityStatement':
      return 'SHOW MEASUREMENT ' + exact(s.exact) + 'CARDINALITY' + clauses(s)
    case 'ShowSeriesStatement':
      return 'SHOW SERIES' + clauses(s)
    case 'ShowSeriesCardinalityStatement':
      return 'SHOW SERIES ' + exact(s.exact) + 'CARDINALITY' + clauses(s)
    case 'ShowTagKeysStatement':
      return 'SHOW TAG KEYS' + clauses(s)
    case 'ShowTagKeyCardinalityStatement':
      return 'SHOW TAG KEY ' + exact(s.exact) + 'CARDINALITY' + clauses(s)
    case 'ShowTagValuesStatement':
      return 'SHOW TAG VALUES' + clauses(s, s)
    case 'ShowTagValuesCardinalityStatement':
      return 'SHOW TAG VALUES ' + exact(s.exact) + 'CARDINALITY' + clauses(s, s)
    case 'ShowFieldKeysStatement':
      return 'SHOW FIELD KEYS' + clauses(s)
    case 'ShowFieldKeyCardinalityStatement':
      return 'SHOW FIELD KEY ' + exact(s.exact) + 'CARDINALITY' + clauses(s)
    case 'ShowShardsStatement':
      return 'SHOW SHARDS'
    case 'ShowShardGroupsStatement':
      return 'SHOW SHARD GROUPS'
    case 'ShowUsersStatement':
      return 'SHOW USERS'
    case 'ShowGrantsForUserStatement':
      return 'SHOW GRANTS FOR ' + quoteIdent(s.name)
    case 'ShowContinuousQueriesStatement':
      return 'SHOW CONTINUOUS QUERIES'
    case 'ShowSubscriptionsStatement':
      return 'SHOW SUBSCRIPTIONS'
    case 'ShowQueriesStatement':
      return 'SHOW QUERIES'
    case 'ShowDiagnosticsStatement':
      return 'SHOW DIAGNOSTICS' + (s.module !== '' ? ' FOR ' + quoteString(s.module) : '')
    case 'ShowStatsStatement':
      return 'SHOW STATS' + (s.module !== '' ? ' FOR ' + quoteString(s.module) : '')
    case 'KillQueryStatement':
      return `KILL QUERY ${s.queryID}` + (s.host !== '' ? ' ON ' + quoteIdent(s.host) : '')
    default: {
      const never: never = s
      throw new TypeError(`unknown statement ${JSON.stringify(never)}`)
    }
  }
}

/** A whole query: its statements in canonical form, separated by `;\n`. */
export function formatQuery(q: Query): string {
  return q.statements.map(formatStatement).join(';\n')
}
