// Anti-entropy (issue #6): one meta node and three data nodes as real processes, a database with
// replication factor 2. A replica whose shard directory was deleted while its node was stopped is
// reported missing by `tidemark-ctl entropy show` and restored by `entropy repair`; points written
// straight into one replica (extra points, and a different value at an existing time) make the
// shard diverged, and the repair leaves both replicas with the union; with `[anti-entropy]
// enabled` and a one-second check-interval a divergence is repaired without any command.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { ctl } from '../helpers/cli.js'
import {
  eventually,
  firstColumn,
  sameNode,
  startTidemarkd,
  type TidemarkdHandle,
} from '../helpers/tidemarkd.js'

const T0 = 1_499_990_400_000_000_000n // 2017-07-14T00:00:00Z, far in the past: no shard is hot
const HOUR = 3_600_000_000_000n

interface Digest {
  count: number
  keys: number
  hash: string
  keyDigests: { key: string; count: number; hash: string }[]
}

/** A node's digest of a shard (undefined: it does not hold it). */
async function digest(node: TidemarkdHandle, shardID: number): Promise<Digest | undefined> {
  const r = await fetch(`http://${node.nodeAddress}/entropy/shards/${shardID}/digest?keys=1`)
  if (r.status === 404) return undefined
  assert.equal(r.status, 200)
  return (await r.json()) as Digest
}

/** The values of `key` a node holds in a shard, through the remote read endpoint. */
async function values(node: TidemarkdHandle, shardID: number, key: string): Promise<Buffer> {
  const r = await fetch(`http://${node.nodeAddress}/read/shards/${shardID}/values`, {
    method: 'POST',
    body: JSON.stringify({ key, min: String(T0 - HOUR), max: String(T0 + 10n * HOUR) }),
  })
  assert.equal(r.status, 200)
  return Buffer.from(await r.arrayBuffer())
}

function hourPoints(h: number): string {
  const lines: string[] = []
  for (let host = 0; host < 3; host++)
    for (let m = 0; m < 60; m += 5) {
      const t = T0 + BigInt(h) * HOUR + BigInt(m) * 60_000_000_000n
      lines.push(`cpu,host=h${host} value=${h + host + m / 100},n=${m}i,s="x${m}" ${t}`)
    }
  return lines.join('\n')
}

