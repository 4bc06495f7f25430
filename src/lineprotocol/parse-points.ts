// parsePoints: the line protocol parser, the ingest hot path. It splits a request body into lines
// as influxd 1.6.7 does (spec §1.1: a `\n` inside a quoted string value does not end a line, a
// backslash glues the next byte on), skips blank and `#` lines, and parses every other line on its
// own (spec §1.2–§1.7): a failing line becomes a LineError with influxd's exact reason, the others
// become points. It is a hand-written byte scanner: one ScanState holds the offsets of the line
// being parsed, and series keys and field keys that repeat are decoded only once per body.

import { BodyText } from './body-text.js'
import { LineError } from './errors.js'
import { walkFields } from './field-walk.js'
import { ByteInterner, hashBytes } from './interner.js'
import { asciiText, parseTimestamp } from './numbers.js'
import type { Field, Point } from './point.js'
import { MAX_TIME_NS, MIN_TIME_NS, nowNs, precisionMultiplier, truncateTime } from './precision.js'
import { scanFields, skipWhitespace } from './scan-fields.js'
import { scanKey, sortTags } from './scan-key.js'
import {
  BACKSLASH,
  COMMA,
  EQUALS,
  HASH,
  K_FLOAT,
  K_INTEGER,
  K_STRING,
  K_TRUE,
  K_UNSIGNED,
  LF,
  MINUS,
  QUOTE,
  REASON_TEXTS,
  R_BAD_TIMESTAMP,
  R_POINT_INVALID,
  R_TEXT,
  R_TIME_RANGE,
  SPACE,
  createScanState,
} from './scan-state.js'
import type { ScanState } from './scan-state.js'
import { buildSeriesInfo } from './series-info.js'
import type { SeriesInfo } from './series-info.js'
import { unescapeFieldKey, unescapeStringValue } from './escape.js'
import type { FieldValue } from './values.js'

/** Options of {@link parsePoints}. */
export interface ParseOptions {
  /** The unit of the timestamps: n, u, ms, s, m or h; anything else means ns (spec §1.5). */
  readonly precision?: string
  /** The time, in ns, given to lines without a timestamp (truncated to the precision). Default: now. */
  readonly now?: bigint
  /**
   * Whether `123u` unsigned values are accepted. Default false: standard InfluxDB 1.6 builds refuse
   * them with `invalid number`. When true, values above uint64 get influxd's ParseUint error.
   */
  readonly allowUnsigned?: boolean
}

/** What {@link parsePoints} found: the points of the good lines and one error per bad line. */
export interface ParseResult {
  readonly points: Point[]
  readonly errors: LineError[]
}

/** The largest series key, and series key + 4 + field key, in bytes (spec §1.6). */
const MAX_KEY_BYTES = 65535
/** How many distinct series keys and field keys one parse call caches. */
const MAX_CACHED_KEYS = 100_000

const TRUE_VALUE: FieldValue = Object.freeze({ kind: 'boolean', value: true })
const FALSE_VALUE: FieldValue = Object.freeze({ kind: 'boolean', value: false })

/**
 * Finds where the line that starts at `i` ends, exactly as influxd's scanLine: backslash pairs are
 * skipped (when two more bytes follow), and after the first space, `"` toggles quoting in value
 * positions, where a `\n` does not end the line. Returns the offset of the ending `\n` or `len`.
 */
function scanLineEnd(b: Uint8Array, i: number, len: number): number {
  let quoted = false
  let fields = false
  let equals = 0
  let commas = 0
  while (i < len) {
    const c = b[i]
    if (c === BACKSLASH && i + 2 < len) {
      i += 2
      continue
    }
    if (c === SPACE) fields = true
    if (fields) {
      if (!quoted && c === EQUALS) {
        equals++
        i++
        continue
      }
      if (!quoted && c === COMMA) {
        commas++
        i++
        continue
      }
      if (c === QUOTE && equals > commas) {
        quoted = !quoted
        i++
        continue
      }
    }
    if (c === LF && !quoted) break
    i++
  }
  return i
}

/** Counts the `\n` bytes in `b[start, end)`. */
function countNewlines(b: Uint8Array, start: number, end: number): number {
  let n = 0
  for (let i = start; i < end; i++) if (b[i] === LF) n++
  return n
}

