// The SHOW statements: databases, retention policies, measurements, series, tag keys and values,
// field keys, their cardinalities, shards, users, grants, continuous queries, subscriptions,
// queries, diagnostics and stats. Each function is called once SHOW and the words that select
// it have been consumed.

import type { Source } from './ast-expr.js'
import type { Statement, TagKeyFilter } from './ast-statement.js'
import { parseRegex } from './parser-expr.js'
import {
  parseCondition,
  parseDimensions,
  parseOrderBy,
  parseSource,
  parseSources,
} from './parser-select.js'
import type { ParserState } from './parser-state.js'
import { T } from './token.js'

/** `ON <db>` if present, else ''. */
function parseOn(p: ParserState): string {
  return p.acceptToken(T.ON) ? p.parseIdent() : ''
}

/** `FROM <sources>` if present (no subqueries), else none. */
function parseFrom(p: ParserState): Source[] {
  return p.acceptToken(T.FROM) ? parseSources(p, false) : []
}

/** The tail shared by all cardinality statements after `[ON db] [FROM ...]`. */
function cardinalityTail(p: ParserState): {
  condition: ReturnType<typeof parseCondition>
  dimensions: ReturnType<typeof parseDimensions>
  limit: number
  offset: number
} {
  const condition = parseCondition(p)
  const dimensions = parseDimensions(p)
  const limit = p.parseOptionalTokenAndInt(T.LIMIT)
  const offset = p.parseOptionalTokenAndInt(T.OFFSET)
  return { condition, dimensions, limit, offset }
}

/** SHOW SERIES [EXACT] CARDINALITY, or SHOW SERIES. */
export function parseShowSeries(p: ParserState): Statement {
  const isExact = p.acceptToken(T.EXACT)
  if (p.scanIgnoreWhitespace().tok === T.CARDINALITY) {
    const database = parseOn(p)
    const sources = parseFrom(p)
    return {
      kind: 'ShowSeriesCardinalityStatement',
      exact: isExact,
      database,
      sources,
      ...cardinalityTail(p),
    }
  }
  p.unscan()
  const database = parseOn(p)
  const sources = parseFrom(p)
  const condition = parseCondition(p)
  const sortFields = parseOrderBy(p)
  const limit = p.parseOptionalTokenAndInt(T.LIMIT)
  const offset = p.parseOptionalTokenAndInt(T.OFFSET)
  return { kind: 'ShowSeriesStatement', database, sources, condition, sortFields, limit, offset }
}

/** SHOW MEASUREMENT [EXACT] CARDINALITY; EXACT (when `isExact`) or CARDINALITY is consumed. */
export function parseShowMeasurementCardinality(p: ParserState, isExact: boolean): Statement {
  if (isExact) {
    const t = p.scanIgnoreWhitespace()
    if (t.tok !== T.CARDINALITY) throw p.unexpected(t, ['CARDINALITY'])
  }
  const database = parseOn(p)
  const sources = parseFrom(p)
  return {
    kind: 'ShowMeasurementCardinalityStatement',
    exact: isExact,
    database,
    sources,
    ...cardinalityTail(p),
  }
}

/** SHOW MEASUREMENTS [ON db] [WITH MEASUREMENT =|=~ m] [WHERE] [ORDER BY] [LIMIT] [OFFSET]. */
export function parseShowMeasurements(p: ParserState): Statement {
  const database = parseOn(p)
  let source: Source | null = null
  if (p.acceptToken(T.WITH)) {
    p.expectTokens(T.MEASUREMENT)
    const t = p.scanIgnoreWhitespace()
    if (t.tok !== T.EQ && t.tok !== T.EQREGEX) throw p.unexpected(t, ['=', '=~'])
    source = parseSource(p, false)
  }
  const condition = parseCondition(p)
  const sortFields = parseOrderBy(p)
  const limit = p.parseOptionalTokenAndInt(T.LIMIT)
  const offset = p.parseOptionalTokenAndInt(T.OFFSET)
  return {
    kind: 'ShowMeasurementsStatement',
    database,
    source,
    condition,
    sortFields,
    limit,
    offset,
  }
}

/** SHOW RETENTION POLICIES [ON db]. */
export function parseShowRetentionPolicies(p: ParserState): Statement {
  return { kind: 'ShowRetentionPoliciesStatement', database: parseOn(p) }
}

/** SHOW TAG KEY [EXACT] CARDINALITY / SHOW FIELD KEY [EXACT] CARDINALITY; KEY is consumed. */
export function parseShowKeyCardinality(p: ParserState, what: 'tag' | 'field'): Statement {
  let expected = ['EXACT', 'CARDINALITY']
  const isExact = p.acceptToken(T.EXACT)
  if (isExact) expected = ['CARDINALITY']
  const t = p.scanIgnoreWhitespace()
  if (t.tok !== T.CARDINALITY) throw p.unexpected(t, expected)
  const database = parseOn(p)
  const sources = parseFrom(p)
  const kind =
    what === 'tag' ? 'ShowTagKeyCardinalityStatement' : 'ShowFieldKeyCardinalityStatement'
  return { kind, exact: isExact, database, sources, ...cardinalityTail(p) }
}