describe('anti-entropy on a cluster of three data nodes at RF=2', () => {
  let meta: TidemarkdHandle
  let nodes: TidemarkdHandle[] = []
  const ids: string[] = []
  /** Shard ID → the node IDs of its two owners. */
  const owners = new Map<number, string[]>()
  /** The current handles of a shard's owners (a restarted node gets a new handle). */
  const ownersOf = (k: number): [TidemarkdHandle, TidemarkdHandle] => {
    const [id, pair] = [...owners][k] as [number, string[]]
    void id
    return pair.map((n) => nodes[ids.indexOf(n)]) as [TidemarkdHandle, TidemarkdHandle]
  }
  const shardAt = (k: number): number => ([...owners][k] as [number, string[]])[0]

  const show = (): ReturnType<typeof ctl> => ctl(['-bind', meta.metaAddress, 'entropy', 'show'])
  const stateOf = (text: string, shardID: number): string | undefined =>
    text
      .split('\n')
      .find((l) => l.startsWith(`${shardID} `))
      ?.split(/\s{2,}/)[6]

  before(async () => {
    ;[meta, ...nodes] = await Promise.all([
      startTidemarkd({ role: 'meta' }),
      ...[1, 2, 3].map(() => startTidemarkd({ role: 'data' })),
    ])
    for (const node of nodes) {
      const r = await ctl(['-bind', meta.metaAddress, 'add-data', node.nodeAddress])
      const m = /^Added data node (\d+) /.exec(r.stdout)
      assert.ok(m !== null, r.stdout + r.stderr)
      ids.push(m[1] ?? '')
    }
    const n0 = nodes[0] as TidemarkdHandle
    firstColumn(await n0.query('CREATE DATABASE db WITH REPLICATION 2 SHARD DURATION 1h'))
    for (const node of nodes)
      await eventually('every data node knows db', async () =>
        firstColumn(await node.query('SHOW DATABASES')).includes('db'),
      )
    for (let h = 0; h < 3; h++) {
      const w = await n0.write('db', hourPoints(h), { consistency: 'all' })
      assert.equal(w.status, 204, await w.text())
    }
    const status = (await (await fetch(`http://${n0.nodeAddress}/entropy/status`)).json()) as {
      shards: { shardID: number; owners: { nodeID: string; count: number }[] }[]
    }
    // The shards holding the three hours (a shard group may also exist for the present).
    for (const s of status.shards.filter((x) => x.owners.some((o) => o.count > 0)))
      owners.set(
        s.shardID,
        s.owners.map((o) => o.nodeID),
      )
    assert.equal(owners.size, 3)
    const text = (await show()).stdout
    for (const id of owners.keys()) assert.equal(stateOf(text, id), 'healthy', text)
  })

  after(async () => {
    await Promise.all([meta, ...nodes].map((n) => n.stop()))
  })

  it('reports a replica deleted while its node was stopped as missing, and repair restores it', async () => {
    const id = shardAt(0)
    const [a, b] = ownersOf(0)
    const want = await digest(b, id)
    assert.ok(want !== undefined && want.count > 0)
    const i = nodes.indexOf(a)
    await a.stop({ keep: true })
    rmSync(join(a.root, 'data', 'db', 'autogen', String(id)), { recursive: true, force: true })
    rmSync(join(a.root, 'wal', 'db', 'autogen', String(id)), { recursive: true, force: true })
    const again = await startTidemarkd(sameNode(a))
    nodes[i] = again
    assert.equal(await digest(again, id), undefined)

    const shown = await show()
    assert.equal(shown.code, 0, shown.stderr)
    assert.match(
      shown.stdout,
      /^Entropy\n==========\nID +Database +Retention Policy +Start +End +Expires +Status +Owners\n/,
    )
    assert.equal(stateOf(shown.stdout, id), 'missing', shown.stdout)

    const r = await ctl(['-bind', meta.metaAddress, 'entropy', 'repair', String(id)])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(
      r.stdout,
      new RegExp(`^Repair Shard ${id} queued\nRepaired shard ${id}: missing -> healthy, `),
    )
    const got = await digest(again, id)
    assert.deepEqual(got, want)
    for (const k of want.keyDigests)
      assert.deepEqual(await values(again, id, k.key), await values(b, id, k.key), k.key)
    assert.equal(stateOf((await show()).stdout, id), 'healthy')
  })

  it('repairs points written straight into one replica to the union on both owners', async () => {
    const id = shardAt(1)
    const [a, b] = ownersOf(1)
    const before = await digest(a, id)
    assert.ok(before !== undefined)
    // Two new points and a different (greater) value at an existing time, on b alone.
    const t = (await digest(b, id))?.keyDigests[0]
    assert.ok(t !== undefined)
    const status = (await (await fetch(`http://${a.nodeAddress}/entropy/status`)).json()) as {
      shards: { shardID: number; startTimeNs: string }[]
    }
    const start = BigInt(status.shards.find((s) => s.shardID === id)?.startTimeNs ?? '0')
    const lp = [
      `cpu,host=h9 value=1 ${start + 1n}`,
      `cpu,host=h0 value=1000 ${start}`,
      `mem,host=h0 free=5i ${start + 7n}`,
    ].join('\n')
    const w = await fetch(`http://${b.nodeAddress}/cluster/shards/${id}/write?db=db&rp=autogen`, {
      method: 'POST',
      body: lp,
    })
    assert.equal(w.status, 204, await w.text())
    assert.equal(stateOf((await show()).stdout, id), 'diverged')

    const r = await ctl(['-bind', meta.metaAddress, 'entropy', 'repair', String(id)])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /diverged -> healthy, 3 series keys diverged, 3 points written/)
    const da = await digest(a, id)
    const db = await digest(b, id)
    assert.deepEqual(da, db)
    assert.equal(da?.count, before.count + 2)
    // The tie (1 owner each) goes to the greater value: 1000 on both.
    const answer = JSON.stringify(
      await a.query(`SELECT value FROM db..cpu WHERE host = 'h0' AND time = ${start}`),
    )
    assert.match(answer, /,1000\]/)
  })

  it('repairs a divergence by itself when [anti-entropy] is enabled', async () => {
    const id = shardAt(2)
    const [a, b] = ownersOf(2)
    // b runs the periodic check every second; the divergence is made on a.
    const i = nodes.indexOf(b)
    await b.stop({ keep: true })
    const restarted = await startTidemarkd(
      sameNode(b, {
        TIDEMARK_ANTI_ENTROPY_ENABLED: 'true',
        TIDEMARK_ANTI_ENTROPY_CHECK_INTERVAL: '1s',
      }),
    )
    nodes[i] = restarted
    const before = await digest(restarted, id)
    assert.ok(before !== undefined)
    const status = (await (await fetch(`http://${a.nodeAddress}/entropy/status`)).json()) as {
      shards: { shardID: number; startTimeNs: string }[]
    }
    const start = BigInt(status.shards.find((s) => s.shardID === id)?.startTimeNs ?? '0')
    const w = await fetch(`http://${a.nodeAddress}/cluster/shards/${id}/write?db=db&rp=autogen`, {
      method: 'POST',
      body: `disk,host=h1 used=3 ${start + 11n}`,
    })
    assert.equal(w.status, 204, await w.text())
    await eventually(
      'the other owner holds the point written to one replica',
      async () => (await digest(restarted, id))?.count === before.count + 1,
      20_000,
    ).catch((err: unknown) => {
      throw new Error(
        `${(err as Error).message}; the node (${restarted.nodeAddress}, ${restarted.url}) logged: ${restarted.log()}`,
      )
    })
    assert.deepEqual(await digest(restarted, id), await digest(a, id))
  })
})
