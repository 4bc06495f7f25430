// Cluster membership (issue #6): one meta node (`tidemarkd meta`) and three data nodes
// (`tidemarkd data`) as real processes on loopback. Data nodes join with `tidemark-ctl add-data`,
// share the meta node's metadata (DDL on one shows on the others; concurrent DDL loses nothing),
// rejoin by themselves after a restart, and keep serving queries from their cached metadata while
// the meta node is down.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { ctl } from '../helpers/cli.js'
import {
  eventually,
  firstColumn,
  sameNode,
  startTidemarkd,
  type TidemarkdHandle,
} from '../helpers/tidemarkd.js'
import { freePort } from '../helpers/influxd.js'

async function ddl(node: TidemarkdHandle, q: string): Promise<void> {
  firstColumn(await node.query(q))
}

async function databases(node: TidemarkdHandle): Promise<string[]> {
  return firstColumn(await node.query('SHOW DATABASES')).sort()
}

describe('a cluster of one meta node and three data nodes', () => {
  let meta: TidemarkdHandle
  let nodes: TidemarkdHandle[] = []
  const roots: string[] = []

  before(async () => {
    meta = await startTidemarkd({ role: 'meta' })
    nodes = await Promise.all([1, 2, 3].map(() => startTidemarkd({ role: 'data' })))
    roots.push(meta.root, ...nodes.map((n) => n.root))
  })
  after(async () => {
    await Promise.all([meta, ...nodes].map((n) => n.stop()))
    for (const r of roots) rmSync(r, { recursive: true, force: true })
  })

  it('a data node that has not joined answers /ping but refuses /write and /query with 503', async () => {
    const node = nodes[0] as TidemarkdHandle
    assert.equal((await fetch(`${node.url}/ping`)).status, 204)
    const want = {
      error: `this data node has not joined a cluster: run tidemark-ctl add-data ${node.nodeAddress}`,
    }
    const w = await node.write('db', 'cpu v=1')
    assert.equal(w.status, 503)
    assert.deepEqual(await w.json(), want)
    const q = await fetch(`${node.url}/query?q=SHOW+DATABASES`)
    assert.equal(q.status, 503)
    assert.deepEqual(await q.json(), want)
    assert.equal((await fetch(`http://${node.nodeAddress}/ping`)).status, 204)
  })

  it('adds each data node with add-data, and show lists the data nodes and the meta node', async () => {
    const ids: string[] = []
    for (const node of nodes) {
      const r = await ctl(['-bind', meta.metaAddress, 'add-data', node.nodeAddress])
      assert.equal(r.stderr, '')
      const m = /^Added data node (\d+) at (\S+)\n$/.exec(r.stdout)
      assert.ok(m !== null, r.stdout)
      assert.equal(m[2], node.nodeAddress)
      ids.push(m[1] ?? '')
      assert.equal(r.code, 0)
    }
    const show = await ctl(['-bind', meta.metaAddress, 'show'])
    assert.equal(show.code, 0, show.stderr)
    const lines = show.stdout.split('\n')
    assert.deepEqual(lines.slice(0, 3), [
      'Data Nodes',
      '==========',
      'ID  TCP Address      Version',
    ])
    assert.deepEqual(
      lines.slice(3, 6).map((l) => l.split(/\s+/).slice(0, 2)),
      nodes.map((n, i) => [ids[i], n.nodeAddress]),
    )
    assert.deepEqual(lines.slice(7, 10), ['Meta Nodes', '==========', 'TCP Address      Version'])
    assert.match(lines[10] ?? '', new RegExp(`^${meta.metaAddress}\\s+0\\.1\\.0$`))
  })

  it('shows DDL made on one data node on the others within a second', async () => {
    const [a, b, c] = nodes as [TidemarkdHandle, TidemarkdHandle, TidemarkdHandle]
    await ddl(a, 'CREATE DATABASE shared')
    const t0 = Date.now()
    for (const n of [b, c])
      await eventually(`${n.url} lists shared`, async () => (await databases(n)).includes('shared'))
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`)
    assert.equal((await c.write('shared', 'cpu,host=c v=1 1600000000000000000')).status, 204)
    assert.deepEqual(
      firstColumn(await c.query('SELECT v FROM cpu', { db: 'shared', epoch: 'ns' })),
      ['1600000000000000000'],
    )
  })

  it('loses no DDL when all three data nodes change the metadata at once', async () => {
    const names = nodes.flatMap((_, k) => Array.from({ length: 8 }, (_, i) => `c_${k}_${i}`))
    await Promise.all(
      nodes.flatMap((n, k) =>
        Array.from({ length: 8 }, (_, i) => ddl(n, `CREATE DATABASE c_${k}_${i}`)),
      ),
    )
    const want = ['shared', ...names].sort()
    for (const n of nodes)
      await eventually(
        `${n.url} lists ${want.length} databases`,
        async () => (await databases(n)).length === want.length,
      )
    for (const n of nodes) assert.deepEqual(await databases(n), want)
  })

  it('refuses bad membership commands with one line on stderr and exit 1', async () => {
    const nobody = `127.0.0.1:${await freePort()}`
    const cases: [string[], RegExp][] = [
      [
        ['add-data', nobody],
        new RegExp(
          `^tidemark-ctl: cannot add data node ${nobody}: it does not answer \\(.*ECONNREFUSED.*\\)\\n$`,
        ),
      ],
      [
        ['add-data', nodes[0]?.nodeAddress ?? ''],
        /^tidemark-ctl: data node \S+ is already a member of the cluster \(ID \d+\)\n$/,
      ],
      [
        ['remove-data', nobody],
        new RegExp(`^tidemark-ctl: data node ${nobody} is not a member of the cluster\\n$`),
      ],
      [
        ['update-data', nobody, '127.0.0.1:1'],
        new RegExp(`^tidemark-ctl: data node ${nobody} is not a member of the cluster\\n$`),
      ],
      [
        ['add-data'],
        /^tidemark-ctl: add-data: expected the data node's TCP address, got nothing\n$/,
      ],
    ]
    for (const [args, want] of cases) {
      const r = await ctl(['-bind', meta.metaAddress, ...args])
      assert.equal(r.code, 1, args.join(' '))
      assert.equal(r.stdout, '')
      assert.match(r.stderr, want)
    }
  })

  it('rejoins from its saved meta node addresses after a restart', async () => {
    const old = nodes[2] as TidemarkdHandle
    await old.stop({ keep: true })
    const again = await startTidemarkd(sameNode(old))
    nodes[2] = again
    assert.ok((await databases(again)).includes('shared'))
    await ddl(again, 'CREATE DATABASE after_restart')
    await eventually('the others see it', async () =>
      (await databases(nodes[0] as TidemarkdHandle)).includes('after_restart'),
    )
  })

  it('serves queries from cached metadata while the meta node is down; DDL fails until it is back', async () => {
    await meta.kill()
    for (const n of nodes) assert.ok((await databases(n)).includes('shared'))
    const answer = (await (nodes[1] as TidemarkdHandle).query('CREATE DATABASE while_down')) as {
      results?: { error?: string }[]
    }
    assert.match(
      answer.results?.[0]?.error ?? '',
      new RegExp(`^cannot write the metastore on meta nodes ${meta.metaAddress}: .*ECONNREFUSED`),
    )
    meta = await startTidemarkd(sameNode(meta))
    await ddl(nodes[1] as TidemarkdHandle, 'CREATE DATABASE while_down')
    await eventually('every node sees it', async () => {
      for (const n of nodes) if (!(await databases(n)).includes('while_down')) return false
      return true
    })
  })

  it('refuses to remove a data node that owns shards unless -force; add-data takes it back', async () => {
    const node = nodes[1] as TidemarkdHandle
    // The earlier tests wrote points: shards now have owners, this node among them.
    const refused = await ctl(['-bind', meta.metaAddress, 'remove-data', node.nodeAddress])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /owns \d+ shard\(s\).*move them first, or remove it with -force/)
    const removed = await ctl([
      '-bind',
      meta.metaAddress,
      'remove-data',
      '-force',
      node.nodeAddress,
    ])
    assert.equal(removed.code, 0, removed.stderr)
    assert.equal(removed.stdout, `Removed data node at ${node.nodeAddress}\n`)
    const show = await ctl(['-bind', meta.metaAddress, 'show'])
    assert.ok(!show.stdout.includes(node.nodeAddress), show.stdout)
    const added = await ctl(['-bind', meta.metaAddress, 'add-data', node.nodeAddress])
    assert.equal(added.code, 0, added.stderr)
    assert.match(added.stdout, new RegExp(`^Added data node \\d+ at ${node.nodeAddress}\\n$`))
  })
})
