// SELECT statements and the clauses other statements share with them: sources (FROM), WHERE,
// GROUP BY, fill(), ORDER BY, LIMIT/OFFSET/SLIMIT/SOFFSET and tz(). Subqueries are SELECTs used
// as a source.

import type {
  Dimension,
  Expr,
  Field,
  FillOption,
  Measurement,
  SelectStatementNode,
  SortField,
  Source,
  Target,
} from './ast-expr.js'
import { InfluxQLParseError } from './errors.js'
import { goToLower, parseExpr, parseRegex } from './parser-expr.js'
import type { ParserState } from './parser-state.js'
import { formatExpr } from './printer-expr.js'
import { isKnownTimeZone } from './time-zone.js'
import { T } from './token.js'

/** Whether a SELECT must have an INTO clause (continuous queries) or may have one. */
export type TargetRequirement = 'required' | 'optional'

const ONLY_TIME = 'only ORDER BY time supported at this time'

/** The operators that make a SELECT field a condition rather than a value. */
const CONDITION_OPERATORS: ReadonlySet<string> = new Set([
  '=',
  '!=',
  '=~',
  '!~',
  '<',
  '<=',
  '>',
  '>=',
  'AND',
  'OR',
])

/**
 * The condition operator InfluxDB reports for a SELECT field: walking the expression in
 * pre-order without descending into a reported operator, the last one found.
 */
function invalidFieldOperator(expr: Expr): string | undefined {
  let found: string | undefined
  const stack: Expr[] = [expr]
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    switch (e.kind) {
      case 'BinaryExpr':
        if (CONDITION_OPERATORS.has(e.op)) found = e.op
        else stack.push(e.rhs, e.lhs)
        break
      case 'Call':
        for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i] as Expr)
        break
      case 'ParenExpr':
        stack.push(e.expr)
        break
      default:
        break
    }
  }
  return found
}

/** Whether any field calls a function, which makes the query an aggregate rather than raw. */
function callsAFunction(fields: readonly Field[]): boolean {
  const stack: Expr[] = fields.map((f) => f.expr)
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    switch (e.kind) {
      case 'Call':
        return true
      case 'BinaryExpr':
        stack.push(e.lhs, e.rhs)
        break
      case 'ParenExpr':
        stack.push(e.expr)
        break
      default:
        break
    }
  }
  return false
}

function parseField(p: ParserState): Field {
  let expr: Expr | null = parseRegex(p)
  if (expr === null) {
    const start = p.scanIgnoreWhitespace()
    p.unscan()
    expr = parseExpr(p)
    const bad = invalidFieldOperator(expr)
    if (bad !== undefined) {
      throw InfluxQLParseError.plain(
        `invalid operator ${bad} in SELECT clause at line ${start.line + 1}, ` +
          `char ${start.char + 1}; operator is intended for WHERE clause`,
      )
    }
  }
  const alias = p.acceptToken(T.AS) ? p.parseIdent() : ''
  p.consumeWhitespace()
  return { expr, alias }
}

function parseFields(p: ParserState): Field[] {
  const fields: Field[] = []
  for (;;) {
    fields.push(parseField(p))
    if (p.scan().tok !== T.COMMA) {
      p.unscan()
      return fields
    }
  }
}

function parseTarget(p: ParserState, requirement: TargetRequirement): Target | null {
  const t = p.scanIgnoreWhitespace()
  if (t.tok !== T.INTO) {
    if (requirement === 'required') throw p.unexpected(t, ['INTO'])
    p.unscan()
    return null
  }
  const idents = p.parseSegmentedIdents()
  if (idents.length < 3 && p.peekRune() === 0x3a) {
    p.expectTokens(T.COLON, T.MEASUREMENT)
    idents.push('')
  }
  let database = ''
  let retentionPolicy = ''
  let name: string
  if (idents.length === 3) [database = '', retentionPolicy = '', name = ''] = idents
  else if (idents.length === 2) [retentionPolicy = '', name = ''] = idents
  else name = idents[0] ?? ''
  return {
    measurement: {
      kind: 'Measurement',
      database,
      retentionPolicy,
      name,
      regex: null,
      isTarget: true,
    },
  }
}

/** One FROM source: a regex, a subquery (when allowed) or a dotted measurement name. */
export function parseSource(p: ParserState, subqueries: boolean): Source {
  const measurement = (
    db: string,
    rp: string,
    name: string,
    regex: Measurement['regex'],
  ): Measurement => ({
    kind: 'Measurement',
    database: db,
    retentionPolicy: rp,
    name,
    regex,
    isTarget: false,
  })
  const re = parseRegex(p)
  if (re !== null) return measurement('', '', '', re)
  if (subqueries) {
    if (p.scanIgnoreWhitespace().tok === T.LPAREN) {
      p.enter()
      p.expectTokens(T.SELECT)
      const statement = parseSelectStatement(p, 'optional')
      p.expectTokens(T.RPAREN)
      p.leave()
      return { kind: 'SubQuery', statement }
    }
    p.unscan()
  }
  const idents = p.parseSegmentedIdents()
  const [a = '', b = '', c = ''] = idents
  if (idents.length === 3) return measurement(a, b, c, null)
  const tail = parseRegex(p)
  if (idents.length === 1)
    return tail !== null ? measurement('', a, '', tail) : measurement('', '', a, null)
  return tail !== null ? measurement(a, b, '', tail) : measurement('', a, b, null)
}

/** A comma-separated list of sources. */
export function parseSources(p: ParserState, subqueries: boolean): Source[] {
  const sources: Source[] = []
  do sources.push(parseSource(p, subqueries))
  while (p.acceptToken(T.COMMA))
  return sources
}

