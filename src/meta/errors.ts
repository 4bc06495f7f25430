// Errors of the metastore. Each class has a stable code; the message is InfluxDB 1.6's exact text
// (services/meta/errors.go, influxdb/errors.go, data.go), because the HTTP edge returns it verbatim.
import { TidemarkError } from '../util/index.js'
import type { ErrorFields } from '../util/index.js'

/** The base of every metastore error; callers branch on `code` or on the subclass. */
export class MetaError extends TidemarkError {
  constructor(
    code: string,
    message: string,
    fields: ErrorFields = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, fields, options)
  }
}

/** A database was created with an empty name. */
export class DatabaseNameRequiredError extends MetaError {
  constructor() {
    super('ERR_META_DATABASE_NAME_REQUIRED', 'database name required')
  }
}

/** A database or retention policy name is longer than 255 bytes. */
export class NameTooLongError extends MetaError {
  constructor(name: string) {
    super('ERR_META_NAME_TOO_LONG', 'name too long', { name })
  }
}

/** The named database does not exist. */
export class DatabaseNotFoundError extends MetaError {
  constructor(database: string) {
    super('ERR_META_DATABASE_NOT_FOUND', `database not found: ${database}`, { database })
  }
}

/** An import (restore) targets a database that already exists. */
export class DatabaseExistsError extends MetaError {
  constructor(database: string) {
    super('ERR_META_DATABASE_EXISTS', 'database already exists', { database })
  }
}

/** The named retention policy does not exist in the database. */
export class RetentionPolicyNotFoundError extends MetaError {
  constructor(database: string, retentionPolicy: string) {
    super('ERR_META_RETENTION_POLICY_NOT_FOUND', `retention policy not found: ${retentionPolicy}`, {
      database,
      retentionPolicy,
    })
  }
}

/** A retention policy of that name exists with other settings. */
export class RetentionPolicyExistsError extends MetaError {
  constructor(database: string, retentionPolicy: string) {
    super('ERR_META_RETENTION_POLICY_EXISTS', 'retention policy already exists', {
      database,
      retentionPolicy,
    })
  }
}

/** A create would change an existing retention policy or which one is the default. */
export class RetentionPolicyConflictError extends MetaError {
  constructor(database: string, retentionPolicy: string) {
    super(
      'ERR_META_RETENTION_POLICY_CONFLICT',
      'retention policy conflicts with an existing policy',
      {
        database,
        retentionPolicy,
      },
    )
  }
}

/** A retention policy was created with an empty name. */
export class RetentionPolicyNameRequiredError extends MetaError {
  constructor(database: string) {
    super('ERR_META_RETENTION_POLICY_NAME_REQUIRED', 'retention policy name required', { database })
  }
}

/** A retention policy would be renamed to the name of another one. */
export class RetentionPolicyNameExistsError extends MetaError {
  constructor(database: string, retentionPolicy: string) {
    super('ERR_META_RETENTION_POLICY_NAME_EXISTS', 'retention policy name already exists', {
      database,
      retentionPolicy,
    })
  }
}

/** A retention policy duration is non-zero but below one hour. */
export class RetentionPolicyDurationTooLowError extends MetaError {
  constructor(durationNs: bigint) {
    super(
      'ERR_META_RETENTION_POLICY_DURATION_TOO_LOW',
      'retention policy duration must be at least 1h0m0s',
      {
        durationNs,
      },
    )
  }
}

/** A finite retention policy duration is shorter than its shard group duration. */
export class IncompatibleDurationsError extends MetaError {
  constructor(durationNs: bigint, shardGroupDurationNs: bigint) {
    super(
      'ERR_META_INCOMPATIBLE_DURATIONS',
      'retention policy duration must be greater than the shard duration',
      {
        durationNs,
        shardGroupDurationNs,
      },
    )
  }
}

/** A retention policy's replication factor is below 1. */
export class ReplicationFactorTooLowError extends MetaError {
  constructor(replicaN: number) {
    super('ERR_META_REPLICATION_FACTOR_TOO_LOW', 'replication factor must be greater than 0', {
      replicaN,
    })
  }
}

/** No shard group with this ID in the retention policy. */
export class ShardGroupNotFoundError extends MetaError {
  constructor(shardGroupID: bigint) {
    super('ERR_META_SHARD_GROUP_NOT_FOUND', 'shard group not found', { shardGroupID })
  }
}

/** A continuous query of that name exists with a different query. */
export class ContinuousQueryExistsError extends MetaError {
  constructor(database: string, name: string) {
    super('ERR_META_CONTINUOUS_QUERY_EXISTS', 'continuous query already exists', { database, name })
  }
}

