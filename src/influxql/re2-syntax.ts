// Checks a regular expression the way Go's regexp.Compile (RE2 syntax, Perl flags) does, and
// reports its error text, e.g. "error parsing regexp: missing closing ): `(`". InfluxDB compiles
// every regex in a query while parsing, so an invalid one is a parse error with that text.
//
// The check follows the shape of Go's parser: a stack of finished pieces with markers for open
// groups and `|`, concatenated and alternated as the pattern goes on. That shape decides when a
// repetition has no argument (`a|*`), when a `)` is unexpected, and how repetitions nest
// (`(a{100}){20}` exceeds the 1000-copy limit). Character sets themselves are not built, only
// checked (ranges in order, known class names). Not reproduced: Go's limit on the compiled size
// of huge patterns (about 3.3 million instructions).

import {
  fail,
  isAlnum,
  parseClass,
  parseEscape,
  parseRepeat,
  parseUnicodeClass,
  PERL_CLASSES,
  RegexSyntaxError,
  slice,
} from './re2-lexical.js'

type Op =
  | 'literal'
  | 'class'
  | 'empty'
  | 'nomatch'
  | 'assert'
  | 'capture'
  | 'star'
  | 'plus'
  | 'quest'
  | 'repeat'
  | 'concat'
  | 'alternate'
  | 'leftParen'
  | 'verticalBar'

interface Piece {
  op: Op
  subs: Piece[]
  height: number
  /** Runes in a literal; 1 for a single character. */
  runes: number
  /** FoldCase flag of a literal, or the flags to restore at a group's `)`. */
  flags: number
  min: number
  max: number
  capturing: boolean
}

const FOLD_CASE = 1
const ONE_LINE = 2
const INITIAL_FLAGS = ONE_LINE
const ALL_FLAGS = 0xf
const MAX_HEIGHT = 1000

class Checker {
  readonly #s: readonly string[]
  readonly #whole: string
  #stack: Piece[] = []
  #flags = INITIAL_FLAGS
  #allocated = 0

  constructor(pattern: string) {
    this.#s = Array.from(pattern)
    this.#whole = pattern
  }

  #text(from: number, to: number): string {
    return slice(this.#s, from, to)
  }

