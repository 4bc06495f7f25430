// Writes one shard archive (`<ts>.s<id>.tar.gz`, spec/backup-formats.md §1.4, §1.11): a frozen
// snapshot of the shard's TSM files, each written into the tar as `<db>/<rp>/<id>/<name>.tsm`
// (mode 0644). Files with tombstones are rewritten without the deleted points (influxd's restore
// ignores `.tombstone` entries, so shipping them could not protect deleted data); with a time
// range, files partly in it are rewritten to hold exactly the points in range and files outside it
// are left out. The tar is streamed through gzip (1 MiB members compressed on several cores, see
// parallel-gzip.ts) either to a caller's stream (the node API sends it straight to the client) or
// into `<out>.tmp` (mode 0600), fsynced and renamed; memory does not grow with the shard's size.

import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { PassThrough, type Readable, type Writable } from 'node:stream'
import { tapStream } from './stream-tap.js'
import { pipeline } from 'node:stream/promises'
import { TOMBSTONE_MAX_TIME, TOMBSTONE_MIN_TIME, TSMReader } from '../tsm/index.js'
import { BufferPool, crc32, fsyncDir } from '../util/index.js'
import { shardEntryPrefix } from './entry-path.js'
import type { ArchiveLocation } from './entry-path.js'
import { BackupOptionsError } from './errors.js'
import { ParallelGzip } from './parallel-gzip.js'
import { takeShardSnapshot } from './shard-snapshot.js'
import type { BackupShard, ShardSnapshot } from './shard-snapshot.js'
import { TAR_PIECE_BYTES, tarSize, tarStream } from './tar-writer.js'
import type { TarFile } from './tar-writer.js'
import { rangeOverlap, rewriteTSMFile } from './tsm-rewrite.js'
import type { KeepRange } from './tsm-rewrite.js'

/** Options of writeShardArchive. */
export interface ShardArchiveOptions {
  /** Keep only points at or after this time (ns, inclusive). */
  readonly start?: bigint
  /** Keep only points at or before this time (ns, inclusive). */
  readonly end?: bigint
  /** Where the entries live in the archive; default the shard's own database, RP and ID. */
  readonly location?: ArchiveLocation
  /**
   * gzip level 0–9; default 1. TSM blocks are already compressed, so higher levels gain little:
   * on 30 MB of TSM, level 1 gave 13.1 MB at 73 MB/s, level 6 gave 11.5 MB at 16 MB/s — and
   * influxd's own archives of the same data are about as large as level 1's.
   */
  readonly gzipLevel?: number
  /** Uncompressed bytes per gzip member (default 1 MiB; see parallel-gzip.ts). */
  readonly gzipBlockSizeBytes?: number
  /** Points per block when files are rewritten (default 1000). */
  readonly maxPointsPerBlock?: number
  /**
   * The checksum of the `.tar.gz` that a streamed archive's `done` reports (default sha256): the
   * node API sends a CRC-32 (a tenth of sha256's CPU) and lets the backup client, which writes the
   * file, compute the sha256 recorded in the manifest.
   */
  readonly checksum?: 'sha256' | 'crc32'
}

/** The gzip level of shard archives unless an option says otherwise (see ShardArchiveOptions). */
export const DEFAULT_GZIP_LEVEL = 1

/** What was written. */
export interface ShardArchiveResult {
  /** Uncompressed tar bytes (the manifest's `size`). */
  readonly size: number
  /** Bytes of the `.tar.gz`. */
  readonly compressedSize: number
  /** Lowercase hex sha256 of the `.tar.gz`. */
  readonly sha256: string
  /** The shard's last change: newest mtime of its files (Unix ns). */
  readonly lastModified: bigint
  /** Digest of the shard's file set (and of the time range, if any). */
  readonly fingerprint: string
  /** The TSM file names in the archive, in order. */
  readonly files: readonly string[]
}

/** The time range of the options, or undefined for a whole-shard archive. Throws on start > end. */
export function keepRange(options: {
  readonly start?: bigint
  readonly end?: bigint
}): KeepRange | undefined {
  if (options.start === undefined && options.end === undefined) return undefined
  const range = { min: options.start ?? TOMBSTONE_MIN_TIME, max: options.end ?? TOMBSTONE_MAX_TIME }
  if (range.min > range.max) throw new BackupOptionsError('start date must be before end date')
  return range
}

