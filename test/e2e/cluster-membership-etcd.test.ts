// Three meta nodes sharing one etcd, and a data node that knows all three (issue #6): each meta
// node registers itself, add-data hands the data node every meta node's address, and when the meta
// node the data node talks to is killed, DDL goes through another one. add-meta checks that a meta
// node shares the metastore; remove-meta refuses an unknown one.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ctl } from '../helpers/cli.js'
import { etcdAvailable, requireEtcd, startEtcd, type EtcdCluster } from '../helpers/etcd.js'
import {
  eventually,
  firstColumn,
  startTidemarkd,
  type TidemarkdHandle,
} from '../helpers/tidemarkd.js'

interface Show {
  metaNodes: { httpAddr: string }[]
}

describe('meta nodes on one etcd with a data node', () => {
  let etcd: EtcdCluster | undefined
  let metas: TidemarkdHandle[] = []
  let data: TidemarkdHandle | undefined

  before(async () => {
    if (etcdAvailable()) etcd = await startEtcd()
  })
  after(async () => {
    await Promise.all([...metas, ...(data === undefined ? [] : [data])].map((n) => n.stop()))
    await etcd?.stop()
  })

  it('keeps DDL working through another meta node when the one the data node uses is killed', async (t) => {
    if (!requireEtcd(t)) return
    assert.ok(etcd !== undefined)
    const env = {
      TIDEMARK_META_ETCD_ENDPOINTS: etcd.endpoints.join(','),
      TIDEMARK_META_ETCD_PREFIX: '/e2e-membership',
    }
    metas = await Promise.all([1, 2, 3].map(() => startTidemarkd({ role: 'meta', env })))
    const first = metas[0] as TidemarkdHandle
    await eventually('the first meta node lists all three', async () => {
      const show = (await (await fetch(`http://${first.metaAddress}/show`)).json()) as Show
      return show.metaNodes.length === 3
    })

    data = await startTidemarkd({ role: 'data' })
    const added = await ctl(['-bind', first.metaAddress, 'add-data', data.nodeAddress])
    assert.equal(added.code, 0, added.stderr)
    const saved = JSON.parse(readFileSync(join(data.root, 'meta', 'cluster.json'), 'utf8')) as {
      metaAddresses: string[]
    }
    assert.deepEqual([...saved.metaAddresses].sort(), metas.map((m) => m.metaAddress).sort())

    firstColumn(await data.query('CREATE DATABASE before_kill'))
    const used = metas.find((m) => m.metaAddress === saved.metaAddresses[0])
    assert.ok(used !== undefined)
    await used.kill()
    firstColumn(await data.query('CREATE DATABASE after_kill'))
    const survivor = metas.find((m) => m !== used) as TidemarkdHandle
    const show = await ctl(['-bind', survivor.metaAddress, 'show'])
    assert.equal(show.code, 0, show.stderr)
    assert.ok(show.stdout.includes(data.nodeAddress), show.stdout)
    assert.deepEqual(firstColumn(await data.query('SHOW DATABASES')).sort(), [
      'after_kill',
      'before_kill',
    ])
    metas = metas.filter((m) => m !== used)
  })

  it('add-meta accepts a meta node of the same etcd and refuses one of another metastore', async (t) => {
    if (!requireEtcd(t)) return
    assert.ok(etcd !== undefined)
    assert.equal(metas.length, 2, 'the previous test left two meta nodes running')
    const [a, b] = metas as [TidemarkdHandle, TidemarkdHandle]
    const same = await ctl(['-bind', a.metaAddress, 'add-meta', b.metaAddress])
    assert.equal(same.code, 0, same.stderr)
    assert.match(same.stdout, new RegExp(`^Added meta node \\d+ at ${b.metaAddress}\\n$`))

    const other = await startTidemarkd({
      role: 'meta',
      env: {
        TIDEMARK_META_ETCD_ENDPOINTS: etcd.endpoints.join(','),
        TIDEMARK_META_ETCD_PREFIX: '/e2e-membership-other',
      },
    })
    try {
      const r = await ctl(['-bind', a.metaAddress, 'add-meta', other.metaAddress])
      assert.equal(r.code, 1)
      assert.match(
        r.stderr,
        new RegExp(`^tidemark-ctl: meta node ${other.metaAddress} belongs to another cluster`),
      )
    } finally {
      await other.stop()
    }
    const unknown = await ctl(['-bind', a.metaAddress, 'remove-meta', '127.0.0.1:1'])
    assert.equal(unknown.code, 1)
    assert.equal(
      unknown.stderr,
      'tidemark-ctl: meta node 127.0.0.1:1 is not a member of the cluster\n',
    )
  })
})
