// Extracts one shard archive into a directory and proves it sound before anyone uses it: the
// archive's uncompressed size and sha256 must match the manifest, every TSM file must pass the
// deep check (header, index, every block's CRC, type and times; run while the next file extracts), every tombstone file must decode.
// When installing, tombstones are then applied by rewriting their TSM files (a file left empty is
// dropped), so the restored shard holds exactly the data the source showed. The caller owns the
// directory: on error it holds whatever was extracted so far and the caller removes it.

import { Buffer } from 'node:buffer'
import { open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { readTombstones, TSM_HEADER_SIZE, TSMReader } from '../tsm/index.js'
import { fsyncDir, TidemarkError, writeStreamToFile } from '../util/index.js'
import { readShardArchive } from './archive-reader.js'
import type { ArchiveFileEntry, ArchiveSource } from './archive-reader.js'
import type { ArchiveLocation } from './entry-path.js'
import {
  BackupChecksumError,
  BackupSizeMismatchError,
  BackupTombstoneCorruptError,
  BackupTSMCorruptError,
  BackupWriteError,
} from './errors.js'
import { checkTSMFile, type CheckedKeys } from './tsm-check.js'
import { rewriteTSMFile } from './tsm-rewrite.js'
import type { BackupWarning } from './warnings.js'

/** Options of extractShardArchive. */
export interface ExtractOptions {
  /** The shard the archive holds (entries must live under `<db>/<rp>/<id>/`). */
  readonly location: ArchiveLocation
  /** The manifest's uncompressed tar size. */
  readonly expectedSize?: number
  /** The manifest's sha256 of the `.tar.gz` (Tidemark sets only). */
  readonly expectedSha256?: string
  /** Rewrite TSM files without their tombstoned data and drop the tombstone files (installing). */
  readonly applyTombstones: boolean
  /** fsync every file and the directory (installing). */
  readonly durable: boolean
  /** The archive's bytes, when they do not come from `archivePath` (an upload as it arrives). */
  readonly source?: ArchiveSource
  /**
   * false (verify): each TSM file, once checked, keeps only its header, index and footer, at
   * their offsets, with a hole where its blocks were (hollowTSMFile), so the directory needs room
   * for the files being extracted and checked at the time, not for the whole shard (default true).
   */
  readonly keepBlocks?: boolean
}

/** What an extraction left in the directory. */
export interface ExtractedShard {
  readonly dir: string
  /** TSM file names now in the directory, oldest first. */
  readonly tsmFiles: readonly string[]
  /** Tombstone files found (applied when installing). */
  readonly tombstoneCount: number
  readonly tarSize: number
  readonly compressedSize: number
  readonly sha256: string
  readonly warnings: readonly BackupWarning[]
}

/** System calls whose failure is the destination's (the disk), not the archive's. */
const WRITE_CALLS = new Set(['open', 'write', 'writev', 'fsync', 'fdatasync', 'close', 'mkdir'])

/** `err` as a BackupWriteError when writing `path` failed, else as it is (a source's error). */
function writeError(archivePath: string, entry: string, path: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException
  return typeof e?.code === 'string' && WRITE_CALLS.has(e.syscall ?? '')
    ? new BackupWriteError(archivePath, entry, path, e)
    : err
}

function tsmOffset(err: unknown): number {
  const offset = err instanceof TidemarkError ? err.fields['offset'] : undefined
  return typeof offset === 'number' ? offset : 0
}

function reasonOf(err: unknown): string {
  const reason = err instanceof TidemarkError ? err.fields['reason'] : undefined
  return typeof reason === 'string' ? reason : (err as Error).message
}

/** Bytes copied per read by hollowTSMFile. */
const HOLLOW_COPY_BYTES = 1 << 20

/**
 * Frees the disk space of a checked TSM file's blocks: the file is rewritten under a temporary
 * name with its size, its 5-byte header and its index and footer at their offsets, and nothing
 * written in between — a hole on file systems with sparse files (ext4, XFS, Btrfs, tmpfs) — then
 * renamed over the original. A TSMReader still opens it and reads its keys, types and index
 * entries (what the tombstone-aware field types need), not its blocks. `path` must have passed
 * checkTSMFile.
 */
async function hollowTSMFile(path: string): Promise<void> {
  const tmp = `${path}.hollow`
  const src = await open(path, 'r')
  try {
    const { size } = await src.stat()
    const footer = Buffer.alloc(8)
    await src.read(footer, 0, 8, size - 8)
    const indexAt = Number(footer.readBigUInt64BE(0))
    const dst = await open(tmp, 'wx', 0o644)
    try {
      const buf = Buffer.allocUnsafe(Math.min(HOLLOW_COPY_BYTES, size - indexAt))
      const header = await src.read(buf, 0, TSM_HEADER_SIZE, 0)
      await dst.write(buf, 0, header.bytesRead, 0)
      for (let at = indexAt; at < size;) {
        const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, size - at), at)
        if (bytesRead === 0) throw new Error(`${path} ended at ${at} while its size is ${size}`)
        await dst.write(buf, 0, bytesRead, at)
        at += bytesRead
      }
    } finally {
      await dst.close()
    }
  } finally {
    await src.close()
  }
  await rename(tmp, path)
}

