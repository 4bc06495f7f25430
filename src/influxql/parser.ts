// The entry points of the InfluxQL parser and the table of statements. A statement is chosen by
// its leading keywords (SHOW TAG VALUES, CREATE RETENTION POLICY, ...) walking a tree of keywords;
// when a word fits nowhere, the error lists the words that would have, in InfluxDB's order
// (`found EOF, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET,
// KILL`).

import type { Expr } from './ast-expr.js'
import type { Query, Statement } from './ast-statement.js'
import type { QueryParams } from './params.js'
import {
  parseCreateUser,
  parseDropUser,
  parseExplain,
  parseGrant,
  parseKillQuery,
  parseRevoke,
  parseSetPassword,
  parseShowGrants,
} from './parser-auth.js'
import {
  parseAlterRetentionPolicy,
  parseCreateContinuousQuery,
  parseCreateDatabase,
  parseCreateRetentionPolicy,
  parseCreateSubscription,
  parseDelete,
  parseDropContinuousQuery,
  parseDropRetentionPolicy,
  parseDropSeries,
  parseDropSubscription,
} from './parser-ddl.js'
import { parseExpr as parseExpression } from './parser-expr.js'
import { parseSelectStatement } from './parser-select.js'
import {
  parseShowFieldKeys,
  parseShowKeyCardinality,
  parseShowMeasurementCardinality,
  parseShowMeasurements,
  parseShowModule,
  parseShowRetentionPolicies,
  parseShowSeries,
  parseShowTagKeys,
  parseShowTagValues,
} from './parser-show.js'
import { ParserState } from './parser-state.js'
import { T, tokenName } from './token.js'
import type { Token } from './token.js'

type Handler = (p: ParserState) => Statement

/** A level of the keyword tree: the words accepted here, each leading to a handler or a level. */
interface Level {
  readonly words: readonly string[]
  readonly next: ReadonlyMap<Token, Handler | Level>
}

function level(...entries: readonly (readonly [Token, Handler | Level])[]): Level {
  return { words: entries.map(([tok]) => tokenName(tok)), next: new Map(entries) }
}

const constant =
  (statement: Statement): Handler =>
  () =>
    statement

const LANGUAGE: Level = level(
  [T.SELECT, (p) => parseSelectStatement(p, 'optional')],
  [T.DELETE, parseDelete],
  [
    T.SHOW,
    level(
      [T.CONTINUOUS, level([T.QUERIES, constant({ kind: 'ShowContinuousQueriesStatement' })])],
      [T.DATABASES, constant({ kind: 'ShowDatabasesStatement' })],
      [T.DIAGNOSTICS, (p) => parseShowModule(p, 'diagnostics')],
      [
        T.FIELD,
        level([T.KEY, (p) => parseShowKeyCardinality(p, 'field')], [T.KEYS, parseShowFieldKeys]),
      ],
      [T.GRANTS, level([T.FOR, parseShowGrants])],
      [
        T.MEASUREMENT,
        level(
          [T.EXACT, (p) => parseShowMeasurementCardinality(p, true)],
          [T.CARDINALITY, (p) => parseShowMeasurementCardinality(p, false)],
        ),
      ],
      [T.MEASUREMENTS, parseShowMeasurements],
      [T.QUERIES, constant({ kind: 'ShowQueriesStatement' })],
      [T.RETENTION, level([T.POLICIES, parseShowRetentionPolicies])],
      [T.SERIES, parseShowSeries],
      [T.SHARD, level([T.GROUPS, constant({ kind: 'ShowShardGroupsStatement' })])],
      [T.SHARDS, constant({ kind: 'ShowShardsStatement' })],
      [T.STATS, (p) => parseShowModule(p, 'stats')],
      [T.SUBSCRIPTIONS, constant({ kind: 'ShowSubscriptionsStatement' })],
      [
        T.TAG,
        level(
          [T.KEY, (p) => parseShowKeyCardinality(p, 'tag')],
          [T.KEYS, parseShowTagKeys],
          [T.VALUES, parseShowTagValues],
        ),
      ],
      [T.USERS, constant({ kind: 'ShowUsersStatement' })],
    ),
  ],
  [
    T.CREATE,
    level(
      [T.CONTINUOUS, level([T.QUERY, parseCreateContinuousQuery])],
      [T.DATABASE, parseCreateDatabase],
      [T.USER, parseCreateUser],
      [T.RETENTION, level([T.POLICY, parseCreateRetentionPolicy])],
      [T.SUBSCRIPTION, parseCreateSubscription],
    ),
  ],
  [
    T.DROP,
    level(
      [T.CONTINUOUS, level([T.QUERY, parseDropContinuousQuery])],
      [T.DATABASE, (p) => ({ kind: 'DropDatabaseStatement', name: p.parseIdent() })],
      [T.MEASUREMENT, (p) => ({ kind: 'DropMeasurementStatement', name: p.parseIdent() })],
      [T.RETENTION, level([T.POLICY, parseDropRetentionPolicy])],
      [T.SERIES, parseDropSeries],
      [T.SHARD, (p) => ({ kind: 'DropShardStatement', id: p.parseUInt64() })],
      [T.SUBSCRIPTION, parseDropSubscription],
      [T.USER, parseDropUser],
    ),
  ],
  [T.EXPLAIN, parseExplain],
  [T.GRANT, parseGrant],
  [T.REVOKE, parseRevoke],
  [T.ALTER, level([T.RETENTION, level([T.POLICY, parseAlterRetentionPolicy])])],
  [T.SET, level([T.PASSWORD, level([T.FOR, parseSetPassword])])],
  [T.KILL, level([T.QUERY, parseKillQuery])],
)

function statement(p: ParserState): Statement {
  let at = LANGUAGE
  for (;;) {
    const t = p.scanIgnoreWhitespace()
    const next = at.next.get(t.tok)
    if (next === undefined) throw p.unexpected(t, at.words)
    if (typeof next === 'function') return next(p)
    at = next
  }
}

/**
 * Parses one or more statements separated by semicolons; an empty text is an empty query.
 * `params` binds `$name` placeholders (see {@link QueryParams}).
 * @throws InfluxQLParseError with InfluxDB's exact message.
 */
export function parseQuery(text: string, params?: QueryParams): Query {
  const p = new ParserState(text, params)
  const statements: Statement[] = []
  let afterSemicolon = true
  for (;;) {
    const t = p.scanIgnoreWhitespace()
    if (t.tok === T.EOF) return { statements }
    if (t.tok === T.SEMICOLON) {
      afterSemicolon = true
      continue
    }
    if (!afterSemicolon) throw p.unexpected(t, [';'])
    p.unscan()
    statements.push(statement(p))
    afterSemicolon = false
  }
}

/**
 * Parses the first statement of a text. Like InfluxDB's ParseStatement, whatever follows the
 * statement is not examined.
 * @throws InfluxQLParseError with InfluxDB's exact message.
 */
export function parseStatement(text: string, params?: QueryParams): Statement {
  return statement(new ParserState(text, params))
}

/**
 * Parses an expression (`host = 'a' AND value > 2`). Like InfluxDB's ParseExpr, whatever follows
 * the expression is not examined.
 * @throws InfluxQLParseError with InfluxDB's exact message.
 */
export function parseExpr(text: string, params?: QueryParams): Expr {
  return parseExpression(new ParserState(text, params))
}
