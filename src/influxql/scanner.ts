// The InfluxQL scanner: turns the characters of a query into tokens (keywords, identifiers,
// literals, operators, whitespace and comments), each with the 0-based position InfluxDB would
// report for it. Regular expressions are context-dependent (`/` is also division), so the parser
// asks for them explicitly with scanRegex(). Literal rules:
//
//  - identifiers: [A-Za-z_][A-Za-z0-9_]*, or "double quoted" with \" \\ \n \' escapes;
//  - strings: 'single quoted', same escapes, no raw newline;
//  - numbers: digits with an optional .digits (or .digits alone) are NUMBER, digits alone are
//    INTEGER, and digits followed by letters (or µ) and then letters/digits are DURATIONVAL;
//  - `-- comment` to the end of the line and `/* comment */`;
//  - `$name` / `$"name"` bound parameters.

import { EOF_CH, RuneReader } from './reader.js'
import { isDigit, isIdentChar, isLetter, isWhitespace, lookupKeyword, T } from './token.js'
import type { Token } from './token.js'

/** One scanned token: its kind, its 0-based position and its literal text ('' for most tokens). */
export interface Scanned {
  readonly tok: Token
  readonly line: number
  readonly char: number
  readonly lit: string
}

const MICRO = 0xb5 // µ, accepted as a duration unit

function token(tok: Token, line: number, char: number): Scanned {
  return { tok, line, char, lit: '' }
}

/** The scanner over one query's text. Not safe to share between parses. */
export class Scanner {
  readonly r: RuneReader

  constructor(text: string) {
    this.r = new RuneReader(text)
  }

  /** Scans the next token. */
  scan(): Scanned {
    const r = this.r
    const ch0 = r.read()
    const line = r.line()
    const char = r.char()
    if (isWhitespace(ch0)) return this.#scanWhitespace()
    if (isLetter(ch0) || ch0 === 0x5f) {
      r.unread()
      return this.#scanIdent(true)
    }
    if (isDigit(ch0)) return this.#scanNumber()

    switch (ch0) {
      case EOF_CH:
        return token(T.EOF, line, char)
      case 0x22: // "
        r.unread()
        return this.#scanIdent(true)
      case 0x27: // '
        return this.#scanString()
      case 0x2e: {
        // .
        const ch1 = r.read()
        r.unread()
        return isDigit(ch1) ? this.#scanNumber() : token(T.DOT, line, char)
      }
      case 0x24: {
        // $
        const id = this.#scanIdent(false)
        return { tok: id.tok === T.IDENT ? T.BOUNDPARAM : id.tok, line, char, lit: '$' + id.lit }
      }
      case 0x2b:
        return token(T.ADD, line, char)
      case 0x2d: // -
        if (r.read() === 0x2d) {
          this.#skipUntilNewline()
          return token(T.COMMENT, line, char)
        }
        r.unread()
        return token(T.SUB, line, char)
      case 0x2a:
        return token(T.MUL, line, char)
      case 0x2f: // /
        if (r.read() === 0x2a)
          return token(this.#skipUntilEndComment() ? T.COMMENT : T.ILLEGAL, line, char)
        r.unread()
        return token(T.DIV, line, char)
      case 0x25:
        return token(T.MOD, line, char)
      case 0x26:
        return token(T.BITWISE_AND, line, char)
      case 0x7c:
        return token(T.BITWISE_OR, line, char)
      case 0x5e:
        return token(T.BITWISE_XOR, line, char)
      case 0x3d: // =
        if (r.read() === 0x7e) return token(T.EQREGEX, line, char)
        r.unread()
        return token(T.EQ, line, char)
      case 0x21: {
        // !
        const ch1 = r.read()
        if (ch1 === 0x3d) return token(T.NEQ, line, char)
        if (ch1 === 0x7e) return token(T.NEQREGEX, line, char)
        r.unread()
        break
      }
      case 0x3e: // >
        if (r.read() === 0x3d) return token(T.GTE, line, char)
        r.unread()
        return token(T.GT, line, char)
      case 0x3c: {
        // <
        const ch1 = r.read()
        if (ch1 === 0x3d) return token(T.LTE, line, char)
        if (ch1 === 0x3e) return token(T.NEQ, line, char)
        r.unread()
        return token(T.LT, line, char)
      }
      case 0x28:
        return token(T.LPAREN, line, char)
      case 0x29:
        return token(T.RPAREN, line, char)
      case 0x2c:
        return token(T.COMMA, line, char)
      case 0x3b:
        return token(T.SEMICOLON, line, char)
      case 0x3a: // :
        if (r.read() === 0x3a) return token(T.DOUBLECOLON, line, char)
        r.unread()
        return token(T.COLON, line, char)
    }
    return { tok: T.ILLEGAL, line, char, lit: String.fromCodePoint(ch0) }
  }

  /**
   * Scans a regular expression delimited by slashes, where `\/` stands for `/` and any other
   * backslash is kept as written. REGEX carries the pattern; an unterminated regex, or one with
   * a raw newline, is BADREGEX (with an empty literal, as in InfluxDB).
   */
  scanRegex(): Scanned {
    const r = this.r
    const line = r.line()
    const char = r.char()
    const pattern = this.#scanDelimited()
    if (pattern === undefined) return { tok: T.BADREGEX, line, char, lit: '' }
    return { tok: T.REGEX, line, char, lit: pattern }
  }

  #scanWhitespace(): Scanned {
    const r = this.r
    const line = r.line()
    const char = r.char()
    let text = String.fromCodePoint(r.curr())
    for (;;) {
      const ch = r.read()
      if (ch === EOF_CH) break
      if (!isWhitespace(ch)) {
        r.unread()
        break
      }
      text += String.fromCodePoint(ch)
    }
    return { tok: T.WS, line, char, lit: text }
  }

