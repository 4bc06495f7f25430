// The deterministic data of the engine crash test: batch b writes SERIES series × POINTS points with
// times and values derived from b, so the parent can check every acknowledged point.
export const SERIES = 5
export const POINTS = 40

/** The line protocol of batch `b`. */
export function batchLines(b: number): string {
  const lines: string[] = []
  for (let s = 0; s < SERIES; s++) {
    for (let i = 0; i < POINTS; i++) {
      const t = BigInt(b) * 1_000_000n + BigInt(i)
      lines.push(`m,s=${s} v=${b * 1000 + i}i,f=${b + i / 100},str="b${b}i${i}" ${t}`)
    }
  }
  return lines.join('\n')
}
