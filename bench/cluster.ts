// Cluster benchmarks (issue #6): HTTP write throughput of 1-, 2- and 3-data-node clusters (one meta
// node each) at replication factor 1 and 2, query times on 3 data nodes, and `tidemark-ctl backup -full` of a 3-data-node RF=1
// cluster, each against a single-node tidemarkd holding the same points. Every process runs on
// this one machine, so more nodes cannot add throughput here: the ratios show what coordination
// and replication cost. Run alone: `node dist/bench/cluster.js [points]`.

import { CONNECTIONS, drive, makeBodies } from './http-write.js'
import { waitAtRest } from './at-rest.js'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ctl } from '../test/helpers/cli.js'
import {
  eventually,
  firstColumn,
  startTidemarkd,
  type TidemarkdHandle,
} from '../test/helpers/tidemarkd.js'

const SERIES = 1000
const BATCH = 5000

/** A running single node or cluster: where to write, and where tidemark-ctl binds. */
interface Setup {
  readonly name: string
  /** The nodes that take /write (the single node, or every data node). */
  readonly writers: readonly TidemarkdHandle[]
  /** Every process of the setup (meta node included). */
  readonly all: readonly TidemarkdHandle[]
  /** host:port of the meta API. */
  readonly bind: string
}

interface BackupRun {
  readonly seconds: number
  readonly bytes: number
}

async function startSingle(): Promise<Setup> {
  const node = await startTidemarkd()
  firstColumn(await node.query('CREATE DATABASE bench'))
  return { name: 'single node', writers: [node], all: [node], bind: node.metaAddress }
}

/** A meta node and `n` data nodes joined to it, with database `bench` at replication factor `rf`. */
async function startCluster(n: number, rf: number): Promise<Setup> {
  const started = await Promise.allSettled([
    startTidemarkd({ role: 'meta' }),
    ...Array.from({ length: n }, () => startTidemarkd({ role: 'data' })),
  ])
  const all = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const setup: Setup = {
    name: `${n} data node${n > 1 ? 's' : ''}, RF=${rf}`,
    writers: all.slice(1),
    all,
    bind: all[0]?.metaAddress ?? '',
  }
  try {
    const failed = started.find((s) => s.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    for (const node of setup.writers) {
      const r = await ctl(['-bind', setup.bind, 'add-data', node.nodeAddress])
      if (r.code !== 0) throw new Error(`add-data ${node.nodeAddress}: ${r.stderr}`)
    }
    const first = setup.writers[0]
    if (first === undefined) throw new Error('no data node')
    firstColumn(await first.query(`CREATE DATABASE bench WITH REPLICATION ${rf}`))
    for (const node of setup.writers)
      await eventually(`${node.url} knows bench`, async () =>
        firstColumn(await node.query('SHOW DATABASES')).includes('bench'),
      )
    return setup
  } catch (err) {
    await stopSetup(setup)
    throw err
  }
}

async function stopSetup(s: Setup): Promise<void> {
  await Promise.all(s.all.map((h) => h.stop()))
}

/** Times `tidemark-ctl backup -full` of the setup into a fresh directory under `tmp`. */
async function backup(s: Setup, tmp: string): Promise<BackupRun> {
  await waitAtRest(s.all.map((h) => h.pid))
  const dir = mkdtempSync(join(tmp, 'b-'))
  const t0 = performance.now()
  const r = await ctl(['-bind', s.bind, 'backup', '-full', dir])
  const seconds = (performance.now() - t0) / 1000
  if (r.code !== 0) throw new Error(`backup of ${s.name} exited ${r.code}: ${r.stderr}`)
  const bytes = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0)
  rmSync(dir, { recursive: true, force: true })
  return { seconds, bytes }
}

/** Queries timed on each setup, through its first data node. */
const QUERIES = [
  'SELECT count(*) FROM cpu',
  'SELECT mean(usage_user) FROM cpu GROUP BY host',
  "SELECT * FROM cpu WHERE host = 'host7'",
  'SELECT max(usage_user) FROM cpu GROUP BY time(1h)',
] as const