/** The fingerprint recorded for an archive: the file set's digest, combined with the time range if any. */
export function archiveFingerprint(
  fileSetFingerprint: string,
  range: KeepRange | undefined,
): string {
  if (range === undefined) return fileSetFingerprint
  return createHash('sha256')
    .update(`${fileSetFingerprint}\n${range.min}\n${range.max}`)
    .digest('hex')
}

/**
 * Writes an archive of `shard` to `outPath` (replacing any file there). Safe while the shard
 * takes writes, snapshots and compactions. Resolves once the file is durable under its name.
 */
export async function writeShardArchive(
  shard: BackupShard,
  outPath: string,
  options: ShardArchiveOptions = {},
): Promise<ShardArchiveResult> {
  keepRange(options)
  const snapshot = await takeShardSnapshot(shard)
  try {
    const location = options.location ?? {
      database: shard.database,
      retentionPolicy: shard.retentionPolicy,
      shardID: BigInt(shard.id),
    }
    return await writeSnapshotArchive(snapshot, outPath, location, options)
  } finally {
    await snapshot.release()
  }
}

/** Chooses, and rewrites where needed, the files that go into the archive. */
async function archiveFiles(
  snapshot: ShardSnapshot,
  prefix: string,
  range: KeepRange | undefined,
  maxPoints: number,
): Promise<TarFile[]> {
  const out: TarFile[] = []
  let outDir: string | undefined
  for (const f of snapshot.files) {
    if (range === undefined && f.tombstone === undefined) {
      out.push({ name: prefix + f.name, source: f.path, size: f.size, mtime: f.mtime })
      continue
    }
    const reader = await TSMReader.open(f.path)
    try {
      const overlap = rangeOverlap(reader.minTime, reader.maxTime, range)
      if (overlap === 'outside') continue
      if (overlap === 'inside' && f.tombstone === undefined) {
        out.push({ name: prefix + f.name, source: f.path, size: f.size, mtime: f.mtime })
        continue
      }
      if (outDir === undefined) {
        outDir = join(snapshot.dir, 'rewritten')
        await mkdir(outDir, { recursive: true })
      }
      const dst = join(outDir, f.name)
      if (await rewriteTSMFile(reader, dst, range, maxPoints)) {
        out.push({
          name: prefix + f.name,
          source: dst,
          size: (await stat(dst)).size,
          mtime: f.mtime,
        })
      }
    } finally {
      await reader.close()
    }
  }
  return out
}

/** An archive being produced: its gzip bytes, and what they amount to once fully read. */
export interface ShardArchiveStream {
  /** The `.tar.gz` bytes; read it to the end (or destroy it to abandon the archive). */
  readonly stream: Readable
  /**
   * Hands back a chunk of `stream` once it is written out (not merely queued), so that its buffer
   * serves a later chunk; optional.
   */
  readonly recycle: (chunk: Buffer) => void
  /**
   * Resolves after the last byte was read, with the archive's sizes and checksum (lowercase hex of
   * the options' `checksum`); rejects on error.
   */
  readonly done: Promise<{ size: number; compressedSize: number; checksum: string }>
  readonly lastModified: bigint
  readonly fingerprint: string
  readonly files: readonly string[]
}

/**
 * Streams the archive of an already frozen snapshot (the caller releases the snapshot after
 * `done`): the node API sends it straight to the backup client, so no copy is written on the
 * node. Files that need rewriting (tombstones, a time range) are rewritten first.
 */
