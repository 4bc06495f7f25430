// Test support for the backup component: a real store and metastore in a temp directory filled
// with a small dataset (several databases, retention policies and shards, tombstones, data still
// in the cache), a dump of everything a store holds (to compare a source with a restored copy
// whose shard IDs differ), a listing of a directory tree (to prove a failed restore changed
// nothing), and a builder of hand-made tar.gz archives for hostile-input tests.
// Not used by production code.

import { Buffer } from 'node:buffer'
import { mkdtemp, readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Header } from 'tar/header'
import { parsePoints } from '../lineprotocol/index.js'
import type { Values } from '../lineprotocol/index.js'
import { MetaClient, MetaData, MetaFileStore } from '../meta/index.js'
import { Store } from '../store/index.js'
import type { BackupSetShardSpec } from './backup-set-writer.js'
import { tarFileHeader, tarPadding, TAR_END_MARKER_BYTES } from './tar-writer.js'

/** A fresh temp directory (the caller removes it). */
export function tempDir(prefix = 'tidemark-backup-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/** A store and a metastore under one root directory. */
export interface TestNode {
  readonly root: string
  readonly store: Store
  readonly meta: MetaClient
  close(): Promise<void>
}

/** Opens a store (no background work) and a file metastore under `root`. */
export async function openNode(root: string): Promise<TestNode> {
  const store = new Store({
    dataDir: join(root, 'data'),
    walDir: join(root, 'wal'),
    engine: { background: false },
  })
  await store.open()
  const meta = new MetaClient(new MetaFileStore(join(root, 'meta')))
  await meta.open()
  return {
    root,
    store,
    meta,
    close: async () => {
      await store.close()
      await meta.close()
    },
  }
}

const WEEK1 = 1578268800n * 1_000_000_000n // 2020-01-06T00:00:00Z, a Monday
const HOUR = 3_600_000_000_000n
/** Point spacing: 1200 points span 10 hours, inside the 1-day shard groups of rp2. */
const STEP = 30_000_000_000n

function lines(start: bigint, n: number, salt: number): string {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const t = start + BigInt(i) * STEP
    const host = ['a', 'b', 'c'][i % 3] ?? 'a'
    out.push(
      `cpu,host=${host} v=${(i * 1.5 + salt).toFixed(2)},n=${i * 7 - 100}i,ok=${i % 2 === 0},s="x ${i} \\"q\\"" ${t}`,
    )
    if (i % 5 === 0) out.push(`mem,host=${host},region=eu free=${i * 1000 + salt}i ${t}`)
  }
  return out.join('\n')
}

/**
 * Fills `node` with the test dataset: db0 (autogen, two 7-day shard groups; rp2 with 1-day
 * groups) and db1 (autogen), 1200+ points per shard in several TSM generations, a range delete
 * and a series delete (tombstones), and a few points left in the cache. Shard IDs start after
 * `firstShardID - 1` so tests can cover IDs that end in zeros. Returns the specs for a backup.
 */
export async function fillNode(node: TestNode, firstShardID = 1n): Promise<BackupSetShardSpec[]> {
  await node.meta.update((m) => {
    let d = m.with({ maxShardID: firstShardID - 1n })
    d = d.createDatabase('db0').createDatabase('db1')
    d = d.createRetentionPolicy(
      'db0',
      { name: 'rp2', durationNs: 0n, shardGroupDurationNs: 24n * HOUR, replicaN: 1 },
      false,
    )
    for (const [db, rp, t] of [
      ['db0', 'autogen', WEEK1],
      ['db0', 'autogen', WEEK1 + 7n * 24n * HOUR],
      ['db0', 'rp2', WEEK1],
      ['db1', 'autogen', WEEK1],
    ] as const) {
      d = d.createShardGroup(db, rp, t)
    }
    return d
  })
  const specs: BackupSetShardSpec[] = []
  const enc = new TextEncoder()
  let salt = 0
  for (const db of node.meta.data.databases) {
    for (const rp of db.retentionPolicies) {
      for (const g of rp.shardGroups) {
        for (const s of g.shards) {
          const shard = await node.store.createShard(db.name, rp.name, Number(s.id))
          salt++
          const write = async (lp: string): Promise<void> => {
            const r = parsePoints(enc.encode(lp), { precision: 'n' })
            if (r.errors.length > 0) throw new Error(String(r.errors[0]))
            await shard.writePoints(r.points)
          }
          await write(lines(g.startTimeNs, 1200, salt))
          await shard.snapshot()
          await write(lines(g.startTimeNs + 30n * STEP, 300, salt + 100))
          await shard.snapshot()
          await shard.deleteSeriesRange(
            ['cpu,host=a'],
            g.startTimeNs + 10n * STEP,
            g.startTimeNs + 100n * STEP,
          )
          await shard.deleteSeriesRange(['mem,host=b,region=eu'], -(2n ** 63n), 2n ** 63n - 1n)
          await write(lines(g.startTimeNs + 2000n * STEP, 20, salt + 200)) // stays in the cache
          specs.push({ shard, database: db.name, rp: rp.name, id: s.id })
        }
      }
    }
  }
  return specs
}

