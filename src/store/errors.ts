// Errors of the store (all shards of a node).
import { TidemarkError } from '../util/index.js'

/** No shard with this ID is open on this node. */
export class ShardNotFoundError extends TidemarkError {
  constructor(shardID: number) {
    super('ERR_STORE_SHARD_NOT_FOUND', `shard ${shardID} not found`, { shardID })
  }
}

/** A shard with this ID already exists (possibly in another database or retention policy). */
export class ShardExistsError extends TidemarkError {
  constructor(shardID: number, database: string, retentionPolicy: string) {
    super(
      'ERR_STORE_SHARD_EXISTS',
      `shard ${shardID} already exists in ${database}/${retentionPolicy}`,
      {
        shardID,
        database,
        retentionPolicy,
      },
    )
  }
}

/**
 * A database or retention policy name that cannot be one directory under the data and WAL
 * directories (empty, `.`, `..`, a path separator or NUL): the store refuses to create or remove
 * anything by it, so no name can reach outside those directories.
 */
export class StoreNameError extends TidemarkError {
  constructor(name: string) {
    super('ERR_STORE_NAME', `${JSON.stringify(name)} cannot name a directory of the store`, {
      name,
    })
  }
}
