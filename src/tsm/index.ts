// The TSM1 component: value codecs, blocks, TSM file writer and reader, tombstones, fields.idx.
// Byte formats are InfluxDB 1.x's (spec/storage-formats.md §2, §4, §5).
export {
  BLOCK_FLOAT,
  BLOCK_INTEGER,
  BLOCK_BOOLEAN,
  BLOCK_STRING,
  BLOCK_UNSIGNED,
  blockTypeOf,
  fieldTypeOfBlock,
  encodeBlock,
  decodeBlock,
  decodeBlockTimestamps,
  blockTimeBounds,
  splitBlock,
  blockType,
  blockCount,
} from './block.js'
export type { BlockSections } from './block.js'
export { encodeTimestamps, decodeTimestamps, timestampBounds } from './timestamp-codec.js'
export { encodeFloats, decodeFloats } from './float-codec.js'
export { encodeIntegers, decodeIntegers, encodeUnsigned, decodeUnsigned } from './integer-codec.js'
export { encodeBooleans, decodeBooleans } from './boolean-codec.js'
export { encodeStrings, decodeStrings } from './string-codec.js'
export { TSMCodecError, TSMEncodeError } from './codec-errors.js'
export { TSMReader } from './tsm-reader.js'
export type {
  TSMReaderOptions,
  TSMBlock,
  BlockReport,
  VerifyReport,
  TSMKeyList,
} from './tsm-reader.js'
export { TSMWriter } from './tsm-writer.js'
export type { TSMWriterOptions } from './tsm-writer.js'
export type { IndexEntry } from './tsm-index.js'
export { MAX_KEY_LENGTH, TSM_HEADER_SIZE } from './tsm-index.js'
export {
  TOMBSTONE_MIN_TIME,
  TOMBSTONE_MAX_TIME,
  readTombstones,
  decodeTombstones,
  appendTombstones,
} from './tombstone.js'
export type { TombstoneRecord } from './tombstone.js'
export { formatTSMFileName, parseTSMFileName, tombstonePathFor } from './file-name.js'
export type { TSMFileID } from './file-name.js'
export {
  FIELDS_INDEX_MAGIC,
  encodeFieldsIndex,
  decodeFieldsIndex,
  readFieldsIndex,
  writeFieldsIndex,
} from './fields-index.js'
export type { FieldsIndex } from './fields-index.js'
export {
  TSMCorruptError,
  TSMKeyOrderError,
  TSMBlockOrderError,
  TSMBlockTypeError,
  TSMKeyTooLongError,
  TSMMaxBlocksError,
  TSMNoValuesError,
  TSMWriterClosedError,
  TSMFileNameError,
  TombstoneCorruptError,
  FieldsIndexFormatError,
  FieldsIndexCorruptError,
} from './file-errors.js'
export { sortLastWins, concatValues, excludeTimeRanges } from './file-values.js'
export type { TimeRange } from './file-values.js'
