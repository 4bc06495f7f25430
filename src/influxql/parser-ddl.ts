// Statements that change the schema or delete data: databases, retention policies, continuous
// queries, subscriptions, DELETE, DROP SERIES / MEASUREMENT / SHARD. Each function is called
// once the keywords that select it have been consumed.

import type { SelectStatementNode, Source } from './ast-expr.js'
import type { Statement } from './ast-statement.js'
import { formatDuration, tryParseDuration } from './duration.js'
import { InfluxQLParseError } from './errors.js'
import { parseCondition, parseSelectStatement, parseSources } from './parser-select.js'
import type { ParserState } from './parser-state.js'
import { T, tokenName } from './token.js'
import type { Token } from './token.js'

const MAX_INT32 = 2147483647

/** CREATE DATABASE name [WITH [DURATION d] [REPLICATION n] [SHARD DURATION d] [NAME rp]]. */
export function parseCreateDatabase(p: ParserState): Statement {
  const name = p.parseIdent()
  let retentionPolicyCreate = false
  let retentionPolicyDuration: bigint | null = null
  let retentionPolicyReplication: number | null = null
  let retentionPolicyShardGroupDuration = 0n
  let retentionPolicyName = ''
  if (p.acceptToken(T.WITH)) {
    const t = p.scanIgnoreWhitespace()
    if (t.tok !== T.DURATION && t.tok !== T.NAME && t.tok !== T.REPLICATION && t.tok !== T.SHARD) {
      throw p.unexpected(t, ['DURATION', 'NAME', 'REPLICATION', 'SHARD'])
    }
    p.unscan()
    retentionPolicyCreate = true
    if (p.acceptToken(T.DURATION)) retentionPolicyDuration = p.parseDuration()
    if (p.acceptToken(T.REPLICATION)) retentionPolicyReplication = p.parseInt(1, MAX_INT32)
    if (p.acceptToken(T.SHARD)) {
      const d = p.scanIgnoreWhitespace()
      if (d.tok !== T.DURATION) throw p.unexpected(d, ['DURATION'])
      retentionPolicyShardGroupDuration = p.parseDuration()
    }
    if (p.acceptToken(T.NAME)) retentionPolicyName = p.parseIdent()
  }
  return {
    kind: 'CreateDatabaseStatement',
    name,
    retentionPolicyCreate,
    retentionPolicyDuration,
    retentionPolicyReplication,
    retentionPolicyName,
    retentionPolicyShardGroupDuration,
  }
}

/** `DURATION <d>` after SHARD, where INF is not allowed. */
function parseShardDuration(p: ParserState): bigint {
  const t = p.scanIgnoreWhitespace()
  if (t.tok === T.INF) throw p.errorAt('invalid duration INF for shard duration', t)
  p.unscan()
  return p.parseDuration()
}

/** `<name> ON <db>`, the head of several statements. */
function parseNameOnDatabase(p: ParserState): { name: string; database: string } {
  const name = p.parseIdent()
  p.expectTokens(T.ON)
  return { name, database: p.parseIdent() }
}

/** CREATE RETENTION POLICY rp ON db DURATION d REPLICATION n [SHARD DURATION d] [DEFAULT]. */
export function parseCreateRetentionPolicy(p: ParserState): Statement {
  const { name, database } = parseNameOnDatabase(p)
  p.expectTokens(T.DURATION)
  const duration = p.parseDuration()
  p.expectTokens(T.REPLICATION)
  const replication = p.parseInt(1, MAX_INT32)
  let shardGroupDuration = 0n
  if (p.acceptToken(T.SHARD)) {
    p.expectTokens(T.DURATION)
    shardGroupDuration = parseShardDuration(p)
  }
  const isDefault = p.acceptToken(T.DEFAULT)
  return {
    kind: 'CreateRetentionPolicyStatement',
    name,
    database,
    duration,
    replication,
    default: isDefault,
    shardGroupDuration,
  }
}

