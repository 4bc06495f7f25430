// The lexical pieces of RE2 syntax for the regex check (re2-syntax.ts): escapes, character
// classes, Unicode class names and counted repetitions. Each function reads the pattern (as an
// array of code points) from an index and returns where it stops, or throws RegexSyntaxError
// with Go's text (`error parsing regexp: <code>: `<offending text>``).

import { REGEX_CLASS_NAMES } from './re2-names.js'

/** A regex that Go's regexp.Compile rejects; the message is Go's error text. */
export class RegexSyntaxError extends Error {}

/** Throws Go's error for `code` naming the offending text. */
export function fail(code: string, expr: string): never {
  throw new RegexSyntaxError(`error parsing regexp: ${code}: \`${expr}\``)
}

/** The perl class letters of \\d \\D \\s \\S \\w \\W. */
export const PERL_CLASSES: ReadonlySet<string> = new Set(['d', 'D', 's', 'S', 'w', 'W'])

const POSIX_CLASSES: ReadonlySet<string> = new Set(
  [
    'alnum',
    'alpha',
    'ascii',
    'blank',
    'cntrl',
    'digit',
    'graph',
    'lower',
    'print',
    'punct',
    'space',
    'upper',
    'word',
    'xdigit',
  ].flatMap((n) => [`[:${n}:]`, `[:^${n}:]`]),
)

/** Whether a character is an ASCII letter or digit. */
export const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c)
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7'

function unhex(c: string | undefined): number {
  if (c === undefined || !/^[0-9A-Fa-f]$/.test(c)) return -1
  return parseInt(c, 16)
}

/** The text of code points [from, to). */
export function slice(s: readonly string[], from: number, to: number): string {
  return s.slice(from, to).join('')
}

/** A decimal without leading zeros at i: [value (-1 when too big), end], or undefined. */
function parseDecimal(s: readonly string[], i: number): [number, number] | undefined {
  if (!isDigit(s[i])) return undefined
  if (s[i] === '0' && isDigit(s[i + 1])) return undefined
  let end = i
  while (isDigit(s[end])) end++
  let n = 0
  for (let j = i; j < end; j++) {
    if (n >= 1e8) {
      n = -1
      break
    }
    n = n * 10 + Number(s[j])
  }
  return [n, end]
}

/** `{min}`, `{min,}` or `{min,max}` at i: [min, max (-1: none), end], or undefined. */
export function parseRepeat(s: readonly string[], i: number): [number, number, number] | undefined {
  const lo = parseDecimal(s, i + 1)
  if (lo === undefined) return undefined
  let [min, at] = lo
  let max: number
  if (at >= s.length) return undefined
  if (s[at] !== ',') {
    max = min
  } else {
    at++
    if (at >= s.length) return undefined
    if (s[at] === '}') {
      max = -1
    } else {
      const hi = parseDecimal(s, at)
      if (hi === undefined) return undefined
      ;[max, at] = hi
      if (max < 0) min = -1
    }
  }
  if (s[at] !== '}') return undefined
  return [min, max, at + 1]
}

/** `\pN`, `\p{Name}`, `\PN`, `\p{^Name}` at i (known to start `\p` or `\P`). */
export function parseUnicodeClass(s: readonly string[], i: number): number {
  let t = i + 2
  const c = s[t]
  let seq: string
  let name: string
  if (c !== '{') {
    if (c !== undefined) t++
    seq = slice(s, i, t)
    name = slice(s, i + 2, t)
  } else {
    const end = s.indexOf('}', i)
    if (end < 0) fail('invalid character class range', slice(s, i, s.length))
    seq = slice(s, i, end + 1)
    name = slice(s, i + 3, end)
    t = end + 1
  }
  if (name.startsWith('^')) name = name.slice(1)
  if (!REGEX_CLASS_NAMES.has(name)) fail('invalid character class range', seq)
  return t
}

/** An escape at i (a backslash); returns [code point, index after]. */
export function parseEscape(s: readonly string[], i: number): [number, number] {
  let t = i + 1
  const c = s[t++]
  if (c === undefined) fail('trailing backslash at end of expression', '')
  const cp = c.codePointAt(0) ?? 0
  // An octal escape: \0, or \1-\7 followed by another octal digit (a lone \1 would be a
  // backreference, which RE2 does not support); up to three digits in all.
  if (c === '0' || (c >= '1' && c <= '7' && isOctal(s[t]))) {
    let r = cp - 0x30
    for (let k = 1; k < 3 && isOctal(s[t]); k++) r = r * 8 + Number(s[t++])
    return [r, t]
  }
  switch (c) {
    case 'x': {
      if (t >= s.length) break
      const c1 = s[t++]
      if (c1 === '{') {
        let nhex = 0
        let r = 0
        for (;;) {
          if (t >= s.length) return fail('invalid escape sequence', slice(s, i, t))
          const h = s[t++]
          if (h === '}') break
          const v = unhex(h)
          r = r * 16 + v
          if (v < 0 || r > 0x10ffff) return fail('invalid escape sequence', slice(s, i, t))
          nhex++
        }
        if (nhex === 0) break
        return [r, t]
      }
      const x = unhex(c1)
      const c2 = s[t]
      if (c2 !== undefined) t++
      const y = unhex(c2)
      if (x < 0 || y < 0) break
      return [x * 16 + y, t]
    }
    case 'a':
      return [7, t]
    case 'f':
      return [12, t]
    case 'n':
      return [10, t]
    case 'r':
      return [13, t]
    case 't':
      return [9, t]
    case 'v':
      return [11, t]
    default:
      if (cp < 0x80 && !isAlnum(c)) return [cp, t]
  }
  return fail('invalid escape sequence', slice(s, i, t))
}

/** Checks a character class starting at i (`[`); returns the index after its `]`. */
export function parseClass(s: readonly string[], i: number): number {
  const whole = slice(s, i, s.length)
  let t = i + 1
  if (s[t] === '^') t++
  let first = true
  while (t >= s.length || s[t] !== ']' || first) {
    first = false
    if (s.length - t > 2 && s[t] === '[' && s[t + 1] === ':') {
      const close = s
        .slice(t + 2)
        .join('')
        .indexOf(':]')
      if (close >= 0) {
        const end =
          t +
          2 +
          Array.from(
            s
              .slice(t + 2)
              .join('')
              .slice(0, close),
          ).length +
          2
        const name = slice(s, t, end)
        if (!POSIX_CLASSES.has(name)) fail('invalid character class range', name)
        t = end
        continue
      }
    }
    if (s[t] === '\\' && (s[t + 1] === 'p' || s[t + 1] === 'P')) {
      t = parseUnicodeClass(s, t)
      continue
    }
    if (s[t] === '\\' && PERL_CLASSES.has(s[t + 1] ?? '')) {
      t += 2
      continue
    }
    const rangeStart = t
    let lo: number
    ;[lo, t] = parseClassChar(s, t, whole)
    if (s.length - t >= 2 && s[t] === '-' && s[t + 1] !== ']') {
      let hi: number
      ;[hi, t] = parseClassChar(s, t + 1, whole)
      if (hi < lo) fail('invalid character class range', slice(s, rangeStart, t))
    }
  }
  return t + 1
}

function parseClassChar(s: readonly string[], t: number, whole: string): [number, number] {
  const c = s[t]
  if (c === undefined) return fail('missing closing ]', whole)
  if (c === '\\') return parseEscape(s, t)
  return [c.codePointAt(0) ?? 0, t + 1]
}
