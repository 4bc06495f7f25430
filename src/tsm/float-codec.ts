// The value section of float blocks (block type 0): Gorilla XOR compression as in InfluxDB
// tsm1/float.go. Byte 0x10, then a bit stream written most significant bit first and padded with
// 0-bits to a whole byte. No count is stored; the stream ends with the value 0x7FF8000000000001
// (Go's math.NaN() bits), so NaN itself cannot be stored.
//
// First item: its 64 bits verbatim. Each next item (values, then the end marker): x = bits XOR
// previous bits; x = 0 → `0`; otherwise `1`, l = clz(x) AND 31 (the AND is a quirk of the original
// encoder that byte-identical output must keep), t = ctz(x); if a window (lead, trail) is set and
// l ≥ lead and t ≥ trail → `0` and the 64 − lead − trail bits of x >> trail; else → `1`, l in
// 5 bits, s = 64 − l − t in 6 bits (64 written as 0), the s bits of x >> t, and the window becomes
// (l, t). The decoder's window starts at (0, 0).

import { TSMCodecError, TSMEncodeError } from './codec-errors.js'
import {
  HI,
  LO,
  SLOT_DECODE,
  SLOT_VALUES,
  checkCount,
  scratchBytes,
  u32View,
} from './codec-support.js'
import type { DecodeOptions } from './codec-support.js'

const GORILLA = 1
/** High and low halves of the end marker 0x7FF8000000000001. */
const END_HI = 0x7ff80000
const END_LO = 0x00000001

function ctz32(v: number): number {
  return 31 - Math.clz32(v & -v)
}

/** Writes bits most significant first, a 32-bit word at a time. */
class BitWriter {
  readonly #buf: Uint8Array
  #pos: number
  #cur = 0
  #used = 0

  constructor(buf: Uint8Array, pos: number) {
    this.#buf = buf
    this.#pos = pos
  }

