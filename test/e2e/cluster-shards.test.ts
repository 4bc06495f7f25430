// tidemark-ctl's shard commands on a cluster of one meta node and three data nodes (RF=1):
// copy-shard copies a shard's data to another node and adds it as an owner, remove-shard drops
// the first owner's replica (queries then read the copy and answer as before), and
// truncate-shards ends the current shard group so the next write starts a new one.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ctl } from '../helpers/cli.js'
import { eventually, startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'
import { shardOwners } from '../helpers/cluster.js'

const T0 = 1_767_225_600_000_000_000n // 2026-01-01T00:00:00Z

async function raw(node: TidemarkdHandle, q: string): Promise<string> {
  const r = await fetch(`${node.url}/query?${new URLSearchParams({ q, db: 'db' })}`)
  return r.text()
}

describe('shard commands on a cluster', () => {
  let meta: TidemarkdHandle
  let data: TidemarkdHandle[] = []

  before(async () => {
    const all = await Promise.all([
      startTidemarkd({ role: 'meta' }),
      ...[1, 2, 3].map(() => startTidemarkd({ role: 'data' })),
    ])
    ;[meta, ...data] = all as [TidemarkdHandle, ...TidemarkdHandle[]]
    for (const n of data) {
      const r = await ctl(['-bind', meta.metaAddress, 'add-data', n.nodeAddress])
      assert.equal(r.code, 0, r.stderr)
    }
    const first = data[0] as TidemarkdHandle
    await raw(first, 'CREATE DATABASE db WITH REPLICATION 1')
    for (const n of data)
      await eventually(`${n.url} sees db`, async () =>
        (await raw(n, 'SHOW DATABASES')).includes('"db"'),
      )
  })

  after(async () => {
    for (const h of [meta, ...data]) await h?.stop().catch(() => undefined)
  })

  it('copy-shard adds an owner holding the data, remove-shard drops the first owner', async () => {
    const first = data[0] as TidemarkdHandle
    const w = await first.write('db', `cpu,host=a v=1 ${T0}\ncpu,host=b v=2 ${T0 + 1n}`)
    assert.equal(w.status, 204, await w.text())
    const q = `SELECT * FROM cpu WHERE time >= ${T0} AND time < ${T0 + 10n}`
    const before = await raw(first, q)
    assert.match(before, /"values":\[\[/)
    const shards = await shardOwners(meta)
    // The shard holding the points: the one whose owner has its directory.
    const [id, [src = ''] = []] =
      [...shards].find(([sid, l]) => {
        const n = data.find((d) => d.nodeAddress === l[0])
        return n !== undefined && existsSync(join(n.root, 'data', 'db', 'autogen', sid))
      }) ?? []
    assert.ok(id !== undefined && src !== '', 'a shard with data')
    const dst = data.find((d) => d.nodeAddress !== src) as TidemarkdHandle
    const c = await ctl(['-bind', meta.metaAddress, 'copy-shard', src, dst.nodeAddress, id])
    assert.equal(c.code, 0, c.stderr)
    assert.equal(c.stdout, `Copied shard ${id} from ${src} to ${dst.nodeAddress}\n`)
    assert.deepEqual((await shardOwners(meta)).get(id), [src, dst.nodeAddress])
    assert.ok(existsSync(join(dst.root, 'data', 'db', 'autogen', id)))
    const again = await ctl(['-bind', meta.metaAddress, 'copy-shard', src, dst.nodeAddress, id])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /already exists/)

    const r = await ctl(['-bind', meta.metaAddress, 'remove-shard', src, id])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `Removed shard ${id} from ${src}\n`)
    assert.deepEqual((await shardOwners(meta)).get(id), [dst.nodeAddress])
    const srcNode = data.find((d) => d.nodeAddress === src) as TidemarkdHandle
    assert.ok(!existsSync(join(srcNode.root, 'data', 'db', 'autogen', id)))
    for (const n of data)
      await eventually(
        `${n.url} reads shard ${id} from its new owner`,
        async () => (await raw(n, q)) === before,
      )
    const missing = await ctl([
      '-bind',
      meta.metaAddress,
      'copy-shard',
      src,
      dst.nodeAddress,
      '999',
    ])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /shard 999 not found/)
  })

  it('truncate-shards ends the current shard groups: the next write starts a new group', async () => {
    const first = data[0] as TidemarkdHandle
    const now = BigInt(Date.now()) * 1_000_000n
    assert.equal((await first.write('db', `mem v=1 ${now}`)).status, 204)
    const groups = async (): Promise<Set<string>> => {
      const r = await ctl(['-bind', meta.metaAddress, 'show-shards'])
      return new Set(
        r.stdout
          .split('\n')
          .slice(3)
          .map((l) => l.split(/\s+/)[4] ?? '')
          .filter((g) => g !== ''),
      )
    }
    const before = await groups()
    const t = await ctl(['-bind', meta.metaAddress, 'truncate-shards', '-delay', '0s'])
    assert.equal(t.code, 0, t.stderr)
    assert.equal(t.stdout, 'Truncated shards.\n')
    await new Promise((r) => setTimeout(r, 20))
    const later = BigInt(Date.now()) * 1_000_000n
    await eventually('the write after truncation lands', async () => {
      const w = await first.write('db', `mem v=2 ${later}`)
      return w.status === 204
    })
    const after = await groups()
    assert.ok(after.size > before.size, `${[...before].join(',')} → ${[...after].join(',')}`)
    const bad = await ctl(['-bind', meta.metaAddress, 'truncate-shards', '-delay', 'soon'])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /invalid -delay "soon"/)
  })
})
