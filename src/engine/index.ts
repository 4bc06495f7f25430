// The storage engine of one shard: cache, WAL, TSM file set, index, compaction, deletes.
export { Shard, DEFAULT_ENGINE_OPTIONS } from './shard.js'
export type { EngineOptions, ShardConfig, ShardWriteResult } from './shard.js'
export { ShardIndex, MeasurementIndex } from './shard-index.js'
export { Cache, compareKeys } from './cache.js'
export type { CacheSnapshot } from './cache.js'
export { FileStore } from './file-store.js'
export { KeyCursor } from './key-cursor.js'
export type { KeyCursorOptions } from './key-cursor.js'
export type { TSMFile } from './file-store.js'
export { planLevelCompaction, planFullCompaction, compact } from './compactor.js'
export type { CompactionPlan, CompactionOptions } from './compactor.js'
export {
  splitTSMKey,
  joinTSMKey,
  parseSeriesKey,
  measurementOf,
  KEY_FIELD_SEPARATOR,
} from './series-key.js'
export type { Tag } from './series-key.js'
export {
  ValuesBuffer,
  sortDedup,
  mergeValues,
  filterTimeRange,
  excludeTimeRange,
  valueAt,
  emptyValues,
} from './values-buffer.js'
export { silentLogger } from './logger.js'
export type { Logger } from './logger.js'
export {
  CacheFullError,
  FieldTypeConflictError,
  ShardOpenError,
  ShardClosedError,
} from './errors.js'
