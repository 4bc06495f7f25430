// Small helpers the interop tests share around a real influxd: reading its JSON answers, quoting
// InfluxQL identifiers, finding its shards, and polling its directories until background work
// (cache snapshots, compactions) has settled.

import assert from 'node:assert/strict'
import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs'
import { join } from 'node:path'
import type { JSONObject, JSONValue } from '../helpers/json-bigint.js'

/** The `results` array of an influxd answer. */
export function resultsOf(answer: JSONValue): JSONObject[] {
  const results = (answer as JSONObject | null)?.['results']
  assert.ok(Array.isArray(results), `answer without results: ${String(answer)}`)
  return results as JSONObject[]
}

/** Quotes an InfluxQL identifier: `"` and `\` are backslash-escaped. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** The first column of every row of the first series of `result` (e.g. SHOW MEASUREMENTS names). */
export function firstColumn(result: JSONObject | undefined): string[] {
  const rows = ((result?.['series'] as JSONObject[] | undefined)?.[0]?.['values'] ??
    []) as JSONValue[][]
  return rows.map((r) => String(r[0]))
}

/** From a SHOW SHARDS answer: the shard id of each shard group of `db`.`rp`, by start time text. */
export function shardIDsByStart(answer: JSONValue, db: string, rp: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const series of (resultsOf(answer)[0]?.['series'] ?? []) as JSONObject[]) {
    if (series['name'] !== db) continue
    for (const row of series['values'] as JSONValue[][]) {
      if (row[2] === rp && typeof row[0] === 'number' && typeof row[4] === 'string')
        out.set(row[4], row[0])
    }
  }
  return out
}

/** Every regular file under `dir` (none if it does not exist), recursively, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = []
  if (!existsSync(dir)) return out
  const walk = (d: string): void => {
    let entries: Dirent[]
    try {
      entries = readdirSync(d, { withFileTypes: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return // removed while we looked
      throw err
    }
    for (const e of entries) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile()) out.push(p)
    }
  }
  walk(dir)
  return out.sort()
}

/**
 * Polls `done` every 100 ms; rejects naming `what` (a text, or a function giving one with the
 * current state) if it is still false after `timeoutMs`.
 */
export async function waitFor(
  done: () => boolean,
  timeoutMs: number,
  what: string | (() => string),
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
      )
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The size of a file, or -1 when influxd removed it since it was listed (a compaction finished). */
function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return -1
    throw err
  }
}

/** True when every WAL segment under `walDir` is empty (influxd has snapshotted every cache). */
export function walIsEmpty(walDir: string): boolean {
  return listFiles(walDir).every((f) => !f.endsWith('.wal') || sizeOf(f) <= 0)
}

/** The names and sizes of the files under `dir`, as one string that changes when any file does. */
export function filesFingerprint(dir: string): string {
  return listFiles(dir)
    .map((f) => `${f}:${sizeOf(f)}`)
    .join('\n')
}
