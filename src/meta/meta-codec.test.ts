import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import protobuf from 'protobufjs'
import {
  MetaCorruptError,
  MetaData,
  MetaUnencodableError,
  META_PROTO,
  Privilege,
  decodeMetaData,
  decodePortableData,
  encodeMetaData,
  encodePortableData,
} from './index.js'
import type { MetaDataFields, ShardGroupInfo } from './index.js'
import {
  INFLUXD_META_DB,
  REFERENCE_ADMIN_HASH,
  REFERENCE_CQ,
  REFERENCE_META_FILE,
} from './testdata.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const plain = (d: MetaData): MetaDataFields => ({ ...d })
const date = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n

describe('meta.Data codec: the reference .meta file of spec §2.6', () => {
  it('unwraps the 421-byte PortableData into 416 bytes of meta.Data and MaxNodeID 0', () => {
    assert.equal(REFERENCE_META_FILE.length, 421)
    const p = decodePortableData(REFERENCE_META_FILE)
    assert.equal(p.data.length, 416)
    assert.equal(p.maxNodeID, 0n)
    assert.equal(hex(encodePortableData(p.data)), hex(REFERENCE_META_FILE))
  })

  it('reports ERR_META_CORRUPT for a .meta file that is truncated or has no Data field', () => {
    assert.throws(
      () => decodePortableData(REFERENCE_META_FILE.subarray(0, 300), 'x.meta'),
      (e: unknown) =>
        e instanceof MetaCorruptError &&
        e.fields['path'] === 'x.meta' &&
        typeof e.fields['offset'] === 'number',
    )
    assert.throws(
      () => decodePortableData(Uint8Array.of(0x10, 0x00)),
      /required field "Data" not set/,
    )
    assert.equal(decodePortableData(encodePortableData(Uint8Array.of(1, 2), 7n)).maxNodeID, 7n)
  })

  it('decodes every field as the walk-through says', () => {
    const d = decodeMetaData(decodePortableData(REFERENCE_META_FILE).data, { strict: true })
    assert.equal(d.term, 0n)
    assert.equal(d.index, 8n)
    assert.equal(d.clusterID, 4215629758522821360n)
    assert.deepEqual([d.maxNodeID, d.maxShardGroupID, d.maxShardID], [0n, 3n, 3n])
    assert.deepEqual([d.nodes, d.dataNodes, d.metaNodes], [[], [], []])
    assert.equal(d.databases.length, 1)
    const db = d.databases[0]
    assert.ok(db)
    assert.equal(db.name, 'telegraf')
    assert.equal(db.defaultRetentionPolicy, 'autogen')
    const group = (id: bigint, start: string, end: string): ShardGroupInfo => ({
      id,
      startTimeNs: date(start),
      endTimeNs: date(end),
      deletedAtNs: 0n,
      truncatedAtNs: 0n,
      shards: [{ id, owners: [] }],
    })
    assert.deepEqual(db.retentionPolicies, [
      {
        name: 'autogen',
        durationNs: 0n,
        shardGroupDurationNs: 604800000000000n,
        replicaN: 1,
        shardGroups: [
          group(1n, '2026-11-16T00:00:00Z', '2026-11-23T00:00:00Z'),
          group(2n, '2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z'),
        ],
        subscriptions: [],
      },
      {
        name: 'oneday',
        durationNs: 86400000000000n,
        shardGroupDurationNs: 3600000000000n,
        replicaN: 1,
        shardGroups: [group(3n, '2026-11-25T19:00:00Z', '2026-11-25T20:00:00Z')],
        subscriptions: [],
      },
    ])
    assert.equal(db.retentionPolicies[0]?.shardGroups[0]?.startTimeNs, 1794787200000000000n)
    assert.deepEqual(db.continuousQueries, [{ name: 'cq1', query: REFERENCE_CQ }])
    assert.deepEqual(d.users, [
      { name: 'admin', hash: REFERENCE_ADMIN_HASH, admin: true, privileges: new Map() },
    ])
  })

  it('re-encodes the decoded metadata to the identical bytes', () => {
    const inner = decodePortableData(REFERENCE_META_FILE).data
    assert.equal(hex(encodeMetaData(decodeMetaData(inner))), hex(inner))
  })

  it('produces the reference bytes from a model built with the operations InfluxDB ran', () => {
    let d = MetaData.empty(4215629758522821360n)
    d = d.createDatabase('telegraf')
    d = d.createRetentionPolicy(
      'telegraf',
      { name: 'oneday', durationNs: 86_400_000_000_000n },
      false,
    )
    d = d.createShardGroup('telegraf', 'autogen', date('2026-11-18T10:00:00Z'))
    d = d.createShardGroup('telegraf', 'autogen', date('2026-11-25T19:10:20Z'))
    d = d.createShardGroup('telegraf', 'oneday', date('2026-11-25T19:10:20Z'))
    d = d.createContinuousQuery('telegraf', 'cq1', REFERENCE_CQ)
    d = d.createUser('admin', REFERENCE_ADMIN_HASH, true).with({ index: 8n })
    assert.equal(hex(encodePortableData(encodeMetaData(d))), hex(REFERENCE_META_FILE))
  })
})

