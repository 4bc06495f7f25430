// Errors of the TSM file half: the TSM writer and reader, tombstone files, TSM file names and
// fields.idx. Each class has a stable code (ERR_TSM_…) and the fields a caller needs to act on
// it — path, byte offset, expected vs found. The lead merges these into src/tsm/errors.ts.

import { TidemarkError } from '../util/index.js'
import type { ErrorFields } from '../util/index.js'

/**
 * A TSM file is not what its format promises: bad magic or version, a footer or index entry
 * pointing outside the file, keys or entries out of order, a short read or a CRC mismatch.
 * `fields.path` and `fields.offset` say where; `fields.reason` says what, in words.
 */
export class TSMCorruptError extends TidemarkError {
  constructor(
    path: string,
    offset: number,
    reason: string,
    extra: ErrorFields = {},
    cause?: unknown,
  ) {
    super(
      'ERR_TSM_CORRUPT',
      `corrupt TSM file ${path} at offset ${offset}: ${reason}`,
      { path, offset, reason, ...extra },
      cause === undefined ? undefined : { cause },
    )
  }
}

/** A key reached the TSM writer out of ascending byte order, or twice. */
export class TSMKeyOrderError extends TidemarkError {
  constructor(path: string, key: string, previousKey: string) {
    super(
      'ERR_TSM_KEY_ORDER',
      `key ${JSON.stringify(key)} is not after ${JSON.stringify(previousKey)} in byte order`,
      { path, key, previousKey },
    )
  }
}

/**
 * A block reached the TSM writer with an inverted time range or one that overlaps the key's
 * previous block, or write() got values not strictly increasing in time.
 */
export class TSMBlockOrderError extends TidemarkError {
  constructor(path: string, key: string, reason: string, extra: ErrorFields = {}) {
    super('ERR_TSM_BLOCK_ORDER', `block of key ${JSON.stringify(key)} out of order: ${reason}`, {
      path,
      key,
      reason,
      ...extra,
    })
  }
}

/**
 * A block given to the writer is empty, has an unknown type byte, or has a type that differs
 * from the type of the key's earlier blocks in the same file. `found` is −1 for an empty block.
 */
export class TSMBlockTypeError extends TidemarkError {
  constructor(path: string, key: string, expected: number, found: number) {
    super(
      'ERR_TSM_BLOCK_TYPE',
      found < 0
        ? `block of key ${JSON.stringify(key)} is empty`
        : `block of key ${JSON.stringify(key)} has type ${found}, ` +
            `expected ${expected < 0 ? '0 … 4' : expected}`,
      { path, key, expected, found },
    )
  }
}

/** A key longer than 65535 bytes (InfluxDB: `max key length exceeded`). */
export class TSMKeyTooLongError extends TidemarkError {
  constructor(path: string, keyLengthBytes: number) {
    super('ERR_TSM_KEY_TOO_LONG', 'max key length exceeded', {
      path,
      found: keyLengthBytes,
      expected: 65535,
    })
  }
}

/** A key would get more than 65535 blocks in one file (InfluxDB: `max blocks exceeded`). */
export class TSMMaxBlocksError extends TidemarkError {
  constructor(path: string, key: string) {
    super('ERR_TSM_MAX_BLOCKS', 'max blocks exceeded', { path, key, expected: 65535 })
  }
}

/** finish() was called on a writer that holds no keys; a TSM file with no keys is invalid. */
export class TSMNoValuesError extends TidemarkError {
  constructor(path: string) {
    super('ERR_TSM_NO_VALUES', 'no values written', { path })
  }
}

/** The writer was used after finish() or abort(), or after an I/O error broke it. */
export class TSMWriterClosedError extends TidemarkError {
  constructor(path: string) {
    super('ERR_TSM_WRITER_CLOSED', `TSM writer for ${path} is closed`, { path })
  }
}

/** A `*.tsm` name that is not `<generation>-<sequence>.<ext>` with uint32 numbers. */
export class TSMFileNameError extends TidemarkError {
  constructor(name: string) {
    super('ERR_TSM_FILE_NAME', `file ${name} is named incorrectly`, { path: name })
  }
}

/** A tombstone file whose records cannot be read: truncated, bad gzip, impossible lengths. */
export class TombstoneCorruptError extends TidemarkError {
  constructor(path: string, offset: number, reason: string, cause?: unknown) {
    super(
      'ERR_TSM_TOMBSTONE_CORRUPT',
      `corrupt tombstone file ${path} at offset ${offset}: ${reason}`,
      { path, offset, reason },
      cause === undefined ? undefined : { cause },
    )
  }
}

/**
 * fields.idx does not start with 00 06 01 03 (InfluxDB: `unknown field index format`);
 * callers rebuild the index from the TSM keys.
 */
export class FieldsIndexFormatError extends TidemarkError {
  constructor(path: string | undefined, found: string) {
    super('ERR_TSM_FIELDS_INDEX_FORMAT', 'unknown field index format', {
      path,
      offset: 0,
      expected: '00060103',
      found,
    })
  }
}

/** fields.idx has the right magic but its protobuf body or a field type code is invalid. */
export class FieldsIndexCorruptError extends TidemarkError {
  constructor(path: string | undefined, reason: string, cause?: unknown) {
    super(
      'ERR_TSM_FIELDS_INDEX_CORRUPT',
      `corrupt fields index${path === undefined ? '' : ` ${path}`}: ${reason}`,
      { path, reason },
      cause === undefined ? undefined : { cause },
    )
  }
}
