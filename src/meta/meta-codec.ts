// The meta.Data protobuf codec, byte-compatible with InfluxDB 1.6 (spec/backup-formats.md §2):
// proto2, fields in ascending number order, every required field written even when zero, empty
// repeated fields and unset optionals omitted, int64 as plain (not zigzag) varints, repeated
// scalars unpacked. Encoding and decoding go through protobufjs types built from meta-proto.ts.
//
// Decoding is lenient by default, as the spec asks (a missing required field reads as zero, like
// InfluxDB's getters). Strict mode, used for our own meta.db, also rejects a missing required
// field (InfluxDB's `required field "…" not set`), a privilege outside 0–3, and shard or shard
// group IDs above the recorded maxima — the signs of a truncated or foreign file that would
// otherwise lead to reused IDs.
import protobuf from 'protobufjs'
import { MetaCorruptError } from './errors.js'
import { MetaData } from './meta-data.js'
import { metaProtoTypes } from './meta-proto.js'
import type {
  DatabaseInfo,
  MetaDataFields,
  NodeInfo,
  Privilege,
  RetentionPolicyInfo,
  ShardGroupInfo,
  ShardInfo,
  SubscriptionInfo,
  UserInfo,
} from './types.js'
import {
  asMsg,
  bool,
  has,
  i64,
  int,
  messages,
  str,
  strs,
  toInt64,
  toUint32,
  toUint64,
  u64,
  u64s,
} from './wire-values.js'
import type { Msg } from './wire-values.js'

/** Options of decodeMetaData. */
export interface DecodeOptions {
  /** Reject missing required fields, unknown privileges and IDs above the maxima (default false). */
  readonly strict?: boolean
  /** The file the bytes came from, for error messages. */
  readonly path?: string
}

// ---- encoding ----

function nodeToWire(n: NodeInfo, path: string): object {
  return { ID: toUint64(n.id, `${path}.ID`), Host: n.host, TCPHost: n.tcpHost }
}

function shardToWire(s: ShardInfo): object {
  const p = 'Databases.RetentionPolicies.ShardGroups.Shards'
  return {
    ID: toUint64(s.id, `${p}.ID`),
    Owners: s.owners.map((id) => ({ NodeID: toUint64(id, `${p}.Owners.NodeID`) })),
  }
}

function shardGroupToWire(sg: ShardGroupInfo): object {
  const p = 'Databases.RetentionPolicies.ShardGroups'
  const out: Record<string, unknown> = {
    ID: toUint64(sg.id, `${p}.ID`),
    StartTime: toInt64(sg.startTimeNs, `${p}.StartTime`),
    EndTime: toInt64(sg.endTimeNs, `${p}.EndTime`),
    DeletedAt: toInt64(sg.deletedAtNs, `${p}.DeletedAt`),
    Shards: sg.shards.map(shardToWire),
  }
  if (sg.truncatedAtNs !== 0n) out['TruncatedAt'] = toInt64(sg.truncatedAtNs, `${p}.TruncatedAt`)
  return out
}

function retentionPolicyToWire(rp: RetentionPolicyInfo): object {
  const p = 'Databases.RetentionPolicies'
  return {
    Name: rp.name,
    Duration: toInt64(rp.durationNs, `${p}.Duration`),
    ShardGroupDuration: toInt64(rp.shardGroupDurationNs, `${p}.ShardGroupDuration`),
    ReplicaN: toUint32(rp.replicaN, `${p}.ReplicaN`),
    ShardGroups: rp.shardGroups.map(shardGroupToWire),
    Subscriptions: rp.subscriptions.map((s) => ({
      Name: s.name,
      Mode: s.mode,
      Destinations: s.destinations,
    })),
  }
}

function databaseToWire(db: DatabaseInfo): object {
  return {
    Name: db.name,
    DefaultRetentionPolicy: db.defaultRetentionPolicy,
    RetentionPolicies: db.retentionPolicies.map(retentionPolicyToWire),
    ContinuousQueries: db.continuousQueries.map((cq) => ({ Name: cq.name, Query: cq.query })),
  }
}

