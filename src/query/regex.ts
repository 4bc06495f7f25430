// Runs InfluxQL regular expressions. InfluxDB compiles them with Go's regexp package (RE2 syntax);
// the parser has already rejected patterns RE2 refuses, so here we only translate a valid RE2
// pattern into an equivalent JavaScript RegExp (unicode mode) and match unanchored, as Go's
// Regexp.MatchString does. Differences handled: Go's `.` and `\s` sets, `\A` `\z` `\Q…\E` `\x{…}`
// `\a` and octal escapes, escaped punctuation, POSIX classes, `\pX` names, `(?P<name>…)`, literal
// braces and a leading flag group. Flag groups elsewhere in the pattern have no JavaScript
// equivalent in Node 20 and give UnsupportedRegexError.

import { REGEX_GENERAL_CATEGORIES } from '../influxql/index.js'
import { UnsupportedRegexError } from './errors.js'

const cache = new Map<string, RegExp>()
const CACHE_LIMIT = 1000

/** The compiled form of an RE2 `pattern` (cached). Throws UnsupportedRegexError. */
export function compileRegex(pattern: string): RegExp {
  const hit = cache.get(pattern)
  if (hit !== undefined) return hit
  const { source, flags } = translate(pattern)
  let re: RegExp
  try {
    re = new RegExp(source, flags)
  } catch (err) {
    throw new UnsupportedRegexError(pattern, err instanceof Error ? err.message : String(err))
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(pattern, re)
  return re
}

/** Whether `pattern` (RE2) matches anywhere in `text`, like Go's MatchString. */
export function regexMatches(pattern: string, text: string): boolean {
  const re = compileRegex(pattern)
  re.lastIndex = 0
  return re.test(text)
}

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
}

/** Characters that may be escaped with a backslash in a unicode-mode JavaScript pattern. */
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/'])

const GO_SPACE = '\\t\\n\\f\\r '

interface Translated {
  readonly source: string
  readonly flags: string
}

class Translator {
  readonly #p: string
  #i = 0
  #dotAll = false
  #out = ''

  constructor(pattern: string) {
    this.#p = pattern
  }

