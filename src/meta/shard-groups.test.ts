import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  DAY_NS,
  GO_ZERO_TIME_TO_UNIX_NS,
  HOUR_NS,
  MAX_NANO_TIME,
  MIN_NANO_TIME,
  MetaData,
  MetaError,
  SHARD_GROUP_DELETED_EXPIRATION_NS,
  shardGroupBounds,
  unwrappedGroupStart,
} from './index.js'

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n
const iso = (t: bigint): string =>
  new Date(Number(t / 1_000_000n)).toISOString().replace('.000Z', 'Z')
const bounds = (t: string, d: bigint): [string, string] => {
  const b = shardGroupBounds(ns(t), d)
  return [iso(b.startTimeNs), iso(b.endTimeNs)]
}

function throwsMeta(fn: () => unknown, code: string, message: string): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof MetaError && e.code === code && e.message === message,
  )
}

describe('shard group alignment', () => {
  it('starts 7-day groups on Mondays, counting from Go zero time, not the Unix epoch', () => {
    assert.deepEqual(bounds('2026-11-25T19:10:20Z', 7n * DAY_NS), [
      '2026-11-23T00:00:00Z',
      '2026-11-30T00:00:00Z',
    ])
    assert.deepEqual(bounds('2020-01-01T00:00:00Z', 7n * DAY_NS), [
      '2019-12-30T00:00:00Z',
      '2020-01-06T00:00:00Z',
    ])
    assert.deepEqual(bounds('1970-01-01T00:00:00Z', 7n * DAY_NS), [
      '1969-12-29T00:00:00Z',
      '1970-01-05T00:00:00Z',
    ])
    assert.equal(
      shardGroupBounds(ns('2026-11-18T10:00:00Z'), 7n * DAY_NS).startTimeNs,
      1794787200000000000n,
    )
  })

  it('aligns groups that divide a day with the epoch: 1h, 2h, 1d', () => {
    assert.deepEqual(bounds('2026-11-25T19:10:20Z', HOUR_NS), [
      '2026-11-25T19:00:00Z',
      '2026-11-25T20:00:00Z',
    ])
    assert.deepEqual(bounds('2026-11-25T20:18:00Z', 2n * HOUR_NS), [
      '2026-11-25T20:00:00Z',
      '2026-11-25T22:00:00Z',
    ])
    assert.deepEqual(bounds('2020-01-01T12:00:00Z', DAY_NS), [
      '2020-01-01T00:00:00Z',
      '2020-01-02T00:00:00Z',
    ])
  })

  it('floors times before 1970 (influxd put 1960-01-01 into 1959-12-28 .. 1960-01-04)', () => {
    assert.deepEqual(bounds('1960-01-01T00:00:00Z', 7n * DAY_NS), [
      '1959-12-28T00:00:00Z',
      '1960-01-04T00:00:00Z',
    ])
    assert.deepEqual(shardGroupBounds(-1n, HOUR_NS), { startTimeNs: -HOUR_NS, endTimeNs: 0n })
  })

  it('keeps a time on a boundary as the start, and caps the end at the largest time + 1', () => {
    assert.deepEqual(shardGroupBounds(0n, HOUR_NS), { startTimeNs: 0n, endTimeNs: HOUR_NS })
    assert.equal(shardGroupBounds(MAX_NANO_TIME, 7n * DAY_NS).endTimeNs, MAX_NANO_TIME + 1n)
  })

  it('starts the first group of 1677 at the smallest int64, where influxd wraps around to 2262', () => {
    const min = -(2n ** 63n)
    for (const t of [MIN_NANO_TIME, -9223372036854775000n, -9223359200000000000n])
      assert.deepEqual(shardGroupBounds(t, 7n * DAY_NS), {
        startTimeNs: min,
        endTimeNs: ns('1677-09-27T00:00:00Z'),
      })
    // influxd's wrapped start, read from its metadata, is that smallest int64; others are kept.
    assert.equal(
      unwrappedGroupStart(
        -(2n ** 63n) + 2n ** 64n - 86_400_000_000_000n,
        ns('1677-09-27T00:00:00Z'),
      ),
      min,
    )
    assert.equal(unwrappedGroupStart(5n, 7n), 5n)
    assert.equal(unwrappedGroupStart(9n, 7n), 9n)
  })

  it('always gives start ≤ t < end, with start a multiple of the duration since Go zero time', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: MIN_NANO_TIME + 400n * DAY_NS, max: MAX_NANO_TIME - 400n * DAY_NS }),
        fc.bigInt({ min: HOUR_NS, max: 400n * DAY_NS }),
        (t, d) => {
          const b = shardGroupBounds(t, d)
          assert.ok(b.startTimeNs <= t && t < b.endTimeNs)
          assert.equal(b.endTimeNs - b.startTimeNs, d)
          assert.equal((b.startTimeNs + GO_ZERO_TIME_TO_UNIX_NS) % d, 0n)
        },
      ),
    )
  })
})

