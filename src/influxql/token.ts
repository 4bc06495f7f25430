// The tokens of InfluxQL 1.x: their numbering, their printed names, the keyword table, operator
// precedence and the quoting rule for identifiers. The numbering follows influxql's token list so
// that range tests (is this an operator? a keyword?) work the same way, and the printed names are
// exactly the ones InfluxDB puts into its "found X, expected Y" messages (some tokens, INTEGER and
// BOUNDPARAM among them, have no printed name there, and print as the empty string).

/** A lexical token kind; see {@link T}. */
export type Token = number

/** Every token kind, numbered in influxql's order. */
export const T = {
  ILLEGAL: 0,
  EOF: 1,
  WS: 2,
  COMMENT: 3,
  LITERAL_BEG: 4,
  IDENT: 5,
  BOUNDPARAM: 6,
  NUMBER: 7,
  INTEGER: 8,
  DURATIONVAL: 9,
  STRING: 10,
  BADSTRING: 11,
  BADESCAPE: 12,
  TRUE: 13,
  FALSE: 14,
  REGEX: 15,
  BADREGEX: 16,
  LITERAL_END: 17,
  OPERATOR_BEG: 18,
  ADD: 19,
  SUB: 20,
  MUL: 21,
  DIV: 22,
  MOD: 23,
  BITWISE_AND: 24,
  BITWISE_OR: 25,
  BITWISE_XOR: 26,
  AND: 27,
  OR: 28,
  EQ: 29,
  NEQ: 30,
  EQREGEX: 31,
  NEQREGEX: 32,
  LT: 33,
  LTE: 34,
  GT: 35,
  GTE: 36,
  OPERATOR_END: 37,
  LPAREN: 38,
  RPAREN: 39,
  COMMA: 40,
  COLON: 41,
  DOUBLECOLON: 42,
  SEMICOLON: 43,
  DOT: 44,
  KEYWORD_BEG: 45,
  ALL: 46,
  ALTER: 47,
  ANALYZE: 48,
  ANY: 49,
  AS: 50,
  ASC: 51,
  BEGIN: 52,
  BY: 53,
  CARDINALITY: 54,
  CREATE: 55,
  CONTINUOUS: 56,
  DATABASE: 57,
  DATABASES: 58,
  DEFAULT: 59,
  DELETE: 60,
  DESC: 61,
  DESTINATIONS: 62,
  DIAGNOSTICS: 63,
  DISTINCT: 64,
  DROP: 65,
  DURATION: 66,
  END: 67,
  EVERY: 68,
  EXACT: 69,
  EXPLAIN: 70,
  FIELD: 71,
  FOR: 72,
  FROM: 73,
  GRANT: 74,
  GRANTS: 75,
  GROUP: 76,
  GROUPS: 77,
  IN: 78,
  INF: 79,
  INSERT: 80,
  INTO: 81,
  KEY: 82,
  KEYS: 83,
  KILL: 84,
  LIMIT: 85,
  MEASUREMENT: 86,
  MEASUREMENTS: 87,
  NAME: 88,
  OFFSET: 89,
  ON: 90,
  ORDER: 91,
  PASSWORD: 92,
  POLICY: 93,
  POLICIES: 94,
  PRIVILEGES: 95,
  QUERIES: 96,
  QUERY: 97,
  READ: 98,
  REPLICATION: 99,
  RESAMPLE: 100,
  RETENTION: 101,
  REVOKE: 102,
  SELECT: 103,
  SERIES: 104,
  SET: 105,
  SHOW: 106,
  SHARD: 107,
  SHARDS: 108,
  SLIMIT: 109,
  SOFFSET: 110,
  STATS: 111,
  SUBSCRIPTION: 112,
  SUBSCRIPTIONS: 113,
  TAG: 114,
  TO: 115,
  USER: 116,
  USERS: 117,
  VALUES: 118,
  WHERE: 119,
  WITH: 120,
  WRITE: 121,
  KEYWORD_END: 122,
} as const

