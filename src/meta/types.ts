// The metastore's data model: plain, readonly values that mirror InfluxDB 1.x's meta.Data
// (services/meta/data.go) field for field. Times and durations are int64 nanoseconds as bigint;
// IDs are uint64 as bigint. A value of 0n in `deletedAtNs` / `truncatedAtNs` means "unset", as
// InfluxDB's zero time does on the wire.

/**
 * A user's privilege on one database, with InfluxQL's numeric values: 0 = NO PRIVILEGES,
 * 1 = READ, 2 = WRITE, 3 = ALL (READ|WRITE). These numbers are stored in the protobuf.
 */
export type Privilege = 0 | 1 | 2 | 3

/** Names for the four privilege values. */
export const Privilege = {
  None: 0,
  Read: 1,
  Write: 2,
  All: 3,
} as const satisfies Record<string, Privilege>

/** A node of the cluster (legacy `Nodes`, `DataNodes` or `MetaNodes`). */
export interface NodeInfo {
  readonly id: bigint
  /** The HTTP address (host:port). */
  readonly host: string
  /** The TCP (RPC) address (host:port); InfluxDB always writes it, even when empty. */
  readonly tcpHost: string
}

/** One shard of a shard group; `owners` are the IDs of the data nodes holding a copy (empty in OSS). */
export interface ShardInfo {
  readonly id: bigint
  readonly owners: readonly bigint[]
}

/**
 * A shard group: the shards holding the points of one retention policy for the time range
 * [startTimeNs, endTimeNs).
 */
export interface ShardGroupInfo {
  readonly id: bigint
  /** Inclusive start, ns since the Unix epoch. */
  readonly startTimeNs: bigint
  /** Exclusive end, ns since the Unix epoch. */
  readonly endTimeNs: bigint
  /** When the group was marked deleted (ns); 0n = not deleted. */
  readonly deletedAtNs: bigint
  /** From when on the group takes no writes (ns); 0n = not truncated. */
  readonly truncatedAtNs: bigint
  readonly shards: readonly ShardInfo[]
}

/** A subscription of a retention policy: writes are copied to `destinations`. */
export interface SubscriptionInfo {
  readonly name: string
  /** `ALL` (every destination) or `ANY` (one of them, round robin). */
  readonly mode: string
  /** URLs such as `http://host:port` or `udp://host:port`. */
  readonly destinations: readonly string[]
}

/** A retention policy of a database. */
export interface RetentionPolicyInfo {
  readonly name: string
  /** How long data is kept, ns; 0n = forever. */
  readonly durationNs: bigint
  /** The time span of each shard group, ns. */
  readonly shardGroupDurationNs: bigint
  /** Number of copies of each shard (at least 1). */
  readonly replicaN: number
  /** Shard groups, sorted by end time (then start time), as InfluxDB keeps them. */
  readonly shardGroups: readonly ShardGroupInfo[]
  readonly subscriptions: readonly SubscriptionInfo[]
}

/** A continuous query: its name and the full, normalised `CREATE CONTINUOUS QUERY … END` text. */
export interface ContinuousQueryInfo {
  readonly name: string
  readonly query: string
}

/** A database with its retention policies and continuous queries. */
export interface DatabaseInfo {
  readonly name: string
  /** The default retention policy's name; may be '' (none). */
  readonly defaultRetentionPolicy: string
  readonly retentionPolicies: readonly RetentionPolicyInfo[]
  readonly continuousQueries: readonly ContinuousQueryInfo[]
}

/** A user: name, bcrypt hash of the password, admin flag and per-database privileges. */
export interface UserInfo {
  readonly name: string
  /** bcrypt hash in modular-crypt form (`$2a$10$…`); the model never sees passwords. */
  readonly hash: string
  readonly admin: boolean
  /** Database name → privilege, in insertion (wire) order. */
  readonly privileges: ReadonlyMap<string, Privilege>
}

/** Every field of the metastore (InfluxDB's meta.Data). */
export interface MetaDataFields {
  /** Raft term; 0 in OSS. */
  readonly term: bigint
  /** Incremented on every committed change. */
  readonly index: bigint
  /** Random 63-bit ID chosen when the metastore is created. */
  readonly clusterID: bigint
  /** Legacy nodes (InfluxDB < 0.10); empty in practice. */
  readonly nodes: readonly NodeInfo[]
  readonly databases: readonly DatabaseInfo[]
  readonly users: readonly UserInfo[]
  /** Highest node ID ever allocated (OSS writes 0). */
  readonly maxNodeID: bigint
  /** Highest shard group ID ever allocated. */
  readonly maxShardGroupID: bigint
  /** Highest shard ID ever allocated. */
  readonly maxShardID: bigint
  readonly dataNodes: readonly NodeInfo[]
  readonly metaNodes: readonly NodeInfo[]
}

/**
 * What to create a retention policy from (InfluxDB's RetentionPolicySpec). Unset fields take
 * the defaults: name `autogen`, duration 0 (infinite), replication 1, and a shard group duration
 * derived from the duration.
 */
export interface RetentionPolicySpec {
  readonly name?: string
  readonly durationNs?: bigint
  /** 0n or unset = derive from the duration. */
  readonly shardGroupDurationNs?: bigint
  readonly replicaN?: number
}

/** The fields of a retention policy to change (InfluxDB's RetentionPolicyUpdate); unset = keep. */
export interface RetentionPolicyUpdate {
  readonly name?: string
  readonly durationNs?: bigint
  readonly replicaN?: number
  readonly shardGroupDurationNs?: bigint
}
