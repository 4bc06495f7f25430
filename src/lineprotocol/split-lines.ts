// Line framing exactly as influxd 1.6.7's scanLine (spec §1.1): the body is split at `\n`, except
// that a backslash and the byte after it are skipped as a pair (when two more bytes follow), and
// after the first space a `"` in a value position (more `=` than `,` seen) toggles quoting, inside
// which a `\n` does not end the line. parsePoints only calls this for lines that contain a quote
// or a backslash; other lines end at the next `\n`.

/**
 * Finds where the line that starts at `i` ends, exactly as influxd's scanLine: backslash pairs are
 * skipped (when two more bytes follow), and after the first space, `"` toggles quoting in value
 * positions, where a `\n` does not end the line. Returns the offset of the ending `\n` or `len`.
 */
export function scanLineEnd(b: Uint8Array, i: number, len: number): number {
  let quoted = false
  let fields = false
  let equals = 0
  let commas = 0
  while (i < len) {
    const c = b[i] ?? 0
    if (c > 61 /* = */ && c !== 92 /* \ */) {
      i++
      continue
    }
    if (c === 92 /* \ */ && i + 2 < len) {
      i += 2
      continue
    }
    if (c === 32 /* space */) fields = true
    if (fields) {
      if (!quoted && c === 61 /* = */) {
        equals++
        i++
        continue
      }
      if (!quoted && c === 44 /* , */) {
        commas++
        i++
        continue
      }
      if (c === 34 /* " */ && equals > commas) {
        quoted = !quoted
        i++
        continue
      }
    }
    if (c === 10 /* \n */ && !quoted) break
    i++
  }
  return i
}

/** Counts the `\n` bytes in `b[start, end)`. */
export function countNewlines(b: Uint8Array, start: number, end: number): number {
  let n = 0
  for (let i = start; i < end; i++) if (b[i] === 10 /* \n */) n++
  return n
}