  run(): Translated {
    let flags = 'u'
    const lead = /^\(\?([imsU]+)\)/.exec(this.#p)
    if (lead !== null) {
      const f = lead[1] ?? ''
      if (f.includes('U')) this.#fail('the U (ungreedy) flag')
      if (f.includes('i')) flags += 'i'
      if (f.includes('m')) flags += 'm'
      this.#dotAll = f.includes('s')
      this.#i = lead[0].length
    }
    while (this.#i < this.#p.length) this.#step()
    return { source: this.#out, flags }
  }

  #fail(what: string): never {
    throw new UnsupportedRegexError(this.#p, `${what} is not supported`)
  }

  #step(): void {
    const c = this.#p[this.#i] ?? ''
    switch (c) {
      case '\\':
        this.#out += this.#escape(false)
        return
      case '[':
        this.#class()
        return
      case '.':
        this.#i++
        this.#out += this.#dotAll ? '[\\s\\S]' : '[^\\n]'
        return
      case '(':
        this.#group()
        return
      case '{': {
        const m = /^\{\d+(,\d*)?\}/.exec(this.#p.slice(this.#i))
        if (m !== null && this.#out !== '') {
          this.#out += m[0]
          this.#i += m[0].length
        } else {
          this.#out += '\\{'
          this.#i++
        }
        return
      }
      case '}':
        this.#out += '\\}'
        this.#i++
        return
      default: {
        const cp = this.#p.codePointAt(this.#i) ?? 0
        const ch = String.fromCodePoint(cp)
        this.#out += ch === '/' ? '\\/' : ch
        this.#i += ch.length
      }
    }
  }

  #group(): void {
    const rest = this.#p.slice(this.#i)
    if (rest.startsWith('(?P<')) {
      this.#out += '(?<'
      this.#i += 4
      return
    }
    if (rest.startsWith('(?:')) {
      this.#out += '(?:'
      this.#i += 3
      return
    }
    if (rest.startsWith('(?')) this.#fail('a flag group inside the pattern')
    this.#out += '('
    this.#i++
  }

  /** Translates the escape at the cursor; `inClass` when inside `[…]`. */
  #escape(inClass: boolean): string {
    const p = this.#p
    const n = p[this.#i + 1] ?? ''
    this.#i += 2
    switch (n) {
      case 'A':
        if (inClass) this.#fail('\\A in a class')
        return '(?<![\\s\\S])'
      case 'z':
        if (inClass) this.#fail('\\z in a class')
        return '(?![\\s\\S])'
      case 'a':
        return '\\x07'
      case 'f':
      case 't':
      case 'n':
      case 'r':
      case 'v':
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return `\\${n}`
      case 'b':
      case 'B':
        if (inClass) this.#fail('\\b in a class')
        return `\\${n}`
      case 's':
        return inClass ? GO_SPACE : `[${GO_SPACE}]`
      case 'S':
        if (inClass) this.#fail('\\S in a class')
        return `[^${GO_SPACE}]`
      case 'C':
        return this.#fail('\\C')
      case 'Q': {
        const end = p.indexOf('\\E', this.#i)
        const lit = end < 0 ? p.slice(this.#i) : p.slice(this.#i, end)
        this.#i = end < 0 ? p.length : end + 2
        let out = ''
        for (const ch of lit) out += JS_SYNTAX.has(ch) || (inClass && ch === '-') ? `\\${ch}` : ch
        return inClass ? out : `(?:${out})`
      }
      case 'x': {
        if (p[this.#i] === '{') {
          const close = p.indexOf('}', this.#i)
          const hex = p.slice(this.#i + 1, close)
          this.#i = close + 1
          return `\\u{${hex}}`
        }
        const hex = p.slice(this.#i, this.#i + 2)
        this.#i += 2
        return `\\x${hex}`
      }
      case 'p':
      case 'P':
        return this.#unicodeClass(n === 'P')
      default:
        break
    }
    if (n >= '0' && n <= '7') {
      let digits = n
      while (digits.length < 3 && /[0-7]/.test(p[this.#i] ?? '')) digits += p[this.#i++]
      return `\\u{${parseInt(digits, 8).toString(16)}}`
    }
    if (JS_SYNTAX.has(n) || (inClass && n === '-')) return `\\${n}`
    return n
  }

  #unicodeClass(negated: boolean): string {
    const p = this.#p
    let name: string
    if (p[this.#i] === '{') {
      const close = p.indexOf('}', this.#i)
      name = p.slice(this.#i + 1, close)
      this.#i = close + 1
    } else {
      name = p[this.#i] ?? ''
      this.#i++
    }
    if (name.startsWith('^')) {
      negated = !negated
      name = name.slice(1)
    }
    const prop =
      name === 'Any' ? 'Any' : REGEX_GENERAL_CATEGORIES.has(name) ? name : `Script=${name}`
    return `\\${negated ? 'P' : 'p'}{${prop}}`
  }

  #class(): void {
    const p = this.#p
    this.#i++
    let out = '['
    if (p[this.#i] === '^') {
      out += '^'
      this.#i++
    }
    let first = true
    while (this.#i < p.length) {
      const c = p[this.#i] ?? ''
      if (c === ']' && !first) {
        this.#i++
        break
      }
      first = false
      if (c === '[' && p[this.#i + 1] === ':') {
        const close = p.indexOf(':]', this.#i + 2)
        const name = p.slice(this.#i + 2, close)
        if (name.startsWith('^')) this.#fail('a negated POSIX class')
        const set = POSIX[name]
        if (set === undefined) this.#fail(`the POSIX class ${name}`)
        out += set
        this.#i = close + 2
        continue
      }
      if (c === '\\') {
        out += this.#escape(true)
        continue
      }
      const cp = p.codePointAt(this.#i) ?? 0
      const ch = String.fromCodePoint(cp)
      out += ch === '[' || ch === ']' || ch === '/' ? `\\${ch}` : ch
      this.#i += ch.length
    }
    this.#out += `${out}]`
  }
}

function translate(pattern: string): Translated {
  return new Translator(pattern).run()
}
