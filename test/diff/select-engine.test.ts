// The differential suite of the general SELECT engine: a generated dataset (select-engine-data.ts)
// written to a real InfluxDB 1.6 and to Tidemark (part in TSM files, part in the cache), then the
// statements of select-engine-steps.ts sent to both; status and body must be byte-identical.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import {
  influxdAvailable,
  requireInfluxd,
  startInfluxd,
  type InfluxdHandle,
} from '../helpers/influxd.js'
import { q, runSteps, w, type Comparison, type Step } from './diff-runner.js'
import { startSelectTidemark, type SelectTidemark } from './select-server.js'
import { ENG, engineFirstWrites, engineLaterWrites } from './select-engine-data.js'
import {
  arithmeticQueries,
  auxQueries,
  callExpressionQueries,
  fieldConditionQueries,
  functionQueries,
  groupingQueries,
  subqueryQueries,
  explainQueries,
  integralQueries,
  transformQueries,
} from './select-engine-steps.js'
import { fieldTypeSteps, fieldTypeWrites, noFieldSteps } from './select-field-types-steps.js'

describe('the general SELECT engine, Tidemark against InfluxDB 1.6', { concurrency: false }, () => {
  let influxd: InfluxdHandle | undefined
  let tidemark: SelectTidemark | undefined
  const counter = { n: 0 }

  async function expectSame(steps: readonly Step[]): Promise<void> {
    assert.ok(influxd !== undefined && tidemark !== undefined, 'servers did not start')
    const diffs: Comparison[] = await runSteps(influxd, tidemark, steps, counter)
    const dump = process.env['TIDEMARK_DIFF_DUMP']
    if (dump !== undefined && diffs.length > 0)
      writeFileSync(
        dump,
        diffs
          .map((d) => `${d.step}\n  influxd:  ${d.influxd}\n  tidemark: ${d.tidemark}\n`)
          .join('\n'),
        { flag: 'a' },
      )
    assert.deepEqual(diffs, [], `${diffs.length} of ${steps.length} steps answered differently`)
  }

  const queries = (list: readonly string[]): Step[] => list.map((text) => q(text, ENG))

  before(async () => {
    if (!influxdAvailable()) return
    influxd = await startInfluxd()
    tidemark = await startSelectTidemark()
  })
  after(async () => {
    await influxd?.stop()
    await tidemark?.stop()
  })

  it('stores the generated dataset, half in TSM files and half in the cache', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(engineFirstWrites())
    await tidemark?.snapshot()
    await expectSame(engineLaterWrites())
  })

  it('evaluates arithmetic, literals and math functions on raw fields, with InfluxDB column names', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(arithmeticQueries))
  })

  it('filters raw and aggregate queries by WHERE conditions on fields mixed with tags', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(fieldConditionQueries))
  })

  it('runs the function library (median, percentile, top, distinct …) with its errors', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(functionQueries))
  })

  it('returns a selector point with its other fields and tags', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(auxQueries))
  })

  it('merges several calls by time and evaluates expressions over them', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(callExpressionQueries))
  })

  it('applies transformations to raw points and to aggregates', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(transformQueries))
  })

  it('groups by regexes and time offsets, honours tz(), escaped names and other retention policies', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(groupingQueries))
  })

  it('reads subqueries as measurements, inheriting the time range and the GROUP BY interval', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(subqueryQueries))
  })

  it('integrates over whole tag sets across GROUP BY time windows, as InfluxDB streams integral()', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(integralQueries))
  })

  it('explains the iterators of a SELECT with their shards, series and values', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(queries(explainQueries))
  })

  it('streams raw and aggregate answers in chunks as InfluxDB does with chunked=true', async (t) => {
    if (!requireInfluxd(t)) return
    const chunked = (text: string, size: string): Step =>
      q(text, ENG, { params: { chunked: 'true', chunk_size: size } })
    await expectSame([
      chunked(
        "SELECT temp, hum FROM weather WHERE time >= '2021-03-02T00:00:00Z' AND time < '2021-03-03T00:00:00Z' GROUP BY city",
        '7',
      ),
      chunked(
        "SELECT speed FROM wind WHERE time >= '2021-03-05T00:00:00Z' AND time < '2021-03-10T00:00:00Z'",
        '5',
      ),
      chunked(
        "SELECT mean(temp) FROM weather WHERE time >= '2021-03-05T00:00:00Z' AND time < '2021-03-10T00:00:00Z' GROUP BY time(12h), city",
        '4',
      ),
    ])
  })

  it('types a field once per statement when its shards or measurements disagree, as InfluxDB 1.6', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(fieldTypeWrites())
    await tidemark?.snapshot()
    await expectSame(fieldTypeSteps())
  })

  it('answers nothing for wildcards that match no field, after checking the select list', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame(noFieldSteps())
  })

  it('takes and selects points in the first shard group of the time range (1677-09-21)', async (t) => {
    if (!requireInfluxd(t)) return
    // That group would start before the smallest int64: influxd wraps its start to 2262,
    // Tidemark starts it at the smallest int64. Both take the points and select them all.
    await expectSame([
      q('CREATE DATABASE first'),
      w(
        'first',
        'ext,k=min v=4 -9223372036854775806\next,k=min2 v=8 -9223372036854775000\next,k=zero v=6 0',
      ),
      q('SELECT * FROM ext', 'first'),
      q('SELECT count(v) FROM ext', 'first'),
      q("SELECT * FROM ext WHERE k = 'min2'", 'first'),
    ])
  })

  it('refuses a wildcard or regex in top() and bottom(), before expanding it, as InfluxDB 1.6', async (t) => {
    if (!requireInfluxd(t)) return
    await expectSame([
      q('CREATE DATABASE topwild'),
      w('topwild', 'm,k=a v=1,w=2 1\nm,k=b v=3,w=4 2'),
      q('SELECT top(*, 2) FROM m', 'topwild'),
      q('SELECT bottom(*, 1) FROM m', 'topwild'),
      q('SELECT top(/v/, 2) FROM m', 'topwild'),
      q('SELECT top(v, 2) FROM m', 'topwild'),
    ])
  })

  it('compared at least 150 SELECT statements', (t) => {
    if (!requireInfluxd(t)) return
    assert.ok(counter.n >= 150, `only ${counter.n} steps`)
  })
})
