// Shared by the tidemark-inspect tests (not part of the tool): captured output streams, temp
// copies of the golden storage fixtures written by the real influxd, the points influxd answers
// for them (expected/*.select.json), and exported line protocol parsed back into comparable
// points.

import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { parsePoints } from '../lineprotocol/index.js'
import type { FieldValue } from '../lineprotocol/index.js'
import { parseJSONBigInt } from '../../test/helpers/json-bigint.js'
import type { JSONValue } from '../../test/helpers/json-bigint.js'
import type { InspectIO } from './inspect-io.js'

/** The repository root (tests run from dist/src/cli). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
/** The storage fixtures written by influxd 1.6.7. */
export const STORAGE_FIXTURES = join(REPO_ROOT, 'test/fixtures/storage')
/** The two fixture scenarios: everything in the WAL, and TSM generations + tombstones + a WAL tail. */
export const SCENARIOS = ['wal-only', 'tsm'] as const
export type Scenario = (typeof SCENARIOS)[number]

/** A writable that keeps everything written to it as text. */
export class CaptureStream extends Writable {
  #chunks: Buffer[] = []

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.#chunks.push(chunk)
    done()
  }

  /** Everything written so far, as bytes. */
  get bytes(): Buffer {
    return Buffer.concat(this.#chunks)
  }

  /** Everything written so far, as UTF-8 text. */
  get text(): string {
    return this.bytes.toString('utf8')
  }
}

/** An InspectIO whose streams capture what the command writes. */
export function captureIO(): InspectIO & { stdout: CaptureStream; stderr: CaptureStream } {
  return { stdout: new CaptureStream(), stderr: new CaptureStream() }
}

