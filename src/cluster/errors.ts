// Errors of the write coordinator.
import { TidemarkError } from '../util/index.js'

/** A write named a database that does not exist (HTTP 404 `database not found: "x"`). */
export class WriteDatabaseNotFoundError extends TidemarkError {
  constructor(database: string) {
    super('ERR_CLUSTER_DATABASE_NOT_FOUND', `database not found: "${database}"`, { database })
  }
}

/** A write named a retention policy that does not exist (HTTP 500, as InfluxDB answers). */
export class WriteRetentionPolicyNotFoundError extends TidemarkError {
  constructor(retentionPolicy: string) {
    super(
      'ERR_CLUSTER_RETENTION_POLICY_NOT_FOUND',
      `retention policy not found: ${retentionPolicy}`,
      { retentionPolicy },
    )
  }
}

/** Why a replicated write did not reach its consistency level. */
export type WriteFailure = 'timeout' | 'partial' | 'failed'

/**
 * A write that too few owners of a shard acknowledged for its consistency level. The message is
 * InfluxDB Enterprise's (HTTP 500): `timeout` when an owner did not answer within the shard writer
 * timeout, `partial write` when some but not enough owners acknowledged, and `write failed: <the
 * first owner's error>` when none did.
 */
export class WriteConsistencyError extends TidemarkError {
  readonly failure: WriteFailure

  constructor(
    failure: WriteFailure,
    detail: string,
    fields: {
      shardID: bigint
      consistency: string
      required: number
      acknowledged: number
    },
  ) {
    super(
      failure === 'timeout' ? 'ERR_CLUSTER_WRITE_TIMEOUT' : 'ERR_CLUSTER_WRITE_FAILED',
      failure === 'timeout'
        ? 'timeout'
        : failure === 'partial'
          ? 'partial write'
          : `write failed: ${detail}`,
      { ...fields, detail },
    )
    this.failure = failure
  }
}

/** A node-to-node shard write that the owner refused or that did not reach it. */
export class ShardWriteError extends TidemarkError {
  /** Whether the write may succeed later (the owner was unreachable, timed out or failed with 5xx). */
  readonly retryable: boolean

  constructor(
    message: string,
    fields: { nodeID: bigint; shardID: bigint; status: number; timeout?: boolean },
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      fields.timeout === true ? 'ERR_CLUSTER_SHARD_WRITE_TIMEOUT' : 'ERR_CLUSTER_SHARD_WRITE',
      message,
      fields,
      options,
    )
    this.retryable = retryable
  }
}

/** A hinted-handoff entry larger than the queue's `max-size`: it can never be queued. */
export class HintedHandoffQueueFullError extends TidemarkError {
  constructor(nodeID: bigint, entryBytes: number, maxSizeBytes: number) {
    super(
      'ERR_CLUSTER_HH_QUEUE_FULL',
      `hinted handoff queue full: an entry of ${entryBytes} bytes exceeds max-size ${maxSizeBytes}`,
      { nodeID, entryBytes, maxSizeBytes },
    )
  }
}

/** A hinted-handoff queue entry whose bytes cannot be trusted (bad length or CRC); it is skipped. */
export class HintedHandoffCorruptError extends TidemarkError {
  constructor(path: string, offset: number, reason: string) {
    super(
      'ERR_CLUSTER_HH_CORRUPT',
      `corrupt hinted handoff entry in ${path} at offset ${offset}: ${reason}`,
      {
        path,
        offset,
        reason,
      },
    )
  }
}