export async function streamSnapshotArchive(
  snapshot: ShardSnapshot,
  location: ArchiveLocation,
  options: ShardArchiveOptions = {},
): Promise<ShardArchiveStream> {
  const range = keepRange(options)
  const files = await archiveFiles(
    snapshot,
    shardEntryPrefix(location),
    range,
    options.maxPointsPerBlock ?? 1000,
  )
  let tarBytes = 0
  let compressed = 0
  const hash = options.checksum === 'crc32' ? undefined : createHash('sha256')
  let crc = 0
  const countTar = tapStream((chunk) => (tarBytes += chunk.length))
  const hashOut = tapStream((chunk) => {
    if (hash !== undefined) hash.update(chunk)
    else crc = crc32(chunk, crc)
    compressed += chunk.length
  })
  // The tar pieces go back to `pieces` once their member is made; members go back to `gzip`
  // through `recycle` once the consumer has written them out.
  const pieces = new BufferPool(TAR_PIECE_BYTES, 8)
  const whole = tarSize(files)
  const small = whole < TAR_PIECE_BYTES
  const gzip = new ParallelGzip({
    recycleInput: (b) => pieces.give(b),
    level: options.gzipLevel ?? DEFAULT_GZIP_LEVEL,
    ...(options.gzipBlockSizeBytes !== undefined
      ? { blockSizeBytes: options.gzipBlockSizeBytes }
      : {}),
  })
  // The consumer reads `out`; `done` settles when the whole pipeline has (or has failed).
  const out = new PassThrough({ highWaterMark: 1 << 20 })
  const done = pipeline(
    // An archive smaller than a piece is laid out in one buffer of its size: a fresh megabyte for
    // each of hundreds of small shards kept the server's garbage collector busy.
    tarStream(files, small ? () => Buffer.allocUnsafe(whole) : () => pieces.take()),
    countTar,
    gzip,
    hashOut,
    out,
  ).then(() => ({
    size: tarBytes,
    compressedSize: compressed,
    checksum: hash?.digest('hex') ?? crc.toString(16).padStart(8, '0'),
  }))
  done.catch(() => undefined) // observed by the caller through `done`
  return {
    stream: out,
    recycle: (chunk) => gzip.recycle(chunk),
    done,
    lastModified: snapshot.lastModifiedNs,
    fingerprint: archiveFingerprint(snapshot.fingerprint, range),
    files: files.map((f) => f.name.slice(f.name.lastIndexOf('/') + 1)),
  }
}

/**
 * Writes every chunk of `a.stream` to `to` (without ending it), with backpressure, handing each
 * chunk back through `a.recycle` once `to` has written it. Resolves after the last chunk is queued;
 * rejects if the archive fails or `to` closes or fails first.
 */
export function pumpArchive(a: ShardArchiveStream, to: Writable): Promise<void> {
  return new Promise((done, fail) => {
    const src = a.stream
    const closed = (): void =>
      fail(new Error('the destination closed before the end of the archive'))
    const stop = (): void => {
      to.off('close', closed)
      to.off('error', fail)
    }
    to.once('close', closed)
    to.once('error', fail)
    src.once('error', (err) => {
      stop()
      fail(err)
    })
    src.on('data', (chunk: Buffer) => {
      if (to.write(chunk, () => a.recycle(chunk))) return
      src.pause()
      to.once('drain', () => src.resume())
    })
    src.once('end', () => {
      stop()
      done()
    })
  })
}

/**
 * Writes the archive of an already frozen snapshot (see takeShardSnapshot) to `outPath`
 * (temp name, 0600, fsync, rename); the caller releases the snapshot. Used by the backup set
 * writer, which decides from the snapshot's fingerprint whether a shard changed before writing it.
 */
export async function writeSnapshotArchive(
  snapshot: ShardSnapshot,
  outPath: string,
  location: ArchiveLocation,
  options: ShardArchiveOptions = {},
): Promise<ShardArchiveResult> {
  const tmp = `${outPath}.tmp`
  await rm(tmp, { force: true })
  let result: ShardArchiveResult
  try {
    const a = await streamSnapshotArchive(snapshot, location, { ...options, checksum: 'sha256' })
    const file = createWriteStream(tmp, { flags: 'wx', mode: 0o600 })
    try {
      await pumpArchive(a, file)
      await new Promise<void>((ok, ko) => file.end((err?: Error | null) => (err ? ko(err) : ok())))
    } catch (err) {
      a.stream.destroy()
      file.destroy()
      throw err
    }
    const sums = await a.done
    result = {
      size: sums.size,
      compressedSize: sums.compressedSize,
      sha256: sums.checksum,
      lastModified: a.lastModified,
      fingerprint: a.fingerprint,
      files: a.files,
    }
    // fsync through a new descriptor: it flushes the file's data whichever descriptor wrote it.
    const fh = await open(tmp, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, outPath)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  await fsyncDir(dirname(outPath))
  return result
}
