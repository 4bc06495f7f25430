// The character reader under the InfluxQL scanner. InfluxDB's error positions ("at line 1, char 8")
// are a product of how its reader counts and how often the scanner reads past the end, so this
// reader keeps the same rules:
//
//  - it yields code points; CR and CRLF both read as a single LF;
//  - the end of input reads as code point 0 (so does a NUL in the text, which therefore ends the
//    query), and reading the end again is allowed;
//  - each read records the position of the character read: the line (0-based) and the character
//    within the line (0-based, in code points). The column advances after every character but
//    LF, and after the first end-of-input only, so the second read of the end is one further on;
//  - the last three characters read are kept in a ring so that up to three can be unread, and
//    `curr()` after an unread names the character before the one unread (the scanner relies on
//    that for the position it gives quoted strings and regexes).

/** The code point the reader returns at the end of the input (and for a NUL in the text). */
export const EOF_CH = 0

const RING = 3

/** A rewindable code point reader over a query string; see the file comment for its rules. */
export class RuneReader {
  readonly #text: string
  #offset = 0
  readonly #ring = new Int32Array(RING)
  readonly #ringLine = new Int32Array(RING)
  readonly #ringChar = new Int32Array(RING)
  #i = 0
  #n = 0
  #line = 0
  #char = 0
  #sawEOF = false

  constructor(text: string) {
    this.#text = text
  }

  /** Reads the next code point (EOF_CH at the end); its position is then `line()`/`char()`. */
  read(): number {
    if (this.#n > 0) {
      this.#n--
      return this.curr()
    }
    const ch = this.#next()
    this.#i = (this.#i + 1) % RING
    this.#ring[this.#i] = ch
    this.#ringLine[this.#i] = this.#line
    this.#ringChar[this.#i] = this.#char
    if (ch === 0x0a) {
      this.#line++
      this.#char = 0
    } else if (!this.#sawEOF) {
      this.#char++
    }
    if (ch === EOF_CH) this.#sawEOF = true
    return ch
  }

  /**
   * Reads the longest run of ASCII code points that `accept` admits and returns it as text, then
   * reads the code point after it and pushes that back, exactly as reading one at a time would
   * leave the reader, except that at the end of input the end is pushed back only when
   * `unreadEOF` is set. A fast path for identifiers and digits.
   */
  readRun(accept: (ch: number) => boolean, unreadEOF: boolean): string {
    let text = ''
    while (this.#n > 0) {
      const ch = this.read()
      if (ch === EOF_CH || !accept(ch)) {
        if (ch !== EOF_CH || unreadEOF) this.unread()
        return text
      }
      text += String.fromCharCode(ch)
    }
    const src = this.#text
    const start = this.#offset
    let end = start
    while (end < src.length) {
      const c = src.charCodeAt(end)
      if (c >= 0x80 || c === 0x0d || c === 0x0a || c === 0 || !accept(c)) break
      end++
    }
    const count = end - start
    if (count > 0) {
      text += src.slice(start, end)
      const first = Math.max(start, end - RING)
      for (let at = first; at < end; at++) {
        this.#i = (this.#i + 1) % RING
        this.#ring[this.#i] = src.charCodeAt(at)
        this.#ringLine[this.#i] = this.#line
        this.#ringChar[this.#i] = this.#sawEOF ? this.#char : this.#char + (at - start)
      }
      if (!this.#sawEOF) this.#char += count
      this.#offset = end
    }
    const ch = this.read()
    if (ch !== EOF_CH) {
      if (accept(ch)) return text + this.#slowRun(ch, accept, unreadEOF)
      this.unread()
    } else if (unreadEOF) {
      this.unread()
    }
    return text
  }

  /** The rest of a run that continues past what the fast path handles (non-ASCII accepted). */
  #slowRun(first: number, accept: (ch: number) => boolean, unreadEOF: boolean): string {
    let text = String.fromCodePoint(first)
    for (;;) {
      const ch = this.read()
      if (ch === EOF_CH || !accept(ch)) {
        if (ch !== EOF_CH || unreadEOF) this.unread()
        return text
      }
      text += String.fromCodePoint(ch)
    }
  }

  /** Pushes the last read code point back; the next read returns it again. */
  unread(): void {
    this.#n++
  }

  /** The current code point: the last one read, or after an unread, the one before it. */
  curr(): number {
    return this.#ring[this.#slot()] ?? EOF_CH
  }

  /** The 0-based line of the current code point. */
  line(): number {
    return this.#ringLine[this.#slot()] ?? 0
  }

  /** The 0-based character (code point) of the current code point within its line. */
  char(): number {
    return this.#ringChar[this.#slot()] ?? 0
  }

  #slot(): number {
    return (this.#i - this.#n + RING * 4) % RING
  }

  #next(): number {
    const text = this.#text
    if (this.#offset >= text.length) return EOF_CH
    let ch = text.codePointAt(this.#offset) ?? EOF_CH
    this.#offset += ch > 0xffff ? 2 : 1
    if (ch >= 0xd800 && ch <= 0xdfff) {
      ch = 0xfffd
    } else if (ch === 0x0d) {
      if (text.charCodeAt(this.#offset) === 0x0a) this.#offset++
      ch = 0x0a
    }
    return ch
  }
}
