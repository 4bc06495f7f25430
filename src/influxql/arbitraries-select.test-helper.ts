// fast-check generators of InfluxQL expressions, sources, clauses and SELECT statements for the
// property tests, drawn so that the printed text is valid InfluxQL that prints back the same
// (regexes only where a regex may stand, no comparisons among SELECT fields, lower-case function
// names, ...). Names include keywords, dots, quotes, spaces and non-ASCII.

import fc from 'fast-check'
import type { Arbitrary } from 'fast-check'
import type {
  BinaryOperator,
  Dimension,
  Expr,
  Field,
  Measurement,
  RegexLiteral,
  SelectStatement,
  SortField,
  Source,
} from './index.js'

const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n

/** Names that exercise quoting: keywords, digits first, dots, quotes, backslashes, non-ASCII. */
export const arbName: Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/),
  fc.constantFrom(
    'select',
    'From',
    'time',
    'in-bytes',
    '1abc',
    'a.b',
    'with space',
    'q"uote',
    "it's",
    'back\\slash',
    'new\nline',
    'µs',
    'ünï',
    '😀',
  ),
)

/** A non-empty name. */
export const arbNonEmptyName: Arbitrary<string> = arbName.filter((n) => n !== '')

/** Bare names that print unquoted and scan back as identifiers (DISTINCT names, ...). */
export const arbBareName = fc.constantFrom(
  'mean',
  'count',
  'sum',
  'now',
  'top',
  'derivative',
  'f_1',
  'value',
  'host',
  'Mixed',
)
/** Function names: bare and lower case, as the parser leaves them. */
const arbCallName = fc.constantFrom(
  'mean',
  'count',
  'sum',
  'now',
  'top',
  'derivative',
  'f_1',
  'distinct',
)

export const arbText = fc.string({
  unit: fc.oneof(
    fc.constantFrom("'", '"', '\\', '\n', ' ', 'µ', 'é', '😀', '/'),
    fc.constantFrom(...'abcXYZ019_-.,*'.split('')),
  ),
  maxLength: 10,
})

export const arbRegex: Arbitrary<RegexLiteral> = fc
  .constantFrom(
    'cpu',
    '^cpu.*$',
    'a/b',
    '[0-9]+',
    '(?i)host',
    'x\\/y',
    '\\d{2,3}',
    'a|b',
    '',
    'é+',
    'server\\.\\d+',
    '.*west.*',
  )
  .map((pattern) => ({ kind: 'RegexLiteral', pattern }))

export const arbDuration = fc.oneof(
  fc.bigInt({ min: INT64_MIN + 1n, max: INT64_MAX }),
  fc.constantFrom(
    0n,
    1n,
    1000n,
    60_000_000_000n,
    3_600_000_000_000n,
    86_400_000_000_000n,
    604_800_000_000_000n,
    -300_000_000_000n,
  ),
)
export const arbPositiveDuration = fc.oneof(
  fc.bigInt({ min: 1n, max: 1n << 50n }),
  fc.constantFrom(1_000_000_000n, 60_000_000_000n, 600_000_000_000n, 3_600_000_000_000n),
)

const arbLiteral: Arbitrary<Expr> = fc.oneof(
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .map((value) => ({ kind: 'NumberLiteral' as const, value })),
  fc
    .bigInt({ min: INT64_MIN, max: INT64_MAX })
    .map((value) => ({ kind: 'IntegerLiteral' as const, value })),
  fc
    .bigInt({ min: INT64_MAX + 1n, max: (1n << 64n) - 1n })
    .map((value) => ({ kind: 'UnsignedLiteral' as const, value })),
  arbText.map((value) => ({ kind: 'StringLiteral' as const, value })),
  fc.boolean().map((value) => ({ kind: 'BooleanLiteral' as const, value })),
  arbDuration.map((value) => ({ kind: 'DurationLiteral' as const, value })),
  fc
    .bigInt({ min: -(1n << 62n), max: 1n << 62n })
    .map((value) => ({ kind: 'TimeLiteral' as const, value })),
)

