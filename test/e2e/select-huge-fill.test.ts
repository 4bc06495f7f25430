// A GROUP BY time() whose fill would build more windows than memory holds (time(1s) from 1970 to
// now: 1.8 billion) fails with a clear error; the node stays up and answers the next query. (It
// ran out of heap and took every connection down before.) fill(none) builds no empty windows.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startTidemarkd } from '../helpers/tidemarkd.js'

describe('GROUP BY time() over billions of windows', () => {
  it('fails the statement with a clear error and keeps the node serving', async () => {
    const s = await startTidemarkd()
    try {
      await s.query('CREATE DATABASE d')
      assert.equal((await s.write('d', 'm v=1 1000000000\nm v=2 2000000000')).status, 204)
      const huge = (await s.query('SELECT count(v) FROM m WHERE time >= 0 GROUP BY time(1s)', {
        db: 'd',
      })) as { results: { error?: string }[] }
      assert.match(
        huge.results[0]?.error ?? '',
        /^GROUP BY time\(\) would fill \d{10} windows, more than the 2000000 a statement may fill: narrow the time range, use a longer interval or fill\(none\)$/,
      )
      const none = (await s.query(
        'SELECT count(v) FROM m WHERE time >= 0 GROUP BY time(1s) fill(none)',
        { db: 'd' },
      )) as { results: { series?: { values: unknown[][] }[] }[] }
      assert.deepEqual(
        none.results[0]?.series?.[0]?.values.map((r) => r[1]),
        [1, 1],
      )
      assert.equal((await fetch(`${s.url}/ping`)).status, 204)
    } finally {
      await s.stop()
    }
  })
})
