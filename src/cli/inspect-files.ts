// Finding the files tidemark-inspect works on. Shard layout (InfluxDB's): TSM files in
// `<data dir>/<db>/<rp>/<shard>/*.tsm`, WAL segments in `<wal dir>/<db>/<rp>/<shard>/_*.wal`.
// scanShards() groups them per (database, retention policy) and shard, in a deterministic order:
// databases and RPs sorted by name, shards by numeric ID, TSM files by generation and sequence
// (oldest first, so later files win), WAL segments by ID (the order they were written).

import type { Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { parseTSMFileName } from '../tsm/index.js'
import { parseSegmentFileName } from '../wal/index.js'

/** The files of one shard. */
export interface ShardFiles {
  readonly database: string
  readonly retentionPolicy: string
  /** The shard directory's name (the shard ID for InfluxDB layouts). */
  readonly shard: string
  /** TSM files, oldest generation first. */
  readonly tsmPaths: readonly string[]
  /** WAL segments, lowest ID first. */
  readonly walPaths: readonly string[]
}

/** The shards of one (database, retention policy) pair that hold TSM or WAL files. */
export interface RetentionPolicyFiles {
  readonly database: string
  readonly retentionPolicy: string
  readonly shards: readonly ShardFiles[]
}

/** Which databases and RPs to include (undefined: all). */
export interface ShardFilter {
  readonly database?: string | undefined
  readonly retentionPolicy?: string | undefined
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries.filter((e) => e.isDirectory()).map((e) => e.name)
}

/** Compares names as numbers when both are decimal numbers, else as strings. */
export function compareNumericNames(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : Number.NaN
  const nb = /^\d+$/.test(b) ? Number(b) : Number.NaN
  if (!Number.isNaN(na) && !Number.isNaN(nb) && na !== nb) return na - nb
  return a < b ? -1 : a > b ? 1 : 0
}

function tsmOrder(name: string): [number, number] {
  try {
    const id = parseTSMFileName(name)
    return [id.generation, id.sequence]
  } catch {
    return [Number.MAX_SAFE_INTEGER, 0]
  }
}

function sortTSMNames(names: string[]): string[] {
  return names.sort((a, b) => {
    const [ga, sa] = tsmOrder(a)
    const [gb, sb] = tsmOrder(b)
    return ga - gb || sa - sb || (a < b ? -1 : a > b ? 1 : 0)
  })
}

function sortWALNames(names: string[]): string[] {
  const id = (n: string): number => parseSegmentFileName(n) ?? Number.MAX_SAFE_INTEGER
  return names.sort((a, b) => id(a) - id(b) || (a < b ? -1 : a > b ? 1 : 0))
}

interface FoundFiles {
  tsm: string[]
  wal: string[]
}

type ShardMap = Map<string, Map<string, Map<string, FoundFiles>>>

async function collect(
  root: string,
  filter: ShardFilter,
  pick: (entry: Dirent) => boolean,
  into: ShardMap,
  slot: 'tsm' | 'wal',
): Promise<void> {
  for (const db of await subdirs(root)) {
    if (filter.database !== undefined && db !== filter.database) continue
    for (const rp of await subdirs(join(root, db))) {
      if (filter.retentionPolicy !== undefined && rp !== filter.retentionPolicy) continue
      for (const shard of await subdirs(join(root, db, rp))) {
        const dir = join(root, db, rp, shard)
        const names = (await readdir(dir, { withFileTypes: true })).filter(pick).map((e) => e.name)
        if (names.length === 0) continue
        let rps = into.get(db)
        if (rps === undefined) into.set(db, (rps = new Map()))
        let shards = rps.get(rp)
        if (shards === undefined) rps.set(rp, (shards = new Map()))
        let entry = shards.get(shard)
        if (entry === undefined) shards.set(shard, (entry = { tsm: [], wal: [] }))
        const sorted = slot === 'tsm' ? sortTSMNames(names) : sortWALNames(names)
        entry[slot] = sorted.map((n) => join(dir, n))
      }
    }
  }
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Finds the TSM files under `dataDir` and WAL segments under `walDir` (either may be undefined
 * to skip it) and groups them by database, RP and shard. Rejects with the fs error when a given
 * directory cannot be read.
 */
export async function scanShards(
  dataDir: string | undefined,
  walDir: string | undefined,
  filter: ShardFilter = {},
): Promise<RetentionPolicyFiles[]> {
  const found: ShardMap = new Map()
  if (dataDir !== undefined) {
    await collect(dataDir, filter, (e) => e.isFile() && e.name.endsWith('.tsm'), found, 'tsm')
  }
  if (walDir !== undefined) {
    const isSegment = (e: Dirent): boolean => e.isFile() && /^_.*\.wal$/.test(e.name)
    await collect(walDir, filter, isSegment, found, 'wal')
  }
  const out: RetentionPolicyFiles[] = []
  for (const db of [...found.keys()].sort(byName)) {
    const rps: Map<string, Map<string, FoundFiles>> = found.get(db) ?? new Map()
    for (const rp of [...rps.keys()].sort(byName)) {
      const shardMap: Map<string, FoundFiles> = rps.get(rp) ?? new Map()
      const shards: ShardFiles[] = [...shardMap.keys()].sort(compareNumericNames).map((shard) => {
        const files: FoundFiles = shardMap.get(shard) ?? { tsm: [], wal: [] }
        return {
          database: db,
          retentionPolicy: rp,
          shard,
          tsmPaths: files.tsm,
          walPaths: files.wal,
        }
      })
      out.push({ database: db, retentionPolicy: rp, shards })
    }
  }
  return out
}

/**
 * Every file under `root` (recursively) whose name ends with `suffix`, in the order Go's
 * filepath.Walk visits them (each directory's entries sorted by name).
 */
export async function findFiles(root: string, suffix: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      byName(a.name, b.name),
    )
    for (const e of entries) {
      const p = join(dir, e.name)
      if (e.isDirectory()) await walk(p)
      else if (e.isFile() && e.name.endsWith(suffix)) out.push(p)
    }
  }
  await walk(root)
  return out
}
