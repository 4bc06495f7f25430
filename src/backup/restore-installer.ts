// Carries out a restore plan on a node's store and metastore, offline from the backup's point of
// view (nothing goes over the network). Three phases, so the target changes only when everything
// is known to be good:
//   1. extract every archive (four at a time) into `<data>/<db>/<rp>/.<newid>.restore.tmp/` (inside the target data
//      directory, so the final rename cannot cross file systems), verifying it completely and
//      applying its tombstones — nothing visible has changed yet;
//   2. rename each temp directory to `<data>/<db>/<rp>/<newid>/` and open it as a shard, and create
//      the restored shards that get no archive (empty, as influxd creates them);
//   3. save the new metadata, rebased onto whatever the metastore holds by then.
// Phases 2 and 3 run under a durable journal, so a node that dies between them undoes phase 2 at
// start-up (restore-journal.ts).
// Any failure removes everything the restore created (shards, their WAL directories, temp and
// parent directories) and leaves the metadata untouched, so the target is as it was.

import { randomBytes } from 'node:crypto'
import { mkdir, rm, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { MetaData } from '../meta/index.js'
import { fsyncDir, mapInOrder } from '../util/index.js'
import { BackupError, RestoreFailedError } from './errors.js'
import type { RestorePlan } from './restore-planner.js'
import type { ArchiveLocation } from './entry-path.js'
import { removeRestoreJournal, writeRestoreJournal } from './restore-journal.js'
import { extractShardArchive, type ExtractedShard } from './shard-extract.js'
import type { BackupWarning } from './warnings.js'

/** What a restore needs of the store (the store's Store satisfies it). */
export interface RestoreStore {
  readonly config: { readonly dataDir: string; readonly walDir: string }
  shard(id: number): unknown
  /** Opens (creating if needed) a shard; an existing directory is opened with its TSM files. */
  createShard(database: string, retentionPolicy: string, id: number): Promise<unknown>
  /** Closes a shard and removes its data and WAL directories. */
  deleteShard(id: number): Promise<void>
}

/** What a restore needs of the metastore (the meta component's MetaClient satisfies it). */
export interface RestoreMetaClient {
  readonly data: MetaData
  update(change: (data: MetaData) => MetaData): Promise<MetaData>
}

/** One restored shard. */
export interface RestoredShard {
  readonly sourceID: bigint
  readonly newID: bigint
  /** Where the shard was in the backup (the seed's output names these). */
  readonly sourceDatabase: string
  readonly sourceRetentionPolicy: string
  /** Where it is restored to (differs with -newdb / -newrp). */
  readonly database: string
  readonly retentionPolicy: string
  readonly tsmFiles: number
  readonly tarSize: number
  /** Time spent extracting and checking its archive. */
  readonly ms: number
}

/** Archives extracted and checked at the same time. */
const EXTRACT_AT_ONCE = 4
/** Shards whose directories are checked for at once (stat calls on the thread pool). */
const CHECK_AT_ONCE = 16
/** Restored shards opened at once. */
const OPEN_AT_ONCE = 4

/** An archive already extracted and checked into a directory of the data directory's disk. */
export interface PreparedArchive extends ExtractedShard {
  /** The shard the archive was checked against. */
  readonly location: ArchiveLocation
  /** How long extracting and checking it took. */
  readonly ms: number
}

/** Options of installShards. */
export interface InstallOptions {
  /**
   * Archives extracted and checked ahead of time (the node does it while they are uploaded), by
   * archive path. One is used when its location, size and sha256 match the plan: its directory is
   * moved into place instead of extracting the archive again.
   */
  readonly prepared?: ReadonlyMap<string, PreparedArchive>
  /** Called when a shard's archive has been extracted and checked (phase 1), for progress output. */
  readonly onShard?: (shard: RestoredShard) => void
  /**
   * Aborts the restore (rolled back, nothing changed) when it fires before the metadata is saved:
   * the node aborts when the client that asked for the commit goes away.
   */
  readonly signal?: AbortSignal
}

/** The outcome of a restore. */
export interface RestoreResult {
  /** The metadata as saved. */
  readonly meta: MetaData
  readonly shards: readonly RestoredShard[]
  /** IDs of restored shards created empty. */
  readonly emptyShards: readonly bigint[]
  readonly warnings: readonly BackupWarning[]
}

function sameLocation(a: ArchiveLocation, b: ArchiveLocation): boolean {
  return (
    a.database === b.database && a.retentionPolicy === b.retentionPolicy && a.shardID === b.shardID
  )
}

function shardNumber(id: bigint): number {
  if (id > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RestoreFailedError(`shard ID ${id} is too large for this store`, { shardID: id })
  return Number(id)
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/** Applies the plan's changes onto `current`, refusing if the metastore moved in a conflicting way. */
function rebase(plan: RestorePlan, current: MetaData): MetaData {
  const base = plan.base
  if (current.maxShardID !== base.maxShardID || current.maxShardGroupID !== base.maxShardGroupID) {
    throw new RestoreFailedError(
      'the metadata changed while restoring (shard IDs were allocated); plan the restore again',
    )
  }
  const targets = new Set(plan.databases)
  for (const name of targets) {
    const now = current.databases.find((d) => d.name === name)
    const before = base.databases.find((d) => d.name === name)
    if (now !== before)
      throw new RestoreFailedError(
        `database ${name} changed while restoring; plan the restore again`,
        { database: name },
      )
  }
  const restored = plan.meta.databases.filter((d) => targets.has(d.name))
  const added = plan.meta.users.filter((u) => !base.users.some((x) => x.name === u.name))
  return current.with({
    databases: [...current.databases.filter((d) => !targets.has(d.name)), ...restored],
    users: [
      ...current.users,
      ...added.filter((u) => !current.users.some((x) => x.name === u.name)),
    ],
    maxShardID: plan.meta.maxShardID,
    maxShardGroupID: plan.meta.maxShardGroupID,
  })
}

/**
 * Restores `plan` into `store` and `meta`. Resolves when every shard is open and the metadata is
 * saved. On failure everything created is removed again and the error is thrown: the backup's
 * typed errors (ERR_BACKUP_*) as they are, anything else wrapped in RestoreFailedError.
 */
export async function installShards(
  plan: RestorePlan,
  store: RestoreStore,
  meta: RestoreMetaClient,
  options: InstallOptions = {},
): Promise<RestoreResult> {
  const { dataDir, walDir } = store.config
  const created: string[] = []
  const temps: string[] = []
  const finals: string[] = []
  const opened: number[] = []
  let journal: string | undefined
  const ensured = new Set<string>()
  const ensureDir = async (path: string): Promise<void> => {
    if (ensured.has(path)) return
    ensured.add(path)
    if (await exists(path)) return
    await mkdir(path, { recursive: true })
    created.push(path)
  }
  const all = [
    ...plan.shards.map((s) => ({
      database: s.database,
      retentionPolicy: s.retentionPolicy,
      id: s.newID,
    })),
    ...plan.emptyShards,
  ]
  try {
    for (const s of all) {
      const id = shardNumber(s.id)
      if (store.shard(id) !== undefined)
        throw new RestoreFailedError(`shard ${id} already exists in the store`, { shardID: id })
    }
    // A stat each, several at once: a set of hundreds of shards waited ~0.1 s on them in turn.
    await mapInOrder(all, CHECK_AT_ONCE, async (s) => {
      const id = shardNumber(s.id)
      for (const d of [
        join(dataDir, s.database, s.retentionPolicy, String(id)),
        join(walDir, s.database, s.retentionPolicy, String(id)),
      ])
        if (await exists(d))
          throw new RestoreFailedError(`${d} already exists`, { path: d, shardID: id })
    })
    for (const s of all) {
      for (const root of [dataDir, walDir]) {
        await ensureDir(join(root, s.database))
        await ensureDir(join(root, s.database, s.retentionPolicy))
      }
    }
    // Phase 1: extract and verify everything, several archives at once (gunzip and the checks
    // are CPU-bound; the temp directories are independent).
    const restored: (RestoredShard | undefined)[] = plan.shards.map(() => undefined)
    const warnings: BackupWarning[] = [...plan.warnings]
    let reported = 0
    const extractOne = async (s: RestorePlan['shards'][number], i: number): Promise<void> => {
      const t0 = performance.now()
      const tmp = join(dataDir, s.database, s.retentionPolicy, `.${s.newID}.restore.tmp`)
      await rm(tmp, { recursive: true, force: true })
      const e = s.source.entry
      const ready = options.prepared?.get(s.source.path)
      let x: ExtractedShard
      let earlierMs = 0
      if (
        ready !== undefined &&
        sameLocation(ready.location, s.location) &&
        ready.tarSize === e.size &&
        (e.sha256 === undefined || ready.sha256 === e.sha256)
      ) {
        await rename(ready.dir, tmp)
        temps.push(tmp)
        x = ready
        earlierMs = ready.ms
      } else {
        await mkdir(tmp)
        temps.push(tmp)
        x = await extractShardArchive(s.source.path, tmp, {
          location: s.location,
          expectedSize: e.size,
          ...(e.sha256 !== undefined ? { expectedSha256: e.sha256 } : {}),
          applyTombstones: true,
          durable: true,
        })
      }
      warnings.push(...x.warnings)
      restored[i] = {
        sourceID: s.source.shardID,
        newID: s.newID,
        sourceDatabase: s.location.database,
        sourceRetentionPolicy: s.location.retentionPolicy,
        database: s.database,
        retentionPolicy: s.retentionPolicy,
        tsmFiles: x.tsmFiles.length,
        tarSize: x.tarSize,
        ms: earlierMs + performance.now() - t0,
      }
      // Reported in plan order, whatever order the workers finish in.
      for (let r = restored[reported]; r !== undefined; r = restored[reported]) {
        reported++
        options.onShard?.(r)
      }
    }
    await mapInOrder(plan.shards, EXTRACT_AT_ONCE, extractOne)
    const goOn = (): void => {
      if (options.signal?.aborted === true)
        throw new RestoreFailedError(
          'the restore was abandoned before it was committed (its client went away); nothing was restored',
        )
    }
    goOn()
    // Phase 2: move into place and open, under a journal that start-up recovery reads if the node
    // dies before phase 3 (restore-journal.ts).
    journal = await writeRestoreJournal(
      dataDir,
      randomBytes(8).toString('hex'),
      all.map((s) => ({
        database: s.database,
        retentionPolicy: s.retentionPolicy,
        id: shardNumber(s.id),
      })),
    )
    const rpDirs = new Set<string>()
    for (const s of plan.shards) {
      const rpDir = join(dataDir, s.database, s.retentionPolicy)
      const tmp = join(rpDir, `.${s.newID}.restore.tmp`)
      const final = join(rpDir, String(s.newID))
      await rename(tmp, final)
      temps.splice(temps.indexOf(tmp), 1)
      finals.push(final)
      rpDirs.add(rpDir)
    }
    for (const rpDir of rpDirs) await fsyncDir(rpDir)
    // Several shards open at once (index parse, series index, WAL directories): one's file
    // system waits overlap another's work. All settle before a failure rolls back.
    await mapInOrder(all, OPEN_AT_ONCE, async (s) => {
      const id = shardNumber(s.id)
      await store.createShard(s.database, s.retentionPolicy, id)
      opened.push(id)
    })
    // Phase 3: the metadata, last.
    goOn()
    const saved = await meta.update((current) => rebase(plan, current))
    await removeRestoreJournal(journal)
    return {
      meta: saved,
      shards: restored.filter((r): r is RestoredShard => r !== undefined),
      emptyShards: plan.emptyShards.map((s) => s.id),
      warnings,
    }
  } catch (err) {
    for (const id of opened.reverse()) await store.deleteShard(id).catch(() => undefined)
    for (const d of [...finals, ...temps])
      await rm(d, { recursive: true, force: true }).catch(() => undefined)
    for (const d of created.reverse())
      await rm(d, { recursive: true, force: true }).catch(() => undefined)
    if (journal !== undefined) await removeRestoreJournal(journal).catch(() => undefined)
    if (err instanceof BackupError) throw err
    throw new RestoreFailedError(
      `restore failed and was rolled back: ${(err as Error).message}`,
      {},
      err,
    )
  }
}
