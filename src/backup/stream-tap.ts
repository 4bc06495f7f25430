// A pass-through stream that shows each chunk to a function on its way: how archive readers and
// writers hash and count the bytes they move without holding them.

import type { Buffer } from 'node:buffer'
import { Transform } from 'node:stream'

/** Bytes a tap holds on each side before it pushes back: a few of the 1 MiB pieces archives move in. */
const TAP_BUFFER_BYTES = 4 << 20

/** A Transform that passes every chunk through unchanged after calling `see` with it. */
export function tapStream(see: (chunk: Buffer) => void): Transform {
  return new Transform({
    highWaterMark: TAP_BUFFER_BYTES,
    transform(chunk: Buffer, _enc, done) {
      see(chunk)
      done(null, chunk)
    },
  })
}
