// The real influxd 1.6 opens shards whose TSM files, tombstone files and fields.idx OUR engine
// wrote, and answers queries with exactly the values we wrote. influxd first creates the database
// and, from one seed point each, the shard groups and shards; we then replace each shard's files
// with ours (and drop influxd's WAL and `_series`, which it rebuilds), restart it, and compare its
// answers with a model of the dataset. influxd then compacts our tombstoned generation itself, and
// must still answer the same.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePoints } from '../../src/lineprotocol/index.js'
import { Shard } from '../../src/engine/index.js'
import { influxdAvailable, requireInfluxd, startInfluxd } from '../helpers/influxd.js'
import type { InfluxdHandle } from '../helpers/influxd.js'
import type { JSONObject } from '../helpers/json-bigint.js'
import { assertAllDeepEqual } from './assert-all.js'
import { SelectAnswerBuilder } from './influx-answers.js'
import { shardSteps, ShardModel, toLineProtocol, toUnsignedValues } from './our-shards-dataset.js'
import type { DatasetStep } from './our-shards-dataset.js'
import { SchemaModel, statementResult } from './schema-answers.js'
import { quoteIdent, resultsOf, shardIDsByStart, waitFor } from './influxd-steps.js'

const DB = 'interop'
const RP = 'autogen'
/** Two 7-day shard groups of autogen (influxd aligns them to Mondays). */
const GROUPS = [
  { start: 1578268800n * 1_000_000_000n, startText: '2020-01-06T00:00:00Z', compacted: true },
  { start: 1578873600n * 1_000_000_000n, startText: '2020-01-13T00:00:00Z', compacted: false },
]

async function runSteps(shard: Shard, steps: readonly DatasetStep[]): Promise<void> {
  const enc = new TextEncoder()
  for (const step of steps) {
    switch (step.kind) {
      case 'write-points': {
        const r = parsePoints(enc.encode(toLineProtocol(step.points)), { precision: 'n' })
        assert.deepEqual(r.errors, [])
        const w = await shard.writePoints(r.points)
        assert.deepEqual(w, { written: step.points.length, dropped: 0, reason: undefined })
        break
      }
      case 'write-unsigned':
        await shard.writeValues(toUnsignedValues(step.points))
        break
      case 'delete':
        await shard.deleteSeriesRange(step.seriesKeys, step.min, step.max)
        break
      case 'snapshot':
        await shard.snapshot()
        break
      case 'compact-full':
        await shard.compactFull()
        break
      default:
        step satisfies never
    }
  }
}

function emptyDir(dir: string): void {
  if (!existsSync(dir)) return
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true })
}

