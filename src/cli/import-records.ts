// Groups the data lines of an import file into records: one record is what influxd will parse
// as one point. Usually that is one line, but influxd's line splitter (models.scanLine) does not
// end a point at a `\n` inside a quoted string field value, nor at a `\n` escaped by a
// backslash — which is how an export writes a string value holding newlines. Keeping such lines
// together means the value survives the round trip, and a failed point maps back to the exact
// lines that made it.

/** One point's worth of input lines. */
export interface DataRecord {
  /** The physical lines (bytes without `\n`), in file order. */
  readonly lines: readonly Buffer[]
  /** The file line number of the first line. */
  readonly firstLine: number
}

/** Total input lines in `records`. */
export function lineCount(records: readonly DataRecord[]): number {
  let n = 0
  for (const r of records) n += r.lines.length
  return n
}

const BACKSLASH = 0x5c
const SPACE = 0x20
const EQUALS = 0x3d
const COMMA = 0x2c
const QUOTE = 0x22

/** The scan state influxd's scanLine carries from the start of a point to its end. */
export interface RecordScanState {
  fields: boolean
  quoted: boolean
  equals: number
  commas: number
}

/** A fresh state for a record's first line. */
export function newScanState(): RecordScanState {
  return { fields: false, quoted: false, equals: 0, commas: 0 }
}

/**
 * Scans one physical line with influxd's rules, continuing `st`, and tells whether the `\n` after
 * it does NOT end the point (the line ends inside a quoted field value, or with a backslash).
 */
export function continuesAfter(line: Buffer, st: RecordScanState): boolean {
  const n = line.length
  // Fast path: without a quote the state can only matter through a trailing backslash.
  if (!st.quoted && line.indexOf(QUOTE) < 0) {
    let k = 0
    while (k < n && line[n - 1 - k] === BACKSLASH) k++
    if ((k & 1) === 0) return false
  }
  let fields = st.fields
  let quoted = st.quoted
  let equals = st.equals
  let commas = st.commas
  let i = 0
  let escapedNewline = false
  while (i < n) {
    const b = line[i]
    if (b === BACKSLASH) {
      if (i + 1 >= n) {
        escapedNewline = true
        break
      }
      i += 2
      continue
    }
    if (b === SPACE) fields = true
    if (fields) {
      if (b === EQUALS) {
        if (!quoted) equals++
      } else if (b === COMMA) {
        if (!quoted) commas++
      } else if (b === QUOTE && equals > commas) {
        quoted = !quoted
      }
    }
    i++
  }
  st.fields = fields
  st.quoted = quoted
  st.equals = equals
  st.commas = commas
  return escapedNewline || quoted
}

/**
 * Builds records from data lines. `add` a line that starts a record or continues the open one;
 * `isOpen` says whether the last record awaits more lines; `take` closes and returns it.
 * Records are capped at `maxLines` lines (a stray quote must not swallow a whole file).
 */
export class RecordBuilder {
  readonly #maxLines: number
  #lines: Buffer[] = []
  #firstLine = 0
  #state: RecordScanState = newScanState()
  #open = false

  constructor(maxLines: number) {
    this.#maxLines = maxLines
  }

  /** True when a record has been started and its last line did not end it. */
  get isOpen(): boolean {
    return this.#open
  }

  /** Adds a line; returns the record it completes, if any. */
  add(bytes: Buffer, lineNo: number): DataRecord | undefined {
    if (this.#lines.length === 0) {
      this.#firstLine = lineNo
      this.#state = newScanState()
    }
    this.#lines.push(bytes)
    this.#open = continuesAfter(bytes, this.#state) && this.#lines.length < this.#maxLines
    return this.#open ? undefined : this.take()
  }

  /** Closes the current record (even if open) and returns it, or undefined when there is none. */
  take(): DataRecord | undefined {
    if (this.#lines.length === 0) return undefined
    const r: DataRecord = { lines: this.#lines, firstLine: this.#firstLine }
    this.#lines = []
    this.#open = false
    return r
  }
}

/**
 * Re-groups the lines of `record` after its first into fresh records (used when the first line
 * turned out to be bad and may have swallowed the lines after it). Blank and `#` lines, which only
 * belonged to the record because it was open, are dropped as influx drops them.
 */
export function regroupTail(record: DataRecord): DataRecord[] {
  const b = new RecordBuilder(Number.MAX_SAFE_INTEGER)
  const out: DataRecord[] = []
  for (let i = 1; i < record.lines.length; i++) {
    const line = record.lines[i]
    if (line === undefined) continue
    if (!b.isOpen && (line.length === 0 || line[0] === 0x23 || isBlank(line))) continue
    const r = b.add(line, record.firstLine + i)
    if (r !== undefined) out.push(r)
  }
  const last = b.take()
  if (last !== undefined) out.push(last)
  return out
}

/** True when `line` holds only spaces, TABs and other ASCII whitespace (Go's TrimSpace is empty). */
export function isBlank(line: Uint8Array): boolean {
  for (const b of line) {
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0b && b !== 0x0c && b !== 0x0a)
      return false
  }
  return true
}
