// Errors of the storage engine (one shard: cache, WAL, TSM file set, index, compaction).
import { TidemarkError } from '../util/index.js'

/** A write would push the cache past cache-max-memory-size. */
export class CacheFullError extends TidemarkError {
  constructor(sizeBytes: number, maxSizeBytes: number) {
    super(
      'ERR_ENGINE_CACHE_FULL',
      `cache-max-memory-size exceeded: (${sizeBytes}/${maxSizeBytes})`,
      {
        sizeBytes,
        maxSizeBytes,
      },
    )
  }
}

/** A field was written with another type than the one the shard already holds for it. */
export class FieldTypeConflictError extends TidemarkError {
  constructor(measurement: string, field: string, got: string, existing: string) {
    super(
      'ERR_ENGINE_FIELD_TYPE_CONFLICT',
      `field type conflict: input field "${field}" on measurement "${measurement}" is type ${got}, already exists as type ${existing}`,
      { measurement, field, got, existing },
    )
  }
}

/** A shard could not be opened (corrupt file, type conflict between files, I/O error). */
export class ShardOpenError extends TidemarkError {
  constructor(shardID: number, path: string, reason: string, cause?: unknown) {
    super('ERR_ENGINE_SHARD_OPEN', `[shard ${shardID}] ${reason}`, { shardID, path }, { cause })
  }
}

/** A shard was used before open() or after close(). */
export class ShardClosedError extends TidemarkError {
  constructor(shardID: number) {
    super('ERR_ENGINE_SHARD_CLOSED', `shard ${shardID} is closed`, { shardID })
  }
}
