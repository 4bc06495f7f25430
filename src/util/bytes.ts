// Bounds-checked big-endian byte reading and writing, and Go-compatible uvarints. Format code
// reads through these helpers instead of indexing buffers directly, so a truncated or corrupt
// input becomes a typed error that names the offset, never an undefined value or a crash.

import { ShortBufferError } from './errors.js'

/** A cursor over a byte array that checks every read against the end of the data. */
export class ByteReader {
  readonly bytes: Uint8Array
  readonly view: DataView
  /** The absolute offset of the next byte to read. */
  offset: number
  /** The offset reads may not pass (exclusive). */
  readonly end: number

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.bytes = bytes
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.offset = offset
    this.end = end
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.offset
  }

  /** Throws ShortBufferError unless `n` more bytes can be read. */
  need(n: number): void {
    if (n > this.end - this.offset)
      throw new ShortBufferError(this.offset, n, this.end - this.offset)
  }

  u8(): number {
    this.need(1)
    const v = this.view.getUint8(this.offset)
    this.offset += 1
    return v
  }

  u16(): number {
    this.need(2)
    const v = this.view.getUint16(this.offset)
    this.offset += 2
    return v
  }

  u32(): number {
    this.need(4)
    const v = this.view.getUint32(this.offset)
    this.offset += 4
    return v
  }

  i64(): bigint {
    this.need(8)
    const v = this.view.getBigInt64(this.offset)
    this.offset += 8
    return v
  }

  u64(): bigint {
    this.need(8)
    const v = this.view.getBigUint64(this.offset)
    this.offset += 8
    return v
  }

  f64(): number {
    this.need(8)
    const v = this.view.getFloat64(this.offset)
    this.offset += 8
    return v
  }

  /** A view (not a copy) of the next `n` bytes. */
  take(n: number): Uint8Array {
    this.need(n)
    const v = this.bytes.subarray(this.offset, this.offset + n)
    this.offset += n
    return v
  }

  /** An unsigned LEB128 varint as Go's binary.Uvarint reads it (at most 10 bytes). */
  uvarint(): number {
    let result = 0
    let mul = 1
    for (let i = 0; i < 10; i++) {
      const b = this.u8()
      result += (b & 0x7f) * mul
      if ((b & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER) {
          throw new RangeError(`uvarint at offset ${this.offset - i - 1} exceeds 2^53`)
        }
        return result
      }
      mul *= 128
    }
    throw new RangeError(`uvarint at offset ${this.offset - 10} is longer than 10 bytes`)
  }
}

/** A growable byte buffer for building binary output with big-endian writes. */
export class ByteWriter {
  #buf: Uint8Array
  #view: DataView
  #len = 0

  constructor(initialCapacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity))
    this.#view = new DataView(this.#buf.buffer)
  }

  get length(): number {
    return this.#len
  }

  #grow(n: number): void {
    const want = this.#len + n
    if (want <= this.#buf.length) return
    let cap = this.#buf.length * 2
    while (cap < want) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.#buf.subarray(0, this.#len))
    this.#buf = next
    this.#view = new DataView(next.buffer)
  }

  u8(v: number): this {
    this.#grow(1)
    this.#buf[this.#len++] = v
    return this
  }

  u16(v: number): this {
    this.#grow(2)
    this.#view.setUint16(this.#len, v)
    this.#len += 2
    return this
  }

  u32(v: number): this {
    this.#grow(4)
    this.#view.setUint32(this.#len, v)
    this.#len += 4
    return this
  }

  i64(v: bigint): this {
    this.#grow(8)
    this.#view.setBigInt64(this.#len, v)
    this.#len += 8
    return this
  }

  u64(v: bigint): this {
    this.#grow(8)
    this.#view.setBigUint64(this.#len, v)
    this.#len += 8
    return this
  }

  f64(v: number): this {
    this.#grow(8)
    this.#view.setFloat64(this.#len, v)
    this.#len += 8
    return this
  }

  bytes(b: Uint8Array): this {
    this.#grow(b.length)
    this.#buf.set(b, this.#len)
    this.#len += b.length
    return this
  }

  /** An unsigned LEB128 varint as Go's binary.PutUvarint writes it. */
  uvarint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`uvarint out of range: ${v}`)
    while (v >= 0x80) {
      this.u8((v % 128) | 0x80)
      v = Math.floor(v / 128)
    }
    return this.u8(v)
  }

  /** A view of everything written so far (valid until the next write). */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#len)
  }

  /** A copy of everything written so far. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.#len)
  }
}

/** The number of bytes uvarint(v) takes. */
export function uvarintSize(v: number): number {
  let n = 1
  while (v >= 0x80) {
    v = Math.floor(v / 128)
    n++
  }
  return n
}
