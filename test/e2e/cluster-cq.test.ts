// Continuous queries on a cluster (issue #6 leftovers): one meta node and two data nodes as real
// processes on loopback, a database at replication factor 2 and a CQ checked every 100 ms. While
// both nodes are up only the data node with the lower ID runs the CQ (the other never does); after
// that node is killed with SIGKILL the other takes over and the CQ's INTO measurement keeps
// getting points.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { ctl } from '../helpers/cli.js'
import {
  eventually,
  firstColumn,
  startTidemarkd,
  type TidemarkdHandle,
} from '../helpers/tidemarkd.js'

const ENV = {
  TIDEMARK_CONTINUOUS_QUERIES_RUN_INTERVAL: '100ms',
  TIDEMARK_CONTINUOUS_QUERIES_LOG_ENABLED: 'true',
  TIDEMARK_LOGGING_LEVEL: 'info',
  TIDEMARK_HINTED_HANDOFF_RETRY_INTERVAL: '100ms',
  TIDEMARK_HINTED_HANDOFF_RETRY_MAX_INTERVAL: '300ms',
  TIDEMARK_COORDINATOR_SHARD_WRITER_TIMEOUT: '2s',
}
const CQ =
  'CREATE CONTINUOUS QUERY c ON cqdb BEGIN SELECT count(v) INTO cqdb.autogen.out FROM m GROUP BY time(1s) END'

/** How many CQ executions a node logged. */
function executions(node: TidemarkdHandle): number {
  return node
    .log()
    .split('\n')
    .filter((l) => l.includes('"msg":"Executing continuous query"')).length
}

/** Times (ns) of the CQ's output points at or after `fromNs`, read through `node`. */
async function outputSince(node: TidemarkdHandle, fromNs: bigint): Promise<string[]> {
  return firstColumn(
    await node.query(`SELECT * FROM "out" WHERE time >= ${fromNs}`, {
      db: 'cqdb',
      epoch: 'ns',
    }),
  )
}

describe('continuous queries on two data nodes', () => {
  let meta: TidemarkdHandle
  let low: TidemarkdHandle
  let high: TidemarkdHandle
  const roots: string[] = []
  let writing = true
  let load: Promise<void> = Promise.resolve()

  before(async () => {
    meta = await startTidemarkd({ role: 'meta' })
    const [a, b] = await Promise.all([1, 2].map(() => startTidemarkd({ role: 'data', env: ENV })))
    ;[low, high] = [a as TidemarkdHandle, b as TidemarkdHandle]
    roots.push(meta.root, low.root, high.root)
    const added: number[] = []
    for (const node of [low, high]) {
      const r = await ctl(['-bind', meta.metaAddress, 'add-data', node.nodeAddress])
      assert.equal(r.code, 0, r.stderr)
      added.push(Number(/^Added data node (\d+) at /.exec(r.stdout)?.[1]))
    }
    assert.ok((added[0] ?? 0) < (added[1] ?? 0), `IDs ${added.join(', ')}`)
    firstColumn(await low.query('CREATE DATABASE cqdb WITH REPLICATION 2'))
    for (const n of [low, high])
      await eventually(`${n.url} knows cqdb`, async () =>
        firstColumn(await n.query('SHOW DATABASES')).includes('cqdb'),
      )
    firstColumn(await low.query(CQ, { db: 'cqdb' }))
    // Points with the current time, through the node that stays up, until the test ends.
    load = (async () => {
      while (writing) {
        await high.write('cqdb', `m v=1 ${BigInt(Date.now()) * 1_000_000n}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
  })
  after(async () => {
    writing = false
    await load
    await Promise.all([meta, low, high].map((n) => n.stop({ keep: true })))
    for (const r of roots) rmSync(r, { recursive: true, force: true })
  })

  it('runs the CQ only on the data node with the lower ID while both are up', async () => {
    const since = BigInt(Date.now()) * 1_000_000n
    await eventually(
      'the CQ wrote three windows',
      async () => (await outputSince(high, since)).length >= 3,
      20_000,
    )
    assert.ok(executions(low) >= 3, `low ran ${executions(low)} times`)
    assert.equal(executions(high), 0, 'the higher-ID node never ran the CQ')
  })

  it('keeps writing the INTO measurement through the other node after the lower-ID node is killed', async () => {
    await low.kill()
    const killedNs = BigInt(Date.now()) * 1_000_000n
    await eventually(
      'the surviving node wrote three windows after the kill',
      async () => (await outputSince(high, killedNs)).length >= 3,
      30_000,
    )
    assert.ok(executions(high) >= 3, `high ran ${executions(high)} times`)
    assert.match(high.log(), /running continuous queries: no data node with a lower ID answers/)
  })
})
