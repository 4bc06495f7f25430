// Reads one shard archive (`*.tar.gz`) in a single streaming pass: the file's bytes are hashed
// (sha256) and counted, gunzipped (any level, any number of gzip members, several at once when
// they are our indexed members; each member's CRC-32 and ISIZE checked), counted again (the
// uncompressed tar size the manifest records), and parsed as tar. Every entry is classified (entry-path.ts): unsafe entries stop the read with
// BackupUnsafeEntryError, ignored ones become warnings, and TSM and tombstone files are handed to
// the caller. Memory stays bounded by the stream buffers whatever the archive size.

import type { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { tapStream } from './stream-tap.js'
import { pipeline } from 'node:stream/promises'
import { classifyEntry } from './entry-path.js'
import type { ArchiveLocation } from './entry-path.js'
import {
  BackupError,
  BackupGzipError,
  BackupTarError,
  BackupUnsafeEntryError,
  fileError,
} from './errors.js'
import { ParallelGunzip } from './parallel-gunzip.js'
import { readTar } from './tar-reader.js'
import type { BackupWarning } from './warnings.js'

/** Bytes of a read of an archive file (at most). */
const READ_BYTES = 1024 * 1024

/** A TSM or tombstone file found in an archive. */
export interface ArchiveFileEntry {
  readonly kind: 'tsm' | 'tombstone'
  /** The file name inside the shard directory (e.g. `000000001-000000001.tsm`). */
  readonly name: string
  /** For a tombstone: the TSM file it belongs to. */
  readonly tsmName?: string
  /** The full entry path in the archive. */
  readonly entry: string
  readonly size: number
  /** Offset of the entry's data in the uncompressed tar stream. */
  readonly dataOffset: number
}

/** What one pass over an archive found. */
export interface ArchiveReadResult {
  /** Uncompressed tar bytes (what the manifest's `size` records). */
  readonly tarSize: number
  /** Bytes of the `.tar.gz` file. */
  readonly compressedSize: number
  /** Lowercase hex sha256 of the `.tar.gz` bytes. */
  readonly sha256: string
  readonly entryCount: number
  readonly warnings: readonly BackupWarning[]
}

function isZlibError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | undefined)?.code
  return err instanceof Error && typeof code === 'string' && code.startsWith('Z_')
}

/**
 * Where an archive's bytes come from when not from its file: the `.tar.gz` bytes as they arrive
 * (`gzip`), or the tar they hold, already inflated and checked by the sender (`tar`; the restore
 * client inflates on its own cores, as influxd restore does).
 */
export interface ArchiveSource {
  readonly bytes: AsyncIterable<Buffer>
  readonly form: 'gzip' | 'tar'
}

/** Receives a TSM or tombstone entry; may read `body` (exactly `entry.size` bytes). */
export type ArchiveFileHandler = (
  entry: ArchiveFileEntry,
  body: AsyncIterable<Buffer>,
) => Promise<void>

/**
 * Reads the archive at `path` that holds shard `loc`, calling `onFile` for each TSM and tombstone
 * entry in archive order. With `source`, the archive's bytes come from it instead (an upload as it
 * arrives); `path` then only names the archive in errors. From a `tar` source, sha256 is '' and
 * compressedSize 0: the sender checked those. Throws BackupFileMissingError, BackupGzipError,
 * BackupTarError, BackupUnsafeEntryError (duplicate names included), or what `onFile` throws.
 */
