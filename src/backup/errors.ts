// Errors of the backup component: reading, verifying, writing and restoring portable backup sets.
// Every error names the file it is about (`path`) and, where one exists, the tar entry and the byte
// offset (`entry`, `offset`: offset in the uncompressed tar stream unless the field says otherwise).
import { TidemarkError } from '../util/index.js'
import type { ErrorFields } from '../util/index.js'

/** The base class of the backup component's errors. */
export class BackupError extends TidemarkError {}

function at(path: string, where: { entry?: string; offset?: number }): string {
  const parts = [path]
  if (where.entry !== undefined) parts.push(`entry ${JSON.stringify(where.entry)}`)
  if (where.offset !== undefined) parts.push(`offset ${where.offset}`)
  return parts.join(', ')
}

/** A manifest cannot be parsed or does not have the shape of an InfluxDB manifest. */
export class ManifestError extends BackupError {
  constructor(
    path: string,
    reason: string,
    fields: { offset?: number; line?: number; column?: number; key?: string } = {},
  ) {
    const where = fields.line !== undefined ? `${path}:${fields.line}:${fields.column ?? 0}` : path
    super('ERR_BACKUP_MANIFEST', `${where}: invalid manifest: ${reason}`, {
      path,
      reason,
      ...fields,
    })
  }
}

/** A directory holds no backup (InfluxDB: "No manifest files found in: <path>"). */
export class BackupNotFoundError extends BackupError {
  constructor(path: string, reason = `No manifest files found in: ${path}`) {
    super('ERR_BACKUP_NOT_FOUND', reason, { path })
  }
}

/** A file the manifest names does not exist (or is not a regular file). */
export class BackupFileMissingError extends BackupError {
  constructor(path: string, referencedBy: string, cause?: unknown) {
    super(
      'ERR_BACKUP_FILE_MISSING',
      `${path}: file named by ${referencedBy} is missing`,
      { path, referencedBy },
      { cause },
    )
  }
}

/** A file of the set that exists but cannot be read (permissions, I/O error). */
export class BackupUnreadableError extends BackupError {
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EIO'
          ? 'input/output error'
          : (cause as Error).message
    super(
      'ERR_BACKUP_UNREADABLE',
      `${path}: cannot be read: ${why}`,
      { path, reason: why },
      { cause },
    )
  }
}

/**
 * The backup error for file-system error `err` on `path` (named by `referencedBy`): missing for
 * a file that is not there (or is a directory), unreadable for any other; other errors as they are.
 */
export function fileError(path: string, referencedBy: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR')
    return new BackupFileMissingError(path, referencedBy, err)
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && !(err instanceof BackupError))
    return new BackupUnreadableError(path, err)
  return err
}

/**
 * A file of a shard archive could not be written where it is extracted (a full disk, a file size
 * limit, permissions): names the archive, its entry, the file and the system's error.
 */
export class BackupWriteError extends BackupError {
  constructor(archivePath: string, entry: string, path: string, cause: NodeJS.ErrnoException) {
    super(
      'ERR_BACKUP_WRITE',
      `${archivePath}, entry ${JSON.stringify(entry)}: cannot write ${path}: ${cause.message}`,
      { path: archivePath, entry, file: path, errno: cause.code },
      { cause },
    )
  }
}

/** A size recorded in the manifest differs from the file's actual size. */
export class BackupSizeMismatchError extends BackupError {
  constructor(path: string, what: string, expected: number | bigint, found: number | bigint) {
    super(
      'ERR_BACKUP_SIZE_MISMATCH',
      `${path}: ${what} is ${found} bytes, the manifest says ${expected}`,
      {
        path,
        what,
        expected,
        found,
      },
    )
  }
}

/** A sha256 recorded in the manifest differs from the file's digest. */
export class BackupChecksumError extends BackupError {
  constructor(path: string, expected: string, found: string) {
    super('ERR_BACKUP_CHECKSUM', `${path}: sha256 is ${found}, the manifest says ${expected}`, {
      path,
      expected,
      found,
    })
  }
}

/** A shard archive is not valid gzip (bad header, bad CRC or length, truncated). */
export class BackupGzipError extends BackupError {
  constructor(path: string, compressedOffset: number, reason: string, cause?: unknown) {
    super(
      'ERR_BACKUP_GZIP',
      `${path}: gzip stream broken near compressed offset ${compressedOffset}: ${reason}`,
      {
        path,
        compressedOffset,
        reason,
      },
      { cause },
    )
  }
}