function cell(v: Values, i: number): string {
  switch (v.kind) {
    case 'boolean':
      return v.values[i] === 1 ? 'true' : 'false'
    case 'string':
      return JSON.stringify(v.values[i])
    default:
      return String(v.values[i])
  }
}

/**
 * Everything `store` holds, per `<db>.<rp>` and TSM key, as `time=value` texts in time order
 * (shards of one retention policy merged; shard IDs do not matter).
 */
export async function dumpStore(
  store: Store,
  databases?: readonly string[],
): Promise<Record<string, Record<string, string[]>>> {
  const out: Record<string, Record<string, string[]>> = {}
  for (const shard of store.shards()) {
    if (databases !== undefined && !databases.includes(shard.database)) continue
    const rp = (out[`${shard.database}.${shard.retentionPolicy}`] ??= {})
    for (const key of shard.keys()) {
      const v = await shard.read(key)
      if (v === undefined || v.times.length === 0) continue
      const list = (rp[key] ??= [])
      for (let i = 0; i < v.times.length; i++) list.push(`${v.times[i]}=${cell(v, i)}`)
    }
  }
  for (const rp of Object.values(out)) for (const list of Object.values(rp)) list.sort()
  return out
}

/** Every file and directory under `root` with its size, as sorted `relative/path:size` texts. */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch {
      return
    }
    for (const n of names) {
      const p = join(dir, n)
      const st = await stat(p)
      out.push(`${relative(root, p)}${st.isDirectory() ? '/' : `:${st.size}`}`)
      if (st.isDirectory()) await walk(p)
    }
  }
  await walk(root)
  return out.sort()
}

/** One entry of a hand-made archive. */
export interface RawEntry {
  readonly name: string
  readonly data?: Uint8Array
  /** node-tar type name (default `File`). */
  readonly type?: 'File' | 'SymbolicLink' | 'Link' | 'Directory' | 'CharacterDevice' | 'FIFO'
  readonly linkpath?: string
}

/** The bytes of a tar holding `entries` (any names and types, unchecked), ending in two zero blocks. */
export function rawTar(entries: readonly RawEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const data = Buffer.from(e.data ?? new Uint8Array(0))
    if ((e.type ?? 'File') === 'File') {
      parts.push(tarFileHeader(e.name, data.length, new Date(0)))
    } else {
      const block = Buffer.alloc(512)
      new Header({
        path: e.name,
        mode: 0o644,
        size: 0,
        mtime: new Date(0),
        type: e.type,
        linkpath: e.linkpath ?? '',
        uid: 0,
        gid: 0,
      }).encode(block, 0)
      parts.push(block)
      continue
    }
    parts.push(data, tarPadding(data.length))
  }
  parts.push(Buffer.alloc(TAR_END_MARKER_BYTES))
  return Buffer.concat(parts)
}

/** `rawTar(entries)` gzipped. */
export function rawTarGz(entries: readonly RawEntry[]): Buffer {
  return gzipSync(rawTar(entries))
}

/** A fresh, empty metastore value for tests. */
export function emptyMeta(): MetaData {
  return MetaData.empty(42n)
}