describe('meta.Data codec: the second example of spec §2.7 (users, grants, subscriptions)', () => {
  const raw = protobuf.parse(META_PROTO, { keepCase: true }).root.lookupType('meta.Data')
  function build(): MetaData {
    return MetaData.empty(574000191880433823n)
      .createDatabase('authdb')
      .createSubscription('authdb', 'autogen', 'sub1', 'ALL', [
        'http://127.0.0.1:9999',
        'udp://127.0.0.1:9998',
      ])
      .createUser('admin', '$2a$10$j8Sv', true)
      .createUser('bob', '$2a$10$83.Q', false)
      .setPrivilege('bob', 'authdb', Privilege.All)
      .createUser('carol', '$2a$10$Iaoj', false)
      .setPrivilege('carol', 'authdb', Privilege.Write)
      .with({ index: 9n })
  }

  it('encodes a model built in code that the schema decodes to the fields protoc showed', () => {
    const m = raw.toObject(raw.decode(encodeMetaData(build())), { longs: String, defaults: false })
    assert.deepEqual(m, {
      Term: '0',
      Index: '9',
      ClusterID: '574000191880433823',
      Databases: [
        {
          Name: 'authdb',
          DefaultRetentionPolicy: 'autogen',
          RetentionPolicies: [
            {
              Name: 'autogen',
              Duration: '0',
              ShardGroupDuration: '604800000000000',
              ReplicaN: 1,
              Subscriptions: [
                {
                  Name: 'sub1',
                  Mode: 'ALL',
                  Destinations: ['http://127.0.0.1:9999', 'udp://127.0.0.1:9998'],
                },
              ],
            },
          ],
        },
      ],
      Users: [
        { Name: 'admin', Hash: '$2a$10$j8Sv', Admin: true },
        {
          Name: 'bob',
          Hash: '$2a$10$83.Q',
          Admin: false,
          Privileges: [{ Database: 'authdb', Privilege: 3 }],
        },
        {
          Name: 'carol',
          Hash: '$2a$10$Iaoj',
          Admin: false,
          Privileges: [{ Database: 'authdb', Privilege: 2 }],
        },
      ],
      MaxNodeID: '0',
      MaxShardGroupID: '0',
      MaxShardID: '0',
    })
  })

  it('keeps a revoked grant as privilege 0 (REVOKE ALL), written as 4 { 1:"authdb" 2:0 }', () => {
    const bytes = encodeMetaData(build().setPrivilege('carol', 'authdb', Privilege.None))
    assert.ok(hex(bytes).includes(`220a0a06${hex(Buffer.from('authdb'))}1000`))
    assert.equal(decodeMetaData(bytes).userPrivileges('carol').get('authdb'), 0)
  })
})

