// Quoting for printing InfluxQL: identifiers in double quotes when they would not scan back as
// the same bare identifier, strings in single quotes. Both escape backslash, newline and their own
// quote character, which is exactly what the scanner unescapes.

import { isIdentChar, isLetter, lookupKeyword, T } from './token.js'

function escape(text: string, quote: '"' | "'"): string {
  let out = ''
  for (const ch of text) {
    if (ch === '\n') out += '\\n'
    else if (ch === '\\') out += '\\\\'
    else if (ch === quote) out += '\\' + quote
    else out += ch
  }
  return out
}

/** A string literal: `'text'`, with `\\`, `\'` and `\n` escapes. */
export function quoteString(text: string): string {
  return "'" + escape(text, "'") + "'"
}

/**
 * Whether an identifier must be quoted to scan back as itself: it is a keyword, starts with a
 * digit, or has a character other than ASCII letters, digits and `_`. (The empty name is handled
 * by quoteIdent.)
 */
export function identNeedsQuotes(ident: string): boolean {
  if (lookupKeyword(ident) !== T.IDENT) return true
  let first = true
  for (const ch of ident) {
    const cp = ch.codePointAt(0) ?? 0
    if (first ? !(isLetter(cp) || cp === 0x5f) : !isIdentChar(cp)) return true
    first = false
  }
  return false
}

/**
 * An identifier, or a dotted name of several, as InfluxQL prints it. A segment is quoted when it
 * needs quotes, when it is not the last and not empty (`"db".rp` would otherwise lose the dot's
 * meaning), and when it is empty and first or last (`""`); empty middle segments stay empty
 * (`"db"..cpu`).
 */
export function quoteIdent(...segments: readonly string[]): string {
  let out = ''
  const last = segments.length - 1
  segments.forEach((segment, i) => {
    const needQuote =
      identNeedsQuotes(segment) ||
      (i < last && segment !== '') ||
      ((i === 0 || i === last) && segment === '')
    out += needQuote ? '"' + escape(segment, '"') + '"' : segment
    if (i < last) out += '.'
  })
  return out
}