function userToWire(u: UserInfo): object {
  return {
    Name: u.name,
    Hash: u.hash,
    Admin: u.admin,
    Privileges: [...u.privileges].map(([database, p]) => ({ Database: database, Privilege: p })),
  }
}

/**
 * Encodes metadata as InfluxDB's meta.Data protobuf (the bytes of `meta/meta.db` and of the
 * `Data` field of a backup's `.meta`). Throws MetaUnencodableError for an ID or time outside its
 * integer type.
 */
export function encodeMetaData(data: MetaDataFields): Uint8Array {
  const wire = {
    Term: toUint64(data.term, 'Term'),
    Index: toUint64(data.index, 'Index'),
    ClusterID: toUint64(data.clusterID, 'ClusterID'),
    Nodes: data.nodes.map((n) => nodeToWire(n, 'Nodes')),
    Databases: data.databases.map(databaseToWire),
    Users: data.users.map(userToWire),
    MaxNodeID: toUint64(data.maxNodeID, 'MaxNodeID'),
    MaxShardGroupID: toUint64(data.maxShardGroupID, 'MaxShardGroupID'),
    MaxShardID: toUint64(data.maxShardID, 'MaxShardID'),
    DataNodes: data.dataNodes.map((n) => nodeToWire(n, 'DataNodes')),
    MetaNodes: data.metaNodes.map((n) => nodeToWire(n, 'MetaNodes')),
  }
  return metaProtoTypes().encodeData.encode(wire).finish()
}

// ---- decoding ----

// Field paths (InfluxDB's spelling in "required field … not set") of the repeated hot messages.
const GROUP = 'Databases.RetentionPolicies.ShardGroups'
const GROUP_REQUIRED = ['ID', 'StartTime', 'EndTime', 'DeletedAt'] as const
const GROUP_ID = `${GROUP}.ID`
const GROUP_START = `${GROUP}.StartTime`
const GROUP_END = `${GROUP}.EndTime`
const GROUP_DELETED = `${GROUP}.DeletedAt`
const GROUP_TRUNCATED = `${GROUP}.TruncatedAt`
const GROUP_SHARDS = `${GROUP}.Shards`
const SHARD = GROUP_SHARDS
const SHARD_REQUIRED = ['ID'] as const
const SHARD_ID = `${SHARD}.ID`
const SHARD_OWNER_IDS = `${SHARD}.OwnerIDs`
const SHARD_OWNERS = `${SHARD}.Owners`
const SHARD_OWNER_NODE_ID = `${SHARD_OWNERS}.NodeID`
const OWNER_REQUIRED = ['NodeID'] as const

class Decoder {
  readonly #strict: boolean

  constructor(strict: boolean) {
    this.#strict = strict
  }

