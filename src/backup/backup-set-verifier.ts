// Verifies a whole backup set before anything is restored from it: every manifest parses and
// names only files of the directory; the `.meta` file exists, matches its sha256 (Tidemark sets)
// and its recorded size, decodes, and describes every shard the newest manifest lists (database
// and retention policy agreeing); and every shard archive a restore would use is extracted into a
// scratch directory, each TSM file hollowed out once checked (so the scratch directory holds about
// the files in flight, not a whole shard), and checked end to end (extractShardArchive: sha256,
// uncompressed size, gzip, tar structure, entry paths, every TSM block, tombstones). The first
// problem throws a typed error naming the file (and entry and offset); tolerable findings come
// back as warnings.

import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { forEachWhileRoom, roomForSmall } from '../util/index.js'
import { decodeMetaData, decodePortableData, unwrappedGroupStart } from '../meta/index.js'
import type { MetaData, MetaDataFields } from '../meta/index.js'
import { readBackupSet } from './backup-set-reader.js'
import type { BackupSet, BackupSetShard } from './backup-set-reader.js'
import type { ArchiveLocation } from './entry-path.js'
import {
  BackupChecksumError,
  BackupFileMissingError,
  BackupMetaError,
  BackupSizeMismatchError,
  fileError,
} from './errors.js'
import { extractShardArchive } from './shard-extract.js'
import { checkBackupMetaData } from './meta-check.js'
import type { BackupWarning } from './warnings.js'

/** Archives checked at once while they are all small (below SMALL_ARCHIVE_BYTES). */
const ARCHIVES_AT_ONCE = 4
const SMALL_ARCHIVE_BYTES = 16 << 20

/** The decoded `.meta` of a set. */
export interface BackupMeta {
  readonly data: MetaData
  /** The node ID counter the backup carried (0 from InfluxDB OSS). */
  readonly maxNodeID: bigint
}

/** Options of verifyBackupSet. */
export interface VerifyOptions {
  /** Where archives are extracted to be checked (default: the OS temp directory). */
  readonly scratchDir?: string
  /** Check only the archives of these source shard IDs (default: all). */
  readonly shardIDs?: ReadonlySet<bigint>
}

/** One checked archive. */
export interface VerifiedShard {
  readonly shardID: bigint
  readonly database: string
  readonly retentionPolicy: string
  readonly path: string
  readonly tarSize: number
  readonly compressedSize: number
  readonly sha256: string
  readonly tsmFiles: number
  readonly tombstoneFiles: number
}

/** What verification found. */
export interface VerifyResult {
  readonly set: BackupSet
  readonly meta: BackupMeta
  readonly shards: readonly VerifiedShard[]
  readonly warnings: readonly BackupWarning[]
}

/** Where shard `shardID` lives according to `meta`, or undefined. */
export function locateShard(
  meta: MetaDataFields,
  shardID: bigint,
): { database: string; retentionPolicy: string } | undefined {
  for (const db of meta.databases) {
    for (const rp of db.retentionPolicies) {
      for (const g of rp.shardGroups) {
        if (g.shards.some((s) => s.id === shardID))
          return { database: db.name, retentionPolicy: rp.name }
      }
    }
  }
  return undefined
}

/**
 * Reads and checks the set's `.meta` file: exists, sha256 (when recorded), inner size, decodes.
 * Throws BackupFileMissingError, BackupChecksumError, BackupSizeMismatchError or BackupMetaError.
 */
export async function readBackupMeta(set: BackupSet): Promise<BackupMeta> {
  const { path } = set.meta
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (err) {
    throw fileError(path, set.meta.manifestFileName, err)
  }
  if (set.meta.sha256 !== undefined) {
    const found = createHash('sha256').update(bytes).digest('hex')
    if (found !== set.meta.sha256) throw new BackupChecksumError(path, set.meta.sha256, found)
  }
  let inner: { data: Uint8Array; maxNodeID: bigint }
  try {
    inner = decodePortableData(bytes, path)
  } catch (err) {
    throw new BackupMetaError(path, `not a portable .meta file: ${(err as Error).message}`, {}, err)
  }
  if (inner.data.length !== set.meta.size) {
    throw new BackupSizeMismatchError(
      path,
      'the meta.Data inside',
      set.meta.size,
      inner.data.length,
    )
  }
  let data: MetaData
  try {
    data = withUnwrappedGroups(decodeMetaData(inner.data, { path }))
  } catch (err) {
    throw new BackupMetaError(path, `meta.Data does not decode: ${(err as Error).message}`, {}, err)
  }
  checkBackupMetaData(data, path)
  return { data, maxNodeID: inner.maxNodeID }
}

/**
 * `data` with InfluxDB's wrapped start of a group in 1677's first span (unwrappedGroupStart)
 * undone: restored as it is, the group would end before it starts, and its points would count
 * but not be selected.
 */
function withUnwrappedGroups(data: MetaData): MetaData {
  let changed = false
  const databases = data.databases.map((db) => ({
    ...db,
    retentionPolicies: db.retentionPolicies.map((rp) => ({
      ...rp,
      shardGroups: rp.shardGroups.map((g) => {
        const startTimeNs = unwrappedGroupStart(g.startTimeNs, g.endTimeNs)
        if (startTimeNs === g.startTimeNs) return g
        changed = true
        return { ...g, startTimeNs }
      }),
    })),
  }))
  return changed ? data.with({ databases }) : data
}