/**
 * Extracts the TSM and tombstone files of the archive at `archivePath` into the existing, empty
 * directory `dir`, then checks (and, when installing, applies tombstones to) them. Throws the
 * typed errors of readShardArchive, BackupSizeMismatchError, BackupChecksumError,
 * BackupTSMCorruptError or BackupTombstoneCorruptError, naming the archive and the entry.
 */
export async function extractShardArchive(
  archivePath: string,
  dir: string,
  options: ExtractOptions,
): Promise<ExtractedShard> {
  const entries: ArchiveFileEntry[] = []
  // Each TSM file is checked as soon as it is written, while the archive's next file is being
  // extracted; results are taken in archive order, so the first bad file is the one reported.
  const checks: Promise<ReadonlyMap<string, ReadonlySet<number>> | { err: unknown }>[] = []
  const closing: Promise<void>[] = []
  let previousKeys: Promise<CheckedKeys | undefined> = Promise.resolve(undefined)
  let read: Awaited<ReturnType<typeof readShardArchive>>
  try {
    read = await readShardArchive(
      archivePath,
      options.location,
      async (entry, body) => {
        const path = join(dir, entry.name)
        // Not keeping blocks, a file is written only once the file two before it is checked (and
        // hollowed): at most two files' blocks are on disk at a time.
        if (options.keepBlocks === false && entry.kind === 'tsm') await checks.at(-2)
        const writeFailed = (err: unknown): never => {
          throw writeError(archivePath, entry.entry, path, err)
        }
        const closed = (
          await writeStreamToFile(path, body, { durable: options.durable, mode: 0o644 }).catch(
            writeFailed,
          )
        ).closed.catch(writeFailed)
        closing.push(closed)
        entries.push(entry)
        if (entry.kind === 'tsm') {
          // Each file's keys are compared with the file's before (archive order), and checked
          // only when they differ.
          const previous = previousKeys
          let onKeys: (keys: CheckedKeys | undefined) => void = () => undefined
          previousKeys = new Promise((done) => (onKeys = done))
          const check = checkTSMFile(path, { previous, onKeys }).then(
            async (r) => {
              if (options.keepBlocks === false) {
                await closed
                await hollowTSMFile(path).catch(writeFailed)
              }
              return r.fieldTypes
            },
            (err: unknown) => ({ err }),
          )
          checks.push(check)
        }
      },
      options.source,
    )
  } finally {
    // Never left running (or unobserved) behind an error.
    await Promise.all(checks)
    await Promise.allSettled(closing)
  }
  await Promise.all(closing) // a failed sync fails the extraction
  if (options.expectedSize !== undefined && read.tarSize !== options.expectedSize) {
    throw new BackupSizeMismatchError(
      archivePath,
      'the uncompressed tar',
      options.expectedSize,
      read.tarSize,
    )
  }
  if (options.expectedSha256 !== undefined && read.sha256 !== options.expectedSha256) {
    throw new BackupChecksumError(archivePath, options.expectedSha256, read.sha256)
  }
  const warnings = [...read.warnings]
  const tsm = entries.filter((e) => e.kind === 'tsm')
  const tsmNames = new Set(tsm.map((e) => e.name))
  const typesOf = new Map<string, ReadonlyMap<string, ReadonlySet<number>>>()
  for (const [k, e] of tsm.entries()) {
    const checked = await checks[k]
    if (checked instanceof Map) {
      typesOf.set(e.name, checked)
      continue
    }
    const { err } = checked as { err: unknown }
    if (!(err instanceof TidemarkError)) throw err
    const at = tsmOffset(err)
    throw new BackupTSMCorruptError(archivePath, e.entry, e.dataOffset + at, at, reasonOf(err), err)
  }
  const withTombstones: string[] = []
  for (const e of entries) {
    if (e.kind !== 'tombstone') continue
    try {
      await readTombstones(join(dir, e.name))
    } catch (err) {
      if (!(err instanceof TidemarkError)) throw err
      throw new BackupTombstoneCorruptError(
        archivePath,
        e.entry,
        e.dataOffset + tsmOffset(err),
        reasonOf(err),
        err,
      )
    }
    const tsmName = e.tsmName ?? ''
    if (!tsmNames.has(tsmName)) {
      warnings.push({
        code: 'orphan-tombstone',
        path: archivePath,
        entry: e.entry,
        offset: e.dataOffset,
        reason: `no ${tsmName} in the archive`,
      })
      await rm(join(dir, e.name), { force: true })
      continue
    }
    withTombstones.push(tsmName)
  }
  const kept = new Set(tsmNames)
  // A shard holds one type per field: files that disagree (over what their tombstones leave)
  // would not open as one shard. A file with tombstones is read with them applied, and then,
  // when installing, rewritten without the data they delete (a file left empty is dropped).
  for (const name of withTombstones) {
    const path = join(dir, name)
    const rewritten = join(dir, `${name}.rewrite`)
    const reader = await TSMReader.open(path)
    let left = true
    try {
      typesOf.set(name, reader.fieldTypes())
      if (options.applyTombstones) left = await rewriteTSMFile(reader, rewritten)
    } finally {
      await reader.close()
    }
    if (!options.applyTombstones) continue
    if (left) await rename(rewritten, path)
    else {
      await rm(path, { force: true })
      kept.delete(name)
    }
    await rm(join(dir, `${name.slice(0, -'.tsm'.length)}.tombstone`), { force: true })
  }
  const fieldTypes = new Map<string, { type: number; entry: string }>()
  for (const e of tsm) {
    for (const [field, types] of typesOf.get(e.name) ?? []) {
      for (const type of types) {
        const seen = fieldTypes.get(field)
        if (seen === undefined) fieldTypes.set(field, { type, entry: e.entry })
        else if (seen.type !== type) {
          const [measurement, name] = field.split('\0')
          throw new BackupTSMCorruptError(
            archivePath,
            e.entry,
            e.dataOffset,
            0,
            `field ${JSON.stringify(name)} of measurement ${JSON.stringify(measurement)} has blocks of type ${type} here and of type ${seen.type} in ${seen.entry}`,
          )
        }
      }
    }
  }
  if (options.durable) await fsyncDir(dir)
  return {
    dir,
    tsmFiles: [...kept].sort(),
    tombstoneCount: withTombstones.length,
    tarSize: read.tarSize,
    compressedSize: read.compressedSize,
    sha256: read.sha256,
    warnings,
  }
}
