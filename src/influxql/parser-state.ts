// The parser's view of the token stream, and the small grammar pieces every statement uses
// (identifiers, dotted names, strings, integers, durations, keyword sequences). The parser reads
// tokens through a ring of the last three, so it can step back up to three tokens; bound
// parameters are substituted each time a token is taken from the ring. Like InfluxDB's parser,
// some decisions peek at the next raw character (is a regex next?), which is why the scanner's
// reader is reachable from here.

import { tryParseDuration } from './duration.js'
import { InfluxQLParseError } from './errors.js'
import { bindParams } from './params.js'
import type { BoundToken, QueryParams } from './params.js'
import { quoteIdent } from './quote.js'
import { EOF_CH } from './reader.js'
import { Scanner } from './scanner.js'
import type { Scanned } from './scanner.js'
import { T, tokenName, tokenText } from './token.js'
import type { Token } from './token.js'

const RING = 3

/**
 * How deeply parentheses, calls and subqueries may nest. InfluxDB has no limit (Go stacks grow);
 * we stop well before the JavaScript stack would overflow, with a parse error.
 */
export const MAX_NESTING = 1000
const NOTHING: Scanned = { tok: T.ILLEGAL, line: 0, char: 0, lit: '' }
const INT64_MAX = (1n << 63n) - 1n
const INT64_MIN = -(1n << 63n)
const UINT64_MAX = (1n << 64n) - 1n

/** An InfluxQL parse in progress over one query text. Not reusable, not shared. */
export class ParserState {
  readonly #scanner: Scanner
  readonly #params: ReadonlyMap<string, BoundToken>
  readonly #ring: Scanned[] = [NOTHING, NOTHING, NOTHING]
  #i = 0
  #n = 0
  #depth = 0

  constructor(text: string, params?: QueryParams) {
    this.#scanner = new Scanner(text)
    this.#params = bindParams(params)
  }

  /** Enters a nested construct (parentheses, call, subquery); fails when nested too deeply. */
  enter(): void {
    if (++this.#depth > MAX_NESTING) throw InfluxQLParseError.plain('query nests too deeply')
  }

  /** Leaves a nested construct entered with enter(). */
  leave(): void {
    this.#depth--
  }

  /** The bound value of a parameter name, if any. */
  param(name: string): BoundToken | undefined {
    return this.#params.get(name)
  }

  /** The next token, whitespace and comments included. */
  scan(): Scanned {
    return this.#take(false)
  }

  /** The next token scanned as a regex (the next character should be `/`). */
  scanRegex(): Scanned {
    return this.#take(true)
  }

  /** Steps back one token. */
  unscan(): void {
    this.#n++
  }

  /** The next token that is not whitespace or a comment. */
  scanIgnoreWhitespace(): Scanned {
    for (;;) {
      const t = this.scan()
      if (t.tok !== T.WS && t.tok !== T.COMMENT) return t
    }
  }

  /** Skips one whitespace token, if that is what comes next. */
  consumeWhitespace(): void {
    if (this.scan().tok !== T.WS) this.unscan()
  }

  /** The next raw character after the last token scanned (EOF_CH at the end). */
  peekRune(): number {
    const r = this.#scanner.r
    const ch = r.read()
    if (ch !== EOF_CH) r.unread()
    return ch
  }

  #take(regex: boolean): Scanned {
    let t: Scanned
    if (this.#n > 0) {
      this.#n--
      t = this.#current()
    } else {
      this.#i = (this.#i + 1) % RING
      t = regex ? this.#scanner.scanRegex() : this.#scanner.scan()
      this.#ring[this.#i] = t
    }
    if (t.tok === T.BOUNDPARAM) {
      const name = t.lit.startsWith('$') ? t.lit.slice(1) : t.lit
      const bound = name === '' ? undefined : this.#params.get(name)
      if (bound !== undefined) return { tok: bound.tok, line: t.line, char: t.char, lit: bound.lit }
    }
    return t
  }

