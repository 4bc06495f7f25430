// CRC-32 with the IEEE polynomial (Go's crc32.ChecksumIEEE), as TSM blocks use it.
import { crc32 as zlibCRC32 } from 'node:zlib'

/** The IEEE CRC-32 of `data` (continuing from the CRC-32 `prev` of what came before), unsigned. */
export function crc32(data: Uint8Array, prev = 0): number {
  return zlibCRC32(data, prev) >>> 0
}
