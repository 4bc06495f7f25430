// WAL segment file names: `_` + the segment id as at least five decimal digits + `.wal`
// (`_00001.wal`; id 100000 is `_100000.wal`). Ids start at 1 and only grow.

const SEGMENT_NAME = /^_(\d{5,})\.wal$/

/** The file name of segment `id` (a positive integer). */
export function segmentFileName(id: number): string {
  return `_${String(id).padStart(5, '0')}.wal`
}

/**
 * The segment id a file name stands for, or undefined when the name is not a segment name in its
 * canonical form (so `_1.wal` or `_000001.wal` are not mistaken for segment 1).
 */
export function parseSegmentFileName(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name)
  if (m === null || m[1] === undefined) return undefined
  const id = Number(m[1])
  if (!Number.isSafeInteger(id) || id < 1 || segmentFileName(id) !== name) return undefined
  return id
}
