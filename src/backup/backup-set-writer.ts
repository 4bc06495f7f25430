// Writes a portable backup set (spec/backup-formats.md §1.1–§1.3, §1.11): `<ts>.meta` (the whole
// metastore as PortableData, mode 0600), one `<ts>.s<id>.tar.gz` per shard, and `<ts>.manifest`
// LAST (temp name, fsync, rename): a manifest exists only for a complete set, so an interrupted
// backup leaves no set behind (and its partial files are removed when possible).
//
// Incremental backups (`since: 'last'`): the directory's previous backups are read as a restore
// would read them (newest entry per shard); a shard whose file-set fingerprint (names, sizes and
// mtimes of its TSM and tombstone files, taken after flushing its cache) equals the recorded one is
// left out of the new manifest, so a restore keeps using its older archive. Every archive written
// is a complete snapshot of its shard, never a delta, and its `lastModified` is made greater than
// the previous entry's, so the newest-wins rule of influxd's restore picks it.

import { createHash } from 'node:crypto'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeMetaData, encodePortableData } from '../meta/index.js'
import type { MetaDataFields } from '../meta/index.js'
import { writeFileDurable } from '../util/index.js'
import { readBackupSet } from './backup-set-reader.js'
import type { BackupSet } from './backup-set-reader.js'
import { locateShard } from './backup-set-verifier.js'
import {
  BackupExistsError,
  BackupNotFoundError,
  BackupOptionsError,
  BackupShardError,
} from './errors.js'
import { encodeManifest, formatBackupTimestamp, MANIFEST_TIDEMARK_VERSION } from './manifest.js'
import type { Manifest, ManifestEntry } from './manifest.js'
import { archiveFingerprint, keepRange, writeSnapshotArchive } from './shard-archive-writer.js'
import { takeShardSnapshot } from './shard-snapshot.js'
import type { BackupShard } from './shard-snapshot.js'

/** A shard to back up and where it belongs in the source system. */
export interface BackupSetShardSpec {
  readonly shard: BackupShard
  readonly database: string
  readonly rp: string
  readonly id: bigint | number
}

/** What happened to one shard. */
export interface BackupShardEvent {
  readonly shardID: bigint
  readonly database: string
  readonly rp: string
  readonly status: 'written' | 'unchanged'
  /** The manifest entry, when written. */
  readonly entry?: ManifestEntry
  /** Bytes of the `.tar.gz`, when written. */
  readonly compressedSize?: number
}

/** Options of writeBackupSet. */
export interface WriteBackupSetOptions {
  /** The whole metastore (always all of it, as influxd does). */
  readonly meta: MetaDataFields
  /** The shards to back up (each must be in `meta` under its database and RP). */
  readonly shards: readonly BackupSetShardSpec[]
  /** The backup's timestamp; names every file `<ts>.…` (Go layout 20060102T150405Z). */
  readonly ts: Date
  /**
   * `'last'`: incremental against the directory's previous backups (none: full). A Date: only
   * shards changed after that time. Unset: full. Not with start/end.
   */
  readonly since?: 'last' | Date
  /** Time range (ns, inclusive): archives hold exactly the points in range. */
  readonly start?: bigint
  readonly end?: bigint
  /** A partial backup's scope, recorded in the manifest (`limited: true`). */
  readonly scope?: {
    readonly database?: string
    readonly policy?: string
    readonly shardID?: bigint
  }
  /** gzip level of the archives (default 6, as influxd). */
  readonly gzipLevel?: number
  /** Uncompressed bytes per gzip member of the archives (default 1 MiB). */
  readonly gzipBlockSizeBytes?: number
  /** Called after each shard (for progress output). */
  readonly onShard?: (event: BackupShardEvent) => void
}

/** What writeBackupSet wrote. */
export interface BackupSetResult {
  readonly manifestPath: string
  readonly manifest: Manifest
  readonly metaPath: string
  /** Shard IDs left out because they had not changed. */
  readonly unchanged: readonly bigint[]
  /** Bytes written: the `.meta` file, the archives and the manifest. */
  readonly bytes: number
}

async function previousBackups(dir: string): Promise<BackupSet | undefined> {
  try {
    return await readBackupSet(dir)
  } catch (err) {
    if (err instanceof BackupNotFoundError) return undefined
    throw err
  }
}

function checkShards(options: WriteBackupSetOptions): void {
  const seen = new Set<bigint>()
  for (const s of options.shards) {
    const id = BigInt(s.id)
    if (seen.has(id)) throw new BackupShardError(id, 'listed twice')
    seen.add(id)
    const where = locateShard(options.meta, id)
    if (where === undefined || where.database !== s.database || where.retentionPolicy !== s.rp) {
      throw new BackupShardError(id, `not in the metadata as ${s.database}.${s.rp}`)
    }
  }
}