/** The median of three runs of each of QUERIES, in ms, once the setup's data is at rest. */
async function timeQueries(s: Setup): Promise<number[]> {
  await waitAtRest(s.all.map((h) => h.pid))
  const node = s.writers[0]
  if (node === undefined) throw new Error('no data node')
  const out: number[] = []
  for (const q of QUERIES) {
    const runs: number[] = []
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now()
      const answer = JSON.stringify(await node.query(q, { db: 'bench' }))
      runs.push(performance.now() - t0)
      if (answer.includes('"error"')) throw new Error(`${q} on ${s.name}: ${answer}`)
    }
    out.push(runs.sort((a, b) => a - b)[1] ?? Number.NaN)
  }
  return out
}

/** Prints write points/s of each setup, query times and backup MB/s, each as a ratio to the single node. */
export async function benchCluster(points = 1_000_000): Promise<void> {
  const bodies = makeBodies(points)
  const cores = availableParallelism()
  console.log(
    `\n## cluster /write: ${points} points, ${SERIES} series, batches of ${BATCH}, ${CONNECTIONS} connections spread over the data nodes, consistency=all`,
  )
  console.log(
    `note: every node (and this client) shares one ${cores}-core machine, so more nodes cannot mean more throughput here; the ratios show the overhead of replication and coordination`,
  )
  const layouts: readonly (readonly [number, number])[] = [
    [1, 1],
    [2, 1],
    [2, 2],
    [3, 1],
    [3, 2],
  ]
  const tmp = mkdtempSync(join(tmpdir(), 'tidemark-bench-cluster-'))
  try {
    let base = 0
    let singleBackup: BackupRun | undefined
    let clusterBackup: BackupRun | undefined
    const queryTimes = new Map<string, number[]>()
    for (const layout of [undefined, ...layouts]) {
      const s = layout === undefined ? await startSingle() : await startCluster(...layout)
      try {
        // Batch i goes to writer i mod n (spread evenly over the data nodes), at consistency=all so
        // a batch counts only once every owner stored it.
        const rate =
          points /
          (await drive(
            (body, i) =>
              (s.writers[i % s.writers.length] as TidemarkdHandle).write('bench', body, {
                consistency: 'all',
              }),
            bodies,
          ))
        if (layout === undefined) base = rate
        console.log(
          `${s.name.padEnd(20)} ${(rate / 1e3).toFixed(0).padStart(6)} k points/s   ${(rate / base).toFixed(2)}x single node`,
        )
        if (layout === undefined || layout[0] === 3) queryTimes.set(s.name, await timeQueries(s))
        if (layout === undefined) singleBackup = await backup(s, tmp)
        else if (layout[0] === 3 && layout[1] === 1) clusterBackup = await backup(s, tmp)
      } finally {
        await stopSetup(s)
      }
    }
    const single = queryTimes.get('single node') ?? []
    console.log(
      `\n## queries through one data node (median of 3; a shard another node owns is read from it over the node API)`,
    )
    for (const [k, q] of QUERIES.entries()) {
      const cells = [...queryTimes].map(([name, t]) => {
        const ms = t[k] ?? Number.NaN
        const ratio =
          name === 'single node' ? '' : ` (${(ms / (single[k] ?? Number.NaN)).toFixed(2)}x)`
        return `${name}: ${ms.toFixed(0)} ms${ratio}`
      })
      console.log(`${q.padEnd(50)} ${cells.join('   ')}`)
    }
    if (singleBackup === undefined || clusterBackup === undefined) return
    console.log(`\n## backup -full of the same ${points} points`)
    const line = (who: string, b: BackupRun): void =>
      console.log(
        `${who.padEnd(20)} ${b.seconds.toFixed(2).padStart(6)} s   ${(b.bytes / 1e6).toFixed(1)} MB   ${(b.bytes / 1e6 / b.seconds).toFixed(1)} MB/s`,
      )
    line('single node', singleBackup)
    line('3 data nodes, RF=1', clusterBackup)
    console.log(
      `ratio                ${(singleBackup.seconds / clusterBackup.seconds).toFixed(2)}x (single-node time / cluster time; above 1: the cluster is faster)`,
    )
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchCluster(Number(process.argv[2] ?? 1_000_000))
}
