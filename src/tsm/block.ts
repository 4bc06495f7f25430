// A TSM block's data: everything after the block's CRC-32 (InfluxDB tsm1/encoding.go):
//
//   1 byte   block type: 0 float, 1 integer, 2 boolean, 3 string, 4 unsigned
//   uvarint  length L of the timestamp section
//   L bytes  timestamp section (timestamp-codec.ts)
//   rest     value section of the block's type (float-, integer-, boolean-, string-codec.ts)
//
// The point count comes from the timestamp section. influxd's decoder stops at the shorter of the
// two sections; influxd's writer always makes them agree, so here a disagreement is corruption.

import type { FieldType, Values } from '../lineprotocol/index.js'
import { uvarintSize } from '../util/index.js'
import { decodeBooleans, encodeBooleansView } from './boolean-codec.js'
import { TSMCodecError, TSMEncodeError } from './codec-errors.js'
import { readUvarint } from './codec-support.js'
import type { DecodeOptions } from './codec-support.js'
import { decodeFloats, encodeFloatsView } from './float-codec.js'
import {
  decodeIntegers,
  decodeUnsigned,
  encodeIntegersView,
  encodeUnsignedView,
} from './integer-codec.js'
import { decodeStrings, encodeStringsView } from './string-codec.js'
import {
  countTimestamps,
  decodeTimestamps,
  encodeTimestampsView,
  timestampBounds,
} from './timestamp-codec.js'

/** Block type of float blocks. */
export const BLOCK_FLOAT = 0
/** Block type of integer blocks. */
export const BLOCK_INTEGER = 1
/** Block type of boolean blocks. */
export const BLOCK_BOOLEAN = 2
/** Block type of string blocks. */
export const BLOCK_STRING = 3
/** Block type of unsigned blocks. */
export const BLOCK_UNSIGNED = 4

/** The block type byte for a field type. */
export function blockTypeOf(kind: FieldType): number {
  switch (kind) {
    case 'float':
      return BLOCK_FLOAT
    case 'integer':
      return BLOCK_INTEGER
    case 'boolean':
      return BLOCK_BOOLEAN
    case 'string':
      return BLOCK_STRING
    case 'unsigned':
      return BLOCK_UNSIGNED
    default: {
      const never: never = kind
      throw new TSMEncodeError('block', `unknown field type ${String(never)}`)
    }
  }
}

const FIELD_TYPE_BY_BLOCK: readonly FieldType[] = [
  'float',
  'integer',
  'boolean',
  'string',
  'unsigned',
]

/** The field type a block type byte stands for. Throws TSMCodecError (offset 0) for an unknown type. */
export function fieldTypeOfBlock(blockType: number): FieldType {
  const kind = FIELD_TYPE_BY_BLOCK[blockType]
  if (kind === undefined)
    throw new TSMCodecError('block', 0, `unknown block type ${blockType}`, { found: blockType })
  return kind
}

/**
 * Encodes values (sorted by time, no duplicate timestamps — the caller's promise, not checked) into
 * block data: type byte, uvarint timestamp-section length, timestamps, values; no CRC. Output is
 * byte-identical to influxd's except for string sections of 17 bytes or more. Throws TSMEncodeError
 * for an empty input, times and values of different lengths, or a NaN float.
 */
export function encodeBlock(values: Values): Uint8Array {
  const n = values.times.length
  if (n === 0) throw new TSMEncodeError('block', 'a block needs at least one value')
  if (values.values.length !== n) {
    throw new TSMEncodeError('block', 'times and values differ in length', {
      expected: n,
      found: values.values.length,
    })
  }
  const ts = encodeTimestampsView(values.times)
  let vs: Uint8Array
  switch (values.kind) {
    case 'float':
      vs = encodeFloatsView(values.values)
      break
    case 'integer':
      vs = encodeIntegersView(values.values)
      break
    case 'unsigned':
      vs = encodeUnsignedView(values.values)
      break
    case 'boolean':
      vs = encodeBooleansView(values.values)
      break
    case 'string':
      vs = encodeStringsView(values.values)
      break
    default: {
      const never: never = values
      throw new TSMEncodeError('block', `unknown values kind ${String(never)}`)
    }
  }
  const head = 1 + uvarintSize(ts.length)
  const out = new Uint8Array(head + ts.length + vs.length)
  out[0] = blockTypeOf(values.kind)
  let p = 1
  let len = ts.length
  while (len >= 0x80) {
    out[p++] = (len & 0x7f) | 0x80
    len >>>= 7
  }
  out[p] = len
  out.set(ts, head)
  out.set(vs, head + ts.length)
  return out
}