/** ALTER RETENTION POLICY rp ON db, then DURATION, REPLICATION, SHARD DURATION, DEFAULT (once). */
export function parseAlterRetentionPolicy(p: ParserState): Statement {
  const t = p.scanIgnoreWhitespace()
  let name: string
  if (t.tok === T.DEFAULT) name = 'default'
  else if (t.tok === T.IDENT) name = t.lit
  else throw p.unexpected(t, ['identifier'])
  p.expectTokens(T.ON)
  const database = p.parseIdent()
  let duration: bigint | null = null
  let replication: number | null = null
  let shardGroupDuration: bigint | null = null
  let isDefault = false
  const found = new Set<Token>()
  for (;;) {
    const opt = p.scanIgnoreWhitespace()
    if (found.has(opt.tok)) throw p.errorAt(`found duplicate ${tokenName(opt.tok)} option`, opt)
    if (opt.tok === T.DURATION) {
      duration = p.parseDuration()
    } else if (opt.tok === T.REPLICATION) {
      replication = p.parseInt(1, MAX_INT32)
    } else if (opt.tok === T.SHARD) {
      const d = p.scanIgnoreWhitespace()
      if (d.tok !== T.DURATION) throw p.unexpected(d, ['DURATION'])
      shardGroupDuration = parseShardDuration(p)
    } else if (opt.tok === T.DEFAULT) {
      isDefault = true
    } else {
      if (found.size === 0) throw p.unexpected(opt, ['DURATION', 'REPLICATION', 'SHARD', 'DEFAULT'])
      p.unscan()
      break
    }
    found.add(opt.tok)
  }
  return {
    kind: 'AlterRetentionPolicyStatement',
    name,
    database,
    duration,
    replication,
    default: isDefault,
    shardGroupDuration,
  }
}

/** DROP RETENTION POLICY rp ON db. */
export function parseDropRetentionPolicy(p: ParserState): Statement {
  return { kind: 'DropRetentionPolicyStatement', ...parseNameOnDatabase(p) }
}

/** The GROUP BY time() interval of a SELECT: 0 when there is none, or InfluxDB's error text. */
function groupByInterval(s: SelectStatementNode): bigint | string {
  for (const d of s.dimensions) {
    if (d.expr.kind !== 'Call' || d.expr.name !== 'time') continue
    const [arg] = d.expr.args
    if (arg === undefined || d.expr.args.length > 2)
      return 'time dimension expected 1 or 2 arguments'
    if (arg.kind !== 'DurationLiteral') return 'time dimension must have duration argument'
    return arg.value
  }
  return 0n
}

/** `EVERY <d>` or `FOR <d>` of RESAMPLE, if present; 0 otherwise. */
function parseResampleDuration(p: ParserState, keyword: Token): bigint {
  if (!p.acceptToken(keyword)) return 0n
  const t = p.scanIgnoreWhitespace()
  if (t.tok !== T.DURATIONVAL) throw p.unexpected(t, ['duration'])
  const d = tryParseDuration(t.lit)
  if (typeof d === 'string') throw p.errorAt(d, t)
  return d
}

