// Reads which backup a directory holds, the way `influxd restore -portable` does
// (spec/backup-formats.md §1.6): every `*.manifest` is read, newest name first; the newest one's
// `.meta` is used; for each shard ID the entry with the greatest `lastModified` wins, ties going to
// the newest manifest, and entries whose file is missing are passed over. Several backups may share
// a directory — Tidemark's incremental backups rely on it. A path to one manifest file reads just
// that backup (Enterprise's `restore -full <manifest>`). Nothing but the manifests is opened here;
// verifyBackupSet checks the files.

import { Buffer } from 'node:buffer'
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { BackupNotFoundError, fileError, ManifestError } from './errors.js'
import { decodeManifest } from './manifest.js'
import type { Manifest, ManifestEntry } from './manifest.js'
import type { BackupWarning } from './warnings.js'

/** One manifest of the directory. */
export interface ManifestFile {
  readonly fileName: string
  readonly path: string
  readonly manifest: Manifest
}

/** The shard archive a restore uses for one shard ID. */
export interface BackupSetShard {
  readonly shardID: bigint
  readonly entry: ManifestEntry
  /** Full path of the archive. */
  readonly path: string
  /** The manifest the entry comes from. */
  readonly manifestFileName: string
}

/** The `.meta` file a restore uses (the newest manifest's). */
export interface BackupSetMeta {
  readonly fileName: string
  readonly path: string
  /** Inner meta.Data length, from the manifest. */
  readonly size: number
  /** sha256 of the file, when the manifest is Tidemark's. */
  readonly sha256?: string
  readonly manifestFileName: string
}

/** A shard whose archive is missing from every manifest that lists it. */
export interface MissingShard {
  readonly shardID: bigint
  readonly entry: ManifestEntry
  readonly path: string
  readonly manifestFileName: string
}

/** A backup set as a restore sees it. Plain data; safe to share. */
export interface BackupSet {
  readonly dir: string
  /** Complete manifests, newest first. */
  readonly manifests: readonly ManifestFile[]
  readonly meta: BackupSetMeta
  /** The archive used for each shard, by shard ID. */
  readonly shards: readonly BackupSetShard[]
  /** Shards listed somewhere whose archive exists nowhere. */
  readonly missing: readonly MissingShard[]
  readonly warnings: readonly BackupWarning[]
}

/** A manifest file name refers to a file in the backup directory, never elsewhere. */
function checkFileName(name: string, manifestPath: string, key: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new ManifestError(
      manifestPath,
      `${key}: ${JSON.stringify(name)} is not a file name in the backup directory`,
      { key },
    )
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** Reads and decodes one manifest file. */
export async function readManifestFile(path: string): Promise<ManifestFile> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (err) {
    throw fileError(path, 'the backup directory', err)
  }
  const manifest = decodeManifest(bytes, path)
  checkFileName(manifest.meta.fileName, path, 'meta.fileName')
  manifest.files.forEach((f, i) => checkFileName(f.fileName, path, `files[${i}].fileName`))
  return { fileName: basename(path), path, manifest }
}

/**
 * Reads the backup set in directory `path` (or the single backup of manifest file `path`).
 * An archive counts as present when its file exists or `held` says the caller holds it another
 * way (a node keeps uploaded archives extracted, not as files). Throws BackupNotFoundError when
 * there is no directory or no manifest, ManifestError for a manifest that does not parse.
 */
export async function readBackupSet(
  path: string,
  held: (archivePath: string) => boolean = () => false,
): Promise<BackupSet> {
  let st
  try {
    st = await stat(path)
  } catch {
    throw new BackupNotFoundError(path, `backup path should be a valid directory: ${path}`)
  }
  let dir: string
  let names: string[]
  if (st.isFile() && path.endsWith('.manifest')) {
    dir = dirname(path)
    names = [basename(path)]
  } else if (st.isDirectory()) {
    dir = path
    try {
      names = (await readdir(path)).filter((n) => n.endsWith('.manifest'))
    } catch (err) {
      throw fileError(path, 'the command line', err)
    }
  } else {
    throw new BackupNotFoundError(path, `backup path should be a valid directory: ${path}`)
  }
  names.sort((a, b) => Buffer.compare(Buffer.from(b), Buffer.from(a)))
  const warnings: BackupWarning[] = []
  const manifests: ManifestFile[] = []
  for (const name of names) {
    const full = join(dir, name)
    if (!(await isFile(full))) continue
    const m = await readManifestFile(full)
    if (m.manifest.tidemark?.complete === false) {
      warnings.push({
        code: 'incomplete-manifest',
        path: full,
        reason: 'the manifest marks its backup incomplete',
      })
      continue
    }
    manifests.push(m)
  }
  const newest = manifests[0]
  if (newest === undefined) {
    const incomplete = warnings.map((w) => basename(w.path))
    throw new BackupNotFoundError(
      path,
      incomplete.length === 0
        ? undefined
        : `No complete backup in: ${path} (${incomplete.join(', ')} ${incomplete.length === 1 ? 'marks its backup' : 'mark their backups'} incomplete: interrupted before it finished)`,
    )
  }
  const winners = new Map<bigint, BackupSetShard>()
  const missing = new Map<bigint, MissingShard>()
  for (const m of manifests) {
    for (const entry of m.manifest.files) {
      const archive = join(dir, entry.fileName)
      if (!held(archive) && !(await isFile(archive))) {
        missing.set(
          entry.shardID,
          missing.get(entry.shardID) ?? {
            shardID: entry.shardID,
            entry,
            path: archive,
            manifestFileName: m.fileName,
          },
        )
        continue
      }
      const current = winners.get(entry.shardID)
      if (current === undefined || entry.lastModified > current.entry.lastModified) {
        winners.set(entry.shardID, {
          shardID: entry.shardID,
          entry,
          path: archive,
          manifestFileName: m.fileName,
        })
      }
    }
  }
  for (const [id, gone] of missing) {
    if (winners.has(id)) {
      warnings.push({
        code: 'missing-file',
        path: gone.path,
        shardID: id,
        reason: `listed in ${gone.manifestFileName}; an archive from another manifest is used`,
      })
      missing.delete(id)
    }
  }
  const meta: BackupSetMeta = {
    fileName: newest.manifest.meta.fileName,
    path: join(dir, newest.manifest.meta.fileName),
    size: newest.manifest.meta.size,
    ...(newest.manifest.tidemark?.metaSha256
      ? { sha256: newest.manifest.tidemark.metaSha256 }
      : {}),
    manifestFileName: newest.fileName,
  }
  const byID = (a: { shardID: bigint }, b: { shardID: bigint }): number =>
    a.shardID < b.shardID ? -1 : a.shardID > b.shardID ? 1 : 0
  return {
    dir,
    manifests,
    meta,
    shards: [...winners.values()].sort(byID),
    missing: [...missing.values()].sort(byID),
    warnings,
  }
}
