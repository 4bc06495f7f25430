// The statement nodes of the InfluxQL syntax tree: one readonly interface per statement of
// InfluxDB 1.6, with a `kind` named after InfluxDB's Go type. Durations are nanoseconds
// (`bigint`); a duration of 0 or a '' name means "not given" unless the field is nullable.

import type {
  Dimension,
  Expr,
  ListLiteral,
  RegexLiteral,
  SelectStatementNode,
  SortField,
  Source,
  StringLiteral,
} from './ast-expr.js'

/** `SELECT ...`. */
export type SelectStatement = SelectStatementNode

/** A privilege granted on a database. */
export type Privilege = 'READ' | 'WRITE' | 'ALL PRIVILEGES'

/** The shared shape of the SHOW ... CARDINALITY statements. */
interface CardinalityFields {
  readonly exact: boolean
  readonly database: string
  readonly sources: readonly Source[]
  readonly condition: Expr | null
  readonly dimensions: readonly Dimension[]
  readonly limit: number
  readonly offset: number
}

/** The operator and operand of `WITH KEY = k | != k | =~ /re/ | !~ /re/ | IN (a, b)`. */
export interface TagKeyFilter {
  readonly op: '=' | '!=' | '=~' | '!~' | 'IN'
  readonly tagKeyExpr: StringLiteral | RegexLiteral | ListLiteral
}

/** `DELETE [FROM m, ...] [WHERE cond]` (at least one of the two). */
export interface DeleteSeriesStatement {
  readonly kind: 'DeleteSeriesStatement'
  readonly sources: readonly Source[]
  readonly condition: Expr | null
}

/** `DROP SERIES [FROM m, ...] [WHERE cond]` (at least one of the two). */
export interface DropSeriesStatement {
  readonly kind: 'DropSeriesStatement'
  readonly sources: readonly Source[]
  readonly condition: Expr | null
}

/** `DROP MEASUREMENT name`. */
export interface DropMeasurementStatement {
  readonly kind: 'DropMeasurementStatement'
  readonly name: string
}

/** `DROP SHARD id`. */
export interface DropShardStatement {
  readonly kind: 'DropShardStatement'
  readonly id: bigint
}

/** `CREATE DATABASE name [WITH [DURATION d] [REPLICATION n] [SHARD DURATION d] [NAME rp]]`. */
export interface CreateDatabaseStatement {
  readonly kind: 'CreateDatabaseStatement'
  readonly name: string
  /** True when a WITH clause was given. */
  readonly retentionPolicyCreate: boolean
  /** DURATION, 0 meaning INF; null when not given. */
  readonly retentionPolicyDuration: bigint | null
  readonly retentionPolicyReplication: number | null
  readonly retentionPolicyName: string
  /** SHARD DURATION; 0 when not given. */
  readonly retentionPolicyShardGroupDuration: bigint
}

/** `DROP DATABASE name`. */
export interface DropDatabaseStatement {
  readonly kind: 'DropDatabaseStatement'
  readonly name: string
}

/** `CREATE RETENTION POLICY rp ON db DURATION d REPLICATION n [SHARD DURATION d] [DEFAULT]`. */
export interface CreateRetentionPolicyStatement {
  readonly kind: 'CreateRetentionPolicyStatement'
  readonly name: string
  readonly database: string
  /** 0 means INF. */
  readonly duration: bigint
  readonly replication: number
  readonly default: boolean
  /** 0 when not given. */
  readonly shardGroupDuration: bigint
}

/** `ALTER RETENTION POLICY rp ON db [DURATION d] [REPLICATION n] [SHARD DURATION d] [DEFAULT]`. */
export interface AlterRetentionPolicyStatement {
  readonly kind: 'AlterRetentionPolicyStatement'
  readonly name: string
  readonly database: string
  readonly duration: bigint | null
  readonly replication: number | null
  readonly default: boolean
  readonly shardGroupDuration: bigint | null
}

/** `DROP RETENTION POLICY rp ON db`. */
export interface DropRetentionPolicyStatement {
  readonly kind: 'DropRetentionPolicyStatement'
  readonly name: string
  readonly database: string
}

/** `CREATE USER name WITH PASSWORD 'pw' [WITH ALL PRIVILEGES]`. */
export interface CreateUserStatement {
  readonly kind: 'CreateUserStatement'
  readonly name: string
  readonly password: string
  readonly admin: boolean
}

/** `DROP USER name`. */
export interface DropUserStatement {
  readonly kind: 'DropUserStatement'
  readonly name: string
}

/** `SET PASSWORD FOR name = 'pw'`. */
export interface SetPasswordUserStatement {
  readonly kind: 'SetPasswordUserStatement'
  readonly name: string
  readonly password: string
}