/**
 * Writes a backup set into `dir` (created with mode 0700 if missing). Throws BackupOptionsError,
 * BackupShardError, BackupExistsError (a set with this timestamp exists), or the error that
 * stopped it — after removing the files it had written.
 */
export async function writeBackupSet(
  dir: string,
  options: WriteBackupSetOptions,
): Promise<BackupSetResult> {
  if (options.since !== undefined && (options.start !== undefined || options.end !== undefined)) {
    throw new BackupOptionsError('backup command uses one of -since or -start/-end')
  }
  const range = keepRange(options)
  checkShards(options)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const ts = formatBackupTimestamp(options.ts)
  const taken = (await readdir(dir)).find((n) => n.startsWith(`${ts}.`))
  if (taken !== undefined) throw new BackupExistsError(join(dir, taken))
  const previous = await previousBackups(dir)
  const prior = new Map<bigint, ManifestEntry>()
  for (const s of previous?.shards ?? []) prior.set(s.shardID, s.entry)

  const written: string[] = []
  try {
    const metaData = encodeMetaData(options.meta)
    const metaBytes = encodePortableData(metaData, options.meta.maxNodeID)
    const metaPath = join(dir, `${ts}.meta`)
    written.push(metaPath)
    await writeFileDurable(metaPath, metaBytes, 0o600)
    let bytes = metaBytes.length
    const files: ManifestEntry[] = []
    const unchanged: bigint[] = []
    const sinceNs =
      options.since instanceof Date ? BigInt(options.since.getTime()) * 1_000_000n : undefined
    for (const spec of options.shards) {
      const shardID = BigInt(spec.id)
      const snapshot = await takeShardSnapshot(spec.shard)
      try {
        const prev = prior.get(shardID)
        const fingerprint = archiveFingerprint(snapshot.fingerprint, range)
        const same =
          (options.since === 'last' && prev?.fingerprint === fingerprint) ||
          (sinceNs !== undefined && snapshot.lastModifiedNs <= sinceNs)
        if (same) {
          unchanged.push(shardID)
          options.onShard?.({ shardID, database: spec.database, rp: spec.rp, status: 'unchanged' })
          continue
        }
        const fileName = `${ts}.s${shardID}.tar.gz`
        const path = join(dir, fileName)
        written.push(path)
        const r = await writeSnapshotArchive(
          snapshot,
          path,
          { database: spec.database, retentionPolicy: spec.rp, shardID },
          {
            ...(options.start !== undefined ? { start: options.start } : {}),
            ...(options.end !== undefined ? { end: options.end } : {}),
            ...(options.gzipLevel !== undefined ? { gzipLevel: options.gzipLevel } : {}),
            ...(options.gzipBlockSizeBytes !== undefined
              ? { gzipBlockSizeBytes: options.gzipBlockSizeBytes }
              : {}),
          },
        )
        const floor = prev === undefined ? 0n : prev.lastModified + 1n
        const entry: ManifestEntry = {
          database: spec.database,
          policy: spec.rp,
          shardID,
          fileName,
          size: r.size,
          lastModified: r.lastModified > floor ? r.lastModified : floor,
          sha256: r.sha256,
          fingerprint: r.fingerprint,
        }
        files.push(entry)
        bytes += r.compressedSize
        options.onShard?.({
          shardID,
          database: spec.database,
          rp: spec.rp,
          status: 'written',
          entry,
          compressedSize: r.compressedSize,
        })
      } finally {
        await snapshot.release()
      }
    }
    const scope = options.scope
    const manifest: Manifest = {
      meta: { fileName: `${ts}.meta`, size: metaData.length },
      limited: scope !== undefined,
      files,
      ...(scope?.database !== undefined ? { database: scope.database } : {}),
      ...(scope?.policy !== undefined ? { policy: scope.policy } : {}),
      ...(scope?.shardID !== undefined ? { shardID: scope.shardID } : {}),
      tidemark: {
        version: MANIFEST_TIDEMARK_VERSION,
        metaSha256: createHash('sha256').update(metaBytes).digest('hex'),
        complete: true,
      },
    }
    const text = encodeManifest(manifest)
    const manifestPath = join(dir, `${ts}.manifest`)
    await writeFileDurable(manifestPath, text, 0o600)
    bytes += Buffer.byteLength(text)
    return { manifestPath, manifest, metaPath, unchanged, bytes }
  } catch (err) {
    for (const p of written) await rm(p, { force: true }).catch(() => undefined)
    throw err
  }
}
