// Shared set-up for the executor's unit tests: a real metastore (MetaFileStore in a fresh temp
// directory) and store, points written straight into shards (creating shard groups as InfluxDB's
// write path would), and a helper that runs a query and collects its results. Not part of the
// component's API.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePoints } from '../lineprotocol/index.js'
import type { Point } from '../lineprotocol/index.js'
import { MetaClient, MetaFileStore } from '../meta/index.js'
import type { PasswordHasher } from '../meta/index.js'
import { Store } from '../store/index.js'
import type { ExecuteRequest, StatementResult } from './result.js'
import type { SelectExecutor } from './select-executor.js'
import { StatementExecutor } from './statement-executor.js'

/** A cheap, deterministic hasher for tests (not bcrypt: tests must stay fast). */
export const testHasher: PasswordHasher = {
  async hash(password: string): Promise<string> {
    return `$test$${Buffer.from(password).toString('hex')}`
  },
  async compare(password: string, hash: string): Promise<boolean> {
    return hash === `$test$${Buffer.from(password).toString('hex')}`
  },
}

/** A test fixture: components, executor and helpers. `close()` removes everything. */
export interface Fixture {
  readonly dir: string
  readonly meta: MetaClient
  readonly store: Store
  readonly executor: StatementExecutor
  /** Runs `q` and returns every result; a thrown error (parse, auth) rejects. */
  run(q: string, req?: Partial<ExecuteRequest>): Promise<StatementResult[]>
  /** Runs `q` and returns its only result's series as plain JSON-able data. */
  rows(q: string, req?: Partial<ExecuteRequest>): Promise<unknown>
  /** Writes line protocol into `db` (`rp` '' = default), creating shard groups and shards. */
  write(db: string, lineProtocol: string, rp?: string): Promise<void>
  close(): Promise<void>
}

/** Options of {@link openFixture}. */
export interface FixtureOptions {
  readonly nowNs?: bigint
  readonly select?: SelectExecutor
}

/** Opens a fixture in a fresh temp directory. */
export async function openFixture(opts: FixtureOptions = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-query-'))
  const meta = new MetaClient(new MetaFileStore(join(dir, 'meta')))
  await meta.open()
  const store = new Store({
    dataDir: join(dir, 'data'),
    walDir: join(dir, 'wal'),
    engine: { background: false },
  })
  await store.open()
  const nowNs = opts.nowNs
  const executor = new StatementExecutor({
    meta,
    store,
    hasher: testHasher,
    ...(nowNs !== undefined && { now: () => nowNs }),
    ...(opts.select !== undefined && { select: opts.select }),
  })
  const run = async (q: string, req: Partial<ExecuteRequest> = {}): Promise<StatementResult[]> => {
    const out: StatementResult[] = []
    const full: ExecuteRequest = {
      query: q,
      database: '',
      retentionPolicy: '',
      params: undefined,
      chunkSize: 10000,
      readOnly: false,
      authEnabled: false,
      user: undefined,
      signal: new AbortController().signal,
      ...req,
    }
    for await (const r of executor.execute(full)) out.push(r)
    return out
  }
  const write = async (db: string, lineProtocol: string, rp = ''): Promise<void> => {
    const parsed = parsePoints(new TextEncoder().encode(lineProtocol), {})
    const byShard = new Map<bigint, Point[]>()
    for (const p of parsed.points) {
      let data = meta.data
      let group = data.shardGroupByTimestamp(db, rp, p.time)
      if (group === undefined) {
        data = await meta.update((d) => d.createShardGroup(db, rp, p.time))
        group = data.shardGroupByTimestamp(db, rp, p.time)
      }
      const shard = group?.shards[0]
      if (shard === undefined) throw new Error('no shard')
      const list = byShard.get(shard.id) ?? []
      list.push(p)
      byShard.set(shard.id, list)
    }
    const rpName = rp !== '' ? rp : (meta.data.database(db)?.defaultRetentionPolicy ?? '')
    for (const [id, points] of byShard) {
      const sh = store.shard(Number(id)) ?? (await store.createShard(db, rpName, Number(id)))
      await sh.writePoints(points)
    }
  }
  return {
    dir,
    meta,
    store,
    executor,
    run,
    async rows(q, req) {
      const results = await run(q, req)
      return JSON.parse(
        JSON.stringify(results, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)),
      ) as unknown
    },
    write,
    async close() {
      await store.close()
      await meta.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