/** `GRANT READ|WRITE|ALL [PRIVILEGES] ON db TO user`. */
export interface GrantStatement {
  readonly kind: 'GrantStatement'
  readonly privilege: Privilege
  readonly on: string
  readonly user: string
}

/** `GRANT ALL [PRIVILEGES] TO user` (cluster admin). */
export interface GrantAdminStatement {
  readonly kind: 'GrantAdminStatement'
  readonly user: string
}

/** `REVOKE READ|WRITE|ALL [PRIVILEGES] ON db FROM user`. */
export interface RevokeStatement {
  readonly kind: 'RevokeStatement'
  readonly privilege: Privilege
  readonly on: string
  readonly user: string
}

/** `REVOKE ALL [PRIVILEGES] FROM user` (cluster admin). */
export interface RevokeAdminStatement {
  readonly kind: 'RevokeAdminStatement'
  readonly user: string
}

/** `CREATE CONTINUOUS QUERY name ON db [RESAMPLE [EVERY d] [FOR d]] BEGIN select END`. */
export interface CreateContinuousQueryStatement {
  readonly kind: 'CreateContinuousQueryStatement'
  readonly name: string
  readonly database: string
  readonly source: SelectStatement
  /** 0 when not given. */
  readonly resampleEvery: bigint
  /** 0 when not given. */
  readonly resampleFor: bigint
}

/** `DROP CONTINUOUS QUERY name ON db`. */
export interface DropContinuousQueryStatement {
  readonly kind: 'DropContinuousQueryStatement'
  readonly name: string
  readonly database: string
}

/** `CREATE SUBSCRIPTION name ON db.rp DESTINATIONS ALL|ANY 'url', ...`. */
export interface CreateSubscriptionStatement {
  readonly kind: 'CreateSubscriptionStatement'
  readonly name: string
  readonly database: string
  readonly retentionPolicy: string
  readonly destinations: readonly string[]
  readonly mode: 'ALL' | 'ANY'
}

/** `DROP SUBSCRIPTION name ON db.rp`. */
export interface DropSubscriptionStatement {
  readonly kind: 'DropSubscriptionStatement'
  readonly name: string
  readonly database: string
  readonly retentionPolicy: string
}

/** `SHOW DATABASES`. */
export interface ShowDatabasesStatement {
  readonly kind: 'ShowDatabasesStatement'
}

/** `SHOW RETENTION POLICIES [ON db]`. */
export interface ShowRetentionPoliciesStatement {
  readonly kind: 'ShowRetentionPoliciesStatement'
  readonly database: string
}

/** `SHOW MEASUREMENTS [ON db] [WITH MEASUREMENT =|=~ m] [WHERE] [ORDER BY] [LIMIT] [OFFSET]`. */
export interface ShowMeasurementsStatement {
  readonly kind: 'ShowMeasurementsStatement'
  readonly database: string
  /** The WITH MEASUREMENT source (a name, or a regex for =~); null when absent. */
  readonly source: Source | null
  readonly condition: Expr | null
  readonly sortFields: readonly SortField[]
  readonly limit: number
  readonly offset: number
}

/** `SHOW MEASUREMENT [EXACT] CARDINALITY ...`. */
export interface ShowMeasurementCardinalityStatement extends CardinalityFields {
  readonly kind: 'ShowMeasurementCardinalityStatement'
}

/** `SHOW SERIES [ON db] [FROM ...] [WHERE] [ORDER BY] [LIMIT] [OFFSET]`. */
export interface ShowSeriesStatement {
  readonly kind: 'ShowSeriesStatement'
  readonly database: string
  readonly sources: readonly Source[]
  readonly condition: Expr | null
  readonly sortFields: readonly SortField[]
  readonly limit: number
  readonly offset: number
}

/** `SHOW SERIES [EXACT] CARDINALITY ...`. */
export interface ShowSeriesCardinalityStatement extends CardinalityFields {
  readonly kind: 'ShowSeriesCardinalityStatement'
}

/** `SHOW TAG KEYS [ON db] [FROM ...] [WHERE] [ORDER BY] [LIMIT] [OFFSET] [SLIMIT] [SOFFSET]`. */
export interface ShowTagKeysStatement {
  readonly kind: 'ShowTagKeysStatement'
  readonly database: string
  readonly sources: readonly Source[]
  readonly condition: Expr | null
  readonly sortFields: readonly SortField[]
  readonly limit: number
  readonly offset: number
  readonly sLimit: number
  readonly sOffset: number
}

/** `SHOW TAG KEY [EXACT] CARDINALITY ...`. */
export interface ShowTagKeyCardinalityStatement extends CardinalityFields {
  readonly kind: 'ShowTagKeyCardinalityStatement'
}

