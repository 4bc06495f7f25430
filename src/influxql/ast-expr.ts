// The expression nodes of the InfluxQL syntax tree, and the sources and clauses built from them.
// Nodes are plain readonly data with a `kind` named after InfluxDB's Go type; printing lives in
// printer-*.ts. Integers, durations and times are int64/uint64 as `bigint`, durations and times in
// nanoseconds; numbers are float64. An absent name is the empty string, as in InfluxDB.

/** The type annotation of a variable reference (`value::float`); 'unknown' when none is given. */
export type DataType =
  | 'unknown'
  | 'float'
  | 'integer'
  | 'unsigned'
  | 'string'
  | 'boolean'
  | 'time'
  | 'duration'
  | 'tag'
  | 'field'

/** A binary operator, written as in InfluxQL. */
export type BinaryOperator =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '&'
  | '|'
  | '^'
  | 'AND'
  | 'OR'
  | '='
  | '!='
  | '=~'
  | '!~'
  | '<'
  | '<='
  | '>'
  | '>='

/** `lhs op rhs`. Precedence is already resolved into the tree shape. */
export interface BinaryExpr {
  readonly kind: 'BinaryExpr'
  readonly op: BinaryOperator
  readonly lhs: Expr
  readonly rhs: Expr
}

/** A parenthesized expression, kept so that printing reproduces the parentheses. */
export interface ParenExpr {
  readonly kind: 'ParenExpr'
  readonly expr: Expr
}

/** A function call; the name is lower case (`mean(value)`, `time(1m)`, `now()`). */
export interface Call {
  readonly kind: 'Call'
  readonly name: string
  readonly args: readonly Expr[]
}

/** A reference to a field or tag; `name` joins dotted segments with `.`. */
export interface VarRef {
  readonly kind: 'VarRef'
  readonly name: string
  readonly dataType: DataType
}

/** `DISTINCT name` written without parentheses. */
export interface Distinct {
  readonly kind: 'Distinct'
  readonly name: string
}

/** `*`, `*::field` or `*::tag`. */
export interface Wildcard {
  readonly kind: 'Wildcard'
  readonly wildcardType: 'field' | 'tag' | null
}

/** A float64 literal (`1.5`). */
export interface NumberLiteral {
  readonly kind: 'NumberLiteral'
  readonly value: number
}

/** An int64 literal (`42`, `-7`). */
export interface IntegerLiteral {
  readonly kind: 'IntegerLiteral'
  readonly value: bigint
}

/** A uint64 literal: an integer too large for int64 (`18446744073709551615`). */
export interface UnsignedLiteral {
  readonly kind: 'UnsignedLiteral'
  readonly value: bigint
}

/** A single-quoted string literal, unescaped. */
export interface StringLiteral {
  readonly kind: 'StringLiteral'
  readonly value: string
}

/** `true` or `false`. */
export interface BooleanLiteral {
  readonly kind: 'BooleanLiteral'
  readonly value: boolean
}

/** A duration literal (`10s`), in nanoseconds. */
export interface DurationLiteral {
  readonly kind: 'DurationLiteral'
  readonly value: bigint
}

/** A point in time, in nanoseconds since the epoch (never produced by the parser). */
export interface TimeLiteral {
  readonly kind: 'TimeLiteral'
  readonly value: bigint
}

/** A regular expression (`/^cpu/`); `pattern` is RE2 syntax with `\/` already unescaped. */
export interface RegexLiteral {
  readonly kind: 'RegexLiteral'
  readonly pattern: string
}

/** A list of tag keys, from `SHOW TAG VALUES WITH KEY IN (a, b)`. */
export interface ListLiteral {
  readonly kind: 'ListLiteral'
  readonly values: readonly string[]
}

/** The nil value (never produced by the parser). */
export interface NilLiteral {
  readonly kind: 'NilLiteral'
}

/** A named parameter left unbound, printed as `$name` (never produced by the parser). */
export interface BoundParameter {
  readonly kind: 'BoundParameter'
  readonly name: string
}

/** Any literal value. */
export type Literal =
  | NumberLiteral
  | IntegerLiteral
  | UnsignedLiteral
  | StringLiteral
  | BooleanLiteral
  | DurationLiteral
  | TimeLiteral
  | RegexLiteral
  | ListLiteral
  | NilLiteral
  | BoundParameter

/** Any expression. */
export type Expr = BinaryExpr | ParenExpr | Call | VarRef | Distinct | Wildcard | Literal

/**
 * A measurement to read from or write into: `cpu`, `db.rp.cpu`, `db..cpu`, `/regex/`,
 * `db.rp./regex/`. `isTarget` marks the measurement of an INTO clause.
 */
export interface Measurement {
  readonly kind: 'Measurement'
  readonly database: string
  readonly retentionPolicy: string
  readonly name: string
  readonly regex: RegexLiteral | null
  readonly isTarget: boolean
}

/** A parenthesized SELECT used as a source. */
export interface SubQuery {
  readonly kind: 'SubQuery'
  readonly statement: SelectStatementNode
}

/** A FROM source. */
export type Source = Measurement | SubQuery

/** One selected expression, with its `AS` alias ('' when none). */
export interface Field {
  readonly expr: Expr
  readonly alias: string
}

/** One GROUP BY expression: a tag, `*`, a regex, or `time(interval[, offset])`. */
export interface Dimension {
  readonly expr: Expr
}

/** One ORDER BY entry; `name` is '' for a bare `ORDER BY ASC|DESC`. */
export interface SortField {
  readonly name: string
  readonly ascending: boolean
}

/** The INTO clause; a measurement named '' means `:MEASUREMENT` (the source's name). */
export interface Target {
  readonly measurement: Measurement
}

/** How empty GROUP BY time intervals are filled. */
export type FillOption = 'null' | 'none' | 'number' | 'previous' | 'linear'

/** A SELECT statement (declared here because subqueries nest it inside sources). */
export interface SelectStatementNode {
  readonly kind: 'SelectStatement'
  readonly fields: readonly Field[]
  readonly target: Target | null
  readonly sources: readonly Source[]
  readonly condition: Expr | null
  readonly dimensions: readonly Dimension[]
  readonly fill: FillOption
  /** The value of `fill(<number>)`: an int64 when written as an integer, else a float64. */
  readonly fillValue: number | bigint | null
  readonly sortFields: readonly SortField[]
  /** 0 means no limit; likewise for offset, sLimit and sOffset. */
  readonly limit: number
  readonly offset: number
  readonly sLimit: number
  readonly sOffset: number
  /** The time zone of `tz('...')`, as written; null when absent. */
  readonly location: string | null
  /** True when no field calls a function (a raw query rather than an aggregate). */
  readonly isRawQuery: boolean
}
