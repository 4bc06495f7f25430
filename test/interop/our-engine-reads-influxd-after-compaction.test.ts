// Our engine reads shards that the real influxd 1.6 has snapshotted AND compacted itself. The
// storage fixtures' inputs are written to a fresh influxd in the order of the "tsm" scenario
// (statements, writes with their db/rp/precision, waits for snapshots, the deletes), with cache
// snapshots and full compactions after one cold second; once its tombstones are applied and its
// files stop changing, influxd's own answers are captured, influxd is stopped,
// and our engine must rebuild the same answers from its level-2+ files.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { runTSMScenario } from '../../src/backup/interop-test-support.js'
import { influxdAvailable, requireInfluxd } from '../helpers/influxd.js'
import type { InfluxdHandle } from '../helpers/influxd.js'
import type { JSONObject } from '../helpers/json-bigint.js'
import { assertAllDeepEqual } from './assert-all.js'
import {
  measurementNames,
  schemaComparisons,
  schemaStatements,
  selectComparisons,
} from './engine-answers.js'
import type { OpenShard } from './engine-answers.js'
import { findShards, openShard } from './engine-reader.js'
import {
  filesFingerprint,
  firstColumn,
  listFiles,
  quoteIdent,
  resultsOf,
  waitFor,
} from './influxd-steps.js'

/** Snapshot the cache and fully compact a shard after one second without writes. */
const QUICK = {
  'cache-snapshot-write-cold-duration': '1s',
  'compact-full-write-cold-duration': '1s',
}

/**
 * Waits until no tombstone or temp file is left and no file has changed for 3 s (three times
 * influxd's snapshot and compaction check interval, so every cold cache has been written out).
 * A WAL segment may keep a delete-range entry: when a delete empties a shard's cache, influxd has
 * nothing to snapshot and never retires that segment; our engine replays it like influxd does.
 */
async function waitUntilSettled(h: InfluxdHandle): Promise<void> {
  let last = ''
  let since = Date.now()
  await waitFor(
    () => {
      const now = `${filesFingerprint(h.dirs.data)}\n${filesFingerprint(h.dirs.wal)}`
      if (now !== last) [last, since] = [now, Date.now()]
      const busy = listFiles(h.dirs.data).some((f) => /\.(tombstone|tmp)$/.test(f))
      return !busy && Date.now() - since >= 3000
    },
    30_000,
    () => `influxd to finish its snapshots and compactions; files now:\n${last}`,
  )
}

describe('our engine reading shards that influxd 1.6 compacted itself', () => {
  let dir = ''
  const answers = new Map<string, JSONObject[]>()
  const shards: OpenShard[] = []

  before(async () => {
    if (!influxdAvailable()) return
    dir = mkdtempSync(join(tmpdir(), 'tidemark-interop-compacted-'))
    // The fixture's scenario, compactions free (no tombstones kept).
    const h = await runTSMScenario(dir, false, QUICK)
    try {
      await waitUntilSettled(h)
      // influxd's own answers, captured while it still runs.
      for (const db of firstColumn(resultsOf(await h.query('SHOW DATABASES'))[0])) {
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
          answers.set(`${db}.${rp}.select`, resultsOf(await h.query(q.join('; '), { epoch: 'ns' })))
        }
      }
    } finally {
      await h.stop()
    }
    const dirs = { data: join(dir, 'data'), wal: join(dir, 'wal') }
    for (const loc of findShards(dirs.data)) shards.push({ loc, shard: await openShard(dirs, loc) })
  })

  after(async () => {
    for (const { shard } of shards) await shard.close()
    if (dir !== '') rmSync(dir, { recursive: true, force: true })
  })

  it('finds influxd-compacted TSM files of level 2 or more and no tombstones', (t) => {
    if (!requireInfluxd(t)) return
    const tsm = listFiles(join(dir, 'data'))
      .filter((f) => f.endsWith('.tsm'))
      .map((f) => basename(f))
    assert.ok(
      tsm.some((n) => Number(n.slice(10, 19)) >= 2),
      `no compacted file among ${tsm.join(', ')}`,
    )
    assert.deepEqual(
      listFiles(join(dir, 'data')).filter((f) => f.endsWith('.tombstone')),
      [],
    )
    assert.equal(shards.length, 11)
  })

  it('lists the measurements, series, field keys and tag keys of every database as influxd did', (t) => {
    if (!requireInfluxd(t)) return
    for (const db of ['db0', 'db1']) {
      assertAllDeepEqual(schemaComparisons(db, shards, answers.get(`${db}.schema`) ?? []))
    }
  })

  it('answers SELECT * GROUP BY * for every measurement of every retention policy as influxd did', async (t) => {
    if (!requireInfluxd(t)) return
    const rps = [...answers.keys()].filter((k) => k.endsWith('.select'))
    assert.deepEqual(rps.sort(), ['db0.autogen.select', 'db0.rp_long.select', 'db1.autogen.select'])
    for (const key of rps) {
      const [db = '', rp = ''] = key.split('.')
      const measurements = (answers.get(`${db}.measurements`) ?? []).map((m) => String(m['name']))
      assertAllDeepEqual(
        await selectComparisons(db, rp, shards, measurements, answers.get(key) ?? []),
      )
    }
  })
})
