// Expressions: binary operators with InfluxQL's precedence (OR < AND < comparisons and regex
// matches < + - | ^ < * / % &, all left-associative), parentheses, calls, variable references
// with `::type`, literals, `*` wildcards, regexes and bound parameters. Unary minus folds into a
// literal, or becomes `-1 * x` for anything else, as in InfluxDB.

import type { BinaryOperator, Call, Expr, RegexLiteral, VarRef } from './ast-expr.js'
import type { DataType } from './ast-expr.js'
import { tryParseDuration } from './duration.js'
import { InfluxQLParseError } from './errors.js'
import { parseFloat64 } from './format-number.js'
import type { ParserState } from './parser-state.js'
import { regexSyntaxError } from './re2-syntax.js'
import { isOperator, isRegexOperator, isWhitespace, T, tokenName } from './token.js'

const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n
const UINT64_MAX = (1n << 64n) - 1n

/** Lower-cases one code point at a time, as Go's strings.ToLower does (no context rules). */
export function goToLower(text: string): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0
    if (cp < 0x80) out += cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : ch
    else out += String.fromCodePoint(ch.toLowerCase().codePointAt(0) ?? cp)
  }
  return out
}

/** Places `op rhs` into a tree parsed so far, descending the right spine past weaker operators. */
function insertOperator(tree: Expr, op: BinaryOperator, rhs: Expr): Expr {
  if (tree.kind === 'BinaryExpr' && opPrecedence(tree.op) < opPrecedence(op)) {
    return {
      kind: 'BinaryExpr',
      op: tree.op,
      lhs: tree.lhs,
      rhs: insertOperator(tree.rhs, op, rhs),
    }
  }
  return { kind: 'BinaryExpr', op, lhs: tree, rhs }
}

/** The binding strength of each binary operator, as token.ts's precedence() gives it. */
const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  OR: 1,
  AND: 2,
  '=': 3,
  '!=': 3,
  '=~': 3,
  '!~': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '|': 4,
  '^': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '&': 5,
}

function opPrecedence(op: BinaryOperator): number {
  return PRECEDENCE[op]
}

/** An expression, as far as it goes. */
export function parseExpr(p: ParserState): Expr {
  let tree = parseUnaryExpr(p)
  for (;;) {
    const opTok = p.scanIgnoreWhitespace()
    if (!isOperator(opTok.tok)) {
      p.unscan()
      return tree
    }
    let rhs: Expr
    if (isRegexOperator(opTok.tok)) {
      const re = parseRegex(p)
      if (re === null) throw p.unexpected(p.scanIgnoreWhitespace(), ['regex'])
      rhs = re
    } else {
      rhs = parseUnaryExpr(p)
    }
    tree = insertOperator(tree, tokenName(opTok.tok) as BinaryOperator, rhs)
  }
}

/** A regex literal if one comes next (possibly through a bound parameter), else null. */
export function parseRegex(p: ParserState): RegexLiteral | null {
  if (isWhitespace(p.peekRune())) p.consumeWhitespace()
  const next = p.peekRune()
  if (next === 0x24) {
    const t = p.scan()
    p.unscan()
    if (t.tok !== T.REGEX) return null
  } else if (next !== 0x2f) {
    return null
  }
  const t = p.scanRegex()
  if (t.tok === T.BADESCAPE) throw p.errorAt(`bad escape: ${t.lit}`, t)
  if (t.tok === T.BADREGEX) throw p.errorAt(`bad regex: ${t.lit}`, t)
  if (t.tok !== T.REGEX) throw p.unexpected(t, ['regex'])
  const problem = regexSyntaxError(t.lit)
  if (problem !== undefined) throw p.errorAt(problem, t)
  return { kind: 'RegexLiteral', pattern: t.lit }
}

/** `name(args...)`; the name and `(` have been consumed. */
function parseCall(p: ParserState, name: string): Call {
  p.enter()
  const call = parseCallArgs(p, goToLower(name))
  p.leave()
  return call
}

function parseCallArgs(p: ParserState, lower: string): Call {
  const args: Expr[] = []
  const first = parseRegex(p)
  if (first !== null) {
    args.push(first)
  } else {
    if (p.scan().tok === T.RPAREN) return { kind: 'Call', name: lower, args }
    p.unscan()
    args.push(parseExpr(p))
  }
  while (p.acceptToken(T.COMMA)) {
    const re = parseRegex(p)
    args.push(re ?? parseExpr(p))
  }
  const t = p.scan()
  if (t.tok !== T.RPAREN) throw p.unexpected(t, [')'])
  return { kind: 'Call', name: lower, args }
}

const DATA_TYPES: ReadonlyMap<string, DataType> = new Map<string, DataType>([
  ['float', 'float'],
  ['integer', 'integer'],
  ['unsigned', 'unsigned'],
  ['string', 'string'],
  ['boolean', 'boolean'],
])

/** A field or tag reference: a dotted name with an optional `::type`. */
export function parseVarRef(p: ParserState): VarRef {
  const segments = p.parseSegmentedIdents()
  let dataType: DataType = 'unknown'
  if (p.scan().tok === T.DOUBLECOLON) {
    const t = p.scan()
    if (t.tok === T.IDENT) {
      const named = DATA_TYPES.get(goToLower(t.lit))
      if (named === undefined) {
        throw p.unexpected(t, ['float', 'integer', 'unsigned', 'string', 'boolean', 'field', 'tag'])
      }
      dataType = named
    } else if (t.tok === T.FIELD) {
      dataType = 'field'
    } else if (t.tok === T.TAG) {
      dataType = 'tag'
    } else {
      throw p.unexpected(t, ['float', 'integer', 'string', 'boolean', 'field', 'tag'])
    }
  } else {
    p.unscan()
  }
  return { kind: 'VarRef', name: segments.join('.'), dataType }
}

