import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  DAY_NS,
  MetaData,
  MetaError,
  decodeMetaData,
  decodePortableData,
  importData,
} from './index.js'
import { REFERENCE_META_FILE } from './testdata.js'

/** The backup of spec §2.6: telegraf with autogen (groups/shards 1, 2) and oneday (3), a CQ, a user. */
const backup = (): MetaData =>
  decodeMetaData(decodePortableData(REFERENCE_META_FILE).data, { strict: true })

/** The server the spec restored into: the same data plus _internal.monitor with group and shard 4. */
function target(): MetaData {
  return backup()
    .createDatabase('_internal', false)
    .createRetentionPolicy(
      '_internal',
      { name: 'monitor', durationNs: 7n * DAY_NS, shardGroupDurationNs: DAY_NS },
      true,
    )
    .createShardGroup('_internal', 'monitor', 0n)
}

const entries = (m: ReadonlyMap<bigint, bigint>): [bigint, bigint][] =>
  [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1))

function rejectsWith(fn: () => unknown, code: string, message: string): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof MetaError && e.code === code && e.message === message,
  )
}

describe('importData (influxd restore -portable metadata import)', () => {
  it('imports -db telegraf -newdb tg2 with new shard IDs 5, 6, 7 after the target MaxShardID 4', () => {
    const t = target()
    assert.equal(t.maxShardID, 4n)
    const r = importData(t, backup(), { database: 'telegraf', newDatabase: 'tg2' })
    assert.deepEqual(entries(r.shardIDMap), [
      [1n, 5n],
      [2n, 6n],
      [3n, 7n],
    ])
    assert.deepEqual(r.databases, ['tg2'])
    assert.deepEqual([r.data.maxShardGroupID, r.data.maxShardID], [7n, 7n])
    const tg2 = r.data.databases.find((db) => db.name === 'tg2')
    const src = backup().database('telegraf')
    assert.ok(tg2 && src)
    assert.equal(tg2.defaultRetentionPolicy, 'autogen')
    assert.deepEqual(tg2.continuousQueries, [])
    assert.deepEqual(
      tg2.retentionPolicies.map((rp) => [
        rp.name,
        rp.shardGroups.map((g) => [g.id, g.startTimeNs, g.endTimeNs, g.shards.map((s) => s.id)]),
      ]),
      src.retentionPolicies.map((rp) => [
        rp.name,
        rp.shardGroups.map((g) => [
          g.id + 4n,
          g.startTimeNs,
          g.endTimeNs,
          g.shards.map((s) => s.id + 4n),
        ]),
      ]),
    )
    assert.deepEqual(r.data.users, t.users)
  })

  it('imports one policy renamed and made the default, then renumbers on from the new maxima', () => {
    const first = importData(target(), backup(), { database: 'telegraf', newDatabase: 'tg2' }).data
    const second = importData(first, backup(), {
      database: 'telegraf',
      retentionPolicy: 'oneday',
      newDatabase: 'tg3',
      newRetentionPolicy: 'od',
    })
    assert.deepEqual(entries(second.shardIDMap), [[3n, 8n]])
    const tg3 = second.data.database('tg3')
    assert.deepEqual(
      [
        tg3?.defaultRetentionPolicy,
        tg3?.retentionPolicies.map((rp) => [rp.name, rp.durationNs, rp.shardGroupDurationNs]),
      ],
      ['od', [['od', 86_400_000_000_000n, 3_600_000_000_000n]]],
    )
    const third = importData(second.data, backup(), {
      database: 'telegraf',
      retentionPolicy: 'autogen',
      newDatabase: 'tg4',
    })
    assert.deepEqual(entries(third.shardIDMap), [
      [1n, 9n],
      [2n, 10n],
    ])
    assert.deepEqual(
      third.data.database('tg4')?.retentionPolicies[0]?.shardGroups.map((g) => g.id),
      [9n, 10n],
    )
  })

  it('imports every database but _internal under its own name when no -db is given (-newdb ignored)', () => {
    const withInternal = target()
    const r = importData(MetaData.empty(5n), withInternal, { newDatabase: 'ignored' })
    assert.deepEqual(r.databases, ['telegraf'])
    assert.deepEqual(
      r.data.databases.map((db) => db.name),
      ['telegraf'],
    )
    assert.deepEqual(entries(r.shardIDMap), [
      [1n, 1n],
      [2n, 2n],
      [3n, 3n],
    ])
    const internal = importData(MetaData.empty(5n), withInternal, { database: '_internal' })
    assert.deepEqual(entries(internal.shardIDMap), [[4n, 1n]])
  })

  it('refuses with the server-side texts and changes nothing', () => {
    const t = target()
    const before = { ...t }
    rejectsWith(
      () => importData(t, backup(), { database: 'telegraf' }),
      'ERR_META_DATABASE_EXISTS',
      'database already exists',
    )
    rejectsWith(
      () => importData(t, backup()),
      'ERR_META_DATABASE_EXISTS',
      'database already exists',
    )
    rejectsWith(
      () => importData(t, backup(), { database: 'nope' }),
      'ERR_META_IMPORT_DATABASE_NOT_FOUND',
      'imported metadata does not have datbase named nope',
    )
    rejectsWith(
      () =>
        importData(t, backup(), {
          database: 'telegraf',
          newDatabase: 'x',
          retentionPolicy: 'nope',
        }),
      'ERR_META_IMPORT_RETENTION_POLICY_NOT_FOUND',
      'retention Policy not found in meta backup: telegraf.nope',
    )
    assert.deepEqual({ ...t }, before)
  })

  it('keeps subscriptions and times, clears shard owners, and creates a shard-less database with an empty map', () => {
    const src = MetaData.empty(1n)
      .createDatabase('s')
      .createSubscription('s', 'autogen', 'sub1', 'ALL', ['http://h:1'])
      .createShardGroup('s', 'autogen', 0n, [[1n, 2n]])
      .truncateShardGroups(5n)
      .createDatabase('empty')
    const r = importData(MetaData.empty(2n), src)
    const rp = r.data.retentionPolicy('s', 'autogen')
    assert.deepEqual(rp?.subscriptions, [
      { name: 'sub1', mode: 'ALL', destinations: ['http://h:1'] },
    ])
    assert.deepEqual(rp?.shardGroups[0]?.shards, [{ id: 1n, owners: [] }])
    assert.equal(rp?.shardGroups[0]?.truncatedAtNs, 5n)
    const empty = importData(MetaData.empty(2n), src, { database: 'empty' })
    assert.deepEqual([empty.databases, empty.shardIDMap.size], [['empty'], 0])
    assert.ok(empty.data.database('empty'))
  })

  it('is also a MetaData method returning MetaData', () => {
    const r = target().importData(backup(), { database: 'telegraf', newDatabase: 'tg2' })
    assert.ok(r.data instanceof MetaData)
    assert.equal(r.data.database('tg2')?.name, 'tg2')
  })
})