  /** Appends the low k bits of v (1 ≤ k ≤ 32; v must be below 2^k). */
  put(v: number, k: number): void {
    const free = 32 - this.#used
    if (k < free) {
      this.#cur |= v << (free - k)
      this.#used += k
      return
    }
    const rest = k - free
    const word = (this.#cur | (v >>> rest)) >>> 0
    const b = this.#buf
    const p = this.#pos
    b[p] = word >>> 24
    b[p + 1] = word >>> 16
    b[p + 2] = word >>> 8
    b[p + 3] = word
    this.#pos = p + 4
    this.#cur = rest === 0 ? 0 : v << (32 - rest)
    this.#used = rest
  }

  /** Appends the k low bits (1 ≤ k ≤ 64) of the 64-bit value (hi, lo). */
  put64(hi: number, lo: number, k: number): void {
    if (k > 32) {
      this.put(hi, k - 32)
      this.put(lo, 32)
    } else {
      this.put(lo, k)
    }
  }

  /** Pads with 0-bits to a byte boundary; returns the offset after the last byte. */
  finish(): number {
    const word = this.#cur >>> 0
    const bytes = (this.#used + 7) >>> 3
    for (let i = 0; i < bytes; i++) this.#buf[this.#pos + i] = word >>> (24 - 8 * i)
    return this.#pos + bytes
  }
}

/** Reads bits most significant first from a float section, up to 32 at a time. */
class BitReader {
  readonly #view: DataView
  readonly #totalBits: number
  readonly #base: number
  #pos = 0

  /** `buf` is the whole section (the header byte is skipped); `base` is its offset for errors. */
  constructor(buf: Uint8Array, base: number) {
    // A zero-padded copy of the bit stream, so 32-bit reads near the end need no bounds checks.
    const len = buf.length - 1
    const bytes = scratchBytes(SLOT_DECODE, len + 8)
    bytes.set(buf.subarray(1))
    bytes.fill(0, len, len + 8)
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, len + 8)
    this.#totalBits = len * 8
    this.#base = base
  }

  /** Offset in the block of the byte holding the next bit. */
  get offset(): number {
    return this.#base + 1 + (this.#pos >>> 3)
  }

  /** Reads k bits (1 ≤ k ≤ 32). Throws TSMCodecError when the stream ends first. */
  read(k: number): number {
    const pos = this.#pos
    if (pos + k > this.#totalBits)
      throw new TSMCodecError('float', this.offset, 'float stream ends before its end marker')
    const i = pos >>> 3
    const sh = pos & 7
    let word = this.#view.getUint32(i)
    if (sh !== 0) word = ((word << sh) | (this.#view.getUint8(i + 4) >>> (8 - sh))) >>> 0
    this.#pos = pos + k
    return k === 32 ? word : word >>> (32 - k)
  }

  /** Offset in the block of the first byte after the byte holding the last bit read. */
  get endOffset(): number {
    return this.#base + 1 + ((this.#pos + 7) >>> 3)
  }

  /** Whole bytes left after the byte holding the last bit read. */
  trailingBytes(): number {
    return (this.#totalBits - this.#pos) >>> 3
  }
}

/**
 * Encodes floats into a scratch buffer and returns a view of the result, valid until the next
 * call into this module. Throws TSMEncodeError for a NaN.
 */
export function encodeFloatsView(values: Float64Array): Uint8Array {
  const n = values.length
  const src = u32View(values)
  const out = scratchBytes(SLOT_VALUES, 32 + Math.ceil((77 * (n + 1)) / 8))
  out[0] = GORILLA << 4
  const w = new BitWriter(out, 1)
  let prevHi = 0
  let prevLo = 0
  let lead = -1 // -1: the window is not set yet
  let trail = 0
  for (let i = 0; i <= n; i++) {
    let vhi: number
    let vlo: number
    if (i < n) {
      vhi = src[2 * i + HI] ?? 0
      vlo = src[2 * i + LO] ?? 0
      if ((vhi & 0x7ff00000) === 0x7ff00000 && ((vhi & 0xfffff) | vlo) !== 0) {
        throw new TSMEncodeError('float', 'NaN cannot be stored', { index: i })
      }
    } else {
      vhi = END_HI
      vlo = END_LO
    }
    if (i === 0) {
      w.put(vhi, 32)
      w.put(vlo, 32)
    } else {
      const xhi = (vhi ^ prevHi) >>> 0
      const xlo = (vlo ^ prevLo) >>> 0
      if ((xhi | xlo) === 0) {
        w.put(0, 1)
      } else {
        const l = (xhi !== 0 ? Math.clz32(xhi) : 32 + Math.clz32(xlo)) & 31
        const t = xlo !== 0 ? ctz32(xlo) : 32 + ctz32(xhi)
        let s: number
        let shift: number
        if (lead >= 0 && l >= lead && t >= trail) {
          w.put(0b10, 2)
          s = 64 - lead - trail
          shift = trail
        } else {
          lead = l
          trail = t
          s = 64 - l - t
          shift = t
          w.put((0b11 << 11) | (l << 6) | (s & 63), 13)
        }
        if (shift === 0) w.put64(xhi, xlo, s)
        else if (shift < 32)
          w.put64(xhi >>> shift, ((xlo >>> shift) | (xhi << (32 - shift))) >>> 0, s)
        else w.put64(0, xhi >>> (shift - 32), s)
      }
    }
    prevHi = vhi
    prevLo = vlo
  }
  return out.subarray(0, w.finish())
}

/** Encodes floats into a float value section, byte-identical to influxd. Throws TSMEncodeError for NaN. */
export function encodeFloats(values: Float64Array): Uint8Array {
  return encodeFloatsView(values).slice()
}

/**
 * Decodes a float value section. Throws TSMCodecError for an unknown encoding nibble, a stream
 * that ends before its end marker, a bad window (lead + bits > 64), bytes after the end marker, or a
 * count other than `options.count`.
 */
export function decodeFloats(buf: Uint8Array, options?: DecodeOptions): Float64Array {
  const base = options?.offset ?? 0
  const expected = options?.count
  if (buf.length === 0) {
    checkCount('float', base, 0, options)
    return new Float64Array(0)
  }
  const header = buf[0] ?? 0
  if (header >>> 4 !== GORILLA)
    throw new TSMCodecError('float', base, `unknown float encoding ${header >>> 4}`, {
      found: header,
    })
  const r = new BitReader(buf, base)
  let cap = expected ?? Math.min(1024, 8 * buf.length)
  let out = new Float64Array(cap)
  let u = u32View(out)
  let n = 0
  let vhi = r.read(32)
  let vlo = r.read(32)
  let lead = 0
  let trail = 0
  while (vhi !== END_HI || vlo !== END_LO) {
    if (n === cap) {
      if (expected !== undefined) {
        throw new TSMCodecError('float', r.offset, 'more values than timestamps', { expected })
      }
      cap *= 2 // each value takes at least one bit, so this stays below 2 × totalBits
      const grown = new Float64Array(cap)
      grown.set(out)
      out = grown
      u = u32View(out)
    }
    u[2 * n + HI] = vhi
    u[2 * n + LO] = vlo
    n++
    if (r.read(1) === 0) continue
    if (r.read(1) === 1) {
      lead = r.read(5)
      let s = r.read(6)
      if (s === 0) s = 64
      if (lead + s > 64) {
        throw new TSMCodecError(
          'float',
          r.offset,
          'leading zeros plus significant bits exceed 64',
          {
            found: lead + s,
          },
        )
      }
      trail = 64 - lead - s
    }
    const s = 64 - lead - trail
    let mhi = 0
    let mlo: number
    if (s > 32) {
      mhi = r.read(s - 32)
      mlo = r.read(32)
    } else {
      mlo = r.read(s)
    }
    if (trail === 0) {
      vhi = (vhi ^ mhi) >>> 0
      vlo = (vlo ^ mlo) >>> 0
    } else if (trail < 32) {
      vhi = (vhi ^ ((mhi << trail) | (mlo >>> (32 - trail)))) >>> 0
      vlo = (vlo ^ (mlo << trail)) >>> 0
    } else {
      vhi = (vhi ^ (mlo << (trail - 32))) >>> 0
    }
  }
  const extra = r.trailingBytes()
  if (extra !== 0)
    throw new TSMCodecError('float', r.endOffset, 'trailing bytes after the end marker', {
      found: extra,
    })
  checkCount('float', base, n, options)
  return n === out.length ? out : out.slice(0, n)
}
