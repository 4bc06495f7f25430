// The restore journal: what makes a restore atomic across a crash of the node. Shards are moved
// into place (phase 2) before the metadata naming them is saved (phase 3); a crash between the two
// would leave shard directories no metadata knows, under IDs the metastore would hand out again.
// So before phase 2 the installer writes `<data>/.restore-journal-<id>.json` (durably) listing the
// shards it is about to create, and removes it once the metadata is saved (or everything was
// rolled back). At start-up, before the node serves, recoverRestores() finishes what a crash
// interrupted: a listed shard the metadata holds stays (phase 3 completed); one it does not is
// removed with its WAL directory (the restore never happened). Either way the target is as after a
// whole restore or as before it.

import { readdir, readFile, rm, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fsyncDir, writeFileDurable } from '../util/index.js'
import type { MetaData } from '../meta/index.js'

const PREFIX = '.restore-journal-'

/** One shard a restore creates. */
export interface JournalShard {
  readonly database: string
  readonly retentionPolicy: string
  readonly id: number
}

/** Writes the journal of a restore about to create `shards`; resolves to its path once durable. */
export async function writeRestoreJournal(
  dataDir: string,
  token: string,
  shards: readonly JournalShard[],
): Promise<string> {
  const path = join(dataDir, `${PREFIX}${token}.json`)
  await writeFileDurable(path, `${JSON.stringify({ shards })}\n`, 0o600)
  return path
}

/** Removes a journal (the restore completed or was rolled back). */
export async function removeRestoreJournal(path: string): Promise<void> {
  await rm(path, { force: true })
  await fsyncDir(join(path, '..'))
}

/** What start-up recovery needs of the store. */
export interface RecoveryStore {
  readonly config: { readonly dataDir: string; readonly walDir: string }
  shard(id: number): unknown
  deleteShard(id: number): Promise<void>
}

/** What recovery did, for the log. */
export interface RecoveryResult {
  readonly journals: number
  /** Shards removed because their restore never saved its metadata. */
  readonly removed: readonly JournalShard[]
}

function holds(meta: MetaData, s: JournalShard): boolean {
  const rp = meta.databases
    .find((d) => d.name === s.database)
    ?.retentionPolicies.find((r) => r.name === s.retentionPolicy)
  return rp?.shardGroups.some((g) => g.shards.some((x) => Number(x.id) === s.id)) ?? false
}

/**
 * Completes or undoes the restores a crash interrupted (see the file comment). Call after the
 * store and the metastore are open and before the node serves. An unreadable journal is removed
 * without touching anything: it was not yet durable, so phase 2 had not begun.
 */
export async function recoverRestores(
  store: RecoveryStore,
  meta: MetaData,
): Promise<RecoveryResult> {
  const { dataDir, walDir } = store.config
  let all: string[]
  try {
    all = await readdir(dataDir)
  } catch {
    return { journals: 0, removed: [] }
  }
  // A journal whose write was cut short: phase 2 never began, nothing to undo.
  for (const n of all)
    if (n.startsWith(PREFIX) && n.endsWith('.json.tmp')) await rm(join(dataDir, n), { force: true })
  const names = all.filter((n) => n.startsWith(PREFIX) && n.endsWith('.json'))
  const removed: JournalShard[] = []
  for (const name of names.sort()) {
    const path = join(dataDir, name)
    let shards: JournalShard[] = []
    try {
      shards = (JSON.parse(await readFile(path, 'utf8')) as { shards: JournalShard[] }).shards
    } catch {
      shards = []
    }
    for (const s of shards) {
      if (holds(meta, s)) continue
      if (store.shard(s.id) !== undefined) await store.deleteShard(s.id)
      await rm(join(dataDir, s.database, s.retentionPolicy, String(s.id)), {
        recursive: true,
        force: true,
      })
      await rm(join(walDir, s.database, s.retentionPolicy, String(s.id)), {
        recursive: true,
        force: true,
      })
      // The restore made the retention policy's and database's directories: gone when empty.
      for (const root of [dataDir, walDir]) {
        await rmdir(join(root, s.database, s.retentionPolicy)).catch(() => undefined)
        await rmdir(join(root, s.database)).catch(() => undefined)
      }
      removed.push(s)
    }
    await removeRestoreJournal(path)
  }
  return { journals: names.length, removed }
}