/** Where the sections of block data are. */
export interface BlockSections {
  /** The block type byte (validated). */
  readonly type: number
  /** The timestamp section (a view into the block data). */
  readonly timestamps: Uint8Array
  /** The value section (a view into the block data). */
  readonly values: Uint8Array
  /** Offset of the timestamp section in the block data. */
  readonly timestampsOffset: number
  /** Offset of the value section in the block data. */
  readonly valuesOffset: number
}

/**
 * Splits block data into its sections without decoding them. Throws TSMCodecError for data too
 * short to hold a header, an unknown block type, or a timestamp length past the end.
 */
export function splitBlock(data: Uint8Array): BlockSections {
  if (data.length < 2)
    throw new TSMCodecError('block', 0, 'block shorter than its header', {
      expected: 2,
      found: data.length,
    })
  const type = data[0] ?? 0
  fieldTypeOfBlock(type)
  const tsLen = readUvarint(
    data,
    1,
    data.length,
    'block',
    0,
    'timestamp section length',
    data.length,
  )
  const valuesOffset = tsLen.next + tsLen.value
  if (valuesOffset > data.length) {
    throw new TSMCodecError('block', 1, 'timestamp section runs past the end of the block', {
      expected: tsLen.value,
      found: data.length - tsLen.next,
    })
  }
  return {
    type,
    timestamps: data.subarray(tsLen.next, valuesOffset),
    values: data.subarray(valuesOffset),
    timestampsOffset: tsLen.next,
    valuesOffset,
  }
}

/** Reads just the block type from block data. Throws TSMCodecError for empty data or an unknown type. */
export function blockType(data: Uint8Array): number {
  if (data.length === 0) throw new TSMCodecError('block', 0, 'empty block')
  const type = data[0] ?? 0
  fieldTypeOfBlock(type)
  return type
}

/**
 * Reads the number of points in block data from its timestamp section, without decoding values.
 * Throws TSMCodecError for a malformed header or timestamp section.
 */
export function blockCount(data: Uint8Array, options?: Pick<DecodeOptions, 'maxCount'>): number {
  const s = splitBlock(data)
  return countTimestamps(s.timestamps, { offset: s.timestampsOffset, maxCount: options?.maxCount })
}

/** The first and last timestamps of block data and its point count, decoding no others (see timestampBounds). */
export function blockTimeBounds(
  data: Uint8Array,
): { first: bigint; last: bigint; count: number } | undefined {
  const s = splitBlock(data)
  return timestampBounds(s.timestamps, { offset: s.timestampsOffset })
}

/** Decodes only the timestamps of block data. Errors as for decodeBlock's timestamp section. */
export function decodeBlockTimestamps(
  data: Uint8Array,
  options?: Pick<DecodeOptions, 'maxCount'>,
): BigInt64Array {
  const s = splitBlock(data)
  return decodeTimestamps(s.timestamps, { offset: s.timestampsOffset, maxCount: options?.maxCount })
}

/**
 * Decodes block data (no CRC) into values. Throws TSMCodecError (code ERR_TSM_CORRUPT_BLOCK; fields
 * codec, offset within the block data, reason) for any corruption, including a block without
 * points and value and timestamp sections that disagree on the count.
 */
export function decodeBlock(data: Uint8Array, options?: Pick<DecodeOptions, 'maxCount'>): Values {
  const s = splitBlock(data)
  const times = decodeTimestamps(s.timestamps, {
    offset: s.timestampsOffset,
    maxCount: options?.maxCount,
  })
  if (times.length === 0)
    throw new TSMCodecError('block', s.timestampsOffset, 'block holds no points')
  const opts: DecodeOptions = { offset: s.valuesOffset, count: times.length }
  switch (s.type) {
    case BLOCK_FLOAT:
      return { kind: 'float', times, values: decodeFloats(s.values, opts) }
    case BLOCK_INTEGER:
      return { kind: 'integer', times, values: decodeIntegers(s.values, opts) }
    case BLOCK_BOOLEAN:
      return { kind: 'boolean', times, values: decodeBooleans(s.values, opts) }
    case BLOCK_STRING:
      return { kind: 'string', times, values: decodeStrings(s.values, opts) }
    default:
      return { kind: 'unsigned', times, values: decodeUnsigned(s.values, opts) }
  }
}
