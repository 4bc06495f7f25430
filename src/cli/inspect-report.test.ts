// tidemark-inspect report on the influxd fixtures: exact series per shard, checked against the
// points influxd answers (placed into shards by layout.json's shard group ranges) and against
// influxd's SHOW SERIES.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import {
  SCENARIOS,
  STORAGE_FIXTURES,
  captureIO,
  copyScenario,
  removeDir,
  expectedValues,
  showSeriesCount,
} from './inspect-test-support.js'
import type { Scenario } from './inspect-test-support.js'
import { main } from './tidemark-inspect.js'

interface LayoutShard {
  id: number
  db: string
  rp: string
  start: string
  end: string
}

/** Shard ID → the series (measurement + tags) with at least one value in that shard. */
function expectedSeriesPerShard(scenario: Scenario): Map<number, Set<string>> {
  const layout = JSON.parse(
    readFileSync(join(STORAGE_FIXTURES, scenario, 'layout.json'), 'utf8'),
  ) as {
    shards: LayoutShard[]
  }
  const out = new Map<number, Set<string>>(layout.shards.map((s) => [s.id, new Set<string>()]))
  for (const v of expectedValues(scenario).values()) {
    const parts = v.id.split('\u0000')
    const [db, rp] = parts
    const time = BigInt(parts[parts.length - 1] ?? '0')
    const series = parts.slice(2, -2).join(',')
    const shard = layout.shards.find(
      (s) =>
        s.db === db &&
        s.rp === rp &&
        BigInt(Date.parse(s.start)) * 1_000_000n <= time &&
        time < BigInt(Date.parse(s.end)) * 1_000_000n,
    )
    assert.ok(shard !== undefined, `a shard holds ${v.id}`)
    out.get(shard.id)?.add(series)
  }
  return out
}

async function report(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO()
  const code = await main(['report', ...args], io)
  return { code, out: io.stdout.text, err: io.stderr.text }
}

/** The rows of the first table: DB, RP, Shard, Tsm Files, WAL Files, Series. */
function shardRows(out: string): string[][] {
  const table = out.slice(0, out.indexOf('\n\n'))
  return table
    .split('\n')
    .slice(1)
    .map((l) => l.split(/ {2,}/))
}

describe('tidemark-inspect report', () => {
  for (const scenario of SCENARIOS) {
    it(`counts exactly the series that still have data, per shard (${scenario})`, async () => {
      const r = await report([join(STORAGE_FIXTURES, scenario)])
      assert.equal(r.code, 0)
      assert.equal(r.err, '')
      assert.ok(r.out.startsWith('DB   RP       Shard  Tsm Files  WAL Files  Series\n'), r.out)
      const expected = expectedSeriesPerShard(scenario)
      const rows = shardRows(r.out)
      assert.deepEqual(
        new Map(rows.map((row) => [row[2], row[5]])),
        new Map([...expected].map(([id, series]) => [String(id), String(series.size)])),
      )
      // Sorted by database, RP, then numeric shard ID.
      assert.deepEqual(
        rows.map((row) => row[2]),
        ['1', '2', '3', '4', '11', '5', '6', '7', '8', '9', '10'],
      )
      for (const db of ['db0', 'db1']) {
        assert.match(
          r.out,
          new RegExp(`\\n    - ${db} \\(exact\\): ${showSeriesCount(scenario, db)} \\(`),
        )
      }
      assert.match(
        r.out,
        new RegExp(
          `\\n  Total \\(exact\\): ${showSeriesCount(scenario, 'db0') + showSeriesCount(scenario, 'db1')}\\n`,
        ),
      )
      assert.match(r.out, /\n {2}Time Range: 2020-01-01T00:00:00Z - 2020-01-28T00:00:00Z\n/)
    })
  }

  it('counts files per shard, and reads TSM only when given the data directory', async () => {
    const r = await report([join(STORAGE_FIXTURES, 'tsm', 'data')])
    assert.equal(r.code, 0)
    const rows = shardRows(r.out)
    assert.equal(rows.length, 10) // shard 11 lives only in the WAL
    assert.deepEqual(rows[0], ['db0', 'autogen', '1', '2', '0', '6']) // without the WAL's `tail`
    assert.match(r.out, /Files: 12 TSM, 0 WAL in 10 shards/)
  })

  it('adds per-measurement series and field counts with -detailed', async () => {
    const r = await report(['-detailed', '-exact', join(STORAGE_FIXTURES, 'tsm')])
    assert.equal(r.code, 0)
    assert.match(r.out, /\ndb1 +autogen +8 +weather +3 +4\n/)
    assert.match(r.out, /\ndb0 +autogen +2 +big +1 +4\n/)
    assert.match(r.out, /\n {4}- db1\.weather: 3 series, 4 fields\n/)
    assert.match(r.out, /\n {4}- db0\.cpu: 2 series, 3 fields\n/) // server03 was dropped
  })

  it('reports an unreadable file on stderr, counts the rest, and exits 1', async () => {
    const copy = copyScenario('tsm')
    try {
      const victim = join(copy, 'data/db1/autogen/10/000000001-000000001.tsm')
      truncateSync(victim, 10)
      const r = await report([copy])
      assert.equal(r.code, 1)
      assert.match(r.err, new RegExp(`^unable to read ${victim}: corrupt TSM file`, 'm'))
      assert.deepEqual(
        shardRows(r.out).find((row) => row[2] === '10'),
        ['db1', 'autogen', '10', '1', '0', '0'],
      )
    } finally {
      removeDir(copy)
    }
  })

  it('exits 1 without a directory, or for an unknown flag', async () => {
    const none = await report([])
    assert.equal(none.code, 1)
    assert.match(none.err, /^report needs exactly one directory\n/)
    const bad = await report(['-x', STORAGE_FIXTURES])
    assert.equal(bad.code, 1)
    assert.match(bad.err, /^flag provided but not defined: -x\n/)
  })
})