describe('MetaData shard groups', () => {
  const db = (): MetaData =>
    MetaData.empty(1n)
      .createDatabase('db')
      .createRetentionPolicy('db', { name: 'day', durationNs: 3n * DAY_NS }, false)
  const now = ns('2026-11-25T12:00:00Z')

  it('creates a group with the next group and shard IDs, and returns the same value when one exists', () => {
    const d = db()
      .createShardGroup('db', 'autogen', ns('2020-01-01T00:00:00Z'))
      .createShardGroup('db', 'day', ns('2020-01-01T05:00:00Z'))
    assert.deepEqual([d.maxShardGroupID, d.maxShardID], [2n, 2n])
    assert.deepEqual(d.retentionPolicy('db', 'day')?.shardGroups, [
      {
        id: 2n,
        startTimeNs: ns('2020-01-01T00:00:00Z'),
        endTimeNs: ns('2020-01-02T00:00:00Z'),
        deletedAtNs: 0n,
        truncatedAtNs: 0n,
        shards: [{ id: 2n, owners: [] }],
      },
    ])
    assert.equal(d.createShardGroup('db', 'day', ns('2020-01-01T23:59:59Z')), d)
    assert.equal(d.shardGroupByTimestamp('db', 'day', ns('2020-01-01T23:59:59Z'))?.id, 2n)
    assert.equal(d.shardGroupByTimestamp('db', 'day', ns('2020-01-02T00:00:00Z')), undefined)
  })

  it('gives each shard the owners asked for (one shard per owner list)', () => {
    const d = db().createShardGroup('db', '', 0n, [[1n, 2n], [3n]])
    assert.deepEqual(d.shardGroupByTimestamp('db', '', 0n)?.shards, [
      { id: 1n, owners: [1n, 2n] },
      { id: 2n, owners: [3n] },
    ])
    assert.equal(d.maxShardID, 2n)
  })

  it('keeps groups sorted by end time whatever the creation order', () => {
    const d = db()
      .createShardGroup('db', 'day', ns('2020-01-05T00:00:00Z'))
      .createShardGroup('db', 'day', ns('2020-01-01T00:00:00Z'))
      .createShardGroup('db', 'day', ns('2020-01-03T00:00:00Z'))
    assert.deepEqual(
      d.shardGroups('db', 'day').map((g) => g.id),
      [2n, 3n, 1n],
    )
  })

  it('reports a missing database or policy with InfluxDB texts', () => {
    throwsMeta(
      () => db().createShardGroup('nope', 'autogen', 0n),
      'ERR_META_DATABASE_NOT_FOUND',
      'database not found: nope',
    )
    throwsMeta(
      () => db().createShardGroup('db', 'nope', 0n),
      'ERR_META_RETENTION_POLICY_NOT_FOUND',
      'retention policy not found: nope',
    )
    throwsMeta(
      () => MetaData.empty(1n).createDatabase('db', false).createShardGroup('db', '', 0n),
      'ERR_META_RETENTION_POLICY_NOT_FOUND',
      'retention policy not found: ',
    )
  })

  it('finds the groups overlapping an inclusive time range, leaving deleted ones out', () => {
    let d = db()
    for (const t of ['2020-01-01', '2020-01-02', '2020-01-03'])
      d = d.createShardGroup('db', 'day', ns(`${t}T00:00:00Z`))
    const ids = (m: MetaData, min: string, max: string): bigint[] =>
      m.shardGroupsByTimeRange('db', 'day', ns(min), ns(max)).map((g) => g.id)
    assert.deepEqual(ids(d, '2020-01-02T00:00:00Z', '2020-01-03T00:00:00Z'), [2n, 3n])
    assert.deepEqual(ids(d, '2019-01-01T00:00:00Z', '2020-01-01T00:00:00Z'), [1n])
    assert.deepEqual(
      ids(d.deleteShardGroup('db', 'day', 2n, now), '2019-01-01T00:00:00Z', '2021-01-01T00:00:00Z'),
      [1n, 3n],
    )
  })

  it('marks a group deleted at the given time, and a new write there gets a new group', () => {
    const d = db().createShardGroup('db', 'day', 0n).deleteShardGroup('db', 'day', 1n, now)
    assert.equal(d.retentionPolicy('db', 'day')?.shardGroups[0]?.deletedAtNs, now)
    assert.deepEqual(d.shardGroups('db', 'day'), [])
    assert.deepEqual(
      d.deletedShardGroups().map((x) => [x.database, x.retentionPolicy, x.shardGroup.id]),
      [['db', 'day', 1n]],
    )
    assert.equal(d.createShardGroup('db', 'day', 0n).shardGroupByTimestamp('db', 'day', 0n)?.id, 2n)
    throwsMeta(
      () => d.deleteShardGroup('db', 'day', 9n, now),
      'ERR_META_SHARD_GROUP_NOT_FOUND',
      'shard group not found',
    )
  })

  it('drops a shard, marking its group deleted when it was the last one', () => {
    const d = db().createShardGroup('db', 'day', 0n, [[], []])
    const one = d.dropShard(1n, now)
    assert.deepEqual(
      one.shardGroupByTimestamp('db', 'day', 0n)?.shards.map((s) => s.id),
      [2n],
    )
    const none = one.dropShard(2n, now)
    assert.deepEqual(none.retentionPolicy('db', 'day')?.shardGroups[0]?.shards, [])
    assert.equal(none.retentionPolicy('db', 'day')?.shardGroups[0]?.deletedAtNs, now)
    assert.equal(none.dropShard(99n, now), none)
  })

  it('truncates groups that could hold later times, at the time or at their start', () => {
    let d = db()
    for (const t of ['2020-01-01', '2020-01-02', '2020-01-03'])
      d = d.createShardGroup('db', 'day', ns(`${t}T00:00:00Z`))
    const t = ns('2020-01-02T06:00:00Z')
    const truncated = d
      .truncateShardGroups(t)
      .retentionPolicy('db', 'day')
      ?.shardGroups.map((g) => g.truncatedAtNs)
    assert.deepEqual(truncated, [0n, t, ns('2020-01-03T00:00:00Z')])
    const again = d.truncateShardGroups(t)
    assert.equal(
      again.truncateShardGroups(t + HOUR_NS).retentionPolicy('db', 'day')?.shardGroups[1]
        ?.truncatedAtNs,
      t,
    )
    assert.equal(again.shardGroupByTimestamp('db', 'day', t), undefined)
    assert.equal(again.shardGroupByTimestamp('db', 'day', t - 1n)?.id, 2n)
  })

  it('prunes groups deleted more than two weeks ago and keeps the rest', () => {
    const d = db()
      .createShardGroup('db', 'day', 0n)
      .createShardGroup('db', 'day', DAY_NS)
      .deleteShardGroup('db', 'day', 1n, now - SHARD_GROUP_DELETED_EXPIRATION_NS - 1n)
      .deleteShardGroup('db', 'day', 2n, now - SHARD_GROUP_DELETED_EXPIRATION_NS)
    const pruned = d.pruneShardGroups(now)
    assert.deepEqual(
      pruned.retentionPolicy('db', 'day')?.shardGroups.map((g) => g.id),
      [2n],
    )
    assert.equal(pruned.pruneShardGroups(now), pruned)
  })

  it('pre-creates the group after the last one when it ends between from and to', () => {
    const d = db().createShardGroup('db', 'day', ns('2026-11-25T00:00:00Z'))
    const next = d.precreateShardGroups(ns('2026-11-25T12:00:00Z'), ns('2026-11-26T12:00:00Z'))
    assert.deepEqual(
      next.shardGroups('db', 'day').map((g) => iso(g.startTimeNs)),
      ['2026-11-25T00:00:00Z', '2026-11-26T00:00:00Z'],
    )
    assert.equal(d.precreateShardGroups(ns('2026-11-26T12:00:00Z'), ns('2026-11-27T12:00:00Z')), d)
  })

  it('lists groups retention should delete: finite policy, ended more than the duration ago', () => {
    const d = db()
      .createShardGroup('db', 'day', ns('2026-11-20T00:00:00Z'))
      .createShardGroup('db', 'day', ns('2026-11-22T00:00:00Z'))
      .createShardGroup('db', 'autogen', 0n)
    assert.deepEqual(
      d.expiredShardGroups(now).map((x) => x.shardGroup.id),
      [1n],
    )
  })

  it('lists shard IDs in order and finds the group that owns a shard', () => {
    const d = db()
      .createShardGroup('db', 'day', DAY_NS)
      .createShardGroup('db', 'autogen', 0n)
      .createShardGroup('db', 'day', 0n)
    assert.deepEqual(d.shardIDs(), [1n, 2n, 3n])
    assert.deepEqual(
      [
        d.shardOwner(3n)?.database,
        d.shardOwner(3n)?.retentionPolicy,
        d.shardOwner(3n)?.shardGroup.id,
      ],
      ['db', 'day', 3n],
    )
    assert.equal(d.deleteShardGroup('db', 'day', 3n, now).shardOwner(3n), undefined)
    assert.equal(d.shardOwner(9n), undefined)
  })
})