const arbVarRef: Arbitrary<Expr> = fc.record({
  kind: fc.constant('VarRef' as const),
  name: arbName,
  dataType: fc.constantFrom(
    'unknown',
    'float',
    'integer',
    'unsigned',
    'string',
    'boolean',
    'tag',
    'field',
  ),
})

const arbWildcard: Arbitrary<Expr> = fc.record({
  kind: fc.constant('Wildcard' as const),
  wildcardType: fc.constantFrom(null, 'field', 'tag'),
})

const VALUE_OPS: readonly BinaryOperator[] = ['+', '-', '*', '/', '%', '&', '|', '^']
const CONDITION_OPS: readonly BinaryOperator[] = ['AND', 'OR', '=', '!=', '<', '<=', '>', '>=']

/** Expressions; `conditions` allows comparison, logical and regex operators. */
function arbExprOf(conditions: boolean): Arbitrary<Expr> {
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
    const sub = tie('expr')
    const leaf = fc.oneof(
      arbLiteral,
      arbVarRef,
      arbWildcard,
      arbBareName.map((name) => ({ kind: 'Distinct' as const, name })),
    )
    const ops = conditions ? [...VALUE_OPS, ...CONDITION_OPS] : VALUE_OPS
    const binary = fc.record({
      kind: fc.constant('BinaryExpr' as const),
      op: fc.constantFrom(...ops),
      lhs: sub,
      rhs: sub,
    })
    const regexMatch = fc.record({
      kind: fc.constant('BinaryExpr' as const),
      op: fc.constantFrom<BinaryOperator>('=~', '!~'),
      lhs: sub,
      rhs: arbRegex,
    })
    const call = fc.record({
      kind: fc.constant('Call' as const),
      name: arbCallName,
      args: fc.array(fc.oneof(sub, arbRegex), { maxLength: 3 }),
    })
    const paren = fc.record({ kind: fc.constant('ParenExpr' as const), expr: sub })
    const branches: Arbitrary<Expr>[] = [leaf, binary, call, paren]
    if (conditions) branches.push(regexMatch)
    return { expr: fc.oneof({ depthSize: 'small', withCrossShrink: true }, ...branches) }
  })
  return expr
}

/** Expressions allowed as SELECT fields and function arguments (no conditions). */
export const arbValueExpr = arbExprOf(false)
/** Expressions allowed in WHERE. */
export const arbCondition = arbExprOf(true)

export function measurement(
  database: string,
  retentionPolicy: string,
  name: string,
  regex: RegexLiteral | null,
  isTarget = false,
): Measurement {
  return { kind: 'Measurement', database, retentionPolicy, name, regex, isTarget }
}

/** A FROM measurement: `m`, `rp.m`, `db.rp.m`, `db..m`, `/re/`, `rp./re/`, `db.rp./re/`. */
export const arbMeasurement: Arbitrary<Measurement> = fc.oneof(
  arbNonEmptyName.map((n) => measurement('', '', n, null)),
  fc.tuple(arbNonEmptyName, arbNonEmptyName).map(([rp, n]) => measurement('', rp, n, null)),
  fc
    .tuple(arbNonEmptyName, arbName, arbNonEmptyName)
    .map(([db, rp, n]) => measurement(db, rp, n, null)),
  arbRegex.map((re) => measurement('', '', '', re)),
  fc.tuple(arbNonEmptyName, arbRegex).map(([rp, re]) => measurement('', rp, '', re)),
  fc.tuple(arbNonEmptyName, arbName, arbRegex).map(([db, rp, re]) => measurement(db, rp, '', re)),
)

/** A plain measurement name only (DELETE / DROP SERIES allow no database or policy). */
export const arbPlainMeasurement: Arbitrary<Measurement> = fc.oneof(
  arbNonEmptyName.map((n) => measurement('', '', n, null)),
  arbRegex.map((re) => measurement('', '', '', re)),
)

const arbField: Arbitrary<Field> = fc.record({
  expr: fc.oneof({ weight: 5, arbitrary: arbValueExpr }, { weight: 1, arbitrary: arbRegex }),
  alias: fc.oneof(fc.constant(''), arbNonEmptyName),
})

