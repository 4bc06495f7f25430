// Shard owners of new shard groups in a cluster (issue #6), and the shard of a series within a
// group: the layout the write coordinator relies on.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MetaData } from '../meta/index.js'
import { requiredAcks, shardIndexFor } from './index.js'

const T = 1_700_000_000_000_000_000n
const WEEK = 7n * 24n * 3600n * 1_000_000_000n

function cluster(nodes: number, rf: number): MetaData {
  let d = MetaData.empty(1n)
  for (let i = 0; i < nodes; i++) d = d.createDataNode(`h${i}:8086`, `h${i}:8088`)
  return d
    .createDatabase('db', false)
    .createRetentionPolicy('db', { name: 'rp', replicaN: rf }, true)
}

function fnv64a(s: string): bigint {
  let h = 0xcbf29ce484222325n
  for (const b of new TextEncoder().encode(s)) {
    h ^= BigInt(b)
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return h
}

describe('shard owners of a new shard group', () => {
  it('keeps one shard without owners on a single node (no data nodes)', () => {
    const d = MetaData.empty(1n).createDatabase('db').createShardGroup('db', 'autogen', T)
    assert.deepEqual(
      d.shardGroupByTimestamp('db', 'autogen', T)?.shards.map((s) => s.owners),
      [[]],
    )
  })

  it('gives 3 data nodes at RF=2 one shard with two distinct owners, rotating per group', () => {
    let d = cluster(3, 2)
    const owners: bigint[][] = []
    for (let g = 0n; g < 3n; g++) {
      d = d.createShardGroup('db', 'rp', T + g * WEEK)
      const sg = d.shardGroupByTimestamp('db', 'rp', T + g * WEEK)
      assert.equal(sg?.shards.length, 1)
      owners.push([...(sg?.shards[0]?.owners ?? [])])
    }
    for (const o of owners) assert.equal(new Set(o).size, 2)
    assert.notDeepEqual(owners[0], owners[1])
  })

  it('makes nodes / RF shards of RF distinct owners each, every node used at most once per group', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 9 }), (nodes, rf) => {
        const d = cluster(nodes, rf).createShardGroup('db', 'rp', T)
        const sg = d.shardGroupByTimestamp('db', 'rp', T)
        const capped = Math.min(Math.max(rf, 1), nodes)
        assert.equal(sg?.shards.length, Math.floor(nodes / capped))
        const all = (sg?.shards ?? []).flatMap((s) => {
          assert.equal(new Set(s.owners).size, capped)
          return s.owners
        })
        assert.equal(new Set(all).size, all.length)
      }),
    )
  })
})

describe('shard of a series', () => {
  it('is the FNV-1a 64 hash of the series key modulo the number of shards', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 12 }), (key, n) => {
        assert.equal(shardIndexFor(key, n), Number(fnv64a(key) % BigInt(n)))
      }),
    )
  })
})

describe('consistency levels', () => {
  it('require 1, 1, a majority and all owners', () => {
    assert.deepEqual(
      (['any', 'one', 'quorum', 'all'] as const).map((l) =>
        [1, 2, 3].map((n) => requiredAcks(l, n)),
      ),
      [
        [1, 1, 1],
        [1, 1, 1],
        [1, 2, 2],
        [1, 2, 3],
      ],
    )
  })
})