  #piece(op: Op, subs: Piece[] = [], extra: Partial<Piece> = {}): Piece {
    this.#allocated++
    let height = 1
    for (const sub of subs) height = Math.max(height, sub.height + 1)
    return {
      op,
      subs,
      height,
      runes: 0,
      flags: this.#flags,
      min: 0,
      max: 0,
      capturing: false,
      ...extra,
    }
  }

  #checkHeight(piece: Piece): void {
    if (this.#allocated >= MAX_HEIGHT && piece.height > MAX_HEIGHT)
      fail('expression nests too deeply', this.#whole)
  }

  #push(piece: Piece): void {
    this.#stack.push(piece)
    this.#checkHeight(piece)
  }

  #literal(): void {
    this.#push(this.#piece('literal', [], { runes: 1, flags: this.#flags & FOLD_CASE }))
  }

  /** The index above the topmost `(` or `|` marker. */
  #markerTop(): number {
    let i = this.#stack.length
    while (i > 0 && !isMarker(this.#stack[i - 1])) i--
    return i
  }

  #collapse(subs: Piece[], op: 'concat' | 'alternate'): Piece {
    if (op === 'concat') subs = mergeLiterals(subs)
    const [only] = subs
    if (subs.length === 1 && only !== undefined) return only
    const flat = subs.flatMap((sub) => (sub.op === op ? sub.subs : [sub]))
    return this.#piece(op, flat)
  }

  #concat(): void {
    const i = this.#markerTop()
    const subs = this.#stack.splice(i)
    this.#push(subs.length === 0 ? this.#piece('empty') : this.#collapse(subs, 'concat'))
  }

  #alternate(): void {
    const i = this.#markerTop()
    const subs = this.#stack.splice(i)
    this.#push(subs.length === 0 ? this.#piece('nomatch') : this.#collapse(subs, 'alternate'))
  }

  /** If a piece sits above a `|` marker, moves it below (merging single characters). */
  #swapVerticalBar(): boolean {
    const st = this.#stack
    const n = st.length
    const top = st[n - 1]
    const bar = st[n - 2]
    const below = st[n - 3]
    if (top === undefined || bar?.op !== 'verticalBar') return false
    if (below !== undefined && isCharClass(top) && isCharClass(below)) {
      st[n - 3] = { ...below, op: 'class', runes: 0 }
      st.pop()
      return true
    }
    st[n - 2] = top
    st[n - 1] = bar
    return true
  }

  #rightParen(): void {
    this.#concat()
    if (this.#swapVerticalBar()) this.#stack.pop()
    this.#alternate()
    const inner = this.#stack.pop()
    const open = this.#stack.pop()
    if (inner === undefined || open?.op !== 'leftParen') fail('unexpected )', this.#whole)
    this.#flags = open.flags
    this.#push(open.capturing ? this.#piece('capture', [inner]) : inner)
  }

  #repeat(
    op: Op,
    min: number,
    max: number,
    before: number,
    after: number,
    lastRepeat: number,
  ): number {
    if (this.#s[after] === '?') after++
    if (lastRepeat >= 0) fail('invalid nested repetition operator', this.#text(lastRepeat, after))
    const sub = this.#stack[this.#stack.length - 1]
    if (sub === undefined || isMarker(sub))
      fail('missing argument to repetition operator', this.#text(before, after))
    const piece = this.#piece(op, [sub], { min, max })
    this.#stack[this.#stack.length - 1] = piece
    this.#checkHeight(piece)
    if (op === 'repeat' && (min >= 2 || max >= 2) && !repeatIsValid(piece, 1000)) {
      fail('invalid repeat count', this.#text(before, after))
    }
    return after
  }

  /** `(?flags)`, `(?flags:`, or `(?P<name>` at i; returns the index after it. */
  #parsePerlFlags(i: number): number {
    const s = this.#s
    if (s.length - i > 4 && s[i + 2] === 'P' && s[i + 3] === '<') {
      const end = s.indexOf('>', i)
      if (end < 0) fail('invalid named capture', this.#text(i, s.length))
      const name = this.#text(i + 4, end)
      if (name === '' || !Array.from(name).every((c) => c === '_' || isAlnum(c))) {
        fail('invalid named capture', this.#text(i, end + 1))
      }
      this.#push(this.#piece('leftParen', [], { capturing: true }))
      return end + 1
    }
    let t = i + 2
    let flags = this.#flags
    let negated = false
    let sawFlag = false
    while (t < s.length) {
      const c = s[t++]
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        const bit = c === 'i' ? FOLD_CASE : c === 'm' ? ONE_LINE : c === 's' ? 4 : 8
        flags = c === 'm' ? flags & ~bit : flags | bit
        sawFlag = true
      } else if (c === '-') {
        if (negated) break
        negated = true
        flags ^= ALL_FLAGS
        sawFlag = false
      } else if (c === ':' || c === ')') {
        if (negated) {
          if (!sawFlag) break
          flags ^= ALL_FLAGS
        }
        if (c === ':') this.#push(this.#piece('leftParen'))
        this.#flags = flags
        return t
      } else {
        break
      }
    }
    return fail('invalid or unsupported Perl syntax', this.#text(i, t))
  }

  check(): void {
    const s = this.#s
    let i = 0
    let lastRepeat = -1
    while (i < s.length) {
      let repeat = -1
      const c = s[i]
      switch (c) {
        case '(':
          if (s[i + 1] === '?') {
            i = this.#parsePerlFlags(i)
          } else {
            this.#push(this.#piece('leftParen', [], { capturing: true }))
            i++
          }
          break
        case '|':
          this.#concat()
          if (!this.#swapVerticalBar()) this.#push(this.#piece('verticalBar'))
          i++
          break
        case ')':
          this.#rightParen()
          i++
          break
        case '^':
        case '$':
          this.#push(this.#piece('assert'))
          i++
          break
        case '.':
          this.#push(this.#piece('class'))
          i++
          break
        case '[':
          i = parseClass(this.#s, i)
          this.#push(this.#piece('class'))
          break
        case '*':
        case '+':
        case '?':
          repeat = i
          i = this.#repeat(
            c === '*' ? 'star' : c === '+' ? 'plus' : 'quest',
            0,
            0,
            i,
            i + 1,
            lastRepeat,
          )
          break
        case '{': {
          const parsed = parseRepeat(this.#s, i)
          if (parsed === undefined) {
            this.#literal()
            i++
            break
          }
          const [min, max, after] = parsed
          if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max)) {
            fail('invalid repeat count', this.#text(i, after))
          }
          repeat = i
          i = this.#repeat('repeat', min, max, i, after, lastRepeat)
          break
        }
        case '\\':
          i = this.#backslash(i)
          break
        default:
          this.#literal()
          i++
      }
      lastRepeat = repeat
    }
    this.#concat()
    if (this.#swapVerticalBar()) this.#stack.pop()
    this.#alternate()
    if (this.#stack.length !== 1) fail('missing closing )', this.#whole)
  }

  /** A backslash sequence at i: assertion, \Q...\E, class escape or escaped character. */
  #backslash(i: number): number {
    const s = this.#s
    switch (s[i + 1]) {
      case 'A':
      case 'b':
      case 'B':
      case 'z':
        this.#push(this.#piece('assert'))
        return i + 2
      case 'C':
        return fail('invalid escape sequence', this.#text(i, i + 2))
      case 'Q': {
        let end = i + 2
        while (end < s.length && !(s[end] === '\\' && s[end + 1] === 'E')) end++
        for (let k = i + 2; k < end; k++) this.#literal()
        return end < s.length ? end + 2 : end
      }
      case 'p':
      case 'P': {
        const next = parseUnicodeClass(this.#s, i)
        this.#push(this.#piece('class'))
        return next
      }
      default:
        if (PERL_CLASSES.has(s[i + 1] ?? '')) {
          this.#push(this.#piece('class'))
          return i + 2
        }
    }
    const [, next] = parseEscape(this.#s, i)
    this.#literal()
    return next
  }
}

function isMarker(p: Piece | undefined): boolean {
  return p !== undefined && (p.op === 'leftParen' || p.op === 'verticalBar')
}

function isCharClass(p: Piece): boolean {
  return (p.op === 'literal' && p.runes === 1) || p.op === 'class'
}

/** Joins runs of adjacent literals with the same case folding, as Go builds literal strings. */
function mergeLiterals(subs: Piece[]): Piece[] {
  const out: Piece[] = []
  for (const sub of subs) {
    const prev = out[out.length - 1]
    if (
      prev !== undefined &&
      prev.op === 'literal' &&
      sub.op === 'literal' &&
      prev.flags === sub.flags
    ) {
      out[out.length - 1] = { ...prev, runes: prev.runes + sub.runes }
    } else {
      out.push(sub)
    }
  }
  return out
}

/** Whether nested counted repetitions stay within n copies of their innermost piece. */
function repeatIsValid(p: Piece, n: number): boolean {
  if (p.op === 'repeat') {
    let m = p.max
    if (m === 0) return true
    if (m < 0) m = p.min
    if (m > n) return false
    if (m > 0) n = Math.trunc(n / m)
  }
  return p.subs.every((sub) => repeatIsValid(sub, n))
}

/** Recent verdicts: dashboards send the same patterns over and over. */
const verdicts = new Map<string, string | undefined>()
const MAX_VERDICTS = 512

/** Go's error text for a regex pattern that regexp.Compile rejects, or undefined if it is valid. */
export function regexSyntaxError(pattern: string): string | undefined {
  if (verdicts.has(pattern)) return verdicts.get(pattern)
  let verdict: string | undefined
  try {
    new Checker(pattern).check()
  } catch (err) {
    if (!(err instanceof RegexSyntaxError)) throw err
    verdict = err.message
  }
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear()
  if (pattern.length <= 256) verdicts.set(pattern, verdict)
  return verdict
}