describe('meta.Data codec: a meta.db written by a real influxd 1.6.7', () => {
  it('decodes users, grants, subscription, continuous query, policies and a dropped shard', () => {
    const d = decodeMetaData(INFLUXD_META_DB, { strict: true })
    assert.deepEqual(
      d.databases.map((db) => [db.name, db.defaultRetentionPolicy]),
      [
        ['authdb', 'autogen'],
        ['other', 'short'],
      ],
    )
    const autogen = d.retentionPolicy('authdb', 'autogen')
    assert.ok(autogen)
    assert.deepEqual(autogen.subscriptions, [
      {
        name: 'sub1',
        mode: 'ANY',
        destinations: ['http://127.0.0.1:9999', 'udp://127.0.0.1:9998'],
      },
    ])
    // DROP SHARD 2 left group 2 (1959-12-28, a Monday, before the epoch) with no shards, deleted.
    const [g2, g1] = autogen.shardGroups
    assert.ok(g1 && g2)
    assert.deepEqual(
      [g2.id, g2.startTimeNs, g2.endTimeNs, g2.shards],
      [2n, date('1959-12-28T00:00:00Z'), date('1960-01-04T00:00:00Z'), []],
    )
    assert.ok(g2.deletedAtNs > date('2026-01-01T00:00:00Z'))
    assert.deepEqual(
      [g1.id, g1.startTimeNs, g1.deletedAtNs, g1.shards],
      [1n, date('2019-12-30T00:00:00Z'), 0n, [{ id: 1n, owners: [] }]],
    )
    const rp2 = d.retentionPolicy('authdb', 'rp2')
    assert.deepEqual(
      [rp2?.durationNs, rp2?.shardGroupDurationNs, rp2?.replicaN],
      [52n * 7n * 86_400_000_000_000n, 604_800_000_000_000n, 2],
    )
    const short = d.retentionPolicy('other', 'short')
    assert.deepEqual(
      [short?.durationNs, short?.shardGroupDurationNs],
      [3n * 86_400_000_000_000n, 7_200_000_000_000n],
    )
    assert.equal(
      d.database('authdb')?.continuousQueries[0]?.query,
      'CREATE CONTINUOUS QUERY cq1 ON authdb BEGIN SELECT mean(v) INTO authdb.autogen.m_1h FROM authdb.autogen.m GROUP BY time(1h) END',
    )
    assert.deepEqual(
      d.users.map((u) => [u.name, u.admin, [...u.privileges]]),
      [
        ['admin', true, []],
        ['bob', false, [['authdb', 3]]],
        [
          'carol',
          false,
          [
            ['authdb', 2],
            ['other', 0],
          ],
        ],
      ],
    )
    assert.deepEqual([d.index, d.maxShardGroupID, d.maxShardID], [18n, 4n, 4n])
  })

  it('re-encodes it to the identical 708 bytes', () => {
    assert.equal(hex(encodeMetaData(decodeMetaData(INFLUXD_META_DB))), hex(INFLUXD_META_DB))
  })
})

