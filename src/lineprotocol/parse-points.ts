// parsePoints: the line protocol parser, the ingest hot path. It splits a request body into lines
// as influxd 1.6.7 does (spec §1.1: a `\n` inside a quoted string value does not end a line, a
// backslash glues the next byte on), skips blank and `#` lines, and parses every other line on
// its own (spec §1.2–§1.7): a failing line becomes a LineError with influxd's exact reason, the
// others become points. It is a hand-written byte scanner: one ScanState holds the offsets of the
// line being parsed, and a KeyCache (per call, or shared by the caller across calls) makes series
// keys, field keys and short strings that repeat cost a hash and a comparison, not a decode.

import { BodyText } from './body-text.js'
import { LineError } from './errors.js'
import { walkFields } from './field-walk.js'
import { hashBytes, sameBytes } from './interner.js'
import { KeyCache, SHARED_INTEGERS, fieldKeyInfo } from './key-cache.js'
import type { FieldKeyInfo } from './key-cache.js'
import { asciiText, parseTimestamp } from './numbers.js'
import type { Field, Point } from './point.js'
import { MAX_TIME_NS, MIN_TIME_NS, nowNs, precisionMultiplier, truncateTime } from './precision.js'
import { scanFields, skipWhitespace } from './scan-fields.js'
import { scanKey, sortTags } from './scan-key.js'
import {
  REASON_TEXTS,
  R_BAD_TIMESTAMP,
  R_POINT_INVALID,
  R_TEXT,
  R_TIME_RANGE,
  createScanState,
} from './scan-state.js'
import type { ScanState } from './scan-state.js'
import { buildSeriesInfo } from './series-info.js'
import { countNewlines, scanLineEnd } from './split-lines.js'
import type { SeriesInfo } from './series-info.js'
import { unescapeFieldKey, unescapeStringValue } from './escape.js'
import type { FieldValue } from './values.js'

/** Options of {@link parsePoints}. */
export interface ParseOptions {
  /** The unit of the timestamps: n, u, ms, s, m or h; anything else means ns (spec §1.5). */
  readonly precision?: string
  /** The time in ns for lines without a timestamp (truncated to the precision). Default: now. */
  readonly now?: bigint
  /**
   * Whether `123u` unsigned values are accepted. Default false: standard InfluxDB 1.6 builds refuse
   * them with `invalid number`. When true, values above uint64 get influxd's ParseUint error.
   */
  readonly allowUnsigned?: boolean
  /**
   * Decoded keys to reuse and extend. Give every call of a long-running writer the same cache:
   * series and field keys are then decoded once, not once per line. Default: a cache for this
   * call only.
   */
  readonly keyCache?: KeyCache
}

/** What {@link parsePoints} found: the points of the good lines and one error per bad line. */
export interface ParseResult {
  readonly points: Point[]
  readonly errors: LineError[]
}

/** The largest series key, and series key + 4 + field key, in bytes (spec §1.6). */
const MAX_KEY_BYTES = 65535
/** How many distinct series keys, field keys and strings the cache of one call holds. */
const MAX_CACHED_KEYS = 100_000
/** String values up to this many bytes are cached (status words repeat; log lines do not). */
const MAX_CACHED_STRING_BYTES = 64

/** Parses one body; holds the per-call caches and scratch state. */
class BodyParser {
  readonly #b: Uint8Array
  /** The body as a Buffer, whose indexOf is a native byte search. */
  readonly #buf: Buffer
  /** The body as a DataView, to hash and compare keys four bytes at a time. */
  readonly #view: DataView
  readonly #text: BodyText
  readonly #st: ScanState = createScanState()
  readonly #cache: KeyCache
  readonly #scratch = new DataView(new ArrayBuffer(8))
  readonly #multiplier: bigint
  /** Whether the precision is nanoseconds (no multiplication, a cheaper range check). */
  readonly #nanoseconds: boolean
  readonly #allowUnsigned: boolean
  readonly #now: bigint | undefined
  #defaultTime: bigint | undefined
  #lastTsStart = 0
  #lastTsEnd = 0
  #lastTime = 0n
  /** The key of the last good line and its series (the next line often has the same key). */
  #lastKeyStart = 0
  #lastKeyEnd = 0
  #lastSeries: SeriesInfo | undefined
  /** The field keys of the last good line. */
  #lastFieldKeys: readonly FieldKeyInfo[] = []