/** CREATE CONTINUOUS QUERY name ON db [RESAMPLE [EVERY d] [FOR d]] BEGIN SELECT ... END. */
export function parseCreateContinuousQuery(p: ParserState): Statement {
  const { name, database } = parseNameOnDatabase(p)
  let resampleEvery = 0n
  let resampleFor = 0n
  if (p.acceptToken(T.RESAMPLE)) {
    resampleEvery = parseResampleDuration(p, T.EVERY)
    resampleFor = parseResampleDuration(p, T.FOR)
    if (resampleEvery === 0n && resampleFor === 0n)
      throw p.unexpected(p.scanIgnoreWhitespace(), ['EVERY', 'FOR'])
  }
  p.expectTokens(T.BEGIN, T.SELECT)
  const source = parseSelectStatement(p, 'required')
  if (!source.isRawQuery) {
    const interval = groupByInterval(source)
    if (interval === 0n || typeof interval === 'string') {
      // Step back over the last token (and the whitespace before it) to report where we are.
      p.unscan()
      p.unscan()
      const expected = ['GROUP BY time(...)']
      if (typeof interval === 'string') expected.push(interval)
      throw p.unexpected(p.scanIgnoreWhitespace(), expected)
    }
  }
  const end = p.scanIgnoreWhitespace()
  if (end.tok !== T.END) throw p.unexpected(end, ['END'])

  let interval = groupByInterval(source)
  if (typeof interval === 'string') throw InfluxQLParseError.plain(interval)
  if (resampleFor !== 0n) {
    if (resampleEvery !== 0n && resampleEvery > interval) interval = resampleEvery
    if (interval > resampleFor) {
      throw InfluxQLParseError.plain(
        'FOR duration must be >= GROUP BY time duration: must be a minimum of ' +
          `${formatDuration(interval)}, got ${formatDuration(resampleFor)}`,
      )
    }
  }
  return {
    kind: 'CreateContinuousQueryStatement',
    name,
    database,
    source,
    resampleEvery,
    resampleFor,
  }
}

/** DROP CONTINUOUS QUERY name ON db. */
export function parseDropContinuousQuery(p: ParserState): Statement {
  return { kind: 'DropContinuousQueryStatement', ...parseNameOnDatabase(p) }
}

/** `<name> ON <db>.<rp>` of the subscription statements. */
function parseSubscriptionHead(p: ParserState): {
  name: string
  database: string
  retentionPolicy: string
} {
  const { name, database } = parseNameOnDatabase(p)
  const dot = p.scan()
  if (dot.tok !== T.DOT) throw p.unexpected(dot, ['.'])
  return { name, database, retentionPolicy: p.parseIdent() }
}

/** CREATE SUBSCRIPTION name ON db.rp DESTINATIONS ALL|ANY 'url', .... */
export function parseCreateSubscription(p: ParserState): Statement {
  const head = parseSubscriptionHead(p)
  p.expectTokens(T.DESTINATIONS)
  const t = p.scanIgnoreWhitespace()
  if (t.tok !== T.ALL && t.tok !== T.ANY) throw p.unexpected(t, ['ALL', 'ANY'])
  const destinations = p.parseStringList()
  return {
    kind: 'CreateSubscriptionStatement',
    ...head,
    destinations,
    mode: t.tok === T.ALL ? 'ALL' : 'ANY',
  }
}

/** DROP SUBSCRIPTION name ON db.rp. */
export function parseDropSubscription(p: ParserState): Statement {
  return { kind: 'DropSubscriptionStatement', ...parseSubscriptionHead(p) }
}

/**
 * `[FROM m, ...] [WHERE cond]` of DELETE and DROP SERIES: at least one of the two, and the
 * measurements may not name a database or retention policy.
 */
function parseSeriesFilter(p: ParserState): {
  sources: Source[]
  condition: ReturnType<typeof parseCondition>
} {
  const t = p.scanIgnoreWhitespace()
  let sources: Source[] = []
  if (t.tok === T.FROM) {
    sources = parseSources(p, false)
    let problem: string | undefined
    for (const s of sources) {
      if (s.kind !== 'Measurement') continue
      if (s.database !== '') problem = 'database not supported'
      if (s.retentionPolicy !== '') problem = 'retention policy not supported'
    }
    if (problem !== undefined) throw InfluxQLParseError.at(problem, 0, 0)
  } else {
    p.unscan()
  }
  const condition = parseCondition(p)
  if (condition === null && sources.length === 0) throw p.unexpected(t, ['FROM', 'WHERE'])
  return { sources, condition }
}

/** DELETE [FROM m, ...] [WHERE cond]. */
export function parseDelete(p: ParserState): Statement {
  return { kind: 'DeleteSeriesStatement', ...parseSeriesFilter(p) }
}

/** DROP SERIES [FROM m, ...] [WHERE cond]. */
export function parseDropSeries(p: ParserState): Statement {
  return { kind: 'DropSeriesStatement', ...parseSeriesFilter(p) }
}