describe('meta.Data codec: encoding rules', () => {
  it('always writes the required fields, even when zero, and omits empty repeated fields', () => {
    assert.equal(
      hex(encodeMetaData(MetaData.empty(0n).with({ index: 0n }))),
      '080010001800380040004800',
    )
  })

  it('writes negative int64 values as 10-byte plain varints and TruncatedAt only when set', () => {
    const group = (truncatedAtNs: bigint): MetaData =>
      MetaData.empty(0n).with({
        index: 0n,
        maxShardGroupID: 5n,
        databases: [
          {
            name: 'd',
            defaultRetentionPolicy: '',
            continuousQueries: [],
            retentionPolicies: [
              {
                name: 'r',
                durationNs: 0n,
                shardGroupDurationNs: 1n,
                replicaN: 1,
                subscriptions: [],
                shardGroups: [
                  {
                    id: 5n,
                    startTimeNs: -1n,
                    endTimeNs: 0n,
                    deletedAtNs: 0n,
                    truncatedAtNs,
                    shards: [],
                  },
                ],
              },
            ],
          },
        ],
      })
    const sg = '0805' + '10ffffffffffffffffff01' + '1800' + '2000'
    const rp = '0a0172' + '1000' + '1801' + '2001' + '2a11' + sg
    const db = '0a0164' + '1200' + '1a1c' + rp
    assert.equal(hex(encodeMetaData(group(0n))), '080010001800' + '2a23' + db + '380040054800')
    const truncated = hex(encodeMetaData(group(-2n)))
    assert.ok(truncated.includes(sg + '30feffffffffffffffff01'))
    assert.equal(
      decodeMetaData(Buffer.from(truncated, 'hex')).retentionPolicy('d', 'r')?.shardGroups[0]
        ?.truncatedAtNs,
      -2n,
    )
  })

  it('reads the deprecated OwnerIDs of a shard as its owners', () => {
    // ShardInfo { ID: 7, OwnerIDs: 1, OwnerIDs: 2 } inside a minimal Data.
    const shard = '0807' + '1001' + '1002'
    const sg =
      '0801' +
      '1000' +
      '1800' +
      '2000' +
      '2a' +
      (shard.length / 2).toString(16).padStart(2, '0') +
      shard
    const rp =
      '0a0172' +
      '1000' +
      '1801' +
      '2001' +
      '2a' +
      (sg.length / 2).toString(16).padStart(2, '0') +
      sg
    const db = '0a0164' + '1200' + '1a' + (rp.length / 2).toString(16).padStart(2, '0') + rp
    const data =
      '080010011800' + '2a' + (db.length / 2).toString(16).padStart(2, '0') + db + '380040014807'
    const d = decodeMetaData(Buffer.from(data, 'hex'), { strict: true })
    assert.deepEqual(d.retentionPolicy('d', 'r')?.shardGroups[0]?.shards, [
      { id: 7n, owners: [1n, 2n] },
    ])
    const owned = decodeMetaData(encodeMetaData(d))
    assert.deepEqual(owned.retentionPolicy('d', 'r')?.shardGroups[0]?.shards, [
      { id: 7n, owners: [1n, 2n] },
    ])
  })

  it('reports ERR_META_UNENCODABLE with the field for an ID outside uint64', () => {
    assert.throws(
      () => encodeMetaData(MetaData.empty(0n).with({ maxShardID: -1n })),
      (e: unknown) =>
        e instanceof MetaUnencodableError &&
        e.code === 'ERR_META_UNENCODABLE' &&
        e.fields['field'] === 'MaxShardID',
    )
    assert.throws(() => encodeMetaData(MetaData.empty(2n ** 64n)), MetaUnencodableError)
  })
})

describe('meta.Data codec: damaged input', () => {
  it('decodes a message without a required field leniently, and strictly reports the field path', () => {
    // A shard group without DeletedAt (the server log of spec §2.1).
    const sg = '0801' + '1000' + '1800'
    const rp =
      '0a0172' +
      '1000' +
      '1801' +
      '2001' +
      '2a' +
      (sg.length / 2).toString(16).padStart(2, '0') +
      sg
    const db = '0a0164' + '1200' + '1a' + (rp.length / 2).toString(16).padStart(2, '0') + rp
    const bytes = Buffer.from(
      '080010011800' + '2a' + (db.length / 2).toString(16).padStart(2, '0') + db + '380040014800',
      'hex',
    )
    assert.equal(decodeMetaData(bytes).retentionPolicy('d', 'r')?.shardGroups[0]?.deletedAtNs, 0n)
    assert.throws(
      () => decodeMetaData(bytes, { strict: true, path: '/x/meta.db' }),
      (e: unknown) =>
        e instanceof MetaCorruptError &&
        e.code === 'ERR_META_CORRUPT' &&
        e.fields['field'] === 'Databases.RetentionPolicies.ShardGroups.DeletedAt' &&
        e.fields['path'] === '/x/meta.db' &&
        e.message.includes(
          'required field "Databases.RetentionPolicies.ShardGroups.DeletedAt" not set',
        ),
    )
  })

  it('strictly rejects a shard ID above MaxShardID (a file that would lead to reused IDs)', () => {
    const d = MetaData.empty(1n).createDatabase('db').createShardGroup('db', '', 0n)
    const bytes = encodeMetaData(d.with({ maxShardID: 0n }))
    assert.doesNotThrow(() => decodeMetaData(bytes))
    assert.throws(() => decodeMetaData(bytes, { strict: true }), /shard ID 1 exceeds MaxShardID 0/)
  })

  it('reports ERR_META_CORRUPT with the byte offset for the real meta.db truncated at every length', () => {
    for (let n = 0; n < INFLUXD_META_DB.length; n++) {
      assert.throws(
        () => decodeMetaData(INFLUXD_META_DB.subarray(0, n), { strict: true, path: 'meta.db' }),
        (e: unknown) => e instanceof MetaCorruptError && e.fields['path'] === 'meta.db',
        `prefix of ${n} bytes`,
      )
    }
    assert.throws(
      () => decodeMetaData(INFLUXD_META_DB.subarray(0, 100)),
      (e: unknown) =>
        e instanceof MetaCorruptError &&
        typeof e.fields['offset'] === 'number' &&
        /offset \d+/.test(e.message),
    )
  })

  it('gives either metadata or ERR_META_CORRUPT, never another error, for every single flipped bit', () => {
    const copy = Uint8Array.from(INFLUXD_META_DB)
    for (let i = 0; i < copy.length * 8; i++) {
      copy[i >> 3] = (copy[i >> 3] ?? 0) ^ (1 << (i & 7))
      for (const strict of [false, true]) {
        try {
          decodeMetaData(copy, { strict })
        } catch (e) {
          assert.ok(e instanceof MetaCorruptError, `bit ${i}: ${String(e)}`)
        }
      }
      copy[i >> 3] = (copy[i >> 3] ?? 0) ^ (1 << (i & 7))
    }
  })

  it('rejects a privilege value InfluxQL does not define', () => {
    const user = '0a0175' + '1200' + '1800' + '2205' + '0a0164' + '1007'
    const bytes = Buffer.from(
      '080010011800' +
        '32' +
        (user.length / 2).toString(16).padStart(2, '0') +
        user +
        '380040004800',
      'hex',
    )
    assert.throws(() => decodeMetaData(bytes), /unknown privilege 7/)
  })
})

