// Coded warnings: things a backup reader or restore tolerates but reports (an ignored archive entry,
// a shard shadowed by a newer backup, a tombstone without its TSM file), so the CLI can print them
// and a strict caller can refuse them.

/** Why a warning was raised. */
export type BackupWarningCode =
  /** A non-TSM entry (fields.idx, index/, a directory) was skipped, as influxd skips it. */
  | 'ignored-entry'
  /** A tombstone file names a TSM file the archive does not hold. */
  | 'orphan-tombstone'
  /** A manifest entry's file is missing but a newer or other entry of the shard is used instead. */
  | 'missing-file'
  /** A manifest entry's shard is not in the newest `.meta`; restore skips it (influxd: "Meta info not found"). */
  | 'shard-not-in-meta'
  /** A restore passes over a shard archive whose shard the imported metadata does not hold (e.g. `_internal`). */
  | 'shard-skipped'
  /** A manifest marks itself incomplete; it is ignored. */
  | 'incomplete-manifest'
  /** The manifest records no uncompressed size or sha256 to check against (an older or foreign set). */
  | 'unchecked'

/** One warning, with where it applies. */
export interface BackupWarning {
  readonly code: BackupWarningCode
  /** The file the warning is about. */
  readonly path: string
  readonly entry?: string
  readonly offset?: number
  readonly shardID?: bigint
  readonly reason: string
}

/** Where warning `w` applies, as the tools print it: the file, then the entry and its offset. */
export function warningPlace(w: BackupWarning): string {
  if (w.entry === undefined) return w.path
  return `${w.path}, entry ${JSON.stringify(w.entry)}${w.offset === undefined ? '' : ` at offset ${w.offset}`}`
}
