// The `.meta` file of a portable backup (spec/backup-formats.md §1.3): not the raw meta.Data but a
// backup_util.PortableData protobuf wrapping it — field 1 the meta.Data bytes, field 2 MaxNodeID
// (OSS always writes 0). No magic, no length header. The backup component writes and reads the
// file; this module only frames the bytes.
import { MetaCorruptError } from './errors.js'
import { decodeWire } from './meta-codec.js'
import { metaProtoTypes } from './meta-proto.js'
import { bytes, has, toUint64, u64 } from './wire-values.js'

/** The contents of a `.meta` file. */
export interface PortableData {
  /** The meta.Data protobuf bytes (decode with decodeMetaData). */
  readonly data: Uint8Array
  /** The node ID counter the backup carried; 0 from InfluxDB OSS. */
  readonly maxNodeID: bigint
}

/** Wraps meta.Data bytes into a `.meta` file's bytes, as `influxd backup -portable` writes them. */
export function encodePortableData(data: Uint8Array, maxNodeID = 0n): Uint8Array {
  return metaProtoTypes()
    .encodePortableData.encode({ Data: data, MaxNodeID: toUint64(maxNodeID, 'MaxNodeID') })
    .finish()
}

/**
 * Reads a `.meta` file's bytes. Throws MetaCorruptError (with `path` and the byte offset) when
 * they are not a PortableData message or carry no Data field.
 */
export function decodePortableData(file: Uint8Array, path?: string): PortableData {
  const m = decodeWire(metaProtoTypes().decodePortableData, file, path)
  if (!has(m, 'Data')) {
    const where = path !== undefined ? { path } : {}
    throw new MetaCorruptError('required field "Data" not set', { ...where, field: 'Data' })
  }
  return { data: bytes(m, 'Data', 'Data'), maxNodeID: u64(m, 'MaxNodeID', 'MaxNodeID') }
}