const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true })
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
const name = fc.string({ unit: 'grapheme', maxLength: 6 })
const node = rec({ id: u64, host: name, tcpHost: name })
const shardGroup = rec({
  id: u64,
  startTimeNs: i64,
  endTimeNs: i64,
  deletedAtNs: i64,
  truncatedAtNs: i64,
  shards: fc.array(rec({ id: u64, owners: fc.array(u64, { maxLength: 3 }) }), { maxLength: 3 }),
})
const retentionPolicy = rec({
  name,
  durationNs: i64,
  shardGroupDurationNs: i64,
  replicaN: fc.integer({ min: 0, max: 0xffff_ffff }),
  shardGroups: fc.array(shardGroup, { maxLength: 3 }),
  subscriptions: fc.array(
    rec({
      name,
      mode: fc.constantFrom('ALL', 'ANY'),
      destinations: fc.array(name, { maxLength: 3 }),
    }),
    {
      maxLength: 2,
    },
  ),
})
const metaDataFields: fc.Arbitrary<MetaDataFields> = rec({
  term: u64,
  index: u64,
  clusterID: u64,
  nodes: fc.array(node, { maxLength: 2 }),
  databases: fc.array(
    rec({
      name,
      defaultRetentionPolicy: name,
      retentionPolicies: fc.array(retentionPolicy, { maxLength: 3 }),
      continuousQueries: fc.array(
        rec({ name, query: fc.string({ unit: 'grapheme', maxLength: 30 }) }),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 3 },
  ),
  users: fc.array(
    rec({
      name,
      hash: name,
      admin: fc.boolean(),
      privileges: fc
        .uniqueArray(fc.tuple(name, fc.constantFrom<Privilege>(0, 1, 2, 3)), {
          selector: ([db]) => db,
          maxLength: 3,
        })
        .map((entries) => new Map(entries)),
    }),
    { maxLength: 3 },
  ),
  maxNodeID: u64,
  maxShardGroupID: u64,
  maxShardID: u64,
  dataNodes: fc.array(node, { maxLength: 2 }),
  metaNodes: fc.array(node, { maxLength: 2 }),
})

describe('meta.Data codec: properties', () => {
  it('decodes what it encodes to the same model, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(metaDataFields, (fields) => {
        const bytes = encodeMetaData(fields)
        const back = decodeMetaData(bytes)
        assert.deepEqual(plain(back), fields)
        assert.equal(hex(encodeMetaData(back)), hex(bytes))
      }),
      { numRuns: 300 },
    )
  })
})