/** A shard archive is not a valid tar stream (bad header checksum, truncated, garbage at the end). */
export class BackupTarError extends BackupError {
  constructor(path: string, offset: number, reason: string, entry?: string) {
    super('ERR_BACKUP_TAR', `${at(path, { entry, offset })}: ${reason}`, {
      path,
      offset,
      reason,
      entry,
    })
  }
}

/**
 * A tar entry that a restore must never write: an absolute path, a `..` component, a path outside
 * `<db>/<rp>/<id>/`, a link, a device, a duplicate or an unsupported entry type.
 */
export class BackupUnsafeEntryError extends BackupError {
  constructor(path: string, entry: string, offset: number, reason: string) {
    super('ERR_BACKUP_UNSAFE_ENTRY', `${at(path, { entry, offset })}: ${reason}`, {
      path,
      entry,
      offset,
      reason,
    })
  }
}

/** A TSM file inside a shard archive is damaged. `offset` is in the tar stream, `fileOffset` in the TSM file. */
export class BackupTSMCorruptError extends BackupError {
  constructor(
    path: string,
    entry: string,
    offset: number,
    fileOffset: number,
    reason: string,
    cause?: unknown,
  ) {
    super(
      'ERR_BACKUP_TSM_CORRUPT',
      `${at(path, { entry, offset })}: TSM file damaged at byte ${fileOffset}: ${reason}`,
      {
        path,
        entry,
        offset,
        fileOffset,
        reason,
      },
      { cause },
    )
  }
}

/** A tombstone file inside a shard archive cannot be read. */
export class BackupTombstoneCorruptError extends BackupError {
  constructor(path: string, entry: string, offset: number, reason: string, cause?: unknown) {
    super(
      'ERR_BACKUP_TOMBSTONE_CORRUPT',
      `${at(path, { entry, offset })}: tombstone file damaged: ${reason}`,
      {
        path,
        entry,
        offset,
        reason,
      },
      { cause },
    )
  }
}

/** The `.meta` file cannot be decoded, or does not describe the shards the manifest lists. */
export class BackupMetaError extends BackupError {
  constructor(path: string, reason: string, fields: ErrorFields = {}, cause?: unknown) {
    super('ERR_BACKUP_META', `${path}: ${reason}`, { path, reason, ...fields }, { cause })
  }
}

/** A shard could not be backed up (its file set kept changing, or it is not in the metadata). */
export class BackupShardError extends BackupError {
  constructor(shardID: number | bigint, reason: string, cause?: unknown) {
    super('ERR_BACKUP_SHARD', `backup: shard ${shardID}: ${reason}`, { shardID, reason }, { cause })
  }
}

/** A backup with this timestamp already exists in the directory (a `<ts>` is never reused). */
export class BackupExistsError extends BackupError {
  constructor(path: string) {
    super('ERR_BACKUP_EXISTS', `${path} already exists: a backup timestamp is never reused`, {
      path,
    })
  }
}

/** Backup options that contradict each other (e.g. a time range with an incremental backup). */
export class BackupOptionsError extends BackupError {
  /** `command`: the tidemark-ctl command the message starts with. */
  constructor(reason: string, command = 'backup') {
    super('ERR_BACKUP_OPTIONS', `${command}: ${reason}`, { reason })
  }
}

/** Restore options that contradict each other (e.g. -newdb without -db). */
export class RestoreOptionsError extends BackupError {
  constructor(reason: string) {
    super('ERR_BACKUP_RESTORE_OPTIONS', `restore: ${reason}`, { reason })
  }
}

/** The text a refused restore prints when a target database already holds data (the seed's wording). */
export const RESTORE_DATABASE_EXISTS_TEXT =
  'restore: operation exited with error: problem setting snapshot: database already exists'

/**
 * The metadata import was refused: a target database exists with data, or the backup lacks the
 * named database or retention policy. The message is the Enterprise CLI's line,
 * `restore: operation exited with error: problem setting snapshot: <reason>`; the metastore's
 * own error is the `cause`.
 */
export class RestoreRefusedError extends BackupError {
  constructor(reason: string, fields: ErrorFields = {}, cause?: unknown) {
    super(
      'ERR_BACKUP_RESTORE_REFUSED',
      `restore: operation exited with error: problem setting snapshot: ${reason}`,
      {
        reason,
        ...fields,
      },
      { cause },
    )
  }
}

/**
 * Installing a restore failed after it started; everything it had created was removed again (the
 * target is as it was). The `cause` is the underlying error.
 */
export class RestoreFailedError extends BackupError {
  constructor(reason: string, fields: ErrorFields = {}, cause?: unknown) {
    super('ERR_BACKUP_RESTORE_FAILED', `restore: ${reason}`, { reason, ...fields }, { cause })
  }
}