  /** In strict mode, throws unless every named field was on the wire. */
  required(m: Msg, path: string, names: readonly string[]): void {
    if (!this.#strict) return
    for (const name of names) {
      if (!has(m, name)) {
        const field = path === '' ? name : `${path}.${name}`
        throw new MetaCorruptError(`required field "${field}" not set`, { field })
      }
    }
  }

  node(m: Msg, path: string): NodeInfo {
    this.required(m, path, ['ID', 'Host'])
    return {
      id: u64(m, 'ID', `${path}.ID`),
      host: str(m, 'Host', `${path}.Host`),
      tcpHost: str(m, 'TCPHost', `${path}.TCPHost`),
    }
  }

  shard(m: Msg): ShardInfo {
    this.required(m, SHARD, SHARD_REQUIRED)
    const ownerIDs = u64s(m, 'OwnerIDs', SHARD_OWNER_IDS)
    let owners: readonly bigint[] = ownerIDs
    if (ownerIDs.length === 0) {
      const wire = messages(m, 'Owners', SHARD_OWNERS)
      const ids: bigint[] = []
      for (const o of wire) {
        this.required(o, SHARD_OWNERS, OWNER_REQUIRED)
        ids.push(u64(o, 'NodeID', SHARD_OWNER_NODE_ID))
      }
      owners = ids
    }
    return { id: u64(m, 'ID', SHARD_ID), owners }
  }

  shardGroup(m: Msg): ShardGroupInfo {
    this.required(m, GROUP, GROUP_REQUIRED)
    const wire = messages(m, 'Shards', GROUP_SHARDS)
    const shards: ShardInfo[] = []
    for (const s of wire) shards.push(this.shard(s))
    return {
      id: u64(m, 'ID', GROUP_ID),
      startTimeNs: i64(m, 'StartTime', GROUP_START),
      endTimeNs: i64(m, 'EndTime', GROUP_END),
      deletedAtNs: i64(m, 'DeletedAt', GROUP_DELETED),
      truncatedAtNs: i64(m, 'TruncatedAt', GROUP_TRUNCATED),
      shards,
    }
  }

  subscription(m: Msg): SubscriptionInfo {
    const p = 'Databases.RetentionPolicies.Subscriptions'
    this.required(m, p, ['Name', 'Mode'])
    return {
      name: str(m, 'Name', `${p}.Name`),
      mode: str(m, 'Mode', `${p}.Mode`),
      destinations: strs(m, 'Destinations', `${p}.Destinations`),
    }
  }

  retentionPolicy(m: Msg): RetentionPolicyInfo {
    const p = 'Databases.RetentionPolicies'
    this.required(m, p, ['Name', 'Duration', 'ShardGroupDuration', 'ReplicaN'])
    const shardGroups: ShardGroupInfo[] = []
    for (const sg of messages(m, 'ShardGroups', GROUP)) shardGroups.push(this.shardGroup(sg))
    return {
      name: str(m, 'Name', `${p}.Name`),
      durationNs: i64(m, 'Duration', `${p}.Duration`),
      shardGroupDurationNs: i64(m, 'ShardGroupDuration', `${p}.ShardGroupDuration`),
      replicaN: int(m, 'ReplicaN', `${p}.ReplicaN`),
      shardGroups,
      subscriptions: messages(m, 'Subscriptions', `${p}.Subscriptions`).map((s) =>
        this.subscription(s),
      ),
    }
  }

  database(m: Msg): DatabaseInfo {
    const p = 'Databases'
    this.required(m, p, ['Name', 'DefaultRetentionPolicy'])
    return {
      name: str(m, 'Name', `${p}.Name`),
      defaultRetentionPolicy: str(m, 'DefaultRetentionPolicy', `${p}.DefaultRetentionPolicy`),
      retentionPolicies: messages(m, 'RetentionPolicies', `${p}.RetentionPolicies`).map((rp) =>
        this.retentionPolicy(rp),
      ),
      continuousQueries: messages(m, 'ContinuousQueries', `${p}.ContinuousQueries`).map((cq) => {
        this.required(cq, `${p}.ContinuousQueries`, ['Name', 'Query'])
        return {
          name: str(cq, 'Name', `${p}.ContinuousQueries.Name`),
          query: str(cq, 'Query', `${p}.ContinuousQueries.Query`),
        }
      }),
    }
  }

  user(m: Msg): UserInfo {
    const p = 'Users'
    this.required(m, p, ['Name', 'Hash', 'Admin'])
    const privileges = new Map<string, Privilege>()
    for (const up of messages(m, 'Privileges', `${p}.Privileges`)) {
      this.required(up, `${p}.Privileges`, ['Database', 'Privilege'])
      const value = int(up, 'Privilege', `${p}.Privileges.Privilege`)
      if (value !== 0 && value !== 1 && value !== 2 && value !== 3) {
        throw new MetaCorruptError(`unknown privilege ${value}`, {
          field: `${p}.Privileges.Privilege`,
        })
      }
      privileges.set(str(up, 'Database', `${p}.Privileges.Database`), value)
    }
    return {
      name: str(m, 'Name', `${p}.Name`),
      hash: str(m, 'Hash', `${p}.Hash`),
      admin: bool(m, 'Admin', `${p}.Admin`),
      privileges,
    }
  }

  data(m: Msg): MetaDataFields {
    this.required(m, '', [
      'Term',
      'Index',
      'ClusterID',
      'MaxNodeID',
      'MaxShardGroupID',
      'MaxShardID',
    ])
    return {
      term: u64(m, 'Term', 'Term'),
      index: u64(m, 'Index', 'Index'),
      clusterID: u64(m, 'ClusterID', 'ClusterID'),
      nodes: messages(m, 'Nodes', 'Nodes').map((n) => this.node(n, 'Nodes')),
      databases: messages(m, 'Databases', 'Databases').map((db) => this.database(db)),
      users: messages(m, 'Users', 'Users').map((u) => this.user(u)),
      maxNodeID: u64(m, 'MaxNodeID', 'MaxNodeID'),
      maxShardGroupID: u64(m, 'MaxShardGroupID', 'MaxShardGroupID'),
      maxShardID: u64(m, 'MaxShardID', 'MaxShardID'),
      dataNodes: messages(m, 'DataNodes', 'DataNodes').map((n) => this.node(n, 'DataNodes')),
      metaNodes: messages(m, 'MetaNodes', 'MetaNodes').map((n) => this.node(n, 'MetaNodes')),
    }
  }
}

/** Strict mode's consistency check: no shard group or shard ID above the recorded maximum. */
function checkMaxima(data: MetaDataFields): void {
  for (const db of data.databases) {
    for (const rp of db.retentionPolicies) {
      for (const sg of rp.shardGroups) {
        if (sg.id > data.maxShardGroupID) {
          throw new MetaCorruptError(
            `shard group ID ${sg.id} exceeds MaxShardGroupID ${data.maxShardGroupID}`,
            {
              field: 'MaxShardGroupID',
            },
          )
        }
        for (const s of sg.shards) {
          if (s.id > data.maxShardID) {
            throw new MetaCorruptError(`shard ID ${s.id} exceeds MaxShardID ${data.maxShardID}`, {
              field: 'MaxShardID',
            })
          }
        }
      }
    }
  }
}

/** Runs a protobufjs decode, turning its failures into MetaCorruptError with the byte offset. */
export function decodeWire(
  type: { decode(r: protobuf.Reader): unknown },
  bytes: Uint8Array,
  path: string | undefined,
): Msg {
  const reader = protobuf.Reader.create(bytes)
  try {
    return asMsg(type.decode(reader), 'message')
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new MetaCorruptError(
      reason,
      { ...(path !== undefined ? { path } : {}), offset: reader.pos },
      { cause: err },
    )
  }
}

/** The same MetaCorruptError with the file path added (the decoder itself does not know it). */
function withPath(err: unknown, path: string | undefined): unknown {
  if (path === undefined || !(err instanceof MetaCorruptError)) return err
  const { offset, field } = err.fields
  return new MetaCorruptError(
    err.reason,
    {
      path,
      ...(typeof offset === 'number' ? { offset } : {}),
      ...(typeof field === 'string' ? { field } : {}),
    },
    { cause: err.cause },
  )
}

/**
 * Decodes InfluxDB's meta.Data protobuf into a MetaData. Throws MetaCorruptError (with `path`,
 * the byte `offset` where decoding stopped, or the `field` at fault) for malformed input, and in
 * strict mode also for the problems listed in DecodeOptions.
 */
export function decodeMetaData(bytes: Uint8Array, options: DecodeOptions = {}): MetaData {
  const wire = decodeWire(metaProtoTypes().decodeData, bytes, options.path)
  try {
    const fields = new Decoder(options.strict === true).data(wire)
    if (options.strict === true) checkMaxima(fields)
    return new MetaData(fields)
  } catch (err) {
    throw withPath(err, options.path)
  }
}
