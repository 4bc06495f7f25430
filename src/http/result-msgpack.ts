// The MessagePack body of /query answers (`Accept: application/x-msgpack`), laid out as InfluxDB
// 1.6.7's msgpackFormatter writes it with tinylib/msgp: a map {"results": [...]} or {"error": …};
// a failed statement is just {"error": …}; otherwise statement_id, messages (if any), series
// (always, maybe empty), partial (if set); a row has name/tags/partial only when set, columns and
// values always. Integers use msgp's smallest form, floats are float64, times (not converted by
// `epoch`) are msgp's time extension (type 5: int64 seconds, int32 nanoseconds).

import type { QueryCell, QueryRow, StatementResult } from './interfaces.js'
import type { ResponseBody } from './result-json.js'
import { compareUTF8 } from './result-json.js'

const NS_PER_SECOND = 1_000_000_000n

/** Encodes `body` as InfluxDB's MessagePack response. */
export function encodeMsgpackResponse(
  body: ResponseBody,
  epochDivisor: bigint | undefined,
): Buffer {
  const w = new MsgpackWriter()
  w.mapHeader(1)
  if (body.error !== undefined && body.error !== '') {
    w.string('error')
    w.string(body.error)
    return w.finish()
  }
  const results = body.results ?? []
  w.string('results')
  w.arrayHeader(results.length)
  for (const r of results) writeResult(w, r, epochDivisor)
  return w.finish()
}

function writeResult(w: MsgpackWriter, r: StatementResult, divisor: bigint | undefined): void {
  if (r.error !== undefined && r.error !== '') {
    w.mapHeader(1)
    w.string('error')
    w.string(r.error)
    return
  }
  const messages = r.messages ?? []
  w.mapHeader(2 + (messages.length > 0 ? 1 : 0) + (r.partial === true ? 1 : 0))
  w.string('statement_id')
  w.int(BigInt(r.statementID))
  if (messages.length > 0) {
    w.string('messages')
    w.arrayHeader(messages.length)
    for (const m of messages) {
      w.mapHeader(2)
      w.string('level')
      w.string(m.level)
      w.string('text')
      w.string(m.text)
    }
  }
  const series = r.series ?? []
  w.string('series')
  w.arrayHeader(series.length)
  for (const row of series) writeRow(w, row, divisor)
  if (r.partial === true) {
    w.string('partial')
    w.bool(true)
  }
}

function writeRow(w: MsgpackWriter, row: QueryRow, divisor: bigint | undefined): void {
  const name = row.name ?? ''
  const tagKeys = Object.keys(row.tags ?? {}).sort(compareUTF8)
  w.mapHeader(
    2 + (name !== '' ? 1 : 0) + (tagKeys.length > 0 ? 1 : 0) + (row.partial === true ? 1 : 0),
  )
  if (name !== '') {
    w.string('name')
    w.string(name)
  }
  if (tagKeys.length > 0) {
    w.string('tags')
    w.mapHeader(tagKeys.length)
    for (const k of tagKeys) {
      w.string(k)
      w.string(row.tags?.[k] ?? '')
    }
  }
  w.string('columns')
  w.arrayHeader(row.columns.length)
  for (const c of row.columns) w.string(c)
  const values = row.values ?? []
  w.string('values')
  w.arrayHeader(values.length)
  for (const cells of values) {
    w.arrayHeader(cells.length)
    for (let j = 0; j < cells.length; j++)
      writeCell(w, cells[j] ?? null, j === 0 ? divisor : undefined)
  }
  if (row.partial === true) {
    w.string('partial')
    w.bool(true)
  }
}

function writeCell(w: MsgpackWriter, c: QueryCell, divisor: bigint | undefined): void {
  switch (typeof c) {
    case 'number':
      w.float64(c)
      return
    case 'bigint':
      w.int(c)
      return
    case 'string':
      w.string(c)
      return
    case 'boolean':
      w.bool(c)
      return
    case 'object':
      if (c === null) w.nil()
      else if (!('kind' in c)) w.string(`[${c.join(' ')}]`)
      else if (divisor !== undefined) w.int(c.ns / divisor)
      else w.time(c.ns)
      return
    default:
      w.nil()
  }
}