/** `WHERE <expr>` if present. */
export function parseCondition(p: ParserState): Expr | null {
  return p.acceptToken(T.WHERE) ? parseExpr(p) : null
}

/** `GROUP BY <dimension>, ...` if present. */
export function parseDimensions(p: ParserState): Dimension[] {
  if (!p.acceptToken(T.GROUP)) return []
  const by = p.scanIgnoreWhitespace()
  if (by.tok !== T.BY) throw p.unexpected(by, ['BY'])
  const dimensions: Dimension[] = []
  for (;;) {
    const re = parseRegex(p)
    if (re !== null) {
      dimensions.push({ expr: re })
    } else {
      dimensions.push({ expr: parseExpr(p) })
      p.consumeWhitespace()
    }
    if (p.scan().tok !== T.COMMA) {
      p.unscan()
      return dimensions
    }
  }
}

/** Whether the next token is the identifier `name` (any case), without consuming it. */
function nextIsCall(p: ParserState, name: string): boolean {
  const t = p.scanIgnoreWhitespace()
  p.unscan()
  return t.tok === T.IDENT && goToLower(t.lit) === name
}

function parseFill(p: ParserState): { fill: FillOption; fillValue: number | bigint | null } {
  if (!nextIsCall(p, 'fill')) return { fill: 'null', fillValue: null }
  const expr = parseExpr(p)
  if (expr.kind !== 'Call') throw InfluxQLParseError.plain('fill must be a function call')
  const [arg] = expr.args
  if (arg === undefined || expr.args.length !== 1) {
    throw InfluxQLParseError.plain(
      'fill requires an argument, e.g.: 0, null, none, previous, linear',
    )
  }
  switch (formatExpr(arg)) {
    case 'null':
      return { fill: 'null', fillValue: null }
    case 'none':
      return { fill: 'none', fillValue: null }
    case 'previous':
      return { fill: 'previous', fillValue: null }
    case 'linear':
      return { fill: 'linear', fillValue: null }
  }
  if (arg.kind === 'IntegerLiteral' || arg.kind === 'NumberLiteral')
    return { fill: 'number', fillValue: arg.value }
  throw InfluxQLParseError.plain('expected number argument in fill()')
}

function parseLocation(p: ParserState): string | null {
  if (!nextIsCall(p, 'tz')) return null
  const expr = parseExpr(p)
  if (expr.kind !== 'Call') throw InfluxQLParseError.plain('tz must be a function call')
  const [arg] = expr.args
  if (arg === undefined || expr.args.length !== 1)
    throw InfluxQLParseError.plain('tz requires exactly one argument')
  if (arg.kind !== 'StringLiteral')
    throw InfluxQLParseError.plain('expected string argument in tz()')
  if (!isKnownTimeZone(arg.value))
    throw InfluxQLParseError.plain(`unable to find time zone ${arg.value}`)
  // Go's time.LoadLocation("") is UTC, and prints as UTC.
  return arg.value === '' ? 'UTC' : arg.value
}

function parseSortField(p: ParserState): SortField {
  const name = p.parseIdent()
  const t = p.scanIgnoreWhitespace()
  if (t.tok !== T.ASC && t.tok !== T.DESC) {
    p.unscan()
    return { name, ascending: true }
  }
  return { name, ascending: t.tok === T.ASC }
}

/** `ORDER BY ...` if present; only `time` (or a bare ASC/DESC) is accepted, as in InfluxDB. */
export function parseOrderBy(p: ParserState): SortField[] {
  if (!p.acceptToken(T.ORDER)) return []
  const by = p.scanIgnoreWhitespace()
  if (by.tok !== T.BY) throw p.unexpected(by, ['BY'])
  const fields: SortField[] = []
  const t = p.scanIgnoreWhitespace()
  if (t.tok === T.ASC || t.tok === T.DESC) {
    fields.push({ name: '', ascending: t.tok === T.ASC })
  } else if (t.tok === T.IDENT) {
    p.unscan()
    const field = parseSortField(p)
    if (t.lit !== 'time') throw InfluxQLParseError.plain(ONLY_TIME)
    fields.push(field)
  } else {
    throw p.unexpected(t, ['identifier', 'ASC', 'DESC'])
  }
  while (p.acceptToken(T.COMMA)) fields.push(parseSortField(p))
  if (fields.length > 1) throw InfluxQLParseError.plain(ONLY_TIME)
  return fields
}

/** A SELECT statement; the SELECT keyword has been consumed. */
export function parseSelectStatement(
  p: ParserState,
  target: TargetRequirement,
): SelectStatementNode {
  const fields = parseFields(p)
  const into = parseTarget(p, target)
  const from = p.scanIgnoreWhitespace()
  if (from.tok !== T.FROM) throw p.unexpected(from, ['FROM'])
  const sources = parseSources(p, true)
  const condition = parseCondition(p)
  const dimensions = parseDimensions(p)
  const { fill, fillValue } = parseFill(p)
  const sortFields = parseOrderBy(p)
  const limit = p.parseOptionalTokenAndInt(T.LIMIT)
  const offset = p.parseOptionalTokenAndInt(T.OFFSET)
  const sLimit = p.parseOptionalTokenAndInt(T.SLIMIT)
  const sOffset = p.parseOptionalTokenAndInt(T.SOFFSET)
  const location = parseLocation(p)
  return {
    kind: 'SelectStatement',
    fields,
    target: into,
    sources,
    condition,
    dimensions,
    fill,
    fillValue,
    sortFields,
    limit,
    offset,
    sLimit,
    sOffset,
    location,
    isRawQuery: !callsAFunction(fields),
  }
}
