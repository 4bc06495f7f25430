// Carries out a restore plan on a node's store and metastore, offline from the backup's point of
// view (nothing goes over the network). Three phases, so the target changes only when everything
// is known to be good:
//   1. extract every archive into `<data>/<db>/<rp>/.<newid>.restore.tmp/` (inside the target data
//      directory, so the final rename cannot cross file systems), verifying it completely and
//      applying its tombstones — nothing visible has changed yet;
//   2. rename each temp directory to `<data>/<db>/<rp>/<newid>/` and open it as a shard, and create
//      the restored shards that get no archive (empty, as influxd creates them);
//   3. save the new metadata, rebased onto whatever the metastore holds by then.
// Any failure removes everything the restore created (shards, their WAL directories, temp and
// parent directories) and leaves the metadata untouched, so the target is as it was.

import { mkdir, rm, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { MetaData } from '../meta/index.js'
import { fsyncDir } from '../util/index.js'
import { BackupError, RestoreFailedError } from './errors.js'
import type { RestorePlan } from './restore-planner.js'
import { extractShardArchive } from './shard-extract.js'
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
  readonly database: string
  readonly retentionPolicy: string
  readonly tsmFiles: number
  readonly tarSize: number
}

/** Options of installShards. */
export interface InstallOptions {
  /** Called when a shard's archive has been extracted and checked (phase 1), for progress output. */
  readonly onShard?: (shard: RestoredShard) => void
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

function shardNumber(id: bigint): number {
  if (id > BigInt(Number.MAX_SAFE_INTEGER)) throw new RestoreFailedError(`shard ID ${id} is too large for this store`, { shardID: id })
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
    throw new RestoreFailedError('the metadata changed while restoring (shard IDs were allocated); plan the restore again')
  }
  const targets = new Set(plan.databases)
  for (const name of targets) {
    const now = current.databases.find((d) => d.name === name)
    const before = base.databases.find((d) => d.name === name)
    if (now !== before) throw new RestoreFailedError(`database ${name} changed while restoring; plan the restore again`, { database: name })
  }
  const restored = plan.meta.databases.filter((d) => targets.has(d.name))
  const added = plan.meta.users.filter((u) => !base.users.some((x) => x.name === u.name))
  return current.with({
    databases: [...current.databases.filter((d) => !targets.has(d.name)), ...restored],
    users: [...current.users, ...added.filter((u) => !current.users.some((x) => x.name === u.name))],
    maxShardID: plan.meta.maxShardID,
    maxShardGroupID: plan.meta.maxShardGroupID,
  })
}

/**
 * Restores `plan` into `store` and `meta`. Resolves when every shard is open and the metadata is
 * saved. On failure everything created is removed again and the error is thrown: the backup's
 * typed errors (ERR_BACKUP_*) as they are, anything else wrapped in RestoreFailedError.
 */
export async function installShards(plan: RestorePlan, store: RestoreStore, meta: RestoreMetaClient, options: InstallOptions = {}): Promise<RestoreResult> {
  const { dataDir, walDir } = store.config
  const created: string[] = []
  const temps: string[] = []
  const finals: string[] = []
  const opened: number[] = []
  const ensureDir = async (path: string): Promise<void> => {
    if (await exists(path)) return
    await mkdir(path, { recursive: true })
    created.push(path)
  }
  const all = [
    ...plan.shards.map((s) => ({ database: s.database, retentionPolicy: s.retentionPolicy, id: s.newID })),
    ...plan.emptyShards,
  ]
  try {
    for (const s of all) {
      const id = shardNumber(s.id)
      const dirs = [join(dataDir, s.database, s.retentionPolicy, String(id)), join(walDir, s.database, s.retentionPolicy, String(id))]
      if (store.shard(id) !== undefined) throw new RestoreFailedError(`shard ${id} already exists in the store`, { shardID: id })
      for (const d of dirs) if (await exists(d)) throw new RestoreFailedError(`${d} already exists`, { path: d, shardID: id })
    }
    for (const s of all) {
      for (const root of [dataDir, walDir]) {
        await ensureDir(join(root, s.database))
        await ensureDir(join(root, s.database, s.retentionPolicy))
      }
    }
    // Phase 1: extract and verify everything.
    const restored: RestoredShard[] = []
    const warnings: BackupWarning[] = [...plan.warnings]
    for (const s of plan.shards) {
      const tmp = join(dataDir, s.database, s.retentionPolicy, `.${s.newID}.restore.tmp`)
      await rm(tmp, { recursive: true, force: true })
      await mkdir(tmp)
      temps.push(tmp)
      const x = await extractShardArchive(s.source.path, tmp, {
        location: s.location,
        expectedSize: s.source.entry.size,
        ...(s.source.entry.sha256 !== undefined ? { expectedSha256: s.source.entry.sha256 } : {}),
        applyTombstones: true,
        durable: true,
      })
      warnings.push(...x.warnings)
      const r: RestoredShard = {
        sourceID: s.source.shardID,
        newID: s.newID,
        database: s.database,
        retentionPolicy: s.retentionPolicy,
        tsmFiles: x.tsmFiles.length,
        tarSize: x.tarSize,
      }
      restored.push(r)
      options.onShard?.(r)
    }
    // Phase 2: move into place and open.
    for (const s of plan.shards) {
      const rpDir = join(dataDir, s.database, s.retentionPolicy)
      const tmp = join(rpDir, `.${s.newID}.restore.tmp`)
      const final = join(rpDir, String(s.newID))
      await rename(tmp, final)
      temps.splice(temps.indexOf(tmp), 1)
      finals.push(final)
      await fsyncDir(rpDir)
      const id = shardNumber(s.newID)
      await store.createShard(s.database, s.retentionPolicy, id)
      opened.push(id)
    }
    for (const s of plan.emptyShards) {
      const id = shardNumber(s.id)
      await store.createShard(s.database, s.retentionPolicy, id)
      opened.push(id)
    }
    // Phase 3: the metadata, last.
    const saved = await meta.update((current) => rebase(plan, current))
    return { meta: saved, shards: restored, emptyShards: plan.emptyShards.map((s) => s.id), warnings }
  } catch (err) {
    for (const id of opened.reverse()) await store.deleteShard(id).catch(() => undefined)
    for (const d of [...finals, ...temps]) await rm(d, { recursive: true, force: true }).catch(() => undefined)
    for (const d of created.reverse()) await rm(d, { recursive: true, force: true }).catch(() => undefined)
    if (err instanceof BackupError) throw err
    throw new RestoreFailedError(`restore failed and was rolled back: ${(err as Error).message}`, {}, err)
  }
}
