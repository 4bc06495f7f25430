// The write-ahead log: entry codec, segment writer and reader, and the per-shard WAL.
export type { WALEntry, WALWriteEntry, WALDeleteEntry, WALDeleteRangeEntry } from './wal-entry.js'
export { WALEntryType, WALValueType, FRAME_HEADER_SIZE } from './wal-entry.js'
export { encodeEntry, decodeEntryPayload, marshalEntry, unmarshalEntry } from './wal-entry-codec.js'
export { segmentFileName, parseSegmentFileName } from './segment-name.js'
export { WALSegmentWriter } from './wal-segment-writer.js'
export { WALSegmentReader } from './wal-segment-reader.js'
export type { WALSegmentRecord, WALSegmentReaderOptions } from './wal-segment-reader.js'
export { WAL, shardWALDir, DEFAULT_MAX_SEGMENT_SIZE_BYTES } from './wal.js'
export type {
  WALOptions,
  WALStatus,
  WALEntryPosition,
  WALReplayHandler,
  WALReplayWarning,
  WALReplayResult,
} from './wal.js'
export { WALCorruptError, WALInvalidEntryError, WALWriteError, WALStateError } from './errors.js'
