// fast-check generators of whole InfluxQL statements, of every kind, for the property tests. The
// expression and SELECT generators they build on are in arbitraries-select.test-helper.ts.

import fc from 'fast-check'
import type { Arbitrary } from 'fast-check'
import {
  arbBareName,
  arbCondition,
  arbCount,
  arbDimension,
  arbMeasurement,
  arbName,
  arbNonEmptyName,
  arbPlainMeasurement,
  arbPositiveDuration,
  arbRegex,
  arbSelect,
  arbSortFields,
  arbText,
  measurement,
} from './arbitraries-select.test-helper.js'
import type { SelectStatement, Statement } from './index.js'

export { arbCondition, arbSelect, arbValueExpr } from './arbitraries-select.test-helper.js'

const arbOn = fc.oneof(fc.constant(''), arbNonEmptyName)
const arbSources = fc.oneof(
  fc.constant([]),
  fc.array(arbMeasurement, { minLength: 1, maxLength: 2 }),
)
const arbTagKeyFilter = fc.oneof(
  fc
    .tuple(fc.constantFrom('=' as const, '!=' as const), arbName)
    .map(([op, value]) => ({ op, tagKeyExpr: { kind: 'StringLiteral' as const, value } })),
  fc
    .tuple(fc.constantFrom('=~' as const, '!~' as const), arbRegex)
    .map(([op, tagKeyExpr]) => ({ op, tagKeyExpr })),
  fc
    .array(arbName, { minLength: 1, maxLength: 3 })
    .map((values) => ({ op: 'IN' as const, tagKeyExpr: { kind: 'ListLiteral' as const, values } })),
)
const cardinality = {
  exact: fc.boolean(),
  database: arbOn,
  sources: arbSources,
  condition: fc.option(arbCondition, { nil: null }),
  dimensions: fc.array(arbDimension, { maxLength: 2 }),
  limit: arbCount,
  offset: arbCount,
}
const arbPrivilege = fc.constantFrom('READ' as const, 'WRITE' as const, 'ALL PRIVILEGES' as const)
const arbRetention = fc.oneof(fc.constant(0n), arbPositiveDuration)

/** An aggregate continuous query whose RESAMPLE FOR is at least its GROUP BY interval. */
const arbContinuousQuery = fc
  .tuple(
    arbNonEmptyName,
    arbNonEmptyName,
    arbSelect(0),
    arbPositiveDuration,
    fc.constantFrom(0n, 1n, 2n),
    fc.constantFrom(0n, 1n, 3n),
  )
  .map(([name, database, select, interval, everyFactor, forFactor]) => {
    const source: SelectStatement = {
      ...select,
      fields: [
        {
          expr: {
            kind: 'Call',
            name: 'mean',
            args: [{ kind: 'VarRef', name: 'value', dataType: 'unknown' }],
          },
          alias: '',
        },
      ],
      target: { measurement: measurement('', '', 'out', null, true) },
      dimensions: [
        {
          expr: {
            kind: 'Call',
            name: 'time',
            args: [{ kind: 'DurationLiteral', value: interval }],
          },
        },
      ],
      isRawQuery: false,
    }
    const resampleEvery = interval * everyFactor
    const floor = resampleEvery > interval ? resampleEvery : interval
    return {
      kind: 'CreateContinuousQueryStatement' as const,
      name,
      database,
      source,
      resampleEvery,
      resampleFor: floor * forFactor,
    }
  })

