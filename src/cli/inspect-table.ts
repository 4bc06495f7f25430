// Tab-aligned tables for the inspect commands' human output (the role Go's text/tabwriter plays in
// influx_inspect): every column padded with spaces to its widest cell plus a gap, no trailing
// spaces. Widths count code points, so names with accents or CJK characters stay readable.

/** Spaces between columns. */
const GAP = 2

function width(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

/**
 * `rows` (the first is usually the header) as aligned lines, each prefixed with `indent` and
 * ending in `\n`. Rows may have different lengths; missing cells are empty.
 */
export function formatTable(rows: readonly (readonly string[])[], indent = ''): string {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(cell))
    })
  }
  let out = ''
  for (const row of rows) {
    let line = ''
    row.forEach((cell, i) => {
      line += i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell) + GAP)
    })
    out += indent + line.trimEnd() + '\n'
  }
  return out
}