/** `SHOW TAG VALUES [ON db] [FROM ...] WITH KEY ... [WHERE] [ORDER BY] [LIMIT] [OFFSET]`. */
export interface ShowTagValuesStatement extends TagKeyFilter {
  readonly kind: 'ShowTagValuesStatement'
  readonly database: string
  readonly sources: readonly Source[]
  readonly condition: Expr | null
  readonly sortFields: readonly SortField[]
  readonly limit: number
  readonly offset: number
}

/** `SHOW TAG VALUES [EXACT] CARDINALITY ... WITH KEY ...`. */
export interface ShowTagValuesCardinalityStatement extends CardinalityFields, TagKeyFilter {
  readonly kind: 'ShowTagValuesCardinalityStatement'
}

/** `SHOW FIELD KEYS [ON db] [FROM ...] [ORDER BY] [LIMIT] [OFFSET]`. */
export interface ShowFieldKeysStatement {
  readonly kind: 'ShowFieldKeysStatement'
  readonly database: string
  readonly sources: readonly Source[]
  readonly sortFields: readonly SortField[]
  readonly limit: number
  readonly offset: number
}

/** `SHOW FIELD KEY [EXACT] CARDINALITY ...`. */
export interface ShowFieldKeyCardinalityStatement extends CardinalityFields {
  readonly kind: 'ShowFieldKeyCardinalityStatement'
}

/** `SHOW SHARDS`. */
export interface ShowShardsStatement {
  readonly kind: 'ShowShardsStatement'
}

/** `SHOW SHARD GROUPS`. */
export interface ShowShardGroupsStatement {
  readonly kind: 'ShowShardGroupsStatement'
}

/** `SHOW USERS`. */
export interface ShowUsersStatement {
  readonly kind: 'ShowUsersStatement'
}

/** `SHOW GRANTS FOR user`. */
export interface ShowGrantsForUserStatement {
  readonly kind: 'ShowGrantsForUserStatement'
  readonly name: string
}

/** `SHOW CONTINUOUS QUERIES`. */
export interface ShowContinuousQueriesStatement {
  readonly kind: 'ShowContinuousQueriesStatement'
}

/** `SHOW SUBSCRIPTIONS`. */
export interface ShowSubscriptionsStatement {
  readonly kind: 'ShowSubscriptionsStatement'
}

/** `SHOW QUERIES`. */
export interface ShowQueriesStatement {
  readonly kind: 'ShowQueriesStatement'
}

/** `SHOW DIAGNOSTICS [FOR 'module']`; module '' when absent. */
export interface ShowDiagnosticsStatement {
  readonly kind: 'ShowDiagnosticsStatement'
  readonly module: string
}

/** `SHOW STATS [FOR 'module']`; module '' when absent. */
export interface ShowStatsStatement {
  readonly kind: 'ShowStatsStatement'
  readonly module: string
}

/** `KILL QUERY id [ON host]`; host '' when absent. */
export interface KillQueryStatement {
  readonly kind: 'KillQueryStatement'
  readonly queryID: bigint
  readonly host: string
}

/** `EXPLAIN [ANALYZE] SELECT ...`. */
export interface ExplainStatement {
  readonly kind: 'ExplainStatement'
  readonly statement: SelectStatement
  readonly analyze: boolean
}

/** Any InfluxQL statement. */
export type Statement =
  | SelectStatement
  | DeleteSeriesStatement
  | DropSeriesStatement
  | DropMeasurementStatement
  | DropShardStatement
  | CreateDatabaseStatement
  | DropDatabaseStatement
  | CreateRetentionPolicyStatement
  | AlterRetentionPolicyStatement
  | DropRetentionPolicyStatement
  | CreateUserStatement
  | DropUserStatement
  | SetPasswordUserStatement
  | GrantStatement
  | GrantAdminStatement
  | RevokeStatement
  | RevokeAdminStatement
  | CreateContinuousQueryStatement
  | DropContinuousQueryStatement
  | CreateSubscriptionStatement
  | DropSubscriptionStatement
  | ShowDatabasesStatement
  | ShowRetentionPoliciesStatement
  | ShowMeasurementsStatement
  | ShowMeasurementCardinalityStatement
  | ShowSeriesStatement
  | ShowSeriesCardinalityStatement
  | ShowTagKeysStatement
  | ShowTagKeyCardinalityStatement
  | ShowTagValuesStatement
  | ShowTagValuesCardinalityStatement
  | ShowFieldKeysStatement
  | ShowFieldKeyCardinalityStatement
  | ShowShardsStatement
  | ShowShardGroupsStatement
  | ShowUsersStatement
  | ShowGrantsForUserStatement
  | ShowContinuousQueriesStatement
  | ShowSubscriptionsStatement
  | ShowQueriesStatement
  | ShowDiagnosticsStatement
  | ShowStatsStatement
  | KillQueryStatement
  | ExplainStatement

/** A parsed query: its statements in order. */
export interface Query {
  readonly statements: readonly Statement[]
}
