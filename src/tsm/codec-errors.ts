// Errors of the TSM value codecs and the block format: a block (or one section of it) that cannot
// be decoded, and values that cannot be encoded. Each class has a stable code; the lead merges
// these into src/tsm/errors.ts.

import { TidemarkError } from '../util/index.js'
import type { ErrorFields } from '../util/index.js'

/** The codec that found a problem, as named in error fields. */
export type CodecName =
  'block' | 'timestamp' | 'simple8b' | 'float' | 'integer' | 'unsigned' | 'boolean' | 'string'

/**
 * Block data (or one encoded section of it) is corrupt: an unknown encoding nibble or block type, a
 * truncated section, a bad varint, a simple8b word that yields more values than expected, a count
 * that disagrees between the timestamp and value sections, bad snappy data, trailing bytes.
 * `fields.codec` names the codec, `fields.offset` the byte offset (relative to the start of the
 * data handed to the decoder, or to the block when decoded through `decodeBlock`), `fields.reason`
 * says what, and `expected`/`found` are set where a count or length disagreed.
 */
export class TSMCodecError extends TidemarkError {
  /** The codec that found the problem. */
  readonly codec: CodecName
  /** Byte offset of the problem. */
  readonly offset: number
  /** What was wrong, for humans and logs. */
  readonly reason: string

  constructor(
    codec: CodecName,
    offset: number,
    reason: string,
    extra: ErrorFields = {},
    cause?: unknown,
  ) {
    super(
      'ERR_TSM_CORRUPT_BLOCK',
      `corrupt ${codec} data at offset ${offset}: ${reason}`,
      { codec, offset, reason, ...extra },
      cause === undefined ? undefined : { cause },
    )
    this.codec = codec
    this.offset = offset
    this.reason = reason
  }
}

/**
 * Values that the TSM format cannot hold: a NaN float, an empty block, times and values of
 * different lengths, a simple8b value above 2^60 − 1. `fields.index` is the position of the bad
 * value when there is one.
 */
export class TSMEncodeError extends TidemarkError {
  /** The codec that refused the input. */
  readonly codec: CodecName
  /** What was wrong. */
  readonly reason: string

  constructor(codec: CodecName, reason: string, extra: ErrorFields = {}) {
    super('ERR_TSM_UNENCODABLE', `cannot encode ${codec} values: ${reason}`, {
      codec,
      reason,
      ...extra,
    })
    this.codec = codec
    this.reason = reason
  }
}