  #current(): Scanned {
    return this.#ring[(((this.#i - this.#n) % RING) + RING) % RING] ?? NOTHING
  }

  /** `found <t>, expected <expected>` at t's position. */
  unexpected(t: Scanned, expected: readonly string[]): InfluxQLParseError {
    return InfluxQLParseError.unexpected(tokenText(t.tok, t.lit), expected, t.line, t.char)
  }

  /** `<reason>` at t's position. */
  errorAt(reason: string, t: Scanned): InfluxQLParseError {
    return InfluxQLParseError.at(reason, t.line, t.char)
  }

  /** Requires the next tokens to be exactly `toks`, in order. */
  expectTokens(...toks: readonly Token[]): void {
    for (const want of toks) {
      const t = this.scanIgnoreWhitespace()
      if (t.tok !== want) throw this.unexpected(t, [tokenName(want)])
    }
  }

  /** Consumes the next token if it is `tok`; otherwise leaves it and returns false. */
  acceptToken(tok: Token): boolean {
    if (this.scanIgnoreWhitespace().tok === tok) return true
    this.unscan()
    return false
  }

  /** An identifier (bare or double-quoted). */
  parseIdent(): string {
    const t = this.scanIgnoreWhitespace()
    if (t.tok !== T.IDENT) throw this.unexpected(t, ['identifier'])
    return t.lit
  }

  /** One or more identifiers separated by commas. */
  parseIdentList(): string[] {
    const idents = [this.parseIdent()]
    while (this.acceptToken(T.COMMA)) idents.push(this.parseIdent())
    return idents
  }

  /**
   * A dotted name of up to three segments (`db.rp.m`, `db..m`). Stops before a segment that is
   * a regex or `:MEASUREMENT`, leaving the dot consumed.
   */
  parseSegmentedIdents(): string[] {
    const idents = [this.parseIdent()]
    for (;;) {
      if (this.scan().tok !== T.DOT) {
        this.unscan()
        break
      }
      const ch = this.peekRune()
      if (ch === 0x2f || ch === 0x3a) break
      if (ch === 0x2e) {
        idents.push('')
        continue
      }
      idents.push(this.parseIdent())
    }
    if (idents.length > 3)
      throw InfluxQLParseError.at(`too many segments in ${quoteIdent(...idents)}`, 0, 0)
    return idents
  }

  /** A single-quoted string. */
  parseString(): string {
    const t = this.scanIgnoreWhitespace()
    if (t.tok !== T.STRING) throw this.unexpected(t, ['string'])
    return t.lit
  }

  /** One or more strings separated by commas. */
  parseStringList(): string[] {
    const strings = [this.parseString()]
    while (this.acceptToken(T.COMMA)) strings.push(this.parseString())
    return strings
  }

  /** A base 10 integer within [min, max] (Go's strconv.Atoi, then a range check). */
  parseInt(min: number, max: number): number {
    const t = this.scanIgnoreWhitespace()
    if (t.tok !== T.INTEGER) throw this.unexpected(t, ['integer'])
    const n = parseDecimal(t.lit)
    if (n === undefined)
      throw this.errorAt(`strconv.Atoi: parsing ${goQuote(t.lit)}: invalid syntax`, t)
    if (n < INT64_MIN || n > INT64_MAX) {
      throw this.errorAt(`strconv.Atoi: parsing ${goQuote(t.lit)}: value out of range`, t)
    }
    if (n < BigInt(min) || n > BigInt(max)) {
      throw this.errorAt(`invalid value ${n}: must be ${min} <= n <= ${max}`, t)
    }
    return Number(n)
  }

  /** A base 10 unsigned 64-bit integer. */
  parseUInt64(): bigint {
    const t = this.scanIgnoreWhitespace()
    if (t.tok !== T.INTEGER) throw this.unexpected(t, ['integer'])
    const n = /^[0-9]+$/.test(t.lit) ? BigInt(t.lit) : undefined
    if (n === undefined)
      throw this.errorAt(`strconv.ParseUint: parsing ${goQuote(t.lit)}: invalid syntax`, t)
    if (n > UINT64_MAX)
      throw this.errorAt(`strconv.ParseUint: parsing ${goQuote(t.lit)}: value out of range`, t)
    return n
  }

  /** A duration literal or INF (0); the keyword before it has been consumed. */
  parseDuration(): bigint {
    const t = this.scanIgnoreWhitespace()
    if (t.tok === T.INF) return 0n
    if (t.tok !== T.DURATIONVAL) throw this.unexpected(t, ['duration'])
    const d = tryParseDuration(t.lit)
    if (typeof d === 'string') throw this.errorAt(d, t)
    return d
  }

  /** `<tok> <integer>` if `tok` comes next (LIMIT 10, OFFSET 5, ...), else 0. */
  parseOptionalTokenAndInt(tok: Token): number {
    if (!this.acceptToken(tok)) return 0
    const t = this.scanIgnoreWhitespace()
    if (t.tok !== T.INTEGER) throw this.unexpected(t, ['integer'])
    // Go ignores the conversion error here: out-of-range values saturate, junk reads as 0.
    let n = parseDecimal(t.lit) ?? 0n
    if (n > INT64_MAX) n = INT64_MAX
    if (n < INT64_MIN) n = INT64_MIN
    if (n < 0n) throw this.errorAt(`${tokenName(tok)} must be >= 0`, t)
    return Number(n)
  }
}

/** A signed decimal integer of any size, or undefined when the text is not one. */
function parseDecimal(text: string): bigint | undefined {
  return /^[+-]?[0-9]+$/.test(text) ? BigInt(text) : undefined
}

/** Go's strconv.Quote for the ASCII texts that reach it here. */
function goQuote(text: string): string {
  return JSON.stringify(text)
}