  #skipUntilNewline(): void {
    for (;;) {
      const ch = this.r.read()
      if (ch === 0x0a || ch === EOF_CH) return
    }
  }

  /** Skips to the closing star-slash; false when the input ends first. */
  #skipUntilEndComment(): boolean {
    const r = this.r
    for (;;) {
      let ch = r.read()
      if (ch === EOF_CH) return false
      while (ch === 0x2a) {
        ch = r.read()
        if (ch === 0x2f) return true
        if (ch === EOF_CH) return false
      }
    }
  }

  #scanIdent(lookup: boolean): Scanned {
    const r = this.r
    r.read()
    const line = r.line()
    const char = r.char()
    r.unread()
    let text = ''
    for (;;) {
      const ch = r.read()
      if (ch === EOF_CH) break
      if (ch === 0x22) {
        const quoted = this.#scanString()
        if (quoted.tok === T.BADSTRING || quoted.tok === T.BADESCAPE) return quoted
        return { tok: T.IDENT, line, char, lit: quoted.lit }
      }
      if (!isIdentChar(ch)) {
        r.unread()
        break
      }
      r.unread()
      text += this.#scanBareIdent()
    }
    if (lookup) {
      const kw = lookupKeyword(text)
      if (kw !== T.IDENT) return { tok: kw, line, char, lit: '' }
    }
    return { tok: T.IDENT, line, char, lit: text }
  }

  #scanBareIdent(): string {
    return this.r.readRun(isIdentChar, false)
  }

  /** Scans a quoted string or identifier; the reader has just read the opening quote. */
  #scanString(): Scanned {
    const r = this.r
    r.unread()
    const line = r.line()
    const char = r.char()
    const quote = r.read()
    let text = ''
    if (quote === EOF_CH) return { tok: T.BADSTRING, line, char, lit: '' }
    for (;;) {
      const ch0 = r.read()
      if (ch0 === quote) return { tok: T.STRING, line, char, lit: text }
      if (ch0 === EOF_CH || ch0 === 0x0a) return { tok: T.BADSTRING, line, char, lit: text }
      if (ch0 !== 0x5c) {
        text += String.fromCodePoint(ch0)
        continue
      }
      const ch1 = r.read()
      if (ch1 === 0x6e) text += '\n'
      else if (ch1 === 0x5c) text += '\\'
      else if (ch1 === 0x22) text += '"'
      else if (ch1 === 0x27) text += "'"
      else
        return {
          tok: T.BADESCAPE,
          line: r.line(),
          char: r.char(),
          lit: '\\' + String.fromCodePoint(ch1),
        }
    }
  }

  /** The text between two slashes, unescaping `\/`; undefined if unterminated or multi-line. */
  #scanDelimited(): string | undefined {
    const r = this.r
    if (r.read() !== 0x2f) return undefined
    let text = ''
    for (;;) {
      const ch0 = r.read()
      if (ch0 === 0x2f) return text
      if (ch0 === EOF_CH || ch0 === 0x0a) return undefined
      if (ch0 === 0x5c) {
        const ch1 = r.read()
        if (ch1 === EOF_CH) return undefined
        if (ch1 === 0x2f) {
          text += '/'
        } else {
          r.unread()
          text += '\\'
        }
        continue
      }
      text += String.fromCodePoint(ch0)
    }
  }

  #scanNumber(): Scanned {
    const r = this.r
    const line = r.line()
    const char = r.char()
    if (r.curr() === 0x2e) {
      const ch1 = r.read()
      r.unread()
      if (!isDigit(ch1)) return { tok: T.ILLEGAL, line, char, lit: '.' }
      r.unread()
    } else {
      r.unread()
    }
    let text = this.#scanDigits()
    let isDecimal = false
    const ch0 = r.read()
    if (ch0 === 0x2e) {
      isDecimal = true
      const ch1 = r.read()
      if (isDigit(ch1)) text += '.' + String.fromCodePoint(ch1) + this.#scanDigits()
      else r.unread()
    } else {
      r.unread()
    }
    if (isDecimal) return { tok: T.NUMBER, line, char, lit: text }

    const unit = r.read()
    if (!isLetter(unit) && unit !== MICRO) {
      r.unread()
      return { tok: T.INTEGER, line, char, lit: text }
    }
    text += String.fromCodePoint(unit)
    for (;;) {
      const ch = r.read()
      if (!isLetter(ch) && ch !== MICRO) {
        r.unread()
        break
      }
      text += String.fromCodePoint(ch)
    }
    for (;;) {
      const ch = r.read()
      if (!isLetter(ch) && ch !== MICRO && !isDigit(ch)) {
        r.unread()
        break
      }
      text += String.fromCodePoint(ch)
    }
    return { tok: T.DURATIONVAL, line, char, lit: text }
  }

  #scanDigits(): string {
    return this.r.readRun(isDigit, true)
  }
}