/** An operand: a parenthesized expression, call, reference, literal, wildcard or signed term. */
export function parseUnaryExpr(p: ParserState): Expr {
  if (p.scanIgnoreWhitespace().tok === T.LPAREN) {
    p.enter()
    const expr = parseExpr(p)
    const t = p.scanIgnoreWhitespace()
    if (t.tok !== T.RPAREN) throw p.unexpected(t, [')'])
    p.leave()
    return { kind: 'ParenExpr', expr }
  }
  p.unscan()

  const t = p.scanIgnoreWhitespace()
  switch (t.tok) {
    case T.IDENT:
      if (p.scan().tok === T.LPAREN) return parseCall(p, t.lit)
      p.unscan()
      p.unscan()
      return parseVarRef(p)
    case T.DISTINCT: {
      const t0 = p.scan()
      if (t0.tok === T.LPAREN) return parseCall(p, 'distinct')
      if (t0.tok === T.WS) {
        const t1 = p.scanIgnoreWhitespace()
        if (t1.tok !== T.IDENT) throw p.unexpected(t1, ['identifier'])
        return { kind: 'Distinct', name: t1.lit }
      }
      throw p.unexpected(t0, ['(', 'identifier'])
    }
    case T.STRING:
      return { kind: 'StringLiteral', value: t.lit }
    case T.NUMBER: {
      const value = parseFloat64(t.lit)
      if (value === undefined) throw p.errorAt('unable to parse number', t)
      return { kind: 'NumberLiteral', value }
    }
    case T.INTEGER: {
      if (/^[+-]?[0-9]+$/.test(t.lit)) {
        const value = BigInt(t.lit)
        if (value >= INT64_MIN && value <= INT64_MAX) return { kind: 'IntegerLiteral', value }
        if (/^[0-9]+$/.test(t.lit) && value <= UINT64_MAX) return { kind: 'UnsignedLiteral', value }
      }
      throw p.errorAt('unable to parse integer', t)
    }
    case T.TRUE:
    case T.FALSE:
      return { kind: 'BooleanLiteral', value: t.tok === T.TRUE }
    case T.DURATIONVAL: {
      const value = tryParseDuration(t.lit)
      if (typeof value === 'string') throw InfluxQLParseError.plain(value)
      return { kind: 'DurationLiteral', value }
    }
    case T.MUL: {
      if (p.scan().tok !== T.DOUBLECOLON) {
        p.unscan()
        return { kind: 'Wildcard', wildcardType: null }
      }
      const t1 = p.scan()
      if (t1.tok === T.FIELD) return { kind: 'Wildcard', wildcardType: 'field' }
      if (t1.tok === T.TAG) return { kind: 'Wildcard', wildcardType: 'tag' }
      throw p.unexpected(t1, ['field', 'tag'])
    }
    case T.REGEX: {
      const problem = regexSyntaxError(t.lit)
      if (problem !== undefined) throw p.errorAt(problem, t)
      return { kind: 'RegexLiteral', pattern: t.lit }
    }
    case T.BOUNDPARAM: {
      // A parameter still unresolved here is unknown, empty, or bound to an unusable value.
      const name = t.lit.startsWith('$') ? t.lit.slice(1) : t.lit
      if (name === '') throw InfluxQLParseError.plain('empty bound parameter')
      const bound = p.param(name)
      if (bound === undefined) throw InfluxQLParseError.plain(`missing parameter: ${name}`)
      throw InfluxQLParseError.plain(bound.lit)
    }
    case T.ADD:
    case T.SUB:
      return parseSigned(p, t.tok === T.SUB)
    default:
      throw p.unexpected(t, ['identifier', 'string', 'number', 'bool'])
  }
}

/** The term after a unary + or -. */
function parseSigned(p: ParserState, negative: boolean): Expr {
  const t0 = p.scanIgnoreWhitespace()
  switch (t0.tok) {
    case T.NUMBER:
    case T.INTEGER:
    case T.DURATIONVAL:
    case T.LPAREN:
    case T.IDENT:
      break
    default:
      throw p.unexpected(t0, ['identifier', 'number', 'duration', '('])
  }
  p.unscan()
  const operand = parseUnaryExpr(p)
  switch (operand.kind) {
    case 'NumberLiteral':
      return negative ? { kind: 'NumberLiteral', value: -operand.value } : operand
    case 'IntegerLiteral':
      return negative
        ? { kind: 'IntegerLiteral', value: BigInt.asIntN(64, -operand.value) }
        : operand
    case 'UnsignedLiteral':
      if (!negative) return operand
      // -9223372036854775808 scans as an unsigned literal but fits int64 once negated.
      if (operand.value === -INT64_MIN) return { kind: 'IntegerLiteral', value: INT64_MIN }
      throw InfluxQLParseError.plain(`constant -${operand.value} underflows int64`)
    case 'DurationLiteral':
      return negative
        ? { kind: 'DurationLiteral', value: BigInt.asIntN(64, -operand.value) }
        : operand
    case 'VarRef':
    case 'Call':
    case 'ParenExpr':
      return {
        kind: 'BinaryExpr',
        op: '*',
        lhs: { kind: 'IntegerLiteral', value: negative ? -1n : 1n },
        rhs: operand,
      }
    default:
      throw InfluxQLParseError.plain(`unexpected literal: ${operand.kind}`)
  }
}