/**
 * Where the archive of `shard` belongs according to the backup's metadata. Undefined when the
 * metadata lacks the shard; throws BackupMetaError when the manifest names another database or
 * retention policy than the metadata.
 */
export function archiveLocation(
  set: BackupSet,
  meta: BackupMeta,
  shard: BackupSetShard,
): ArchiveLocation | undefined {
  const where = locateShard(meta.data, shard.shardID)
  if (where === undefined) return undefined
  const e = shard.entry
  if (
    (e.database !== '' && e.database !== where.database) ||
    (e.policy !== '' && e.policy !== where.retentionPolicy)
  ) {
    throw new BackupMetaError(
      set.meta.path,
      `shard ${shard.shardID} is in ${where.database}.${where.retentionPolicy}, but ${shard.manifestFileName} says ${e.database}.${e.policy}`,
      {
        shardID: shard.shardID,
      },
    )
  }
  return {
    database: where.database,
    retentionPolicy: where.retentionPolicy,
    shardID: shard.shardID,
  }
}

/**
 * Checks the shards of the set that are not in the metadata: an error for the newest manifest's
 * own entries, a warning (the shard is skipped, as influxd skips it) for older ones.
 */
export function shardLocations(
  set: BackupSet,
  meta: BackupMeta,
  warnings: BackupWarning[],
): Map<bigint, ArchiveLocation> {
  const out = new Map<bigint, ArchiveLocation>()
  for (const s of set.shards) {
    const loc = archiveLocation(set, meta, s)
    if (loc !== undefined) {
      out.set(s.shardID, loc)
      continue
    }
    if (s.manifestFileName === set.meta.manifestFileName) {
      throw new BackupMetaError(
        set.meta.path,
        `does not describe shard ${s.shardID}, which ${s.manifestFileName} lists`,
        { shardID: s.shardID },
      )
    }
    warnings.push({
      code: 'shard-not-in-meta',
      path: s.path,
      shardID: s.shardID,
      reason: `shard ${s.shardID} is not in ${set.meta.fileName}; it will not be restored`,
    })
  }
  return out
}

/**
 * Verifies the backup set at `path` (a directory, or one manifest file). Throws the first typed
 * error found (ERR_BACKUP_*), naming the file and, inside archives, the entry and offset.
 */
export async function verifyBackupSet(
  path: string,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const set = await readBackupSet(path)
  const warnings: BackupWarning[] = [...set.warnings]
  const meta = await readBackupMeta(set)
  for (const gone of set.missing) {
    if (options.shardIDs !== undefined && !options.shardIDs.has(gone.shardID)) continue
    // An archive of a shard the newest metadata no longer has would be skipped anyway.
    if (
      gone.manifestFileName === set.meta.manifestFileName ||
      locateShard(meta.data, gone.shardID) !== undefined
    ) {
      throw new BackupFileMissingError(gone.path, gone.manifestFileName)
    }
    warnings.push({
      code: 'shard-not-in-meta',
      path: gone.path,
      shardID: gone.shardID,
      reason: `missing, and shard ${gone.shardID} is not in ${set.meta.fileName}`,
    })
  }
  const locations = shardLocations(set, meta, warnings)
  const newest = set.manifests[0]
  if (newest !== undefined && newest.manifest.tidemark === undefined) {
    warnings.push({
      code: 'unchecked',
      path: newest.path,
      reason: 'a set made by InfluxDB records no sha256 digests',
    })
  }
  const scratchRoot = options.scratchDir ?? tmpdir()
  const todo = set.shards.flatMap((s) => {
    const loc = locations.get(s.shardID)
    if (loc === undefined) return []
    if (options.shardIDs !== undefined && !options.shardIDs.has(s.shardID)) return []
    return [{ s, loc }]
  })
  const done: { shard: VerifiedShard; warnings: readonly BackupWarning[] }[] = []
  // Small archives are checked several at once (each waits on a dozen file-system calls in turn:
  // 1000 shards of 10 KB took 8 s one at a time); a large one alone, so that the scratch
  // directory holds the files of one archive at most. A failure reports the first bad archive in
  // the set's order, as one at a time would.
  const small = (i: number): boolean => (todo[i]?.s.entry.size ?? Infinity) < SMALL_ARCHIVE_BYTES
  await forEachWhileRoom(todo, roomForSmall(small, 1, ARCHIVES_AT_ONCE), async ({ s, loc }, i) => {
    const dir = await mkdtemp(join(scratchRoot, 'tidemark-verify-'))
    try {
      const x = await extractShardArchive(s.path, dir, {
        location: loc,
        expectedSize: s.entry.size,
        ...(s.entry.sha256 !== undefined ? { expectedSha256: s.entry.sha256 } : {}),
        applyTombstones: false,
        durable: false,
        keepBlocks: false,
      })
      done[i] = {
        warnings: x.warnings,
        shard: {
          shardID: s.shardID,
          database: loc.database,
          retentionPolicy: loc.retentionPolicy,
          path: s.path,
          tarSize: x.tarSize,
          compressedSize: x.compressedSize,
          sha256: x.sha256,
          tsmFiles: x.tsmFiles.length,
          tombstoneFiles: x.tombstoneCount,
        },
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
  const shards = done.map((d) => d.shard)
  for (const d of done) warnings.push(...d.warnings)
  return { set, meta, shards, warnings }
}