/** Parses one body; holds the per-call caches and scratch state. */
class BodyParser {
  readonly #b: Uint8Array
  /** The body as a Buffer, whose indexOf is a native byte search. */
  readonly #buf: Buffer
  readonly #text: BodyText
  readonly #st: ScanState = createScanState()
  readonly #series: ByteInterner<SeriesInfo>
  readonly #fieldKeys: ByteInterner<string>
  readonly #scratch = new DataView(new ArrayBuffer(8))
  readonly #multiplier: bigint
  readonly #allowUnsigned: boolean
  readonly #now: bigint | undefined
  #defaultTime: bigint | undefined
  #lastTsStart = 0
  #lastTsEnd = 0
  #lastTime = 0n

  constructor(body: Uint8Array, opts: ParseOptions) {
    this.#b = body
    this.#buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    this.#text = new BodyText(body)
    this.#series = new ByteInterner(body, MAX_CACHED_KEYS)
    this.#fieldKeys = new ByteInterner(body, MAX_CACHED_KEYS)
    this.#multiplier = precisionMultiplier(opts.precision)
    this.#allowUnsigned = opts.allowUnsigned ?? false
    this.#now = opts.now
  }

  run(): ParseResult {
    const b = this.#b
    const buf = this.#buf
    const len = b.length
    const points: Point[] = []
    const errors: LineError[] = []
    let pos = 0
    let lineNo = 1
    let nextQuote = -1
    let nextBackslash = -1
    while (pos < len) {
      const blockStart = pos
      let end = buf.indexOf(LF, pos)
      if (end < 0) end = len
      if (nextQuote < pos) {
        nextQuote = buf.indexOf(QUOTE, pos)
        if (nextQuote < 0) nextQuote = len
      }
      if (nextBackslash < pos) {
        nextBackslash = buf.indexOf(BACKSLASH, pos)
        if (nextBackslash < 0) nextBackslash = len
      }
      const line = lineNo
      if (nextQuote < end || nextBackslash < end) {
        // Only a quote or a backslash can keep a `\n` inside the line.
        end = scanLineEnd(b, pos, len)
        lineNo += countNewlines(b, blockStart, end)
      }
      lineNo++
      pos = end + 1
      const start = skipWhitespace(b, blockStart, end)
      if (start >= end || b[start] === HASH) continue
      const lineEnd = b[end - 1] === LF ? end - 1 : end
      const r = this.#parseLine(start, lineEnd)
      if (typeof r === 'number') {
        const reason = r === -R_TEXT ? this.#st.errorText : (REASON_TEXTS[-r] ?? '')
        errors.push(new LineError(line, this.#text.utf8(start, lineEnd), reason))
      } else {
        points.push(r)
      }
    }
    return { points, errors }
  }

  /** Parses the line `[start, end)`; returns its point or the negated reason code. */
  #parseLine(start: number, end: number): Point | number {
    const b = this.#b
    const st = this.#st
    const keyEnd = scanKey(st, b, start, end)
    if (keyEnd < 0) return keyEnd
    const keyHash = hashBytes(b, start, keyEnd)
    let series = this.#series.get(start, keyEnd, keyHash)
    let inOrder = 1
    if (series === undefined) {
      inOrder = sortTags(st, b)
      if (inOrder < 0) return inOrder
    }
    const keyBytes = keyEnd - start
    if (keyBytes > MAX_KEY_BYTES) {
      st.errorText = `max key length exceeded: ${keyBytes} > ${MAX_KEY_BYTES}`
      return -R_TEXT
    }
    const fieldsEnd = scanFields(st, b, keyEnd, end, this.#allowUnsigned)
    if (fieldsEnd < 0) return fieldsEnd
    if (st.needsWalk) {
      const r = walkFields(st, b, st.fieldsStart, fieldsEnd, keyBytes, MAX_KEY_BYTES, this.#allowUnsigned)
      if (r < 0) return r
    } else {
      for (let f = 0; f < st.fieldCount; f++) {
        const size = keyBytes + 4 + (st.fieldKeyEnd[f] ?? 0) - (st.fieldKeyStart[f] ?? 0)
        if (size > MAX_KEY_BYTES) {
          st.errorText = `max key length exceeded: ${size} > ${MAX_KEY_BYTES}`
          return -R_TEXT
        }
      }
    }
    const time = this.#scanTime(fieldsEnd, end)
    if (typeof time === 'number') return time
    if (series === undefined) {
      series = buildSeriesInfo(st, this.#text, start, keyEnd, inOrder === 1)
      this.#series.set(start, keyEnd, keyHash, series)
    }
    return {
      measurement: series.measurement,
      seriesKey: series.seriesKey,
      tags: series.tags,
      fields: this.#buildFields(),
      time,
    }
  }

  /** Scans and converts the timestamp after the fields; returns the time or -reason. */
  #scanTime(from: number, end: number): bigint | number {
    const b = this.#b
    const tsStart = skipWhitespace(b, from, end)
    let i = tsStart
    while (i < end) {
      const c = b[i] ?? 0
      if (c === SPACE || c === LF) break
      if (c < 48 || c > 57) {
        if (!(c === MINUS && i === tsStart)) return -R_BAD_TIMESTAMP
      }
      i++
    }
    if (i === tsStart) return this.#defaultTimeNs()
    let time: bigint
    if (this.#sameAsLastTimestamp(tsStart, i)) {
      time = this.#lastTime
    } else {
      const parsed = parseTimestamp(this.#st, b, tsStart, i, this.#scratch)
      if (parsed === undefined) return -R_TEXT
      time = this.#multiplier === 1n ? parsed : parsed * this.#multiplier
      if (time > MAX_TIME_NS || time < MIN_TIME_NS) return -R_TIME_RANGE
      this.#lastTsStart = tsStart
      this.#lastTsEnd = i
      this.#lastTime = time
    }
    for (; i < end; i++) if (b[i] !== SPACE) return -R_POINT_INVALID
    return time
  }

  /** Whether `b[start, end)` has the same digits as the last timestamp converted. */
  #sameAsLastTimestamp(start: number, end: number): boolean {
    const last = this.#lastTsStart
    if (end - start !== this.#lastTsEnd - last || last === start) return false
    const b = this.#b
    for (let k = end - start - 1; k >= 0; k--) if (b[start + k] !== b[last + k]) return false
    return true
  }

  #defaultTimeNs(): bigint {
    if (this.#defaultTime === undefined) {
      this.#defaultTime = truncateTime(this.#now ?? nowNs(), this.#multiplier)
    }
    return this.#defaultTime
  }

  /** Turns the fields recorded in the scan state into Field objects. */
  #buildFields(): Field[] {
    const st = this.#st
    const b = this.#b
    const n = st.fieldCount
    const fields = new Array<Field>(n)
    for (let f = 0; f < n; f++) {
      const ks = st.fieldKeyStart[f] ?? 0
      const ke = st.fieldKeyEnd[f] ?? 0
      const h = hashBytes(b, ks, ke)
      let key = this.#fieldKeys.get(ks, ke, h)
      if (key === undefined) {
        key = unescapeFieldKey(this.#text.utf8(ks, ke))
        this.#fieldKeys.set(ks, ke, h, key)
      }
      fields[f] = { key, value: this.#fieldValue(f) }
    }
    return fields
  }

  #fieldValue(f: number): FieldValue {
    const st = this.#st
    const num = st.fieldNumber[f] ?? NaN
    switch (st.fieldKind[f]) {
      case K_FLOAT:
        return { kind: 'float', value: num }
      case K_INTEGER:
      case K_UNSIGNED: {
        const value = Number.isNaN(num)
          ? BigInt(asciiText(this.#b, st.fieldValueStart[f] ?? 0, (st.fieldValueEnd[f] ?? 0) - 1))
          : BigInt(num)
        return st.fieldKind[f] === K_INTEGER ? { kind: 'integer', value } : { kind: 'unsigned', value }
      }
      case K_TRUE:
        return TRUE_VALUE
      case K_STRING: {
        const raw = this.#text.utf8((st.fieldValueStart[f] ?? 0) + 1, (st.fieldValueEnd[f] ?? 0) - 1)
        return { kind: 'string', value: unescapeStringValue(raw) }
      }
      default:
        return FALSE_VALUE
    }
  }
}

/**
 * Parses a line protocol request body. Every line is parsed on its own: good lines become points
 * (in body order), bad lines become {@link LineError}s with influxd's reason and the 1-based line
 * number; one bad line never hides a good one. Lines without a timestamp get `opts.now` (default:
 * the current time, read once) truncated to the precision. Synchronous; the returned points do
 * not reference `body`.
 */
export function parsePoints(body: Uint8Array, opts: ParseOptions = {}): ParseResult {
  return new BodyParser(body, opts).run()
}
