// Which tar entries of a shard archive a restore may use. An entry must live under the shard's own
// directory `<db>/<rp>/<id>/` (spec/backup-formats.md §1.4); anything that could write elsewhere —
// an absolute path, a `..` component, a path outside that directory, a link, a device, a FIFO or an
// unknown entry type — is refused, not skipped. Inside the directory, `NNNNNNNNN-NNNNNNNNN.tsm` files
// and their `.tombstone` files are used; other names (`fields.idx`, TSI `index/`, `_series`) are
// ignored, as influxd ignores them, and reported as warnings.

import { parseTSMFileName } from '../tsm/index.js'

/** The shard an archive belongs to, as the backup's metadata names it. */
export interface ArchiveLocation {
  readonly database: string
  readonly retentionPolicy: string
  readonly shardID: bigint
}

/** How a restore treats one entry. */
export type EntryUse =
  | { readonly kind: 'tsm'; readonly name: string }
  | { readonly kind: 'tombstone'; readonly name: string; readonly tsmName: string }
  | { readonly kind: 'ignore'; readonly reason: string }
  | { readonly kind: 'refuse'; readonly reason: string }

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile'])

/** The entry path prefix of a shard: `<db>/<rp>/<id>/`. */
export function shardEntryPrefix(loc: ArchiveLocation): string {
  return `${loc.database}/${loc.retentionPolicy}/${loc.shardID}/`
}

/** Decides what a restore does with the entry `path` of node-tar type `type` in `loc`'s archive. */
export function classifyEntry(path: string, type: string, loc: ArchiveLocation): EntryUse {
  if (path === '') return { kind: 'refuse', reason: 'empty entry name' }
  if (path.includes('\0')) return { kind: 'refuse', reason: 'entry name contains a NUL byte' }
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
    return { kind: 'refuse', reason: 'absolute entry path' }
  const trimmed = path.startsWith('./') ? path.slice(2) : path
  const parts = trimmed.split('/')
  if (parts.some((p) => p === '..')) return { kind: 'refuse', reason: 'entry path contains ".."' }
  const isDir = type === 'Directory'
  if (!isDir && !FILE_TYPES.has(type)) {
    const what = /Link$/.test(type)
      ? 'links are not restored'
      : `entry type ${type} is not restored`
    return { kind: 'refuse', reason: what }
  }
  const clean = isDir ? trimmed.replace(/\/+$/, '') : trimmed
  const prefix = shardEntryPrefix(loc)
  if (isDir) {
    const dir = `${clean}/`
    if (prefix.startsWith(dir) || dir.startsWith(prefix))
      return { kind: 'ignore', reason: 'directory entry' }
    return { kind: 'refuse', reason: `directory outside ${prefix}` }
  }
  if (!clean.startsWith(prefix))
    return { kind: 'refuse', reason: `entry outside the shard directory ${prefix}` }
  const rest = clean.slice(prefix.length)
  if (rest === '' || rest.split('/').some((p) => p === '' || p === '.')) {
    return { kind: 'refuse', reason: 'malformed entry path' }
  }
  if (rest.includes('/')) return { kind: 'ignore', reason: 'file in a subdirectory of the shard' }
  if (rest.endsWith('.tsm')) {
    try {
      parseTSMFileName(rest)
    } catch {
      return { kind: 'refuse', reason: 'TSM file name is not <generation>-<sequence>.tsm' }
    }
    return { kind: 'tsm', name: rest }
  }
  if (rest.endsWith('.tombstone')) {
    const tsmName = `${rest.slice(0, -'.tombstone'.length)}.tsm`
    try {
      parseTSMFileName(tsmName)
    } catch {
      return { kind: 'refuse', reason: 'tombstone file name does not match a TSM file name' }
    }
    return { kind: 'tombstone', name: rest, tsmName }
  }
  return { kind: 'ignore', reason: 'not a TSM or tombstone file' }
}