/** Any statement. */
export const arbStatement: Arbitrary<Statement> = fc.oneof(
  { weight: 8, arbitrary: arbSelect() },
  fc.record({
    kind: fc.constant('ExplainStatement' as const),
    statement: arbSelect(),
    analyze: fc.boolean(),
  }),
  fc
    .tuple(
      fc.boolean(),
      fc.array(arbPlainMeasurement, { maxLength: 2 }),
      fc.option(arbCondition, { nil: null }),
    )
    .filter(([, sources, condition]) => sources.length > 0 || condition !== null)
    .map(([drop, sources, condition]) =>
      drop
        ? { kind: 'DropSeriesStatement' as const, sources, condition }
        : { kind: 'DeleteSeriesStatement' as const, sources, condition },
    ),
  fc.record({ kind: fc.constant('DropMeasurementStatement' as const), name: arbName }),
  fc.record({
    kind: fc.constant('DropShardStatement' as const),
    id: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  }),
  fc
    .record({
      name: arbName,
      create: fc.boolean(),
      duration: fc.option(fc.constantFrom(0n, 3_600_000_000_000n, 604_800_000_000_000n), {
        nil: null,
      }),
      replication: fc.option(fc.integer({ min: 1, max: 2147483647 }), { nil: null }),
      shard: fc.constantFrom(0n, 3_600_000_000_000n),
      rpName: arbName,
    })
    .map((r) => ({
      kind: 'CreateDatabaseStatement' as const,
      name: r.name,
      retentionPolicyCreate: r.create,
      retentionPolicyDuration: r.create ? r.duration : null,
      retentionPolicyReplication: r.create ? r.replication : null,
      retentionPolicyName: r.create ? r.rpName : '',
      retentionPolicyShardGroupDuration: r.create ? r.shard : 0n,
    }))
    .filter(
      (s) =>
        !s.retentionPolicyCreate ||
        s.retentionPolicyDuration !== null ||
        s.retentionPolicyReplication !== null ||
        s.retentionPolicyShardGroupDuration > 0n ||
        s.retentionPolicyName !== '',
    ),
  fc.record({ kind: fc.constant('DropDatabaseStatement' as const), name: arbName }),
  fc.record({
    kind: fc.constant('CreateRetentionPolicyStatement' as const),
    name: arbName,
    database: arbName,
    duration: arbRetention,
    replication: fc.integer({ min: 1, max: 2147483647 }),
    default: fc.boolean(),
    shardGroupDuration: arbRetention,
  }),
  fc
    .record({
      kind: fc.constant('AlterRetentionPolicyStatement' as const),
      name: arbName,
      database: arbName,
      duration: fc.option(arbRetention, { nil: null }),
      replication: fc.option(fc.integer({ min: 1, max: 2147483647 }), { nil: null }),
      default: fc.boolean(),
      shardGroupDuration: fc.option(arbPositiveDuration, { nil: null }),
    })
    .filter(
      (s) =>
        s.duration !== null || s.replication !== null || s.default || s.shardGroupDuration !== null,
    ),
  fc.record({
    kind: fc.constant('DropRetentionPolicyStatement' as const),
    name: arbName,
    database: arbName,
  }),
  fc.record({ kind: fc.constant('DropUserStatement' as const), name: arbName }),
  fc.record({
    kind: fc.constant('GrantStatement' as const),
    privilege: arbPrivilege,
    on: arbName,
    user: arbName,
  }),
  fc.record({ kind: fc.constant('GrantAdminStatement' as const), user: arbName }),
  fc.record({
    kind: fc.constant('RevokeStatement' as const),
    privilege: arbPrivilege,
    on: arbName,
    user: arbName,
  }),
  fc.record({ kind: fc.constant('RevokeAdminStatement' as const), user: arbName }),
  arbContinuousQuery,
  fc.record({
    kind: fc.constant('DropContinuousQueryStatement' as const),
    name: arbName,
    database: arbName,
  }),
  fc.record({
    kind: fc.constant('CreateSubscriptionStatement' as const),
    name: arbName,
    database: arbName,
    retentionPolicy: arbName,
    destinations: fc.array(arbText, { minLength: 1, maxLength: 3 }),
    mode: fc.constantFrom('ALL' as const, 'ANY' as const),
  }),
  fc.record({
    kind: fc.constant('DropSubscriptionStatement' as const),
    name: arbName,
    database: arbName,
    retentionPolicy: arbName,
  }),
  fc.constantFrom<Statement>(
    { kind: 'ShowDatabasesStatement' },
    { kind: 'ShowShardsStatement' },
    { kind: 'ShowShardGroupsStatement' },
    { kind: 'ShowUsersStatement' },
    { kind: 'ShowContinuousQueriesStatement' },
    { kind: 'ShowSubscriptionsStatement' },
    { kind: 'ShowQueriesStatement' },
  ),
  fc.record({ kind: fc.constant('ShowRetentionPoliciesStatement' as const), database: arbOn }),
  fc.record({
    kind: fc.constant('ShowMeasurementsStatement' as const),
    database: fc.oneof(fc.constant(''), arbBareName),
    source: fc.option(arbMeasurement, { nil: null }),
    condition: fc.option(arbCondition, { nil: null }),
    sortFields: arbSortFields,
    limit: arbCount,
    offset: arbCount,
  }),
  fc.record({ kind: fc.constant('ShowMeasurementCardinalityStatement' as const), ...cardinality }),
  fc.record({
    kind: fc.constant('ShowSeriesStatement' as const),
    database: arbOn,
    sources: arbSources,
    condition: fc.option(arbCondition, { nil: null }),
    sortFields: arbSortFields,
    limit: arbCount,
    offset: arbCount,
  }),
  fc.record({ kind: fc.constant('ShowSeriesCardinalityStatement' as const), ...cardinality }),
  fc.record({
    kind: fc.constant('ShowTagKeysStatement' as const),
    database: arbOn,
    sources: arbSources,
    condition: fc.option(arbCondition, { nil: null }),
    sortFields: arbSortFields,
    limit: arbCount,
    offset: arbCount,
    sLimit: arbCount,
    sOffset: arbCount,
  }),
  fc.record({ kind: fc.constant('ShowTagKeyCardinalityStatement' as const), ...cardinality }),
  fc
    .tuple(
      fc.record({
        kind: fc.constant('ShowTagValuesStatement' as const),
        database: arbOn,
        sources: arbSources,
        condition: fc.option(arbCondition, { nil: null }),
        sortFields: arbSortFields,
        limit: arbCount,
        offset: arbCount,
      }),
      arbTagKeyFilter,
    )
    .map(([s, filter]) => ({ ...s, ...filter })),
  fc
    .tuple(
      fc.record({
        kind: fc.constant('ShowTagValuesCardinalityStatement' as const),
        ...cardinality,
      }),
      arbTagKeyFilter,
    )
    .map(([s, filter]) => ({ ...s, ...filter })),
  fc.record({
    kind: fc.constant('ShowFieldKeysStatement' as const),
    database: arbOn,
    sources: arbSources,
    sortFields: arbSortFields,
    limit: arbCount,
    offset: arbCount,
  }),
  fc.record({ kind: fc.constant('ShowFieldKeyCardinalityStatement' as const), ...cardinality }),
  fc.record({ kind: fc.constant('ShowGrantsForUserStatement' as const), name: arbName }),
  fc.record({ kind: fc.constant('ShowDiagnosticsStatement' as const), module: arbText }),
  fc.record({ kind: fc.constant('ShowStatsStatement' as const), module: arbText }),
  fc.record({
    kind: fc.constant('KillQueryStatement' as const),
    queryID: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    host: arbName,
  }),
)
