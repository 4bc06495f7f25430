// An elastic-tabstop writer that lays text out exactly as Go's text/tabwriter does with the
// settings the influx shell uses (padding character ' ', no flags): text is cut into cells at
// TAB, VT, LF and FF; a column block is a run of consecutive lines that have a cell in that
// column (a line's last cell never counts); every cell of a block is padded to the block's widest
// cell plus `padding`. Widths count Unicode code points. The writer flushes by itself after a
// line that has a single cell — that line cannot affect any later alignment — which is also when
// text written around the writer (influx prints messages straight to the output) overtakes it.

interface Cell {
  readonly text: string
  readonly width: number
}

/** Number of Unicode code points in `s` (Go's utf8.RuneCount of its UTF-8 form). */
export function codePointCount(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

/** Go's tabwriter with padchar ' ' and no flags. Not safe for concurrent use. */
export class TabWriter {
  readonly #out: (s: string) => void
  readonly #minWidth: number
  readonly #padding: number
  #lines: Cell[][] = [[]]
  #cell = ''
  #widths: number[] = []
  #pending: string[] = []

  /** `out` receives the laid-out text; `minWidth` and `padding` as in Go's Writer.Init. */
  constructor(out: (s: string) => void, minWidth: number, padding: number) {
    this.#out = out
    this.#minWidth = minWidth
    this.#padding = padding
  }

  /** Adds text; complete lines may be laid out and handed on at once. */
  write(text: string): void {
    let from = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c !== 0x09 && c !== 0x0b && c !== 0x0a && c !== 0x0c) continue
      this.#cell += text.slice(from, i)
      from = i + 1
      const line = this.#currentLine()
      line.push({ text: this.#cell, width: codePointCount(this.#cell) })
      this.#cell = ''
      if (c === 0x0a || c === 0x0c) {
        this.#lines.push([])
        if (c === 0x0c || line.length === 1) this.#flushLines()
      }
    }
    this.#cell += text.slice(from)
  }

  /** Lays out and hands on everything buffered, including an unterminated last line. */
  flush(): void {
    if (this.#cell.length > 0) {
      this.#currentLine().push({ text: this.#cell, width: codePointCount(this.#cell) })
      this.#cell = ''
    }
    this.#flushLines()
  }

  #currentLine(): Cell[] {
    const line = this.#lines[this.#lines.length - 1]
    if (line !== undefined) return line
    const fresh: Cell[] = []
    this.#lines.push(fresh)
    return fresh
  }

  #flushLines(): void {
    this.#format(0, this.#lines.length)
    if (this.#pending.length > 0) this.#out(this.#pending.join(''))
    this.#pending = []
    this.#lines = [[]]
    this.#widths = []
  }

  #format(line0: number, line1: number): void {
    const column = this.#widths.length
    for (let row = line0; row < line1; row++) {
      if (column >= (this.#lines[row]?.length ?? 0) - 1) continue
      // A column block starts here: print the lines before it, then size the block.
      this.#writeLines(line0, row)
      line0 = row
      let width = this.#minWidth
      for (; row < line1; row++) {
        const line = this.#lines[row] ?? []
        if (column >= line.length - 1) break
        const w = (line[column]?.width ?? 0) + this.#padding
        if (w > width) width = w
      }
      this.#widths.push(width)
      this.#format(line0, row)
      this.#widths.pop()
      line0 = row
    }
    this.#writeLines(line0, line1)
  }

  #writeLines(line0: number, line1: number): void {
    const out = this.#pending
    for (let i = line0; i < line1; i++) {
      const line = this.#lines[i] ?? []
      for (let j = 0; j < line.length; j++) {
        const c = line[j]
        if (c === undefined) continue
        if (c.text.length > 0) out.push(c.text)
        const w = this.#widths[j]
        if (w !== undefined && w > c.width) out.push(' '.repeat(w - c.width))
      }
      if (i + 1 < this.#lines.length) out.push('\n')
    }
  }
}
