// The protobuf schema of InfluxDB's metastore, transcribed from InfluxDB 1.6's
// services/meta/internal/meta.proto (the messages meta.Data is made of; the raft Command messages
// are left out), plus backup_util.PortableData, the wrapper of a portable backup's `.meta` file
// (cmd/influxd/backup_util/internal/data.proto). The schema is a wire format definition: field
// numbers, types and labels must stay exactly as InfluxDB's.
import protobuf from 'protobufjs'
import type { Type } from 'protobufjs'

/** meta.proto (syntax proto2, package meta), the messages of meta.Data. */
export const META_PROTO = `
package meta;

message Data {
  required uint64 Term = 1;
  required uint64 Index = 2;
  required uint64 ClusterID = 3;
  repeated NodeInfo Nodes = 4;
  repeated DatabaseInfo Databases = 5;
  repeated UserInfo Users = 6;
  required uint64 MaxNodeID = 7;
  required uint64 MaxShardGroupID = 8;
  required uint64 MaxShardID = 9;
  repeated NodeInfo DataNodes = 10;
  repeated NodeInfo MetaNodes = 11;
}

message NodeInfo {
  required uint64 ID = 1;
  required string Host = 2;
  optional string TCPHost = 3;
}

message DatabaseInfo {
  required string Name = 1;
  required string DefaultRetentionPolicy = 2;
  repeated RetentionPolicyInfo RetentionPolicies = 3;
  repeated ContinuousQueryInfo ContinuousQueries = 4;
}

message RetentionPolicyInfo {
  required string Name = 1;
  required int64 Duration = 2;
  required int64 ShardGroupDuration = 3;
  required uint32 ReplicaN = 4;
  repeated ShardGroupInfo ShardGroups = 5;
  repeated SubscriptionInfo Subscriptions = 6;
}

message ShardGroupInfo {
  required uint64 ID = 1;
  required int64 StartTime = 2;
  required int64 EndTime = 3;
  required int64 DeletedAt = 4;
  repeated ShardInfo Shards = 5;
  optional int64 TruncatedAt = 6;
}

message ShardInfo {
  required uint64 ID = 1;
  repeated uint64 OwnerIDs = 2 [deprecated=true];
  repeated ShardOwner Owners = 3;
}

message SubscriptionInfo {
  required string Name = 1;
  required string Mode = 2;
  repeated string Destinations = 3;
}

message ShardOwner {
  required uint64 NodeID = 1;
}

message ContinuousQueryInfo {
  required string Name = 1;
  required string Query = 2;
}

message UserInfo {
  required string Name = 1;
  required string Hash = 2;
  required bool Admin = 3;
  repeated UserPrivilege Privileges = 4;
}

message UserPrivilege {
  required string Database = 1;
  required int32 Privilege = 2;
}
`

/** backup_util's data.proto (syntax proto2): the `.meta` file of a portable backup. */
export const PORTABLE_DATA_PROTO = `
package backup_util;

message PortableData {
  required bytes Data = 1;
  required uint64 MaxNodeID = 2;
}
`

/** The compiled message types: `encode` from the schema as written, `decode` with every field optional. */
export interface MetaProtoTypes {
  /** meta.Data as InfluxDB declares it; used to encode (required fields are always written). */
  readonly encodeData: Type
  /**
   * meta.Data with `required` relaxed to `optional`, so a decoded message shows which fields were
   * on the wire (own properties) and the codec can report a missing one with its full path.
   */
  readonly decodeData: Type
  readonly encodePortableData: Type
  readonly decodePortableData: Type
}

function compile(text: string, name: string): Type {
  return protobuf.parse(text, { keepCase: true }).root.lookupType(name)
}

const relaxed = (text: string): string => text.replace(/\brequired\b/g, 'optional')

const built: { -readonly [K in keyof MetaProtoTypes]?: Type } = {}

const TYPES: MetaProtoTypes = {
  get encodeData(): Type {
    return (built.encodeData ??= compile(META_PROTO, 'meta.Data'))
  },
  get decodeData(): Type {
    return (built.decodeData ??= compile(relaxed(META_PROTO), 'meta.Data'))
  },
  get encodePortableData(): Type {
    return (built.encodePortableData ??= compile(PORTABLE_DATA_PROTO, 'backup_util.PortableData'))
  },
  get decodePortableData(): Type {
    return (built.decodePortableData ??= compile(
      relaxed(PORTABLE_DATA_PROTO),
      'backup_util.PortableData',
    ))
  },
}

/**
 * The compiled types, each built on first use (protobufjs generates its encoder and decoder then):
 * a command-line run that needs two of them parses two schemas, not four.
 */
export function metaProtoTypes(): MetaProtoTypes {
  return TYPES
}

/**
 * Builds every message type's encoder and decoder now instead of on first use: protobufjs
 * generates them the first time a message of that type is seen, ~30 ms the first time a node
 * reads a backup's `.meta` or saves its first shard group. A server calls this once it has
 * started, so a restore or a write does not pay it.
 */
export function prepareMetaCodecs(): void {
  const t = metaProtoTypes()
  for (const type of [t.encodeData, t.decodeData, t.encodePortableData, t.decodePortableData])
    setupAll(type.root)
}

function setupAll(ns: protobuf.NamespaceBase): void {
  for (const n of ns.nestedArray) {
    if (n instanceof protobuf.Type) n.setup()
    if (n instanceof protobuf.Namespace) setupAll(n)
  }
}
