// Test support for the backup interop tests with the real influxd 1.6 (test/interop/backup-*):
// running the storage fixtures' "tsm" scenario on a live influxd (writes with their db/rp/precision,
// waits for cache snapshots, the restart and the compaction block that keep tombstones, the
// deletes), capturing influxd's answers, running `influxd backup|restore -portable`, and comparing
// what a Tidemark store holds with influxd's answers. Not used by production code.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Store } from '../store/index.js'
import { INFLUXD_BIN, startInfluxd } from '../../test/helpers/influxd.js'
import type { InfluxdConfig, InfluxdHandle } from '../../test/helpers/influxd.js'
import type { JSONObject } from '../../test/helpers/json-bigint.js'
import { assertAllDeepEqual } from '../../test/interop/assert-all.js'
import type { Comparison } from '../../test/interop/assert-all.js'
import {
  measurementNames,
  schemaComparisons,
  schemaStatements,
  selectComparisons,
} from '../../test/interop/engine-answers.js'
import type { OpenShard } from '../../test/interop/engine-answers.js'
import {
  firstColumn,
  listFiles,
  quoteIdent,
  resultsOf,
  waitFor,
  walIsEmpty,
} from '../../test/interop/influxd-steps.js'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const scenarioDir = join(repo, 'test', 'fixtures', 'storage', 'tsm')

type ScenarioStep =
  | { readonly kind: 'statement'; readonly q: string; readonly db?: string }
  | {
      readonly kind: 'write'
      readonly db: string
      readonly rp: string
      readonly precision: string
      readonly file: string
    }
  | { readonly kind: 'wait-for-snapshots' }
  | { readonly kind: 'restart'; readonly config: InfluxdConfig }
  | { readonly kind: 'block-compactions' }

interface Scenario {
  readonly config: InfluxdConfig
  readonly steps: readonly ScenarioStep[]
}

/**
 * Makes influxd give up compacting the current TSM files (it writes `<gen>-<seq+1>.tsm.tmp` with
 * O_EXCL and stops when that exists), so their tombstone files stay for the backup to carry.
 */
function blockCompactions(dataDir: string): void {
  for (const f of listFiles(dataDir)) {
    const m = /^(\d{9})-(\d{9})\.tsm$/.exec(basename(f))
    if (m === null || m[1] === undefined || m[2] === undefined) continue
    writeFileSync(
      join(dirname(f), `${m[1]}-${String(Number(m[2]) + 1).padStart(9, '0')}.tsm.tmp`),
      '',
    )
  }
}

/**
 * Starts influxd in `root` and runs the storage fixtures' "tsm" scenario on it. With `tombstones`
 * the scenario's restart and compaction block are honoured (tombstone files survive until a
 * backup); without, influxd snapshots and compacts freely. `dataConfig` adds [data] settings.
 * Returns the running influxd.
 */
export async function runTSMScenario(
  root: string,
  tombstones: boolean,
  dataConfig: Record<string, string> = {},
): Promise<InfluxdHandle> {
  const scenario = JSON.parse(readFileSync(join(scenarioDir, 'scenario.json'), 'utf8')) as Scenario
  const config = {
    ...scenario.config,
    data: { ...(scenario.config['data'] as object), ...dataConfig },
  }
  let h = await startInfluxd({ dataDir: root, config })
  try {
    for (const step of scenario.steps) {
      switch (step.kind) {
        case 'statement': {
          const raw = await h.queryRaw(step.q, step.db === undefined ? {} : { db: step.db })
          assert.ok(!raw.includes('"error"'), `${step.q}: ${raw}`)
          break
        }
        case 'write':
          await h.write(step.db, readFileSync(join(scenarioDir, step.file), 'utf8'), {
            rp: step.rp,
            precision: step.precision,
          })
          break
        case 'wait-for-snapshots':
          await waitFor(() => walIsEmpty(h.dirs.wal), 30_000, 'influxd to snapshot every cache')
          break
        case 'restart':
          if (tombstones) {
            await h.stop()
            h = await startInfluxd({ dataDir: root, config: step.config })
          }
          break
        case 'block-compactions':
          if (tombstones) blockCompactions(h.dirs.data)
          break
        default:
          step satisfies never
      }
    }
    return h
  } catch (err) {
    await h.stop()
    throw err
  }
}

/** influxd's answers: `<db>.schema`, `<db>.measurements` and `<db>.<rp>.select` result lists. */
export type Answers = Map<string, JSONObject[]>