  constructor(body: Uint8Array, opts: ParseOptions) {
    this.#b = body
    this.#buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    this.#view = new DataView(body.buffer, body.byteOffset, body.byteLength)
    this.#text = new BodyText(body)
    this.#cache = opts.keyCache ?? new KeyCache(MAX_CACHED_KEYS)
    this.#multiplier = precisionMultiplier(opts.precision)
    this.#nanoseconds = this.#multiplier === 1n
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
      let end = buf.indexOf(10 /* \n */, pos)
      if (end < 0) end = len
      if (nextQuote < pos) {
        nextQuote = buf.indexOf(34 /* " */, pos)
        if (nextQuote < 0) nextQuote = len
      }
      if (nextBackslash < pos) {
        nextBackslash = buf.indexOf(92 /* \ */, pos)
        if (nextBackslash < 0) nextBackslash = len
      }
      const line = lineNo
      if (nextQuote < end || nextBackslash < end) {
        // Only a quote or a backslash can keep a `\n` inside the line.
        const lineEnd = scanLineEnd(b, pos, len)
        if (lineEnd !== end) lineNo += countNewlines(b, blockStart, lineEnd)
        end = lineEnd
      }
      lineNo++
      pos = end + 1
      const start = skipWhitespace(b, blockStart, end)
      if (start >= end || b[start] === 35 /* # */) continue
      // A block that reached the end of the body inside quotes keeps its last `\n`: drop it.
      const lineEnd = b[end - 1] === 10 /* \n */ ? end - 1 : end
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
    let keyHash = -1
    let series: SeriesInfo | undefined
    if (this.#sameAsLastKey(start, keyEnd)) {
      series = this.#lastSeries
    } else {
      keyHash = hashBytes(this.#view, b, start, keyEnd)
      series = this.#cache.series.get(this.#view, b, start, keyEnd, keyHash)
    }
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
      const r = walkFields(
        st,
        b,
        st.fieldsStart,
        fieldsEnd,
        keyBytes,
        MAX_KEY_BYTES,
        this.#allowUnsigned,
      )
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
      // A new series usually has the fields of the line before it (same measurement).
      series.lastFieldKeys = this.#lastFieldKeys
      this.#cache.series.set(b, start, keyEnd, keyHash, series)
    }
    this.#lastKeyStart = start
    this.#lastKeyEnd = keyEnd
    this.#lastSeries = series
    return {
      measurement: series.measurement,
      seriesKey: series.seriesKey,
      tags: series.tags,
      fields: this.#buildFields(series),
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
      if (c === 32 /* space */ || c === 10 /* \n */) break
      if (c < 48 || c > 57) {
        if (!(c === 45 /* - */ && i === tsStart)) return -R_BAD_TIMESTAMP
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
      if (this.#nanoseconds) {
        if (!this.#st.nsInRange) return -R_TIME_RANGE
        time = parsed
      } else {
        time = parsed * this.#multiplier
        if (time > MAX_TIME_NS || time < MIN_TIME_NS) return -R_TIME_RANGE
      }
      this.#lastTsStart = tsStart
      this.#lastTsEnd = i
      this.#lastTime = time
    }
    for (; i < end; i++) if (b[i] !== 32 /* space */) return -R_POINT_INVALID
    return time
  }

  /** Whether `b[start, end)` is the key of the last good line (sorted bodies repeat keys). */
  #sameAsLastKey(start: number, end: number): boolean {
    const last = this.#lastKeyStart
    const len = end - start
    if (len !== this.#lastKeyEnd - last) return false
    const view = this.#view
    let k = len - 4
    for (; k >= 0; k -= 4) if (view.getUint32(start + k) !== view.getUint32(last + k)) return false
    const b = this.#b
    for (k += 3; k >= 0; k--) if (b[start + k] !== b[last + k]) return false
    return true
  }

  /** Whether `b[start, end)` has the same digits as the last timestamp converted. */
  #sameAsLastTimestamp(start: number, end: number): boolean {
    const last = this.#lastTsStart
    if (end - start !== this.#lastTsEnd - last) return false
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

  /** The cached info of the field key `b[start, end)`, created on first sight. */
  #fieldKey(start: number, end: number): FieldKeyInfo {
    const b = this.#b
    const cache = this.#cache.fieldKeys
    const h = hashBytes(this.#view, b, start, end)
    let info = cache.get(this.#view, b, start, end, h)
    if (info === undefined) {
      const bytes = cache.copy(b, start, end)
      info = fieldKeyInfo(unescapeFieldKey(this.#text.utf8(start, end)), bytes)
      cache.setCopy(bytes, h, info)
    }
    return info
  }

  /** Turns the fields recorded in the scan state into Field objects. */
  #buildFields(series: SeriesInfo): Field[] {
    const st = this.#st
    const b = this.#b
    const view = this.#view
    const n = st.fieldCount
    const fields = new Array<Field>(n)
    const last = series.lastFieldKeys
    let infos: FieldKeyInfo[] | undefined
    for (let f = 0; f < n; f++) {
      const ks = st.fieldKeyStart[f] ?? 0
      const ke = st.fieldKeyEnd[f] ?? 0
      let info = last[f]
      if (info === undefined || !sameBytes(view, b, ks, ke, info.bytes)) {
        info = this.#fieldKey(ks, ke)
        if (infos === undefined) infos = last.slice(0, f)
      }
      if (infos !== undefined) infos.push(info)
      const num = st.fieldNumber[f] ?? NaN
      let field: Field | undefined
      switch (st.fieldKind[f]) {
        case 1 /* K_FLOAT */:
          field = { key: info.key, value: { kind: 'float', value: num } }
          break
        case 4 /* K_TRUE */:
          field = info.trueField
          break
        case 5 /* K_FALSE */:
          field = info.falseField
          break
        case 2 /* K_INTEGER */:
          if (num >= 0 && num < SHARED_INTEGERS) {
            field = info.integers[num]
            if (field === undefined) {
              field = { key: info.key, value: { kind: 'integer', value: BigInt(num) } }
              info.integers[num] = field
            }
          } else {
            const value = Number.isNaN(num) ? this.#bigText(f) : BigInt(num)
            field = { key: info.key, value: { kind: 'integer', value } }
          }
          break
        case 3 /* K_UNSIGNED */:
          field = {
            key: info.key,
            value: { kind: 'unsigned', value: Number.isNaN(num) ? this.#bigText(f) : BigInt(num) },
          }
          break
        default:
          field = { key: info.key, value: this.#stringValue(f) }
      }
      fields[f] = field
    }
    if (infos !== undefined || last.length !== n) series.lastFieldKeys = infos ?? last.slice(0, n)
    this.#lastFieldKeys = series.lastFieldKeys
    return fields
  }

  /** The integer value of field `f` read from its text (without the `i` or `u` suffix). */
  #bigText(f: number): bigint {
    const st = this.#st
    return BigInt(asciiText(this.#b, st.fieldValueStart[f] ?? 0, (st.fieldValueEnd[f] ?? 0) - 1))
  }

  /** The string value of field `f`, shared with earlier equal short strings. */
  #stringValue(f: number): FieldValue {
    const st = this.#st
    const b = this.#b
    const start = (st.fieldValueStart[f] ?? 0) + 1
    const end = (st.fieldValueEnd[f] ?? 0) - 1
    if (end - start > MAX_CACHED_STRING_BYTES) {
      return { kind: 'string', value: unescapeStringValue(this.#text.utf8(start, end)) }
    }
    const strings = this.#cache.strings
    const h = hashBytes(this.#view, b, start, end)
    let value = strings.get(this.#view, b, start, end, h)
    if (value === undefined) {
      value = { kind: 'string', value: unescapeStringValue(this.#text.utf8(start, end)) }
      strings.set(b, start, end, h, value)
    }
    return value
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