/** A fresh temp directory; remove it with `rmSync(dir, { recursive: true, force: true })`. */
export function tempDir(prefix = 'tidemark-inspect-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Copies a scenario's data/ and wal/ into a fresh temp directory and returns that directory. */
export function copyScenario(scenario: Scenario): string {
  const dir = tempDir()
  cpSync(join(STORAGE_FIXTURES, scenario, 'data'), join(dir, 'data'), { recursive: true })
  cpSync(join(STORAGE_FIXTURES, scenario, 'wal'), join(dir, 'wal'), { recursive: true })
  return dir
}

/** Removes a temp directory. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** One stored field value: where it is (db, rp, measurement, tags, field, time) and its value. */
export interface StoredValue {
  /** `db\0rp\0measurement\0tag=value\0…\0field\0time`, tags sorted by key. */
  readonly id: string
  /** `f:<float>`, `i:<int>`, `b:true`, `s:<text>` — floats compare by value. */
  readonly value: string
}

function pointId(
  db: string,
  rp: string,
  measurement: string,
  tags: readonly { key: string; value: string }[],
  field: string,
  time: bigint,
): string {
  const t = [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return [db, rp, measurement, ...t.map((x) => `${x.key}=${x.value}`), field, String(time)].join(
    '\u0000',
  )
}

function canonicalFieldValue(v: FieldValue): string {
  switch (v.kind) {
    case 'float':
      return `n:${Object.is(v.value, -0) ? '-0' : String(v.value)}`
    case 'integer':
    case 'unsigned':
      return `n:${Number.isSafeInteger(Number(v.value)) ? String(Number(v.value)) : String(v.value)}`
    case 'boolean':
      return `b:${v.value}`
    case 'string':
      return `s:${v.value}`
    default: {
      const never: never = v
      throw new Error(String(never))
    }
  }
}

/**
 * A JSON answer value in the same canonical form. JSON has no float/integer distinction: a float
 * with an integral value above 2^53 arrives as a bigint, so `floatField` says how to read it.
 */
function canonicalJSONValue(v: JSONValue, floatField: boolean): string {
  if (typeof v === 'boolean') return `b:${v}`
  if (typeof v === 'string') return `s:${v}`
  if (typeof v === 'bigint') return floatField ? `n:${String(Number(v))}` : `n:${String(v)}`
  if (typeof v === 'number') return `n:${Object.is(v, -0) ? '-0' : String(v)}`
  throw new Error(`unexpected JSON value ${JSON.stringify(v)}`)
}

/**
 * Parses exported text into stored values. Comment lines are skipped; CONTEXT lines set the
 * database and RP (defaults for -lponly output). Asserts that every data line parses.
 */
export function exportedValues(
  text: string,
  db = '',
  rp = '',
): Map<string, StoredValue & { kind: string }> {
  const out = new Map<string, StoredValue & { kind: string }>()
  let body = ''
  const flush = (): void => {
    if (body === '') return
    const { points, errors } = parsePoints(Buffer.from(body, 'utf8'))
    assert.deepEqual(
      errors.map((e) => e.message),
      [],
      'every exported line parses',
    )
    for (const p of points) {
      for (const f of p.fields) {
        const id = pointId(db, rp, p.measurement, p.tags, f.key, p.time)
        assert.ok(!out.has(id), `a value is exported once: ${id}`)
        out.set(id, { id, value: canonicalFieldValue(f.value), kind: f.value.kind })
      }
    }
    body = ''
  }
  // The DDL part (before `# DML`) holds InfluxQL, not data.
  const dml = text.indexOf('\n# DML\n')
  if (text.startsWith('# INFLUXDB EXPORT')) text = dml < 0 ? '' : text.slice(dml + 7)
  // Split into context blocks first; within a block, hand the raw text to the parser, which
  // (like influxd's HTTP write path) keeps a newline inside a quoted string value.
  for (const chunk of text.split(/^(?=# )/m)) {
    const nl = chunk.indexOf('\n')
    const first = nl < 0 ? chunk : chunk.slice(0, nl)
    if (first.startsWith('# CONTEXT-DATABASE:')) {
      flush()
      db = first.slice('# CONTEXT-DATABASE:'.length)
    } else if (first.startsWith('# CONTEXT-RETENTION-POLICY:')) {
      flush()
      rp = first.slice('# CONTEXT-RETENTION-POLICY:'.length)
    } else if (first.startsWith('# DML') || first.startsWith('# DDL')) {
      flush()
    }
    body += first.startsWith('#') ? chunk.slice(nl < 0 ? chunk.length : nl + 1) : chunk
  }
  flush()
  return out
}

/** The (database, RP) pairs of the fixtures, each with an expected/<db>.<rp>.select.json. */
export const SELECTS = [
  ['db0', 'autogen'],
  ['db0', 'rp_long'],
  ['db1', 'autogen'],
] as const

/** The query text that produced expected/<db>.<rp>.select.json (from expected/queries.json). */
export function selectQuery(scenario: Scenario, db: string, rp: string): string {
  const file = join(STORAGE_FIXTURES, scenario, 'expected', 'queries.json')
  const queries = JSON.parse(readFileSync(file, 'utf8')) as { file: string; q: string }[]
  const q = queries.find((x) => x.file === `${db}.${rp}.select.json`)
  if (q === undefined) throw new Error(`no query for ${db}.${rp}`)
  return q.q
}

/**
 * The values in an influxd answer to SELECT * … GROUP BY * (epoch=ns) on `db`.`rp`, added to
 * `out`. `types` (from fieldTypesOf) tells float fields, whose big integral values JSON gives as
 * integers.
 */
export function answerValues(
  db: string,
  rp: string,
  body: string,
  types: ReadonlyMap<string, ReadonlySet<string>>,
  out = new Map<string, StoredValue>(),
): Map<string, StoredValue> {
  const answer = parseJSONBigInt(body) as {
    results: {
      series?: {
        name: string
        tags?: Record<string, string>
        columns: string[]
        values: JSONValue[][]
      }[]
    }[]
  }
  for (const result of answer.results) {
    for (const s of result.series ?? []) {
      const tags = Object.entries(s.tags ?? {})
        .filter(([, v]) => v !== '')
        .map(([key, value]) => ({ key, value }))
      for (const row of s.values) {
        const time = BigInt(row[0] as number | bigint)
        s.columns.forEach((field, j) => {
          const v = row[j]
          if (j === 0 || v === null || v === undefined) return
          const id = pointId(db, rp, s.name, tags, field, time)
          const isFloat = types.get(`${db}\u0000${s.name}\u0000${field}`)?.has('float') ?? false
          out.set(id, { id, value: canonicalJSONValue(v, isFloat) })
        })
      }
    }
  }
  return out
}

/** The values influxd answers for a scenario (expected/*.select.json, after the deletes). */
export function expectedValues(scenario: Scenario): Map<string, StoredValue> {
  const types = fieldTypesOf(scenario)
  const out = new Map<string, StoredValue>()
  for (const [db, rp] of SELECTS) {
    const file = join(STORAGE_FIXTURES, scenario, 'expected', `${db}.${rp}.select.json`)
    answerValues(db, rp, readFileSync(file, 'utf8'), types, out)
  }
  return out
}

/** `db\0measurement\0field` → the field's types in a scenario's schema (SHOW FIELD KEYS). */
export function fieldTypesOf(scenario: Scenario): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const db of ['db0', 'db1']) {
    const file = join(STORAGE_FIXTURES, scenario, 'expected', `${db}.schema.json`)
    const answer = parseJSONBigInt(readFileSync(file, 'utf8')) as {
      results: { series?: { name: string; columns: string[]; values: JSONValue[][] }[] }[]
    }
    for (const result of answer.results) {
      for (const s of result.series ?? []) {
        if (s.columns[0] !== 'fieldKey') continue
        for (const [key, type] of s.values) {
          const id = `${db}\u0000${s.name}\u0000${String(key)}`
          out.set(id, (out.get(id) ?? new Set()).add(String(type)))
        }
      }
    }
  }
  return out
}

/** The number of series influxd lists in SHOW SERIES ON <db> (expected/<db>.schema.json). */
export function showSeriesCount(scenario: Scenario, db: string): number {
  const text = readFileSync(
    join(STORAGE_FIXTURES, scenario, 'expected', `${db}.schema.json`),
    'utf8',
  )
  const answer = parseJSONBigInt(text) as {
    results: { series?: { columns: string[]; values: unknown[] }[] }[]
  }
  const s = answer.results.flatMap((r) => r.series ?? []).find((x) => x.columns[0] === 'key')
  return s?.values.length ?? 0
}

/** Asserts that two value maps hold the same ids with the same values, listing a few differences. */
export function assertSameValues(
  actual: ReadonlyMap<string, StoredValue>,
  expected: ReadonlyMap<string, StoredValue>,
): void {
  const missing = [...expected.keys()].filter((k) => !actual.has(k))
  const extra = [...actual.keys()].filter((k) => !expected.has(k))
  const differ = [...expected.values()].filter(
    (e) => actual.has(e.id) && actual.get(e.id)?.value !== e.value,
  )
  const show = (ids: string[]): string[] =>
    ids.slice(0, 5).map((s) => s.replaceAll('\u0000', ' | '))
  assert.deepEqual(show(missing), [], `${missing.length} expected values not exported`)
  assert.deepEqual(show(extra), [], `${extra.length} exported values influxd does not answer`)
  assert.deepEqual(
    differ
      .slice(0, 5)
      .map(
        (e) =>
          `${e.id.replaceAll('\u0000', ' | ')}: ${e.value} vs ${actual.get(e.id)?.value ?? ''}`,
      ),
    [],
    `${differ.length} values differ`,
  )
  assert.equal(actual.size, expected.size)
}
