// CRC-32 with the IEEE polynomial (Go's crc32.ChecksumIEEE), as TSM blocks and gzip members use it.
// @node-rs/crc32 (crc32fast: PCLMULQDQ on x86-64, the CRC instructions on ARM) runs at ~8 GB/s
// here, ~3x zlib's crc32; backup and restore compute a CRC-32 over every byte of a shard two or
// three times. Where its prebuilt binary does not exist for the platform, zlib's is used.
import { createRequire } from 'node:module'
import { crc32 as zlibCRC32 } from 'node:zlib'

type CRC32 = (data: Uint8Array, prev?: number) => number

function fastest(): CRC32 {
  try {
    const m = createRequire(import.meta.url)('@node-rs/crc32') as {
      crc32: (data: Uint8Array, initial?: number) => number
    }
    // Refuse a binding that disagrees with zlib on a known value ("123456789" → 0xcbf43926).
    if (m.crc32(new TextEncoder().encode('123456789')) >>> 0 === 0xcbf43926) return m.crc32
  } catch {
    // no prebuilt binary for this platform
  }
  return zlibCRC32
}

/** Chosen on first use: loading the binding takes ~9 ms, which a command that never needs it skips. */
let impl: CRC32 | undefined

/**
 * Loads the binding now, where waiting is free (tidemark-ctl backup: while the node freezes the
 * shard), instead of at the first CRC-32, when the first bytes of an archive are waiting.
 */
export function loadCRC32(): void {
  impl ??= fastest()
}

/** The IEEE CRC-32 of `data` (continuing from the CRC-32 `prev` of what came before), unsigned. */
export function crc32(data: Uint8Array, prev = 0): number {
  impl ??= fastest()
  return impl(data, prev) >>> 0
}
