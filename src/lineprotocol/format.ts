// Writes points as line protocol with influxd's escaping (spec §1.3): the canonical form that
// parsePoints reads back to the same measurement, tags, fields and time. formatSeriesKeyLine
// writes one field of a stored series the way `influx_inspect export` does, with the series key
// verbatim.

import { FormatError } from './errors.js'
import { escapeFieldKey, escapeMeasurement, escapeStringValue, escapeTag } from './escape.js'
import { formatFloat } from './format-float.js'
import type { Field, Tag } from './point.js'
import type { FieldValue } from './values.js'

/** What {@link formatPoint} needs: a Point, or the same parts built by hand. */
export interface PointInput {
  /** The measurement name, un-escaped. */
  readonly measurement: string
  /** The tags, un-escaped, written in the order given. */
  readonly tags: readonly Tag[]
  /** The fields, un-escaped keys, written in the order given; at least one. */
  readonly fields: readonly Field[]
  /** The time in ns; omitted from the line when undefined. */
  readonly time?: bigint | undefined
}

/**
 * A field value as line protocol: floats in Go's shortest 'g' form, `12i`, `12u`, `true`/`false`,
 * and `"…"` strings with `"` and `\` escaped. Throws FormatError for a NaN or infinite float, or
 * an integer outside int64 (unsigned: uint64).
 */
export function formatFieldValue(v: FieldValue): string {
  switch (v.kind) {
    case 'float':
      if (!Number.isFinite(v.value)) throw new FormatError('float value', String(v.value))
      return formatFloat(v.value)
    case 'integer':
      if (BigInt.asIntN(64, v.value) !== v.value)
        throw new FormatError('integer value', String(v.value))
      return `${v.value}i`
    case 'unsigned':
      if (BigInt.asUintN(64, v.value) !== v.value) {
        throw new FormatError('unsigned value', String(v.value))
      }
      return `${v.value}u`
    case 'boolean':
      return v.value ? 'true' : 'false'
    case 'string':
      return `"${escapeStringValue(v.value)}"`
    default: {
      const never: never = v
      throw new FormatError('field value', String(never))
    }
  }
}

/**
 * One point as a line of line protocol, without a trailing newline:
 * `measurement[,tag=value…] field=value[,…][ time]`. Throws FormatError for an empty
 * measurement, tag key, tag value or field key, a point without fields, or a value that
 * formatFieldValue refuses. Some names cannot be carried by line protocol at all, in influxd
 * either (spec §1.3): names containing `\n` or ending with a backslash, a measurement starting
 * with `#`, TAB or NUL or holding `\=` or `\"`, a field key holding a backslash before `,`, space
 * or `=`; such points are written but read back differently.
 */
export function formatPoint(p: PointInput): string {
  if (p.measurement === '') throw new FormatError('measurement', 'empty name')
  if (p.fields.length === 0) throw new FormatError('point', 'no fields')
  let line = escapeMeasurement(p.measurement)
  for (const t of p.tags) {
    if (t.key === '' || t.value === '')
      throw new FormatError('tag', `empty key or value in ${t.key}=${t.value}`)
    line += ',' + escapeTag(t.key) + '=' + escapeTag(t.value)
  }
  let sep = ' '
  for (const f of p.fields) {
    if (f.key === '') throw new FormatError('field key', 'empty name')
    line += sep + escapeFieldKey(f.key) + '=' + formatFieldValue(f.value)
    sep = ','
  }
  return p.time === undefined ? line : line + ' ' + String(p.time)
}

/**
 * One value of a stored series as a line, exactly as `influx_inspect export` writes it:
 * `<seriesKey verbatim> <escaped field key>=<value> <time>`. Throws FormatError when
 * formatFieldValue does.
 */
export function formatSeriesKeyLine(
  seriesKey: string,
  fieldKey: string,
  value: FieldValue,
  time: bigint,
): string {
  return `${seriesKey} ${escapeFieldKey(fieldKey)}=${formatFieldValue(value)} ${time}`
}