/** A growable MessagePack byte buffer. */
class MsgpackWriter {
  #buf = Buffer.allocUnsafe(256)
  #len = 0

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n))
    this.#buf.copy(next, 0, 0, this.#len)
    this.#buf = next
  }

  #byte(b: number): void {
    this.#ensure(1)
    this.#buf[this.#len++] = b
  }

  #prefixed(marker: number, value: number, size: 1 | 2 | 4): void {
    this.#ensure(1 + size)
    this.#buf[this.#len++] = marker
    if (size === 1) this.#buf.writeUInt8(value, this.#len)
    else if (size === 2) this.#buf.writeUInt16BE(value, this.#len)
    else this.#buf.writeUInt32BE(value, this.#len)
    this.#len += size
  }

  #header(n: number, fix: number, max: number, m16: number, m32: number): void {
    if (n <= max) this.#byte(fix | n)
    else if (n <= 0xffff) this.#prefixed(m16, n, 2)
    else this.#prefixed(m32, n, 4)
  }

  mapHeader(n: number): void {
    this.#header(n, 0x80, 15, 0xde, 0xdf)
  }

  arrayHeader(n: number): void {
    this.#header(n, 0x90, 15, 0xdc, 0xdd)
  }

  nil(): void {
    this.#byte(0xc0)
  }

  bool(b: boolean): void {
    this.#byte(b ? 0xc3 : 0xc2)
  }

  string(s: string): void {
    const n = Buffer.byteLength(s, 'utf8')
    if (n <= 31) this.#byte(0xa0 | n)
    else if (n <= 0xff) this.#prefixed(0xd9, n, 1)
    else if (n <= 0xffff) this.#prefixed(0xda, n, 2)
    else this.#prefixed(0xdb, n, 4)
    this.#ensure(n)
    this.#len += this.#buf.write(s, this.#len, 'utf8')
  }

  float64(f: number): void {
    this.#ensure(9)
    this.#buf[this.#len++] = 0xcb
    this.#buf.writeDoubleBE(f, this.#len)
    this.#len += 8
  }

  /** msgp's WriteInt64 (values above int64 take WriteUint64's uint64 form). */
  int(i: bigint): void {
    if (i >= 0n) {
      if (i <= 127n) this.#byte(Number(i))
      else if (i <= 0x7fffn) this.#prefixed(0xd1, Number(i), 2)
      else if (i <= 0x7fffffffn) this.#prefixed(0xd2, Number(i), 4)
      else this.#u64(i <= 0x7fffffffffffffffn ? 0xd3 : 0xcf, i)
      return
    }
    if (i >= -32n) this.#byte(Number(i) & 0xff)
    else if (i >= -128n) this.#prefixed(0xd0, Number(i) & 0xff, 1)
    else if (i >= -32768n) this.#prefixed(0xd1, Number(i) & 0xffff, 2)
    else if (i >= -2147483648n) this.#prefixed(0xd2, Number(i) >>> 0, 4)
    else this.#u64(0xd3, i)
  }

  #u64(marker: number, i: bigint): void {
    this.#ensure(9)
    this.#buf[this.#len++] = marker
    this.#buf.writeBigUInt64BE(BigInt.asUintN(64, i), this.#len)
    this.#len += 8
  }

  /** msgp's WriteTime: ext8, length 12, type 5, int64 seconds, int32 nanoseconds (UTC). */
  time(ns: bigint): void {
    let seconds = ns / NS_PER_SECOND
    let nanos = ns - seconds * NS_PER_SECOND
    if (nanos < 0n) {
      nanos += NS_PER_SECOND
      seconds -= 1n
    }
    this.#ensure(15)
    this.#buf[this.#len++] = 0xc7
    this.#buf[this.#len++] = 12
    this.#buf[this.#len++] = 5
    this.#buf.writeBigInt64BE(seconds, this.#len)
    this.#buf.writeInt32BE(Number(nanos), this.#len + 8)
    this.#len += 12
  }

  finish(): Buffer {
    return this.#buf.subarray(0, this.#len)
  }
}
