// Cluster backup and restore (issue #6 step 6): a backup of one meta node and three data nodes
// (RF=2 and RF=1 policies, one-hour shard groups), each archive streamed from an owner of the
// shard, restored into a fresh single-node Tidemark and into a five-data-node cluster with
// -newrf 3 — both answer the same queries as the source cluster, and on the five nodes every
// shard has three owners that each hold its data. With one data node stopped (SIGSTOP) the backup
// of RF=2 shards takes them from the other owner, and one that needs an RF=1 shard of the stopped
// node fails naming the shard and leaves no manifest.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runInfluxdTool } from '../../src/backup/interop-test-support.js'
import { ctl, runBin } from '../helpers/cli.js'
import { requireInfluxd, settledQuery, startInfluxd } from '../helpers/influxd.js'
import { eventually, startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'
import { queryOk, queryText, shardOwners } from '../helpers/cluster.js'

const T0 = 1_767_225_600_000_000_000n // 2026-01-01T00:00:00Z
const HOUR = 3_600_000_000_000n
const HOURS = 4
const END = T0 + BigInt(HOURS) * HOUR

function hourPoints(h: number): string {
  const lines: string[] = []
  for (let host = 0; host < 3; host++)
    for (let m = 0; m < 60; m += 15) {
      const t = T0 + BigInt(h) * HOUR + BigInt(m) * 60_000_000_000n
      lines.push(`cpu,host=h${host} value=${(h * 7 + host * 13 + m) % 17},n=${h * 60 + m}i ${t}`)
    }
  return lines.join('\n')
}

const range = `time >= ${T0} AND time < ${END}`
const QUERIES = ['rf1', 'rf2'].flatMap((rp) => [
  `SELECT count(value), sum(n) FROM db.${rp}.cpu WHERE ${range} GROUP BY time(1h), host`,
  `SELECT * FROM db.${rp}.cpu WHERE ${range}`,
])

/** A meta node and `n` data nodes joined to it. */
async function startCluster(
  n: number,
): Promise<{ meta: TidemarkdHandle; data: TidemarkdHandle[] }> {
  const [meta, ...data] = await Promise.all([
    startTidemarkd({ role: 'meta' }),
    ...Array.from({ length: n }, () => startTidemarkd({ role: 'data' })),
  ])
  if (meta === undefined) throw new Error('no meta node')
  for (const node of data) {
    const r = await ctl(['-bind', meta.metaAddress, 'add-data', node.nodeAddress])
    assert.match(r.stdout, /^Added data node \d+ /, r.stderr)
  }
  return { meta, data }
}

describe('backup and restore of a cluster', () => {
  let meta: TidemarkdHandle
  let data: TidemarkdHandle[] = []
  const others: TidemarkdHandle[] = []
  const dirs: string[] = []
  const expected = new Map<string, string>()
  const mkdir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'tidemark-cluster-backup-'))
    dirs.push(d)
    return d
  }

  before(async () => {
    ;({ meta, data } = await startCluster(3))
    const first = data[0] as TidemarkdHandle
    for (const q of [
      'CREATE DATABASE db',
      'CREATE RETENTION POLICY rf1 ON db DURATION 0s REPLICATION 1 SHARD DURATION 1h',
      'CREATE RETENTION POLICY rf2 ON db DURATION 0s REPLICATION 2 SHARD DURATION 1h',
    ])
      await queryOk(first, q)
    for (const n of data)
      await eventually(`${n.url} sees rf2`, async () =>
        (await queryText(n, 'SHOW RETENTION POLICIES ON db')).includes('rf2'),
      )
    for (const rp of ['rf1', 'rf2'])
      for (let h = 0; h < HOURS; h++) {
        const w = await first.write('db', hourPoints(h), { rp, consistency: 'all' })
        assert.equal(w.status, 204, await w.text())
      }
    for (const q of QUERIES) expected.set(q, await queryText(first, q))
  })

  after(async () => {
    for (const h of [meta, ...data, ...others]) await h?.stop().catch(() => undefined)
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('backs up every shard from one of its owners, preferring -from when it owns the shard', async () => {
    const dir = mkdir()
    const preferred = (data[1] as TidemarkdHandle).nodeAddress
    const r = await ctl(['-bind', meta.metaAddress, 'backup', '-from', preferred, dir])
    assert.equal(r.code, 0, r.stderr)
    const placedOn = await shardOwners(meta)
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('Backing up node '))
    assert.equal(lines.length, placedOn.size)
    for (const line of lines) {
      const m = /^Backing up node (\S+), db db, rp (rf\d), shard (\d+)\.\.\. Done\./.exec(line)
      assert.ok(m !== null, line)
      const list = placedOn.get(m[3] ?? '') ?? []
      assert.ok(list.includes(m[1] ?? ''), `${line}: owners ${list.join(',')}`)
      if (list.includes(preferred)) assert.equal(m[1], preferred, line)
    }
    assert.match(r.stdout, /^Backed up to .* in .*, transferred \d+ bytes$/m)
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.manifest')).length, 1)

    // Into a fresh single-node Tidemark: the same answers.
    const single = await startTidemarkd()
    others.push(single)
    const restored = await ctl(['-bind', single.metaAddress, 'restore', dir])
    assert.equal(restored.code, 0, restored.stderr)
    for (const [q, want] of expected) assert.equal(await queryText(single, q), want, q)

    // Into five data nodes with -newrf 3: every shard on three owners, each holding its data.
    const five = await startCluster(5)
    others.push(five.meta, ...five.data)
    const r5 = await ctl([
      '-bind',
      five.meta.metaAddress,
      'restore',
      '-db',
      'db',
      '-newrf',
      '3',
      dir,
    ])
    assert.equal(r5.code, 0, r5.stderr + r5.stdout)
    const placed = await shardOwners(five.meta)
    assert.equal(placed.size, placedOn.size)
    for (const [id, list] of placed)
      assert.equal(new Set(list).size, 3, `shard ${id}: ${list.join(',')}`)
    // One "Copying data to <node>... " per owner, as influxd-ctl prints them (the seed's doubled lines).
    const copies = r5.stdout.split('\n').filter((l) => l.startsWith('Copying data to '))
    assert.equal(copies.length, placed.size, r5.stdout)
    for (const line of copies) {
      const m =
        /^((?:Copying data to \S+\.\.\. )+)Done\. Restored shard \d+ into shard (\d+) in /.exec(
          line,
        )
      assert.ok(m !== null, line)
      const to = [...(m[1] ?? '').matchAll(/Copying data to (\S+)\.\.\. /g)].map((x) => x[1])
      assert.deepEqual(to.sort(), [...(placed.get(m[2] ?? '') ?? [])].sort(), line)
    }
    for (const n of five.data)
      await eventually(`${n.url} sees db`, async () =>
        (await queryText(n, 'SHOW DATABASES')).includes('"db"'),
      )
    for (const n of five.data)
      for (const [q, want] of expected) assert.equal(await queryText(n, q), want, `${n.url}: ${q}`)
    // Each owner holds the shard itself: a node's local shard directories match its owned shards.
    for (const n of five.data) {
      const mine = [...placed].filter(([, l]) => l.includes(n.nodeAddress)).map(([id]) => id)
      const onDisk = ['rf1', 'rf2'].flatMap((rp) => {
        try {
          return readdirSync(join(n.root, 'data', 'db', rp)).filter((f) => /^\d+$/.test(f))
        } catch {
          return []
        }
      })
      assert.deepEqual(onDisk.sort(), mine.sort(), n.nodeAddress)
    }
  })

  it('restores into the real InfluxDB 1.6 (influxd restore -portable), which answers as the cluster', async (t) => {
    if (!requireInfluxd(t)) return
    const dir = mkdir()
    const b = await ctl(['-bind', meta.metaAddress, 'backup', dir])
    assert.equal(b.code, 0, b.stderr)
    const theirs = await startInfluxd()
    try {
      const r = await runInfluxdTool(['restore', '-portable', '-host', theirs.rpcAddress, dir])
      assert.equal(r.status, 0, r.stdout + r.stderr)
      const first = data[0] as TidemarkdHandle
      for (const q of QUERIES) {
        const p = { db: 'db', epoch: 'ns' }
        assert.deepEqual(await settledQuery(theirs, q, p), await first.query(q, p), q)
      }
    } finally {
      await theirs.stop()
    }
  })

  it('leaves no half-restored database on any node when one owner refuses its replicas', async () => {
    const dir = mkdir()
    const b = await ctl(['-bind', meta.metaAddress, 'backup', dir])
    assert.equal(b.code, 0, b.stderr)
    const target = await startCluster(3)
    others.push(target.meta, ...target.data)
    // The last node already has directories where the restored rf2 shards would go.
    const blocker = target.data[2] as TidemarkdHandle
    const blocked = join(blocker.root, 'data', 'db', 'rf2')
    for (let id = 1; id <= 40; id++) mkdirSync(join(blocked, String(id)), { recursive: true })
    const r = await ctl(['-bind', target.meta.metaAddress, 'restore', dir])
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stderr, /rolled back/)
    for (const n of target.data) {
      assert.ok(!(await queryText(n, 'SHOW DATABASES')).includes('"db"'), n.url)
      const left = n === blocker ? ['rf2'] : []
      let found: string[] = []
      try {
        found = readdirSync(join(n.root, 'data', 'db'))
      } catch {
        found = []
      }
      assert.deepEqual(found, left, `${n.nodeAddress} keeps nothing of the restore`)
    }
    assert.deepEqual((await shardOwners(target.meta)).size, 0)
    // Once the cause is gone the same restore succeeds.
    rmSync(join(blocker.root, 'data', 'db'), { recursive: true })
    const again = await ctl(['-bind', target.meta.metaAddress, 'restore', dir])
    assert.equal(again.code, 0, again.stderr)
    for (const [q, want] of expected) assert.equal(await queryText(blocker, q), want, q)
  })

  it('takes RF=2 shards from the other owner of a stopped node, and fails cleanly for its RF=1 shards', async () => {
    const stopped = data[2] as TidemarkdHandle
    const env = { TIDEMARK_CTL_NODE_TIMEOUT_MS: '1500' }
    process.kill(stopped.pid, 'SIGSTOP')
    try {
      const dir = mkdir()
      const rf2 = await runBin(
        'tidemark-ctl.js',
        ['-bind', meta.metaAddress, 'backup', '-strategy', 'full', '-db', 'db', '-rp', 'rf2', dir],
        undefined,
        env,
      )
      assert.equal(rf2.code, 0, rf2.stderr)
      assert.equal(
        rf2.stdout.split('\n').filter((l) => l.startsWith('Backing up node')).length,
        [...(await shardOwners(meta)).values()].filter((l) => l.length === 2).length,
      )
      assert.ok(!rf2.stdout.includes(stopped.nodeAddress), rf2.stdout)
      const single = await startTidemarkd()
      others.push(single)
      const back = await ctl(['-bind', single.metaAddress, 'restore', dir])
      assert.equal(back.code, 0, back.stderr)
      for (const [q, want] of expected)
        if (q.includes('.rf2.')) assert.equal(await queryText(single, q), want, q)

      const placedOn = await shardOwners(meta)
      const lost = [...placedOn].filter(([, l]) => l.length === 1 && l[0] === stopped.nodeAddress)
      assert.ok(lost.length > 0, 'the stopped node owns an RF=1 shard')
      const dir1 = mkdir()
      const rf1 = await runBin(
        'tidemark-ctl.js',
        ['-bind', meta.metaAddress, 'backup', '-db', 'db', '-rp', 'rf1', dir1],
        undefined,
        env,
      )
      assert.equal(rf1.code, 1, rf1.stdout)
      assert.match(rf1.stderr, /^tidemark-ctl: backup: shard \d+: .*no answer/m)
      const id = /shard (\d+):/.exec(rf1.stderr)?.[1] ?? ''
      assert.ok(
        lost.some(([s]) => s === id),
        `${rf1.stderr} names a shard of the stopped node`,
      )
      assert.deepEqual(
        readdirSync(dir1).filter((f) => f.endsWith('.manifest') || f.endsWith('.tmp')),
        [],
      )
    } finally {
      process.kill(stopped.pid, 'SIGCONT')
    }
  })
})
