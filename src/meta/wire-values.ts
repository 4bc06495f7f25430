// Conversions between the model's bigint/number values and what protobufjs reads and writes for
// 64-bit and 32-bit fields, and typed access to decoded messages (which arrive as untyped
// objects). 64-bit values travel as plain numbers when they are safe integers (protobufjs's fast
// path) and as {low, high} pairs otherwise; decoded 64-bit values arrive as Long objects.
import { MetaCorruptError, MetaUnencodableError } from './errors.js'

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const U64_LIMIT = 2n ** 64n
const I64_MIN = -(2n ** 63n)
const I64_LIMIT = 2n ** 63n

/** A 64-bit value as protobufjs's writer accepts it (number or Long-like bits). */
export type Wire64 =
  number | { readonly low: number; readonly high: number; readonly unsigned: boolean }

function bits(v: bigint, unsigned: boolean): Wire64 {
  if (v >= -MAX_SAFE && v <= MAX_SAFE) return Number(v)
  const u = BigInt.asUintN(64, v)
  return { low: Number(u & 0xffff_ffffn) | 0, high: Number(u >> 32n) | 0, unsigned }
}

/** A uint64 for the writer; MetaUnencodableError outside [0, 2^64). */
export function toUint64(v: bigint, field: string): Wire64 {
  if (v < 0n || v >= U64_LIMIT) throw new MetaUnencodableError(field, v, 'uint64')
  return bits(v, true)
}

/** An int64 for the writer; MetaUnencodableError outside [-2^63, 2^63). */
export function toInt64(v: bigint, field: string): Wire64 {
  if (v < I64_MIN || v >= I64_LIMIT) throw new MetaUnencodableError(field, v, 'int64')
  return bits(v, false)
}

/** A uint32 for the writer; MetaUnencodableError unless an integer in [0, 2^32). */
export function toUint32(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff)
    throw new MetaUnencodableError(field, v, 'uint32')
  return v
}

/** A decoded message: an object whose own properties are the fields that were on the wire. */
export type Msg = Readonly<Record<string, unknown>>

function isObject(v: unknown): v is Msg {
  return typeof v === 'object' && v !== null
}

/** Whether field `name` was present on the wire. */
export function has(m: Msg, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, name)
}

function wrongType(path: string, expected: string): MetaCorruptError {
  return new MetaCorruptError(`field "${path}" is not ${expected}`, { field: path })
}

// One 8-byte scratch buffer turns a Long's two halves into a bigint with a single allocation.
const scratch = new DataView(new ArrayBuffer(8))

function long(v: unknown, path: string, signed: boolean): bigint {
  if (typeof v === 'number') return BigInt(v)
  if (isObject(v)) {
    const low = v['low']
    const high = v['high']
    if (typeof low === 'number' && typeof high === 'number') {
      scratch.setUint32(0, low >>> 0, true)
      scratch.setUint32(4, high >>> 0, true)
      return signed ? scratch.getBigInt64(0, true) : scratch.getBigUint64(0, true)
    }
  }
  throw wrongType(path, signed ? 'an int64' : 'a uint64')
}

/** A decoded uint64 field (0n when absent). */
export function u64(m: Msg, name: string, path: string): bigint {
  return long(m[name] ?? 0, path, false)
}

/** A decoded int64 field (0n when absent). */
export function i64(m: Msg, name: string, path: string): bigint {
  return long(m[name] ?? 0, path, true)
}

/** A decoded 32-bit integer field (0 when absent). */
export function int(m: Msg, name: string, path: string): number {
  const v = m[name] ?? 0
  if (typeof v !== 'number') throw wrongType(path, 'a 32-bit integer')
  return v
}

/** A decoded string field ('' when absent). */
export function str(m: Msg, name: string, path: string): string {
  const v = m[name] ?? ''
  if (typeof v !== 'string') throw wrongType(path, 'a string')
  return v
}

/** A decoded bool field (false when absent). */
export function bool(m: Msg, name: string, path: string): boolean {
  const v = m[name] ?? false
  if (typeof v !== 'boolean') throw wrongType(path, 'a bool')
  return v
}

/** A decoded bytes field (empty when absent). */
export function bytes(m: Msg, name: string, path: string): Uint8Array {
  const v = m[name] ?? new Uint8Array(0)
  if (!(v instanceof Uint8Array)) throw wrongType(path, 'bytes')
  return v
}

/** A decoded repeated field ([] when absent). */
export function list(m: Msg, name: string, path: string): readonly unknown[] {
  const v = m[name] ?? []
  if (!Array.isArray(v)) throw wrongType(path, 'a repeated field')
  return v
}

/** Whether every element of a decoded repeated field is a message. */
function allMessages(items: readonly unknown[]): items is readonly Msg[] {
  return items.every(isObject)
}

/** A decoded repeated message field (the array protobufjs built, not a copy). */
export function messages(m: Msg, name: string, path: string): readonly Msg[] {
  const items = list(m, name, path)
  if (!allMessages(items)) throw wrongType(path, 'a message')
  return items
}

/** A decoded repeated uint64 field. */
export function u64s(m: Msg, name: string, path: string): readonly bigint[] {
  const items = list(m, name, path)
  return items.length === 0 ? [] : items.map((x) => long(x, path, false))
}

/** A decoded repeated string field. */
export function strs(m: Msg, name: string, path: string): readonly string[] {
  return list(m, name, path).map((x) => {
    if (typeof x !== 'string') throw wrongType(path, 'a string')
    return x
  })
}

/** Narrows a decoded top-level message. */
export function asMsg(v: unknown, path: string): Msg {
  if (!isObject(v)) throw wrongType(path, 'a message')
  return v
}
