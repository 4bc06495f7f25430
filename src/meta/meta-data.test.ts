import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  HOUR_NS,
  DAY_NS,
  MetaData,
  MetaError,
  Privilege,
  encodeMetaData,
  isValidName,
  validateSubscriptionURL,
} from './index.js'

/** Asserts that `fn` throws a MetaError with this code and InfluxDB's exact text. */
function throwsMeta(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MetaError, String(e))
    assert.equal(e.code, code)
    assert.equal(e.message, message)
    return true
  })
}

const base = (): MetaData => MetaData.empty(1n)

describe('MetaData databases', () => {
  it('creates a database with the default policy autogen: infinite, 7-day shard groups, replication 1', () => {
    const d = base().createDatabase('db')
    assert.deepEqual(d.database('db'), {
      name: 'db',
      defaultRetentionPolicy: 'autogen',
      retentionPolicies: [
        {
          name: 'autogen',
          durationNs: 0n,
          shardGroupDurationNs: 7n * DAY_NS,
          replicaN: 1,
          shardGroups: [],
          subscriptions: [],
        },
      ],
      continuousQueries: [],
    })
    assert.deepEqual(base().createDatabase('bare', false).database('bare')?.retentionPolicies, [])
  })

  it('is idempotent: creating an existing database returns the same value', () => {
    const d = base().createDatabase('db')
    assert.equal(d.createDatabase('db'), d)
  })

  it('rejects an empty or over-long name with InfluxDB texts (length in UTF-8 bytes)', () => {
    throwsMeta(
      () => base().createDatabase(''),
      'ERR_META_DATABASE_NAME_REQUIRED',
      'database name required',
    )
    throwsMeta(
      () => base().createDatabase('é'.repeat(128)),
      'ERR_META_NAME_TOO_LONG',
      'name too long',
    )
    assert.ok(base().createDatabase('x'.repeat(255)).database('x'.repeat(255)))
  })

  it('creates a database WITH a retention policy, idempotent only for the same default policy', () => {
    const spec = { name: 'short', durationNs: 3n * DAY_NS, shardGroupDurationNs: 2n * HOUR_NS }
    const d = base().createDatabaseWithRetentionPolicy('db', spec)
    assert.equal(d.database('db')?.defaultRetentionPolicy, 'short')
    assert.equal(d.retentionPolicy('db', 'short')?.shardGroupDurationNs, 2n * HOUR_NS)
    assert.equal(d.createDatabaseWithRetentionPolicy('db', spec), d)
    const conflict = 'retention policy conflicts with an existing policy'
    throwsMeta(
      () => d.createDatabaseWithRetentionPolicy('db', { ...spec, durationNs: 4n * DAY_NS }),
      'ERR_META_RETENTION_POLICY_CONFLICT',
      conflict,
    )
    const two = d.createRetentionPolicy('db', { name: 'other' }, false)
    throwsMeta(
      () => two.createDatabaseWithRetentionPolicy('db', { name: 'other' }),
      'ERR_META_RETENTION_POLICY_CONFLICT',
      conflict,
    )
    throwsMeta(
      () =>
        base().createDatabaseWithRetentionPolicy('db', { durationNs: 30n * 60n * 1_000_000_000n }),
      'ERR_META_RETENTION_POLICY_DURATION_TOO_LOW',
      'retention policy duration must be at least 1h0m0s',
    )
  })

  it('drops a database together with every privilege on it, and ignores a missing one', () => {
    const d = base()
      .createDatabase('a')
      .createDatabase('b')
      .createUser('u', 'h', false)
      .setPrivilege('u', 'a', Privilege.Read)
      .setPrivilege('u', 'b', Privilege.All)
    const dropped = d.dropDatabase('a')
    assert.deepEqual(
      dropped.databases.map((db) => db.name),
      ['b'],
    )
    assert.deepEqual([...dropped.userPrivileges('u')], [['b', 3]])
    assert.equal(dropped.dropDatabase('nope'), dropped)
  })

  it('never changes the value an operation was called on', () => {
    const d = base().createDatabase('db').createUser('u', 'h', false)
    const before = Buffer.from(encodeMetaData(d)).toString('hex')
    d.createShardGroup('db', 'autogen', 0n)
      .setPrivilege('u', 'db', Privilege.All)
      .createRetentionPolicy('db', { name: 'x' }, true)
      .dropDatabase('db')
    d.setPrivilege('u', 'db', Privilege.Write)
      .createSubscription('db', '', 's', 'ALL', [])
      .dropUser('u')
    assert.equal(Buffer.from(encodeMetaData(d)).toString('hex'), before)
  })

  it('checks names the way InfluxDB statements do', () => {
    assert.deepEqual(['db', 'my db', 'température', '日本'].map(isValidName), [
      true,
      true,
      true,
      true,
    ])
    assert.deepEqual(['', '.', '..', 'a/b', 'a\\b', 'tab\there'].map(isValidName), [
      false,
      false,
      false,
      false,
      false,
      false,
    ])
  })
})