/** SHOW TAG KEYS [ON db] [FROM ...] [WHERE] [ORDER BY] [LIMIT] [OFFSET] [SLIMIT] [SOFFSET]. */
export function parseShowTagKeys(p: ParserState): Statement {
  const database = parseOn(p)
  const sources = parseFrom(p)
  const condition = parseCondition(p)
  const sortFields = parseOrderBy(p)
  const limit = p.parseOptionalTokenAndInt(T.LIMIT)
  const offset = p.parseOptionalTokenAndInt(T.OFFSET)
  const sLimit = p.parseOptionalTokenAndInt(T.SLIMIT)
  const sOffset = p.parseOptionalTokenAndInt(T.SOFFSET)
  return {
    kind: 'ShowTagKeysStatement',
    database,
    sources,
    condition,
    sortFields,
    limit,
    offset,
    sLimit,
    sOffset,
  }
}

/** `WITH KEY = k | != k | =~ /re/ | !~ /re/ | IN (k, ...)`. */
function parseTagKeyFilter(p: ParserState): TagKeyFilter {
  p.expectTokens(T.WITH, T.KEY)
  const t = p.scanIgnoreWhitespace()
  switch (t.tok) {
    case T.IN: {
      const open = p.scanIgnoreWhitespace()
      if (open.tok !== T.LPAREN) throw p.unexpected(open, ['('])
      const values = p.parseIdentList()
      const close = p.scanIgnoreWhitespace()
      if (close.tok !== T.RPAREN) throw p.unexpected(close, [')'])
      return { op: 'IN', tagKeyExpr: { kind: 'ListLiteral', values } }
    }
    case T.EQ:
    case T.NEQ:
      return {
        op: t.tok === T.EQ ? '=' : '!=',
        tagKeyExpr: { kind: 'StringLiteral', value: p.parseIdent() },
      }
    case T.EQREGEX:
    case T.NEQREGEX: {
      const re = parseRegex(p)
      if (re === null) throw p.unexpected(p.scanIgnoreWhitespace(), ['regex'])
      return { op: t.tok === T.EQREGEX ? '=~' : '!~', tagKeyExpr: re }
    }
    default:
      throw p.unexpected(t, ['IN', '=', '=~'])
  }
}

/** SHOW TAG VALUES [EXACT] CARDINALITY ..., or SHOW TAG VALUES [ON db] [FROM ...] WITH KEY .... */
export function parseShowTagValues(p: ParserState): Statement {
  const t = p.scanIgnoreWhitespace()
  if (t.tok === T.EXACT || t.tok === T.CARDINALITY) {
    const isExact = t.tok === T.EXACT
    if (isExact) {
      const c = p.scanIgnoreWhitespace()
      if (c.tok !== T.CARDINALITY) throw p.unexpected(c, ['CARDINALITY'])
    }
    const database = parseOn(p)
    const sources = parseFrom(p)
    const filter = parseTagKeyFilter(p)
    return {
      kind: 'ShowTagValuesCardinalityStatement',
      exact: isExact,
      database,
      sources,
      ...filter,
      ...cardinalityTail(p),
    }
  }
  p.unscan()
  const database = parseOn(p)
  const sources = parseFrom(p)
  const filter = parseTagKeyFilter(p)
  const condition = parseCondition(p)
  const sortFields = parseOrderBy(p)
  const limit = p.parseOptionalTokenAndInt(T.LIMIT)
  const offset = p.parseOptionalTokenAndInt(T.OFFSET)
  return {
    kind: 'ShowTagValuesStatement',
    database,
    sources,
    ...filter,
    condition,
    sortFields,
    limit,
    offset,
  }
}

/** SHOW FIELD KEYS [ON db] [FROM ...] [ORDER BY] [LIMIT] [OFFSET]. */
export function parseShowFieldKeys(p: ParserState): Statement {
  const database = parseOn(p)
  const sources = parseFrom(p)
  const sortFields = parseOrderBy(p)
  const limit = p.parseOptionalTokenAndInt(T.LIMIT)
  const offset = p.parseOptionalTokenAndInt(T.OFFSET)
  return { kind: 'ShowFieldKeysStatement', database, sources, sortFields, limit, offset }
}

/** SHOW STATS [FOR 'module'] / SHOW DIAGNOSTICS [FOR 'module']. */
export function parseShowModule(p: ParserState, what: 'stats' | 'diagnostics'): Statement {
  const module = p.acceptToken(T.FOR) ? p.parseString() : ''
  return what === 'stats'
    ? { kind: 'ShowStatsStatement', module }
    : { kind: 'ShowDiagnosticsStatement', module }
}
