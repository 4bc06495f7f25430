// The value section of string blocks (block type 3), as InfluxDB tsm1/string.go writes it:
//
//   0x10 | one snappy BLOCK-format buffer (no framing, no stream identifier, no CRCs)
//
// whose uncompressed content is, for every value, uvarint(byte length) followed by the UTF-8 bytes.
// Compression and decompression use the `snappy` package (raw block format). For inputs under 17
// bytes it emits a single literal, as golang/snappy does, so short sections are byte-identical to
// influxd's; longer ones are valid snappy that any decoder reads, not necessarily the same bytes.

import { Buffer } from 'node:buffer'
import { snappy } from '../util/index.js'
import { TSMCodecError } from './codec-errors.js'
import {
  SLOT_STRINGS,
  SLOT_VALUES,
  checkCount,
  readUvarint,
  scratchBytes,
  writeUvarint,
} from './codec-support.js'
import type { DecodeOptions } from './codec-support.js'

const SNAPPY = 1
/** No snappy element yields more than 64 bytes from 3 input bytes, so output ≤ 22 × input. */
const SNAPPY_MAX_RATIO = 22
/** The largest uncompressed length snappy's block format allows. */
const SNAPPY_MAX_LENGTH = 0xffffffff
const NOT_ASCII = /[^\x00-\x7f]/

const utf8 = new TextEncoder()

/** Encodes strings into a scratch view (valid until the next call); used by the block encoder. */
export function encodeStringsView(values: readonly string[]): Uint8Array {
  let bound = 0
  for (const s of values) bound += 5 + 3 * s.length
  const content = scratchBytes(SLOT_STRINGS, bound)
  let pos = 0
  for (const s of values) {
    const n = s.length
    if (n < 43) {
      // At most 126 UTF-8 bytes, so the length is one varint byte. ASCII is copied directly,
      // which for short strings is much cheaper than a TextEncoder call.
      let j = 0
      for (; j < n; j++) {
        const c = s.charCodeAt(j)
        if (c >= 0x80) break
        content[pos + 1 + j] = c
      }
      if (j < n) j = utf8.encodeInto(s, content.subarray(pos + 1)).written
      content[pos] = j
      pos += 1 + j
    } else {
      const { written } = utf8.encodeInto(s, content.subarray(pos + 5))
      const start = writeUvarint(content, pos, written)
      content.copyWithin(start, pos + 5, pos + 5 + written)
      pos = start + written
    }
  }
  // copyOutputData: the package's external-buffer path is several times slower for block-sized data.
  const compressed = snappy().compressSync(content.subarray(0, pos), { copyOutputData: true })
  const out = scratchBytes(SLOT_VALUES, 1 + compressed.length)
  out[0] = SNAPPY << 4
  out.set(compressed, 1)
  return out.subarray(0, 1 + compressed.length)
}

/** Encodes strings (stored as UTF-8) into a string value section. */
export function encodeStrings(values: readonly string[]): Uint8Array {
  return encodeStringsView(values).slice()
}

/**
 * Decodes a string value section. Invalid UTF-8 becomes U+FFFD. Throws TSMCodecError for an unknown
 * encoding, bad snappy data (or a declared length no snappy data can reach), a string length that
 * runs past the content, or a count other than `options.count`.
 */
export function decodeStrings(buf: Uint8Array, options?: DecodeOptions): string[] {
  const base = options?.offset ?? 0
  const expected = options?.count
  const max = options?.maxCount
  const out: string[] = []
  if (buf.length === 0) {
    checkCount('string', base, 0, options)
    return out
  }
  const header = buf[0] ?? 0
  if (header >>> 4 !== SNAPPY)
    throw new TSMCodecError('string', base, `unknown string encoding ${header >>> 4}`, {
      found: header,
    })
  const declared = readUvarint(
    buf,
    1,
    buf.length,
    'string',
    base,
    'snappy length',
    Math.min(SNAPPY_MAX_LENGTH, SNAPPY_MAX_RATIO * (buf.length - 1)),
  )
  let content: Buffer
  try {
    const raw = snappy().uncompressSync(buf.subarray(1), { asBuffer: true, copyOutputData: true })
    content = typeof raw === 'string' ? Buffer.from(raw) : raw
  } catch (e) {
    throw new TSMCodecError(
      'string',
      base + 1,
      `snappy: ${e instanceof Error ? e.message : String(e)}`,
      {},
      e,
    )
  }
  if (content.length !== declared.value) {
    throw new TSMCodecError('string', base + 1, 'snappy output length differs from its header', {
      expected: declared.value,
      found: content.length,
    })
  }
  // Errors in the content name the start of the snappy data (`offset`) and the position inside
  // the uncompressed content (`contentOffset`).
  const len = content.length
  // All-ASCII content (the common case) is decoded once; each value is then a substring.
  const latin1 = content.toString('latin1', 0, len)
  const whole = NOT_ASCII.test(latin1) ? undefined : latin1
  let pos = 0
  while (pos < len) {
    let l = 0
    let mul = 1
    let p = pos
    for (;;) {
      if (p >= len || p - pos >= 5) {
        throw new TSMCodecError('string', base + 1, 'bad string length varint', {
          contentOffset: pos,
        })
      }
      const b = content[p++] ?? 0
      l += (b & 0x7f) * mul
      if (b < 0x80) break
      mul *= 128
    }
    const end = p + l
    if (end > len) {
      throw new TSMCodecError(
        'string',
        base + 1,
        'string runs past the end of the snappy content',
        {
          contentOffset: pos,
          expected: l,
          found: len - p,
        },
      )
    }
    if (
      (expected !== undefined && out.length >= expected) ||
      (max !== undefined && out.length >= max)
    ) {
      throw new TSMCodecError('string', base + 1, 'more values than expected', {
        contentOffset: pos,
        expected: expected ?? max,
      })
    }
    out.push(whole !== undefined ? whole.substring(p, end) : content.toString('utf8', p, end))
    pos = end
  }
  checkCount('string', base, out.length, options)
  return out
}
