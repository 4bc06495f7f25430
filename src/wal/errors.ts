// The errors the WAL throws on purpose. Callers branch on `code` (or `instanceof`), never on the
// message text; every error names where the problem is (segment path, byte offset).

import { TidemarkError } from '../util/index.js'

/**
 * A WAL segment (or an entry payload) could not be decoded: a short read, bad snappy data, a bad
 * payload or an unknown entry type. `offset` is the byte offset of the entry that failed, which is
 * also the end of the last good entry; `path` is absent when a bare payload was decoded.
 */
export class WALCorruptError extends TidemarkError {
  /** The segment file, or undefined for a payload decoded outside a file. */
  readonly path: string | undefined
  /** Byte offset of the bad entry in the segment (or of the bad byte in a bare payload). */
  readonly offset: number
  /** What was wrong, for humans and logs. */
  readonly reason: string

  constructor(reason: string, offset: number, path?: string, options?: { cause?: unknown }) {
    super(
      'ERR_WAL_CORRUPT',
      path === undefined
        ? `corrupt WAL entry at offset ${offset}: ${reason}`
        : `corrupt WAL segment ${path} at offset ${offset}: ${reason}`,
      { path, offset, reason },
      options,
    )
    this.path = path
    this.offset = offset
    this.reason = reason
  }
}

/**
 * An entry cannot be encoded: a key longer than 65535 UTF-8 bytes, times and values of different
 * lengths, a delete key containing a newline, or an entry larger than 4 GiB.
 */
export class WALInvalidEntryError extends TidemarkError {
  constructor(reason: string, key?: string) {
    super('ERR_WAL_INVALID_ENTRY', `invalid WAL entry: ${reason}`, { reason, key })
  }
}

/** Writing or fsyncing a segment failed; the segment accepts no further appends. */
export class WALWriteError extends TidemarkError {
  constructor(path: string, options: { cause: unknown }) {
    super('ERR_WAL_WRITE', `writing WAL segment ${path} failed`, { path }, options)
  }
}

/** A WAL operation was called in a state that does not allow it (named in `operation`). */
export class WALStateError extends TidemarkError {
  constructor(operation: string, reason: string, path: string) {
    super('ERR_WAL_STATE', `WAL ${path}: cannot ${operation}: ${reason}`, {
      operation,
      reason,
      path,
    })
  }
}
