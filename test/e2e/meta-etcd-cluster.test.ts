// Three meta nodes on a 3-member etcd cluster: killing the etcd leader (SIGKILL) and then one of
// the three tidemarkd processes (kill -9) leaves DDL working on the survivors, with nothing lost —
// the "kill a meta node of three" fault test of issue #6 rests on this.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { etcdLeader, requireEtcd, startEtcd } from '../helpers/etcd.js'
import type { JSONValue } from '../helpers/json-bigint.js'
import { eventually, startTidemarkd, type TidemarkdHandle } from '../helpers/tidemarkd.js'

/** The first column of every row of the first series of a SHOW answer. */
function firstColumn(answer: JSONValue): string[] {
  const result = (answer as { results?: { series?: { values?: unknown[][] }[]; error?: string }[] })
    .results?.[0]
  if (result?.error !== undefined) throw new Error(result.error)
  return (result?.series?.[0]?.values ?? []).map((row) => String(row[0]))
}

/** Runs a statement and fails on a statement error. */
async function ddl(node: TidemarkdHandle, q: string): Promise<void> {
  const answer = (await node.query(q)) as { results?: { error?: string }[]; error?: string }
  const error = answer.error ?? answer.results?.[0]?.error
  if (error !== undefined) throw new Error(`${q}: ${error}`)
}

/** Each node creates `count` databases named `<round>_<node>_<i>`, all at once. */
async function createRound(
  nodes: readonly TidemarkdHandle[],
  round: string,
  count: number,
): Promise<string[]> {
  const names = nodes.flatMap((_, k) =>
    Array.from({ length: count }, (_, i) => `${round}_${k}_${i}`),
  )
  await Promise.all(
    nodes.flatMap((node, k) =>
      Array.from({ length: count }, (_, i) => ddl(node, `CREATE DATABASE ${round}_${k}_${i}`)),
    ),
  )
  return names
}

async function expectDatabases(
  nodes: readonly TidemarkdHandle[],
  names: readonly string[],
): Promise<void> {
  const want = [...names].sort()
  for (const node of nodes) {
    await eventually(
      `${node.url} lists ${want.length} databases`,
      async () => firstColumn(await node.query('SHOW DATABASES')).length === want.length,
    )
    assert.deepEqual(firstColumn(await node.query('SHOW DATABASES')).sort(), want)
  }
}

describe('meta nodes on a 3-member etcd cluster', () => {
  it('keeps DDL working with nothing lost when the etcd leader and then a meta node are killed', async (t) => {
    if (!requireEtcd(t)) return
    const etcd = await startEtcd({ members: 3 })
    const env = {
      TIDEMARK_META_ETCD_ENDPOINTS: etcd.endpoints.join(','),
      TIDEMARK_META_ETCD_PREFIX: '/e2e-cluster',
    }
    const nodes: TidemarkdHandle[] = []
    try {
      nodes.push(...(await Promise.all([1, 2, 3].map(() => startTidemarkd({ env })))))
      const names = await createRound(nodes, 'before', 5)
      await expectDatabases(nodes, names)

      const leader = await etcdLeader(etcd)
      assert.ok(leader !== undefined, 'the cluster has a leader')
      await leader.kill()
      const started = Date.now()
      names.push(...(await createRound(nodes, 'leaderless', 5)))
      t.diagnostic(`first DDL round after killing the etcd leader took ${Date.now() - started} ms`)
      await expectDatabases(nodes, names)

      const [victim, ...survivors] = nodes
      assert.ok(victim !== undefined)
      await victim.kill()
      names.push(...(await createRound(survivors, 'two_left', 5)))
      await expectDatabases(survivors, names)
      await ddl(survivors[0] ?? victim, 'DROP DATABASE before_0_0')
      await expectDatabases(
        survivors,
        names.filter((n) => n !== 'before_0_0'),
      )
    } finally {
      await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)))
      await etcd.stop()
    }
  })
})
