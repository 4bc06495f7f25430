// Prints expressions, sources, clauses and SELECT statements (which nest inside sources as
// subqueries) in InfluxQL's canonical form, the form InfluxDB's String() methods produce:
// identifiers quoted only when needed, numbers with three decimals, durations in their largest
// exact unit, regexes with `/` escaped. Binary expressions are printed without recursion down
// their left side, so very long AND/OR chains print without exhausting the stack.

import type {
  Dimension,
  Expr,
  Field,
  Measurement,
  SelectStatementNode,
  SortField,
  Source,
} from './ast-expr.js'
import { formatDuration } from './duration.js'
import { formatFloatFixed3, formatFloatG } from './format-number.js'
import { quoteIdent, quoteString } from './quote.js'

const NS_PER_DAY = 86_400_000_000_000n

/** Go's time.Format(time.RFC3339Nano) of a UTC instant given in nanoseconds since the epoch. */
export function formatRFC3339Nano(ns: bigint): string {
  const days = ns >= 0n ? ns / NS_PER_DAY : -((-ns + NS_PER_DAY - 1n) / NS_PER_DAY)
  const inDay = ns - days * NS_PER_DAY
  const date = new Date(Number(days) * 86_400_000)
  const pad = (v: number | bigint, width: number): string => v.toString().padStart(width, '0')
  const year = date.getUTCFullYear()
  const secs = inDay / 1_000_000_000n
  const nanos = inDay % 1_000_000_000n
  let text =
    (year < 0 ? '-' + pad(-year, 4) : pad(year, 4)) +
    `-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(secs / 3600n, 2)}:${pad((secs / 60n) % 60n, 2)}:${pad(secs % 60n, 2)}`
  if (nanos !== 0n) text += '.' + pad(nanos, 9).replace(/0+$/, '')
  return text + 'Z'
}

function formatOne(expr: Exclude<Expr, { kind: 'BinaryExpr' }>): string {
  switch (expr.kind) {
    case 'ParenExpr':
      return `(${formatExpr(expr.expr)})`
    case 'Call':
      return `${expr.name}(${expr.args.map(formatExpr).join(', ')})`
    case 'VarRef':
      return expr.dataType === 'unknown'
        ? quoteIdent(expr.name)
        : `${quoteIdent(expr.name)}::${expr.dataType}`
    case 'Distinct':
      return `DISTINCT ${expr.name}`
    case 'Wildcard':
      return expr.wildcardType === null ? '*' : `*::${expr.wildcardType}`
    case 'NumberLiteral':
      return formatFloatFixed3(expr.value)
    case 'IntegerLiteral':
    case 'UnsignedLiteral':
      return expr.value.toString()
    case 'StringLiteral':
      return quoteString(expr.value)
    case 'BooleanLiteral':
      return expr.value ? 'true' : 'false'
    case 'DurationLiteral':
      return formatDuration(expr.value)
    case 'TimeLiteral':
      return `'${formatRFC3339Nano(expr.value)}'`
    case 'RegexLiteral':
      return `/${expr.pattern.replaceAll('/', '\\/')}/`
    case 'ListLiteral':
      return `(${expr.values.map((v) => quoteIdent(v)).join(', ')})`
    case 'NilLiteral':
      return 'nil'
    case 'BoundParameter':
      return `$${quoteIdent(expr.name)}`
    default: {
      const never: never = expr
      throw new TypeError(`unknown expression ${JSON.stringify(never)}`)
    }
  }
}

/** An expression in canonical InfluxQL (`mean(value) * 2.000`, `host = 'a' AND x =~ /b/`). */
export function formatExpr(expr: Expr): string {
  if (expr.kind !== 'BinaryExpr') return formatOne(expr)
  // Walk down the left spine, then print from the innermost operation outwards.
  const spine: Extract<Expr, { kind: 'BinaryExpr' }>[] = []
  let left: Expr = expr
  while (left.kind === 'BinaryExpr') {
    spine.push(left)
    left = left.lhs
  }
  let text = formatOne(left)
  for (let i = spine.length - 1; i >= 0; i--) {
    const node = spine[i]
    if (node !== undefined) text = `${text} ${node.op} ${formatExpr(node.rhs)}`
  }
  return text
}

/** A measurement: `cpu`, `"db"."rp".cpu`, `"db"..cpu`, `/re/`, `"rp"./re/`. */
export function formatMeasurement(m: Measurement): string {
  let text = ''
  if (m.database !== '') text += quoteIdent(m.database) + '.'
  if (m.retentionPolicy !== '') text += quoteIdent(m.retentionPolicy)
  if (m.database !== '' || m.retentionPolicy !== '') text += '.'
  if (m.name !== '') text += quoteIdent(m.name)
  else if (m.regex !== null) text += formatExpr(m.regex)
  return text
}

/** A FROM source: a measurement or a parenthesized subquery. */
export function formatSource(source: Source): string {
  return source.kind === 'SubQuery'
    ? `(${formatSelect(source.statement)})`
    : formatMeasurement(source)
}

/** Sources separated by `, `. */
export function formatSources(sources: readonly Source[]): string {
  return sources.map(formatSource).join(', ')
}

/** SELECT fields, with `AS alias` where aliased. */
export function formatFields(fields: readonly Field[]): string {
  return fields
    .map((f) =>
      f.alias === '' ? formatExpr(f.expr) : `${formatExpr(f.expr)} AS ${quoteIdent(f.alias)}`,
    )
    .join(', ')
}

/** GROUP BY dimensions separated by `, `. */
export function formatDimensions(dimensions: readonly Dimension[]): string {
  return dimensions.map((d) => formatExpr(d.expr)).join(', ')
}

/** ORDER BY fields: `time DESC`, or a bare `ASC`. */
export function formatSortFields(fields: readonly SortField[]): string {
  return fields
    .map((f) => (f.name !== '' ? `${f.name} ` : '') + (f.ascending ? 'ASC' : 'DESC'))
    .join(', ')
}

/** A SELECT statement in canonical form. */
export function formatSelect(s: SelectStatementNode): string {
  let text = 'SELECT ' + formatFields(s.fields)
  if (s.target !== null) {
    text += ' INTO ' + formatMeasurement(s.target.measurement)
    if (s.target.measurement.name === '') text += ':MEASUREMENT'
  }
  if (s.sources.length > 0) text += ' FROM ' + formatSources(s.sources)
  if (s.condition !== null) text += ' WHERE ' + formatExpr(s.condition)
  if (s.dimensions.length > 0) text += ' GROUP BY ' + formatDimensions(s.dimensions)
  switch (s.fill) {
    case 'none':
    case 'linear':
    case 'previous':
      text += ` fill(${s.fill})`
      break
    case 'number': {
      const v = s.fillValue
      const value = typeof v === 'number' ? formatFloatG(v) : v === null ? '<nil>' : v.toString()
      text += ` fill(${value})`
      break
    }
    case 'null':
      break
  }
  if (s.sortFields.length > 0) text += ' ORDER BY ' + formatSortFields(s.sortFields)
  if (s.limit > 0) text += ` LIMIT ${s.limit}`
  if (s.offset > 0) text += ` OFFSET ${s.offset}`
  if (s.sLimit > 0) text += ` SLIMIT ${s.sLimit}`
  if (s.sOffset > 0) text += ` SOFFSET ${s.sOffset}`
  if (s.location !== null) text += ` TZ('${s.location}')`
  return text
}