const SYMBOLS: ReadonlyMap<Token, string> = new Map<Token, string>([
  [T.ILLEGAL, 'ILLEGAL'],
  [T.EOF, 'EOF'],
  [T.WS, 'WS'],
  [T.IDENT, 'IDENT'],
  [T.NUMBER, 'NUMBER'],
  [T.DURATIONVAL, 'DURATIONVAL'],
  [T.STRING, 'STRING'],
  [T.BADSTRING, 'BADSTRING'],
  [T.BADESCAPE, 'BADESCAPE'],
  [T.TRUE, 'TRUE'],
  [T.FALSE, 'FALSE'],
  [T.REGEX, 'REGEX'],
  [T.ADD, '+'],
  [T.SUB, '-'],
  [T.MUL, '*'],
  [T.DIV, '/'],
  [T.MOD, '%'],
  [T.BITWISE_AND, '&'],
  [T.BITWISE_OR, '|'],
  [T.BITWISE_XOR, '^'],
  [T.AND, 'AND'],
  [T.OR, 'OR'],
  [T.EQ, '='],
  [T.NEQ, '!='],
  [T.EQREGEX, '=~'],
  [T.NEQREGEX, '!~'],
  [T.LT, '<'],
  [T.LTE, '<='],
  [T.GT, '>'],
  [T.GTE, '>='],
  [T.LPAREN, '('],
  [T.RPAREN, ')'],
  [T.COMMA, ','],
  [T.COLON, ':'],
  [T.DOUBLECOLON, '::'],
  [T.SEMICOLON, ';'],
  [T.DOT, '.'],
])

const NAMES: readonly string[] = (() => {
  const names: string[] = []
  const byValue = new Map<number, string>()
  for (const [name, value] of Object.entries(T)) byValue.set(value, name)
  for (let tok = 0; tok < T.KEYWORD_END; tok++) {
    const symbol = SYMBOLS.get(tok)
    if (symbol !== undefined) names.push(symbol)
    else if (tok > T.KEYWORD_BEG) names.push(byValue.get(tok) ?? '')
    else names.push('')
  }
  return names
})()

/** The keywords, lower case, mapped to their token; AND, OR, TRUE and FALSE are keywords too. */
const KEYWORDS: ReadonlyMap<string, Token> = (() => {
  const map = new Map<string, Token>()
  for (let tok = T.KEYWORD_BEG + 1; tok < T.KEYWORD_END; tok++) {
    map.set((NAMES[tok] ?? '').toLowerCase(), tok)
  }
  map.set('and', T.AND)
  map.set('or', T.OR)
  map.set('true', T.TRUE)
  map.set('false', T.FALSE)
  return map
})()

/** The printed name of a token (`SELECT`, `>=`, `EOF`), or '' for the few that have none. */
export function tokenName(tok: Token): string {
  return NAMES[tok] ?? ''
}

/** What InfluxQL prints for a scanned token: its literal text when it has one, else its name. */
export function tokenText(tok: Token, lit: string): string {
  return lit !== '' ? lit : tokenName(tok)
}

/** The keyword token for a word (case-insensitive), or IDENT when the word is not a keyword. */
export function lookupKeyword(word: string): Token {
  // Keywords are 2 to 13 letters long.
  if (word.length < 2 || word.length > 13) return T.IDENT
  return KEYWORDS.get(word.toLowerCase()) ?? T.IDENT
}

/** Whether a token is a binary operator (arithmetic, bitwise, AND, OR, comparison, regex match). */
export function isOperator(tok: Token): boolean {
  return tok > T.OPERATOR_BEG && tok < T.OPERATOR_END
}

/** Whether a token is =~ or !~, whose right-hand side must be a regular expression. */
export function isRegexOperator(tok: Token): boolean {
  return tok === T.EQREGEX || tok === T.NEQREGEX
}

/**
 * The binding strength of a binary operator: OR 1, AND 2, comparisons and regex matches 3,
 * + - | ^ 4, * / % & 5; 0 for anything else.
 */
export function precedence(tok: Token): number {
  switch (tok) {
    case T.OR:
      return 1
    case T.AND:
      return 2
    case T.EQ:
    case T.NEQ:
    case T.EQREGEX:
    case T.NEQREGEX:
    case T.LT:
    case T.LTE:
    case T.GT:
    case T.GTE:
      return 3
    case T.ADD:
    case T.SUB:
    case T.BITWISE_OR:
    case T.BITWISE_XOR:
      return 4
    case T.MUL:
    case T.DIV:
    case T.MOD:
    case T.BITWISE_AND:
      return 5
    default:
      return 0
  }
}

/** Whether a code point is an ASCII letter. */
export function isLetter(ch: number): boolean {
  return (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a)
}

/** Whether a code point is an ASCII digit. */
export function isDigit(ch: number): boolean {
  return ch >= 0x30 && ch <= 0x39
}

/** Whether a code point may appear in an unquoted identifier: a letter, a digit or `_`. */
export function isIdentChar(ch: number): boolean {
  return isLetter(ch) || isDigit(ch) || ch === 0x5f
}

/** Whether a code point is InfluxQL whitespace: space, tab or newline. */
export function isWhitespace(ch: number): boolean {
  return ch === 0x20 || ch === 0x09 || ch === 0x0a
}