describe('MetaData retention policies', () => {
  const db = (): MetaData => base().createDatabase('db')

  it('derives the shard group duration from the duration: <2d → 1h, <180d → 1d, else and INF → 7d; below 1h → 1h', () => {
    const cases: [bigint, bigint | undefined, bigint][] = [
      [DAY_NS, undefined, HOUR_NS],
      [2n * DAY_NS, undefined, DAY_NS],
      [179n * DAY_NS, undefined, DAY_NS],
      [180n * DAY_NS, undefined, 7n * DAY_NS],
      [0n, undefined, 7n * DAY_NS],
      [0n, 60_000_000_000n, HOUR_NS],
      [10n * DAY_NS, 3n * HOUR_NS, 3n * HOUR_NS],
    ]
    for (const [durationNs, shardGroupDurationNs, want] of cases) {
      const d = db().createRetentionPolicy(
        'db',
        {
          name: 'rp',
          durationNs,
          ...(shardGroupDurationNs !== undefined ? { shardGroupDurationNs } : {}),
        },
        false,
      )
      assert.equal(
        d.retentionPolicy('db', 'rp')?.shardGroupDurationNs,
        want,
        `duration ${durationNs}`,
      )
    }
  })

  it('creates a policy, making it the default when asked', () => {
    const d = db().createRetentionPolicy(
      'db',
      { name: 'week', durationNs: 7n * DAY_NS, replicaN: 2 },
      true,
    )
    assert.equal(d.database('db')?.defaultRetentionPolicy, 'week')
    assert.deepEqual(d.retentionPolicy('db', '')?.replicaN, 2)
  })

  it('is idempotent for an identical policy and rejects a different one with the same name', () => {
    const d = db().createRetentionPolicy('db', { name: 'rp', durationNs: 3n * DAY_NS }, false)
    assert.equal(d.createRetentionPolicy('db', { name: 'rp', durationNs: 3n * DAY_NS }, false), d)
    assert.equal(d.createRetentionPolicy('db', { name: 'autogen' }, true), d)
    throwsMeta(
      () => d.createRetentionPolicy('db', { name: 'rp', durationNs: 4n * DAY_NS }, false),
      'ERR_META_RETENTION_POLICY_EXISTS',
      'retention policy already exists',
    )
    throwsMeta(
      () => d.createRetentionPolicy('db', { name: 'rp', durationNs: 3n * DAY_NS }, true),
      'ERR_META_RETENTION_POLICY_CONFLICT',
      'retention policy conflicts with an existing policy',
    )
  })

  it('rejects bad policies with InfluxDB texts', () => {
    throwsMeta(
      () => db().createRetentionPolicy('db', { name: 'rp', replicaN: 0 }, false),
      'ERR_META_REPLICATION_FACTOR_TOO_LOW',
      'replication factor must be greater than 0',
    )
    throwsMeta(
      () =>
        db().createRetentionPolicy(
          'db',
          { name: 'rp', durationNs: 2n * HOUR_NS, shardGroupDurationNs: DAY_NS },
          false,
        ),
      'ERR_META_INCOMPATIBLE_DURATIONS',
      'retention policy duration must be greater than the shard duration',
    )
    throwsMeta(
      () => db().createRetentionPolicy('nope', { name: 'rp' }, false),
      'ERR_META_DATABASE_NOT_FOUND',
      'database not found: nope',
    )
    throwsMeta(
      () => db().createRetentionPolicy('db', { name: 'r'.repeat(256) }, false),
      'ERR_META_NAME_TOO_LONG',
      'name too long',
    )
    throwsMeta(
      () => db().createRetentionPolicy('db', { name: 'rp', durationNs: 1n }, false),
      'ERR_META_RETENTION_POLICY_DURATION_TOO_LOW',
      'retention policy duration must be at least 1h0m0s',
    )
  })

  it('updates the given fields, normalising the shard group duration against the new duration', () => {
    const d = db()
      .createRetentionPolicy('db', { name: 'rp', durationNs: 30n * DAY_NS }, false)
      .updateRetentionPolicy(
        'db',
        'rp',
        { durationNs: 60n * DAY_NS, shardGroupDurationNs: 1n, replicaN: 3 },
        true,
      )
    assert.deepEqual(
      [
        d.retentionPolicy('db', 'rp')?.durationNs,
        d.retentionPolicy('db', 'rp')?.shardGroupDurationNs,
        d.retentionPolicy('db', 'rp')?.replicaN,
      ],
      [60n * DAY_NS, HOUR_NS, 3],
    )
    assert.equal(d.database('db')?.defaultRetentionPolicy, 'rp')
    const renamed = d.updateRetentionPolicy('db', 'rp', { name: 'rp2' }, false)
    assert.deepEqual(
      renamed.database('db')?.retentionPolicies.map((rp) => rp.name),
      ['autogen', 'rp2'],
    )
  })

  it('rejects bad updates with InfluxDB texts', () => {
    const d = db().createRetentionPolicy('db', { name: 'rp', durationNs: 3n * DAY_NS }, false)
    throwsMeta(
      () => d.updateRetentionPolicy('db', 'nope', {}, false),
      'ERR_META_RETENTION_POLICY_NOT_FOUND',
      'retention policy not found: nope',
    )
    throwsMeta(
      () => d.updateRetentionPolicy('x', 'rp', {}, false),
      'ERR_META_DATABASE_NOT_FOUND',
      'database not found: x',
    )
    throwsMeta(
      () => d.updateRetentionPolicy('db', 'rp', { name: 'autogen' }, false),
      'ERR_META_RETENTION_POLICY_NAME_EXISTS',
      'retention policy name already exists',
    )
    throwsMeta(
      () => d.updateRetentionPolicy('db', 'rp', { durationNs: 59n * 60_000_000_000n }, false),
      'ERR_META_RETENTION_POLICY_DURATION_TOO_LOW',
      'retention policy duration must be at least 1h0m0s',
    )
    const incompatible = 'retention policy duration must be greater than the shard duration'
    throwsMeta(
      () => d.updateRetentionPolicy('db', 'autogen', { durationNs: DAY_NS }, false),
      'ERR_META_INCOMPATIBLE_DURATIONS',
      incompatible,
    )
    throwsMeta(
      () => d.updateRetentionPolicy('db', 'rp', { shardGroupDurationNs: 4n * DAY_NS }, false),
      'ERR_META_INCOMPATIBLE_DURATIONS',
      incompatible,
    )
    assert.ok(
      d.updateRetentionPolicy(
        'db',
        'autogen',
        { durationNs: DAY_NS, shardGroupDurationNs: HOUR_NS },
        false,
      ),
    )
  })

  it('drops a policy (no error when absent) and sets the default only to an existing policy', () => {
    const d = db().createRetentionPolicy('db', { name: 'rp' }, false)
    assert.deepEqual(
      d
        .dropRetentionPolicy('db', 'rp')
        .database('db')
        ?.retentionPolicies.map((rp) => rp.name),
      ['autogen'],
    )
    assert.equal(d.dropRetentionPolicy('db', 'nope'), d)
    assert.equal(d.dropRetentionPolicy('nope', 'rp'), d)
    assert.equal(
      d.setDefaultRetentionPolicy('db', 'rp').database('db')?.defaultRetentionPolicy,
      'rp',
    )
    throwsMeta(
      () => d.setDefaultRetentionPolicy('db', 'x'),
      'ERR_META_RETENTION_POLICY_NOT_FOUND',
      'retention policy not found: x',
    )
    throwsMeta(
      () => d.retentionPolicy('nope', 'rp'),
      'ERR_META_DATABASE_NOT_FOUND',
      'database not found: nope',
    )
    assert.equal(d.retentionPolicy('db', 'nope'), undefined)
  })
})

