// The five field value types of InfluxDB 1.x and the columnar value arrays that the TSM codecs,
// the WAL and the cache share. One series (one TSM key) holds values of exactly one type.

/** A field's type, by InfluxDB's names. */
export type FieldType = 'float' | 'integer' | 'unsigned' | 'boolean' | 'string'

/** Every field type, in InfluxDB's TSM block-type order (0 float … 4 unsigned). */
export const FIELD_TYPES: readonly FieldType[] = [
  'float',
  'integer',
  'boolean',
  'string',
  'unsigned',
]

/** A single typed field value, as the line protocol parser produces it. */
export type FieldValue =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'unsigned'; readonly value: bigint }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }

/**
 * Timestamped values of one type, as parallel arrays. `times` are int64 nanoseconds since the
 * epoch; `times.length === values.length`. Booleans are 0/1 bytes; strings are JS strings
 * (UTF-8 on disk). Producers that promise sorted, de-duplicated times say so in their docs.
 */
export type Values =
  | { readonly kind: 'float'; readonly times: BigInt64Array; readonly values: Float64Array }
  | { readonly kind: 'integer'; readonly times: BigInt64Array; readonly values: BigInt64Array }
  | { readonly kind: 'unsigned'; readonly times: BigInt64Array; readonly values: BigUint64Array }
  | { readonly kind: 'boolean'; readonly times: BigInt64Array; readonly values: Uint8Array }
  | { readonly kind: 'string'; readonly times: BigInt64Array; readonly values: readonly string[] }

/** The number of values in `v`. */
export function valuesLength(v: Values): number {
  return v.times.length
}