/** Captures, for every database, the schema statements and SELECT * GROUP BY * per RP and measurement. */
export async function captureAnswers(
  h: InfluxdHandle,
  databases?: readonly string[],
): Promise<Answers> {
  const answers: Answers = new Map()
  for (const db of databases ?? firstColumn(resultsOf(await h.query('SHOW DATABASES'))[0])) {
    const on = quoteIdent(db)
    const schema = resultsOf(await h.query(schemaStatements(on).join('; ')))
    answers.set(`${db}.schema`, schema)
    const measurements = measurementNames(schema[1])
    answers.set(
      `${db}.measurements`,
      measurements.map((m) => ({ name: m })),
    )
    for (const rp of firstColumn(schema[0])) {
      const q = measurements.map(
        (m) => `SELECT * FROM ${on}.${quoteIdent(rp)}.${quoteIdent(m)} GROUP BY *`,
      )
      answers.set(
        `${db}.${rp}.select`,
        q.length === 0 ? [] : resultsOf(await h.query(q.join('; '), { epoch: 'ns' })),
      )
    }
  }
  return answers
}

/** The open shards of `store` in the form the interop comparisons take. */
export function storeShards(store: Store): OpenShard[] {
  return store.shards().map((shard) => ({
    loc: { id: shard.id, database: shard.database, retentionPolicy: shard.retentionPolicy },
    shard,
  }))
}

/**
 * Asserts that `store`'s database `ours` answers like influxd's database `theirs` did: schema
 * statements, and SELECT * GROUP BY * of every measurement in every retention policy.
 */
export async function assertStoreAnswers(
  store: Store,
  answers: Answers,
  theirs: string,
  ours = theirs,
): Promise<void> {
  const shards = storeShards(store)
  const comparisons: Comparison[] = [
    ...schemaComparisons(ours, shards, answers.get(`${theirs}.schema`) ?? []),
  ]
  const measurements = (answers.get(`${theirs}.measurements`) ?? []).map((m) => String(m['name']))
  const rps = [...answers.keys()].filter((k) => k.startsWith(`${theirs}.`) && k.endsWith('.select'))
  assert.ok(rps.length > 0, `no answers for ${theirs}`)
  for (const key of rps) {
    const rp = key.slice(theirs.length + 1, -'.select'.length)
    comparisons.push(
      ...(await selectComparisons(ours, rp, shards, measurements, answers.get(key) ?? [])),
    )
  }
  assertAllDeepEqual(comparisons)
}

/**
 * Captures answers like captureAnswers once influxd has finished installing restored shards:
 * `influxd restore` returns as soon as it has sent the data, and influxd keeps each shard disabled
 * ("shard is disabled") until it has written and reopened it; on a busy machine a query in that
 * window can also come back "not executed".
 */
export async function settledAnswers(
  h: InfluxdHandle,
  databases: readonly string[],
  timeoutMs = 30_000,
): Promise<Answers> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const got = await captureAnswers(h, databases)
    const busy = [...got.values()].some((results) => {
      const text = JSON.stringify(results, (_k, v: unknown) =>
        typeof v === 'bigint' ? String(v) : v,
      )
      return text.includes('shard is disabled') || text.includes('not executed')
    })
    if (!busy || Date.now() > deadline) return got
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Asserts that influxd `h` answers for `db` exactly what `answers` recorded for `from`. */
export async function assertInfluxdAnswers(
  h: InfluxdHandle,
  answers: Answers,
  from: string,
  db = from,
): Promise<void> {
  const got = await settledAnswers(h, [db])
  const comparisons: Comparison[] = []
  for (const [key, want] of answers) {
    if (!key.startsWith(`${from}.`)) continue
    comparisons.push([key, got.get(`${db}${key.slice(from.length)}`), want])
  }
  assert.ok(comparisons.length > 0, `no answers for ${from}`)
  assertAllDeepEqual(comparisons)
}

/** What a finished influxd tool run printed. */
export interface ToolRun {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `influxd <args>` (backup or restore) and waits for it, killing it after `timeoutMs`. */
export function runInfluxdTool(args: readonly string[], timeoutMs = 60_000): Promise<ToolRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(INFLUXD_BIN, [...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolvePromise({ status, stdout, stderr })
    })
  })
}

/** SHOW SHARD GROUPS of `db`.`rp` as [start, end) RFC3339 texts. */
export async function shardGroupRanges(
  h: InfluxdHandle,
  db: string,
  rp: string,
): Promise<[string, string][]> {
  const series = (resultsOf(await h.query('SHOW SHARD GROUPS'))[0]?.['series'] ??
    []) as JSONObject[]
  const out: [string, string][] = []
  for (const s of series) {
    for (const row of (s['values'] ?? []) as unknown[][]) {
      if (row[1] === db && row[2] === rp) out.push([String(row[4]), String(row[5])])
    }
  }
  return out
}