describe('MetaData continuous queries and subscriptions', () => {
  const db = (): MetaData => base().createDatabase('db')
  const cq =
    'CREATE CONTINUOUS QUERY c ON db BEGIN SELECT mean(v) INTO db.autogen.m_1h FROM db.autogen.m GROUP BY time(1h) END'

  it('adds a continuous query, idempotent for the same text in any case, and refuses another text', () => {
    const d = db().createContinuousQuery('db', 'c', cq)
    assert.deepEqual(d.database('db')?.continuousQueries, [{ name: 'c', query: cq }])
    assert.equal(d.createContinuousQuery('db', 'c', cq.toLowerCase()), d)
    throwsMeta(
      () => d.createContinuousQuery('db', 'c', cq + ' '),
      'ERR_META_CONTINUOUS_QUERY_EXISTS',
      'continuous query already exists',
    )
    throwsMeta(
      () => d.createContinuousQuery('x', 'c', cq),
      'ERR_META_DATABASE_NOT_FOUND',
      'database not found: x',
    )
    assert.deepEqual(d.dropContinuousQuery('db', 'c').database('db')?.continuousQueries, [])
    assert.equal(d.dropContinuousQuery('db', 'nope'), d)
  })

  it('adds a subscription to a policy (default when unnamed) and drops it', () => {
    const d = db().createSubscription('db', '', 's', 'ANY', ['http://h:1', 'udp://h:2'])
    assert.deepEqual(d.retentionPolicy('db', 'autogen')?.subscriptions, [
      { name: 's', mode: 'ANY', destinations: ['http://h:1', 'udp://h:2'] },
    ])
    throwsMeta(
      () => d.createSubscription('db', 'autogen', 's', 'ALL', []),
      'ERR_META_SUBSCRIPTION_EXISTS',
      'subscription already exists',
    )
    assert.deepEqual(
      d.dropSubscription('db', 'autogen', 's').retentionPolicy('db', 'autogen')?.subscriptions,
      [],
    )
    throwsMeta(
      () => d.dropSubscription('db', 'autogen', 'x'),
      'ERR_META_SUBSCRIPTION_NOT_FOUND',
      'subscription not found',
    )
    throwsMeta(
      () => d.createSubscription('db', 'nope', 'x', 'ALL', []),
      'ERR_META_RETENTION_POLICY_NOT_FOUND',
      'retention policy not found: nope',
    )
  })

  it('accepts only http, https and udp destinations with a port', () => {
    for (const ok of ['http://h:1', 'HTTPS://user:pw@h:443/path', 'udp://[::1]:9', 'udp://:8089']) {
      assert.doesNotThrow(() => validateSubscriptionURL(ok), ok)
    }
    for (const bad of [
      'ftp://h:1',
      'http://h',
      'http://h:',
      'http://h:x',
      'h:1',
      'udp://::1:9',
      'http//h:1',
    ]) {
      throwsMeta(
        () => validateSubscriptionURL(bad),
        'ERR_META_INVALID_SUBSCRIPTION_URL',
        `invalid subscription URL: ${bad}`,
      )
    }
    throwsMeta(
      () => db().createSubscription('db', '', 's', 'ALL', ['http://h:1', 'http://h']),
      'ERR_META_INVALID_SUBSCRIPTION_URL',
      'invalid subscription URL: http://h',
    )
  })
})

