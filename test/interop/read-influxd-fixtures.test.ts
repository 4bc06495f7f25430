// Our engine opens the shards that the real influxd 1.6 wrote (test/fixtures/storage, both
// scenarios: everything in the WAL, and TSM generations with tombstones plus a WAL tail) and must
// rebuild influxd's own answers from them: `SELECT * FROM <db>.<rp>.<m> GROUP BY *` for every
// measurement, merged across the shards of the retention policy, and the database's SHOW
// MEASUREMENTS / SERIES / FIELD KEYS / TAG KEYS from the union of the shard indexes.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseJSONBigInt } from '../helpers/json-bigint.js'
import { assertAllDeepEqual } from './assert-all.js'
import { measurementNames, schemaComparisons, selectComparisons } from './engine-answers.js'
import type { OpenShard } from './engine-answers.js'
import { openShard, shardPaths } from './engine-reader.js'
import type { ShardLocation, StorageDirs } from './engine-reader.js'
import { resultsOf } from './influxd-steps.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const fixtures = join(root, 'test', 'fixtures', 'storage')

function layoutOf(scenario: string): ShardLocation[] {
  const text = readFileSync(join(fixtures, scenario, 'layout.json'), 'utf8')
  const layout = JSON.parse(text) as { shards: { id: number; db: string; rp: string }[] }
  return layout.shards.map((s) => ({ id: s.id, database: s.db, retentionPolicy: s.rp }))
}

function expected(scenario: string, file: string) {
  return resultsOf(
    parseJSONBigInt(readFileSync(join(fixtures, scenario, 'expected', file), 'utf8')),
  )
}

for (const scenario of ['wal-only', 'tsm']) {
  describe(`our engine reading influxd 1.6's "${scenario}" shards`, () => {
    const layout = layoutOf(scenario)
    const databases = [...new Set(layout.map((s) => s.database))].sort()
    const rps = [...new Set(layout.map((s) => `${s.database}.${s.retentionPolicy}`))].sort()
    let dir = ''
    const shards: OpenShard[] = []

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tidemark-interop-read-'))
      const from: StorageDirs = {
        data: join(fixtures, scenario, 'data'),
        wal: join(fixtures, scenario, 'wal'),
      }
      const to: StorageDirs = { data: join(dir, 'data'), wal: join(dir, 'wal') }
      for (const loc of layout) {
        const src = shardPaths(from, loc)
        const dst = shardPaths(to, loc)
        if (existsSync(src.path)) cpSync(src.path, dst.path, { recursive: true })
        if (existsSync(src.walPath)) cpSync(src.walPath, dst.walPath, { recursive: true })
        shards.push({ loc, shard: await openShard(to, loc) })
      }
    })

    after(async () => {
      for (const { shard } of shards) await shard.close()
      if (dir !== '') rmSync(dir, { recursive: true, force: true })
    })

    it('opens every shard without WAL replay warnings', () => {
      assert.equal(shards.length, layout.length)
      for (const { shard } of shards)
        assert.deepEqual(shard.replayWarnings, [], `shard ${shard.id}`)
    })

    for (const db of databases) {
      it(`lists the measurements, series, field keys and tag keys of ${db} exactly as influxd`, () => {
        assertAllDeepEqual(schemaComparisons(db, shards, expected(scenario, `${db}.schema.json`)))
      })
    }

    for (const name of rps) {
      const [db = '', rp = ''] = name.split('.')
      it(`answers SELECT * FROM ${name}.<m> GROUP BY * for every measurement exactly as influxd`, async () => {
        // influxd was asked about every measurement of the database, in SHOW MEASUREMENTS order.
        const measurements = measurementNames(expected(scenario, `${db}.schema.json`)[1])
        const want = expected(scenario, `${db}.${rp}.select.json`)
        assertAllDeepEqual(await selectComparisons(db, rp, shards, measurements, want))
      })
    }
  })
}