export const arbDimension: Arbitrary<Dimension> = fc.oneof(
  fc.tuple(arbPositiveDuration, fc.option(arbDuration, { nil: undefined })).map(([d, offset]) => ({
    expr: {
      kind: 'Call' as const,
      name: 'time',
      args: [
        { kind: 'DurationLiteral' as const, value: d },
        ...(offset === undefined ? [] : [{ kind: 'DurationLiteral' as const, value: offset }]),
      ],
    },
  })),
  arbVarRef.map((expr) => ({ expr })),
  fc.constant({ expr: { kind: 'Wildcard' as const, wildcardType: null } }),
  arbRegex.map((expr) => ({ expr })),
)

export const arbSortFields: Arbitrary<SortField[]> = fc.oneof(
  fc.constant<SortField[]>([]),
  fc
    .tuple(fc.constantFrom('', 'time'), fc.boolean())
    .map(([name, ascending]) => [{ name, ascending }]),
)

export const arbCount = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100000 }))

const arbFill = fc.oneof(
  fc.constantFrom('null', 'none', 'previous', 'linear').map((fill) => ({ fill, fillValue: null })),
  fc
    .bigInt({ min: INT64_MIN + 1n, max: INT64_MAX })
    .map((v) => ({ fill: 'number' as const, fillValue: v })),
  fc
    .double({ min: -999999, max: 999999, noNaN: true })
    // -0 prints as `-0`, which reads back as the integer 0.
    .filter((v) => (v === 0 && !Object.is(v, -0)) || Math.abs(v) >= 1e-4)
    .map((v) => ({ fill: 'number' as const, fillValue: v })),
)

function hasCall(fields: readonly Field[]): boolean {
  const stack: Expr[] = fields.map((f) => f.expr)
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if (e.kind === 'Call') return true
    if (e.kind === 'BinaryExpr') stack.push(e.lhs, e.rhs)
    if (e.kind === 'ParenExpr') stack.push(e.expr)
  }
  return false
}

/** SELECT statements; subqueries nest up to `depth` levels. */
export function arbSelect(
  depth = 1,
  target: 'none' | 'optional' = 'optional',
): Arbitrary<SelectStatement> {
  const source: Arbitrary<Source> =
    depth > 0
      ? fc.oneof(
          { weight: 4, arbitrary: arbMeasurement },
          {
            weight: 1,
            arbitrary: arbSelect(depth - 1, 'none').map((statement) => ({
              kind: 'SubQuery' as const,
              statement,
            })),
          },
        )
      : arbMeasurement
  const arbTarget = fc.oneof(
    fc.constant(null),
    fc
      .tuple(fc.constantFrom(0, 1, 2, 3), arbNonEmptyName, arbName, arbName)
      .map(([shape, db, rp, name]) => {
        if (shape === 0)
          return { measurement: measurement('', '', name === '' ? 'm' : name, null, true) }
        if (shape === 1) return { measurement: measurement('', db, name, null, true) }
        if (shape === 2) return { measurement: measurement(db, rp, name, null, true) }
        return { measurement: measurement(db, '', '', null, true) }
      }),
  )
  return fc
    .record({
      fields: fc.array(arbField, { minLength: 1, maxLength: 3 }),
      target: target === 'none' ? fc.constant(null) : arbTarget,
      sources: fc.array(source, { minLength: 1, maxLength: 2 }),
      condition: fc.option(arbCondition, { nil: null }),
      dimensions: fc.array(arbDimension, { maxLength: 2 }),
      fillSpec: arbFill,
      sortFields: arbSortFields,
      limit: arbCount,
      offset: arbCount,
      sLimit: arbCount,
      sOffset: arbCount,
      location: fc.constantFrom(null, 'UTC', 'America/New_York', 'Europe/Paris'),
    })
    .map(({ fillSpec, ...s }) => ({
      kind: 'SelectStatement' as const,
      ...s,
      ...fillSpec,
      isRawQuery: !hasCall(s.fields),
    }))
}