describe('influxd 1.6 reading shards written by our engine', () => {
  let root = ''
  let h: InfluxdHandle | undefined
  const builder = new SelectAnswerBuilder()
  const schema = new SchemaModel()
  const shardDirs = new Map<boolean, string>()

  before(async () => {
    if (!influxdAvailable()) return
    root = mkdtempSync(join(tmpdir(), 'tidemark-interop-ours-'))
    // (a) influxd creates the database, the shard groups and their shards.
    let ids: Map<string, number>
    const first = await startInfluxd({ dataDir: root })
    try {
      await first.query(`CREATE DATABASE ${quoteIdent(DB)}`)
      await first.write(DB, GROUPS.map((g) => `seed v=1 ${g.start}`).join('\n'))
      ids = shardIDsByStart(await first.query('SHOW SHARDS'), DB, RP)
    } finally {
      await first.stop()
    }
    // (b) our engine writes each shard; influxd's own files for it are replaced by ours.
    for (const g of GROUPS) {
      const id = ids.get(g.startText)
      assert.ok(id !== undefined, `influxd made no shard for ${g.startText}`)
      const ours = join(root, 'tidemark', String(id))
      const shard = new Shard({
        id,
        database: DB,
        retentionPolicy: RP,
        path: join(ours, 'data'),
        walPath: join(ours, 'wal'),
        options: { background: false },
      })
      await shard.open()
      const model = new ShardModel()
      try {
        const steps = shardSteps(g.start, g.compacted)
        await runSteps(shard, steps)
        for (const step of steps) model.apply(step)
      } finally {
        await shard.close()
      }
      model.addValues(builder)
      model.addSchema(schema)
      const data = join(root, 'data', DB, RP, String(id))
      emptyDir(data)
      emptyDir(join(root, 'wal', DB, RP, String(id)))
      mkdirSync(data, { recursive: true })
      for (const name of readdirSync(shard.path)) {
        if (/\.(tsm|tombstone)$/.test(name) || name === 'fields.idx')
          copyFileSync(join(shard.path, name), join(data, name))
      }
      shardDirs.set(g.compacted, data)
    }
    rmSync(join(root, 'data', DB, '_series'), { recursive: true, force: true })
    // (c) influxd opens our files.
    h = await startInfluxd({ dataDir: root, config: { logging: { level: 'info' } } })
  })

  after(async () => {
    await h?.stop()
    if (root !== '') rmSync(root, { recursive: true, force: true })
  })

  function handle(): InfluxdHandle {
    assert.ok(h !== undefined, 'influxd did not start')
    return h
  }

  async function compareSelects(): Promise<void> {
    const names = builder.measurementsWithRows()
    const q = names.map((m) => `SELECT * FROM ${quoteIdent(m)} GROUP BY *`).join('; ')
    const got = resultsOf(await handle().query(q, { db: DB, epoch: 'ns' }))
    const want = resultsOf(builder.selectAnswer(names))
    assertAllDeepEqual(names.map((m, i) => [`SELECT * FROM "${m}" GROUP BY *`, got[i], want[i]]))
  }

  async function compareSchema(): Promise<void> {
    const statements = [
      'SHOW MEASUREMENTS',
      'SHOW SERIES',
      'SHOW FIELD KEYS',
      'SHOW TAG KEYS',
      'SHOW TAG VALUES WITH KEY =~ /.*/',
    ]
    const got = resultsOf(await handle().query(statements.join('; '), { db: DB }))
    const want: JSONObject[] = [
      statementResult(0, schema.showMeasurements()),
      statementResult(1, schema.showSeries()),
      statementResult(2, schema.showFieldKeys()),
      statementResult(3, schema.showTagKeys()),
      statementResult(4, schema.showTagValues()),
    ]
    assertAllDeepEqual(statements.map((s, i) => [s, got[i], want[i]]))
  }

  it('keeps tombstone files in the uncompacted shard and none in the fully compacted one', (t) => {
    if (!requireInfluxd(t)) return
    const names = (compacted: boolean) => readdirSync(shardDirs.get(compacted) ?? '')
    assert.deepEqual(
      names(true).filter((n) => n.endsWith('.tombstone')),
      [],
    )
    assert.equal(names(true).filter((n) => n.endsWith('.tsm')).length, 1)
    assert.ok(
      names(false).some((n) => n.endsWith('.tombstone')),
      names(false).join(', '),
    )
  })

  it('answers SELECT * GROUP BY * for every measurement with exactly the values we wrote', async (t) => {
    if (!requireInfluxd(t)) return
    await compareSelects()
  })

  it('lists our measurements, series, field keys with their types (unsigned too), tag keys and tag values', async (t) => {
    if (!requireInfluxd(t)) return
    await compareSchema()
  })

  it('logs no error or warning while opening and reading our files', (t) => {
    if (!requireInfluxd(t)) return
    const log = handle().logTail()
    for (const dir of shardDirs.values())
      assert.ok(log.includes(dir), `no log line about ${dir}:\n${log}`)
    const bad = log.split('\n').filter((l) => /lvl=(error|warn)/.test(l))
    assert.deepEqual(bad, [])
  })

  it('compacts our tombstoned generation itself and still answers exactly the same', async (t) => {
    if (!requireInfluxd(t)) return
    const dir = shardDirs.get(false) ?? ''
    await waitFor(
      () => !readdirSync(dir).some((n) => n.endsWith('.tombstone') || n.endsWith('.tmp')),
      20_000,
      `influxd to compact ${dir}`,
    )
    await compareSelects()
    await compareSchema()
    assert.deepEqual(
      handle()
        .logTail()
        .split('\n')
        .filter((l) => /lvl=(error|warn)/.test(l)),
      [],
    )
  })
})