/** A subscription of that name exists on the retention policy. */
export class SubscriptionExistsError extends MetaError {
  constructor(database: string, retentionPolicy: string, name: string) {
    super('ERR_META_SUBSCRIPTION_EXISTS', 'subscription already exists', {
      database,
      retentionPolicy,
      name,
    })
  }
}

/** No subscription of that name on the retention policy. */
export class SubscriptionNotFoundError extends MetaError {
  constructor(database: string, retentionPolicy: string, name: string) {
    super('ERR_META_SUBSCRIPTION_NOT_FOUND', 'subscription not found', {
      database,
      retentionPolicy,
      name,
    })
  }
}

/** A subscription destination is not an http, https or udp URL with a port. */
export class InvalidSubscriptionURLError extends MetaError {
  constructor(url: string) {
    super('ERR_META_INVALID_SUBSCRIPTION_URL', `invalid subscription URL: ${url}`, { url })
  }
}

/** A user of that name exists (or, for a create with a password, exists with another one). */
export class UserExistsError extends MetaError {
  constructor(user: string) {
    super('ERR_META_USER_EXISTS', 'user already exists', { user })
  }
}

/** No user of that name. */
export class UserNotFoundError extends MetaError {
  constructor(user: string) {
    super('ERR_META_USER_NOT_FOUND', 'user not found', { user })
  }
}

/** A user was created with an empty name. */
export class UsernameRequiredError extends MetaError {
  constructor() {
    super('ERR_META_USERNAME_REQUIRED', 'username required')
  }
}

/** A password does not match the user's hash. */
export class AuthenticationFailedError extends MetaError {
  constructor(user: string) {
    super('ERR_META_AUTHENTICATION_FAILED', 'authentication failed', { user })
  }
}

/** A data or meta node with that address exists already. */
export class NodeExistsError extends MetaError {
  constructor(host: string) {
    super('ERR_META_NODE_EXISTS', 'node already exists', { host })
  }
}

/** No data or meta node with that ID. */
export class NodeNotFoundError extends MetaError {
  constructor(nodeID: bigint) {
    super('ERR_META_NODE_NOT_FOUND', 'node not found', { nodeID })
  }
}

/** An import (restore) names a database the backup's metadata does not have (InfluxDB's typo kept). */
export class ImportDatabaseNotFoundError extends MetaError {
  constructor(database: string) {
    super(
      'ERR_META_IMPORT_DATABASE_NOT_FOUND',
      `imported metadata does not have datbase named ${database}`,
      {
        database,
      },
    )
  }
}

/** An import (restore) names a retention policy the backup's database does not have. */
export class ImportRetentionPolicyNotFoundError extends MetaError {
  constructor(database: string, retentionPolicy: string) {
    super(
      'ERR_META_IMPORT_RETENTION_POLICY_NOT_FOUND',
      `retention Policy not found in meta backup: ${database}.${retentionPolicy}`,
      { database, retentionPolicy },
    )
  }
}

/**
 * Encoded metadata cannot be decoded: truncated or malformed protobuf, a required field missing
 * (strict mode), or IDs beyond the recorded maxima. Carries the file (when known), the byte offset
 * where decoding stopped, and the field path.
 */
export class MetaCorruptError extends MetaError {
  /** What is wrong, without the location prefix. */
  readonly reason: string

  constructor(
    reason: string,
    fields: { path?: string; offset?: number; field?: string },
    options?: { cause?: unknown },
  ) {
    const where = [
      fields.path !== undefined ? fields.path : undefined,
      fields.offset !== undefined ? `offset ${fields.offset}` : undefined,
    ].filter((s) => s !== undefined)
    const at = where.length > 0 ? ` (${where.join(', ')})` : ''
    super('ERR_META_CORRUPT', `corrupt metadata${at}: ${reason}`, fields, options)
    this.reason = reason
  }
}

/** A model value cannot be written to the protobuf (an ID or time outside its integer type). */
export class MetaUnencodableError extends MetaError {
  constructor(field: string, value: bigint | number, type: string) {
    super('ERR_META_UNENCODABLE', `cannot encode ${field} = ${value}: outside ${type}`, {
      field,
      value,
      type,
    })
  }
}

/** Reading or writing the metastore file failed (permissions, disk full, I/O error). */
export class MetaStoreIOError extends MetaError {
  constructor(operation: 'read' | 'write', path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(
      'ERR_META_STORE_IO',
      `cannot ${operation} ${path}: ${reason}`,
      { operation, path },
      { cause },
    )
  }
}
