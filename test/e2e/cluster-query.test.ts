// Cluster queries (issue #6): one meta node and three data nodes as real processes, the points of
// each shard written only to the nodes that own it (RF=1 and RF=2 policies, one-hour shard
// groups). Every data node answers the same SELECTs and SHOW statements byte for byte as a single
// node holding all the points; DELETE reaches every owner; with one owner killed (-9), an RF=2
// shard is read from its other owner and an RF=1 shard of the dead node fails naming the shard.
//
// Each hour's points are written to an owner of its group's first shard (predicted from InfluxDB
// Enterprise's layout, shard-group-ops assignShardOwners, then checked against SHOW SHARDS), so
// they land on the owners whether or not the node forwards writes to the other owners.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { ctl } from '../helpers/cli.js'
import { eventually, startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'
import { queryOk, queryText } from '../helpers/cluster.js'

const T0 = 1_767_225_600_000_000_000n // 2026-01-01T00:00:00Z
const HOUR = 3_600_000_000_000n
const HOURS = 6
const END = T0 + BigInt(HOURS) * HOUR

/** Series of `many` (issue #6: enough series per shard that remote reads go out in batches). */
const MANY = 150

/**
 * The line protocol of one hour: 4 hosts in 2 regions, a point every 10 minutes; and MANY series
 * of `many` (float, string and boolean fields), two points each.
 */
function hourPoints(h: number): string {
  const lines: string[] = []
  for (let k = 0; k < MANY; k++)
    for (const m of [5, 35]) {
      // Distinct times per series: a raw merge orders equal times by series (differently on
      // one node and over a group's several shards, a difference outside issue #6).
      const t = T0 + BigInt(h) * HOUR + BigInt(m) * 60_000_000_000n + BigInt(k) * 1_000_000_000n
      lines.push(
        `many,s=s${k},g=g${k % 7} f=${(k * 31 + h * 7 + m) % 101},b=${(k + h) % 3 === 0},str="${k}-${h}-${m}" ${t}`,
      )
    }
  for (let host = 0; host < 4; host++)
    for (let m = 0; m < 60; m += 10) {
      const t = T0 + BigInt(h) * HOUR + BigInt(m) * 60_000_000_000n
      const v = ((h * 7 + host * 13 + m) % 17) + host / 4
      lines.push(
        `cpu,host=h${host},region=r${host % 2} value=${v},n=${(h * 60 + m) * (host + 1)}i ${t}`,
      )
    }
  if (h % 2 === 0) lines.push(`mem,host=h${h % 4} free=${h * 1.5} ${T0 + BigInt(h) * HOUR + 1n}`)
  return lines.join('\n')
}

const range = `time >= ${T0} AND time < ${END}`
function queries(rp: string): string[] {
  return [
    `SELECT count(value), mean(value), max(n) FROM db.${rp}.cpu WHERE ${range} GROUP BY time(30m), host`,
    `SELECT max(value), min(n) FROM db.${rp}.cpu WHERE ${range} GROUP BY time(1h) fill(0)`,
    `SELECT * FROM db.${rp}.cpu WHERE ${range} LIMIT 7`,
    `SELECT value, host FROM db.${rp}.cpu WHERE ${range} AND host = 'h2' ORDER BY time DESC LIMIT 5`,
    `SELECT percentile(value, 90) FROM db.${rp}.cpu WHERE ${range} GROUP BY region`,
    `SELECT mean(value) FROM (SELECT max(value) AS value FROM db.${rp}.cpu WHERE ${range} GROUP BY time(1h), host) WHERE ${range} GROUP BY time(2h)`,
    `SELECT sum(n) FROM db.${rp}./.*/ WHERE ${range} AND value > 5 GROUP BY *`,
  ]
}
/** SELECTs over `many`: every way the engine reads cursors (fast aggregates, cursor calls, raw merges, rows with a condition). */
function manyQueries(rp: string): string[] {
  const from = `db.${rp}.many WHERE ${range}`
  return [
    `SELECT count(*) FROM ${from}`,
    `SELECT mean(f), max(f), sum(f), count(f) FROM ${from} GROUP BY g`,
    `SELECT first(str), last(b), last(f) FROM ${from} GROUP BY time(2h), s SLIMIT 40 SOFFSET 3`,
    `SELECT * FROM ${from} ORDER BY time DESC LIMIT 60`,
    `SELECT f, str FROM ${from} AND f > 90`,
    `SELECT percentile(f, 70), spread(f) FROM ${from} GROUP BY g`,
    `SELECT mean(f) FROM ${from} AND f > 10 AND g =~ /g[1-3]/ GROUP BY time(1h)`,
    `SELECT count(b) FROM ${from} AND s = 's77'`,
  ]
}
const SHOWS = [
  'SHOW TAG VALUES ON db WITH KEY = host',
  "SHOW TAG VALUES ON db FROM cpu WITH KEY IN (host, region) WHERE region = 'r1'",
  'SHOW SERIES ON db',
  'SHOW MEASUREMENTS ON db',
  'SHOW FIELD KEYS ON db',
  'SHOW TAG KEYS ON db',
  'SHOW SERIES CARDINALITY ON db',
]

describe('queries on a cluster of one meta node and three data nodes', () => {
  let meta: TidemarkdHandle
  let single: TidemarkdHandle
  let nodes: TidemarkdHandle[] = []
  const ids: bigint[] = []
  /** Shard ID → owner IDs, of each group's first shard (the one holding the points). */
  const owners = new Map<string, { rp: string; owners: bigint[] }>()

  before(async () => {
    ;[meta, single, ...nodes] = await Promise.all([
      startTidemarkd({ role: 'meta' }),
      startTidemarkd(),
      ...[1, 2, 3].map(() => startTidemarkd({ role: 'data' })),
    ])
    for (const node of nodes) {
      const r = await ctl(['-bind', meta.metaAddress, 'add-data', node.nodeAddress])
      const m = /^Added data node (\d+) /.exec(r.stdout)
      assert.ok(m !== null, r.stdout + r.stderr)
      ids.push(BigInt(m[1] ?? '0'))
    }
    const ddl = [
      'CREATE DATABASE db',
      'CREATE RETENTION POLICY rf1 ON db DURATION 0s REPLICATION 1 SHARD DURATION 1h',
      'CREATE RETENTION POLICY rf2 ON db DURATION 0s REPLICATION 2 SHARD DURATION 1h',
    ]
    for (const q of ddl) {
      await queryOk(nodes[0] as TidemarkdHandle, q)
      await queryOk(single, q)
    }
    for (const n of nodes)
      await eventually(`${n.url} sees rf2`, async () =>
        (await queryText(n, 'SHOW RETENTION POLICIES ON db')).includes('rf2'),
      )
    const byID = new Map(ids.map((id, i) => [id, nodes[i] as TidemarkdHandle]))
    const sorted = [...ids].sort((a, b) => (a < b ? -1 : 1))
    let group = 0n
    for (const rp of ['rf1', 'rf2']) {
      for (let h = 0; h < HOURS; h++) {
        group++
        const first = sorted[Number(group % 3n)] as bigint
        const second = sorted[Number((group + 1n) % 3n)] as bigint
        const writeTo = rp === 'rf1' ? [first] : [first, second]
        const lp = hourPoints(h)
        for (const id of writeTo) {
          const w = await (byID.get(id) as TidemarkdHandle).write('db', lp, { rp })
          assert.equal(w.status, 204, await w.text())
        }
        assert.equal((await single.write('db', lp, { rp })).status, 204)
      }
    }
    // The owners as the metastore lists them: the written nodes must be the owners.
    const shards = JSON.parse(await queryText(nodes[0] as TidemarkdHandle, 'SHOW SHARDS')) as {
      results: { series: { name: string; values: (string | number)[][] }[] }[]
    }
    const rows = shards.results[0]?.series.find((s) => s.name === 'db')?.values ?? []
    const firstOfGroup = new Map<string, (string | number)[]>()
    for (const r of rows) if (!firstOfGroup.has(String(r[3]))) firstOfGroup.set(String(r[3]), r)
    let g = 0n
    for (const r of firstOfGroup.values()) {
      g++
      const list = String(r[7]).split(',').map(BigInt)
      const want =
        String(r[2]) === 'rf1'
          ? [sorted[Number(g % 3n)]]
          : [sorted[Number(g % 3n)], sorted[Number((g + 1n) % 3n)]]
      assert.deepEqual(list, want, `owners of shard ${String(r[0])}`)
      owners.set(String(r[0]), { rp: String(r[2]), owners: list })
    }
    assert.equal(owners.size, 2 * HOURS)
    // Every data node knows every shard group before the queries run.
    for (const n of nodes)
      await eventually(`${n.url} knows every shard`, async () => {
        const text = await queryText(n, 'SHOW SHARDS')
        return [...owners.keys()].every((id) => text.includes(`[${id},`))
      })
  })
  after(async () => {
    await Promise.all([meta, single, ...nodes].map((n) => n.stop()))
    for (const n of [meta, single, ...nodes]) rmSync(n.root, { recursive: true, force: true })
  })

  it('holds each shard only on its owners, and every node counts all the points', async () => {
    // A shard of a group may get no series (the write path hashes series over the group's shards).
    let held = 0
    for (const [id, o] of owners)
      for (const [i, n] of nodes.entries()) {
        const r = await fetch(`http://${n.nodeAddress}/read/shards/${id}/index`)
        await r.arrayBuffer()
        if (o.owners.includes(ids[i] as bigint)) held += r.status === 200 ? 1 : 0
        else assert.equal(r.status, 404, `shard ${id} on a node that does not own it`)
      }
    assert.ok(held >= owners.size, `owners hold ${held} copies`)
    const q = `SELECT count(value) FROM db.rf1.cpu WHERE ${range}`
    const want = await queryText(single, q)
    assert.ok(want.includes(`,${HOURS * 24}]`), want)
    for (const n of nodes) assert.equal(await queryText(n, q), want)
  })

  it('answers every SELECT on every data node as a single node holding all the points', async () => {
    const all = [...queries('rf1'), ...queries('rf2'), ...manyQueries('rf1'), ...manyQueries('rf2')]
    for (const q of all) {
      const want = await queryText(single, q)
      assert.ok(!want.includes('"error"'), `${q}: ${want}`)
      for (const n of nodes) assert.equal(await queryText(n, q), want, `${q} on ${n.url}`)
    }
  })

  it('answers SHOW statements merged over every owner', async () => {
    for (const q of SHOWS) {
      const want = await queryText(single, q)
      for (const n of nodes) assert.equal(await queryText(n, q), want, `${q} on ${n.url}`)
    }
  })

  it('deletes on every owner', async () => {
    const del = `DELETE FROM cpu WHERE host = 'h1' AND time < ${T0 + 3n * HOUR}`
    await queryOk(nodes[1] as TidemarkdHandle, del)
    await queryOk(single, del)
    await queryOk(nodes[2] as TidemarkdHandle, `DROP SERIES FROM mem WHERE host = 'h2'`)
    await queryOk(single, `DROP SERIES FROM mem WHERE host = 'h2'`)
    for (const q of [...queries('rf1').slice(0, 3), ...queries('rf2').slice(0, 3), ...SHOWS]) {
      const want = await queryText(single, q)
      for (const n of nodes) assert.equal(await queryText(n, q), want, `${q} on ${n.url}`)
    }
  })

  it('reads an RF=2 shard from its live owner when the other is killed, and names an RF=1 shard no owner serves', async () => {
    const deadID = ids[0] as bigint
    await (nodes[0] as TidemarkdHandle).kill()
    const alive = nodes.slice(1)
    for (const q of [...queries('rf2'), ...manyQueries('rf2')]) {
      const want = await queryText(single, q)
      for (const n of alive) assert.equal(await queryText(n, q), want, `${q} on ${n.url}`)
    }
    const lost = [...owners].filter(([, o]) => o.rp === 'rf1' && o.owners.includes(deadID))
    assert.ok(lost.length > 0)
    for (const n of alive) {
      const text = await queryText(n, `SELECT count(value) FROM db.rf1.cpu WHERE ${range}`)
      const m =
        /"error":"shard (\d+): no owner of the shard answered \(node (\d+) at [^:]+:\d+: /.exec(
          text,
        )
      assert.ok(m !== null, text)
      assert.equal(m[2], String(deadID))
    }
  })
})
