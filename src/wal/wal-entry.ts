// The entries a WAL segment holds, as a readonly discriminated union, and the one-byte codes that
// identify them (entry types) and their value arrays (WAL value types) on disk. Layout: §3 of
// /work/shared/spec/storage-formats.md.

import type { FieldType, Values } from '../lineprotocol/index.js'

/** Points written: TSM key (series key + `#!~#` + field key) → timestamped values of one type. */
export interface WALWriteEntry {
  readonly kind: 'write'
  readonly values: ReadonlyMap<string, Values>
}

/** The legacy whole-series delete (type 02): InfluxDB 1.6 reads it but never writes it. */
export interface WALDeleteEntry {
  readonly kind: 'delete'
  readonly keys: readonly string[]
}

/** Deletes the values of `keys` with `min <= time <= max` (nanoseconds, inclusive). */
export interface WALDeleteRangeEntry {
  readonly kind: 'delete-range'
  readonly keys: readonly string[]
  readonly min: bigint
  readonly max: bigint
}

/** One WAL entry. Switches over `kind` end in a `never` check. */
export type WALEntry = WALWriteEntry | WALDeleteEntry | WALDeleteRangeEntry

/** The entry type byte that starts every framed entry. */
export const WALEntryType = {
  write: 0x01,
  delete: 0x02,
  'delete-range': 0x03,
} as const satisfies Record<WALEntry['kind'], number>

/** The entry type byte of `kind`. */
export function entryTypeOf(kind: WALEntry['kind']): number {
  return WALEntryType[kind]
}

/**
 * The value type byte of a write-entry group. Note the WAL numbering (1 float … 5 unsigned)
 * differs from the TSM block-type numbering.
 */
export const WALValueType = {
  float: 1,
  integer: 2,
  boolean: 3,
  string: 4,
  unsigned: 5,
} as const satisfies Record<FieldType, number>

/** Bytes in a frame header: entry type (1) + BE u32 compressed length (4). */
export const FRAME_HEADER_SIZE = 5