export async function readShardArchive(
  path: string,
  loc: ArchiveLocation,
  onFile: ArchiveFileHandler,
  source?: ArchiveSource,
): Promise<ArchiveReadResult> {
  const hash = createHash('sha256')
  let compressed = 0
  let tarBytes = 0
  const warnings: BackupWarning[] = []
  const seen = new Set<string>()
  // A read stream allocates a buffer of its high-water mark for every read, the last (empty) one
  // too: two fresh megabytes for each small archive kept `verify` of 1000 small shards collecting
  // garbage for a third of its time. A file that cannot be stat'ed fails as the stream reports it.
  const size =
    source === undefined
      ? await stat(path).then(
          (st) => st.size,
          () => READ_BYTES,
        )
      : 0
  const file =
    source?.bytes ??
    createReadStream(path, { highWaterMark: Math.max(64 * 1024, Math.min(READ_BYTES, size)) })
  const hashing = tapStream((chunk) => {
    hash.update(chunk)
    compressed += chunk.length
  })
  const gunzip = new ParallelGunzip()
  let entryCount = 0
  let zlibFailed: Error | undefined
  let consumerFailed: unknown
  gunzip.on('error', (err) => {
    // pipeline() also destroys the gunzip stream when the tar reader fails; only zlib's own count.
    if (isZlibError(err)) zlibFailed = err
  })
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    try {
      const r = await readTar(source, path, async (h, body) => {
        const use = classifyEntry(h.path, h.type, loc)
        switch (use.kind) {
          case 'refuse':
            throw new BackupUnsafeEntryError(path, h.path, h.headerOffset, use.reason)
          case 'ignore':
            warnings.push({
              code: 'ignored-entry',
              path,
              entry: h.path,
              offset: h.headerOffset,
              reason: use.reason,
            })
            return
          case 'tsm':
          case 'tombstone': {
            if (seen.has(use.name))
              throw new BackupUnsafeEntryError(path, h.path, h.headerOffset, 'duplicate entry')
            seen.add(use.name)
            const entry: ArchiveFileEntry = {
              kind: use.kind,
              name: use.name,
              ...(use.kind === 'tombstone' ? { tsmName: use.tsmName } : {}),
              entry: h.path,
              size: h.size,
              dataOffset: h.dataOffset,
            }
            await onFile(entry, body)
            return
          }
          default:
            use satisfies never
        }
      })
      entryCount = r.entryCount
      tarBytes = r.totalBytes
    } catch (err) {
      consumerFailed = err
      throw err
    }
  }
  let consumer: Promise<void> | undefined
  try {
    if (source?.form === 'tar') await (consumer = consume(file))
    else
      await pipeline(
        file,
        hashing,
        gunzip,
        (source: AsyncIterable<Buffer>) => (consumer = consume(source)),
      )
  } catch (err) {
    // pipeline() rejects as soon as a stream fails; the tar consumer may still be writing a file
    // for the caller. Let it stop first, so nothing is written after this function returns.
    await consumer?.catch(() => undefined)
    const first = consumerFailed ?? err
    const code = (first as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES' || code === 'EPERM')
      throw fileError(path, 'the manifest', first)
    // A tar stream that ends early because the gzip stream broke is the gzip problem it is.
    const zlib = zlibFailed ?? (isZlibError(first) ? first : undefined)
    if (
      zlib !== undefined &&
      (!(first instanceof BackupError) || first instanceof BackupTarError)
    ) {
      // Where the gunzip stream knows where the problem starts, that; else how far it had read.
      const at = (zlib as { offset?: unknown }).offset
      throw new BackupGzipError(path, typeof at === 'number' ? at : compressed, zlib.message, zlib)
    }
    throw first
  }
  return {
    tarSize: tarBytes,
    compressedSize: compressed,
    sha256: source?.form === 'tar' ? '' : hash.digest('hex'),
    entryCount,
    warnings,
  }
}

// A restore client may upload an archive as the tar it holds (archive-inflate.ts), as influxd restore
// does: the node then untars and checks it, and the client's cores do the inflating.
/** The Content-Type of an archive uploaded as the tar it holds. */
export const TAR_CONTENT_TYPE = 'application/x-tar'
/** Request header of a tar upload: the client's path of the archive, URI-encoded, for error texts. */
export const ARCHIVE_PATH_HEADER = 'x-tidemark-archive-path'
/** Trailer of a tar upload: the sha256 of the `.tar.gz` bytes the client read. */
export const ARCHIVE_SHA256_TRAILER = 'x-tidemark-archive-sha256'
/** Trailer of a tar upload: how many `.tar.gz` bytes the client read. */
export const ARCHIVE_BYTES_TRAILER = 'x-tidemark-archive-bytes'