describe('MetaData nodes', () => {
  it('numbers data and meta nodes from maxNodeID, sharing the ID of the same TCP address', () => {
    const d = base()
      .createMetaNode('m1:8091', 'n1:8089')
      .createDataNode('n1:8086', 'n1:8089')
      .createDataNode('n2:8086', 'n2:8089')
    assert.deepEqual(d.metaNodes, [{ id: 1n, host: 'm1:8091', tcpHost: 'n1:8089' }])
    assert.deepEqual(
      d.dataNodes.map((n) => n.id),
      [1n, 2n],
    )
    assert.equal(d.maxNodeID, 2n)
    throwsMeta(
      () => d.createDataNode('x', 'n2:8089'),
      'ERR_META_NODE_EXISTS',
      'node already exists',
    )
    throwsMeta(
      () => d.createMetaNode('m1:8091', 'y'),
      'ERR_META_NODE_EXISTS',
      'node already exists',
    )
    assert.deepEqual(
      d.deleteDataNode(1n).dataNodes.map((n) => n.id),
      [2n],
    )
    throwsMeta(() => d.deleteDataNode(9n), 'ERR_META_NODE_NOT_FOUND', 'node not found')
    throwsMeta(() => d.deleteMetaNode(2n), 'ERR_META_NODE_NOT_FOUND', 'node not found')
    assert.deepEqual(d.deleteMetaNode(1n).metaNodes, [])
  })
})
