// Export data lines: formatting per type, the time window, values the WAL rewrites.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parsePoints } from '../lineprotocol/index.js'
import type { Values } from '../lineprotocol/index.js'
import { CaptureStream } from './inspect-test-support.js'
import { TextSink } from './inspect-io.js'
import { appendValueLines, linePrefix } from './inspect-lines.js'
import type { LineCounts } from './inspect-lines.js'
import { INT64_MAX, INT64_MIN } from './inspect-time.js'

const ALL = { min: INT64_MIN, max: INT64_MAX }

async function lines(
  prefix: string,
  v: Values,
  range = ALL,
  skip?: BigInt64Array,
): Promise<[string, LineCounts]> {
  const out = new CaptureStream()
  const sink = new TextSink(out)
  const counts = { lines: 0, invalid: 0 }
  appendValueLines(sink, prefix, v, range, counts, skip)
  await sink.flush()
  return [out.text, counts]
}

const times = (...t: number[]): BigInt64Array => BigInt64Array.from(t.map(BigInt))

describe('export data lines', () => {
  it('keep the series key verbatim and escape the field key (`,` `=` space `"`)', () => {
    assert.equal(linePrefix('my\\ m,t\\=k=v\\,1#!~#f k=,"q'), 'my\\ m,t\\=k=v\\,1 f\\ k\\=\\,\\"q=')
    assert.equal(linePrefix('cpu#!~#a#!~#b'), 'cpu a#!~#b=')
  })

  it('format every value type as influx_inspect does', async () => {
    const cases: [Values, string][] = [
      [
        {
          kind: 'float',
          times: times(1, 2, 3, 4),
          values: Float64Array.of(1, 1e21, -3.25e-7, 0.1),
        },
        '1|1e+21|-3.25e-07|0.1',
      ],
      [
        { kind: 'integer', times: times(1, 2), values: BigInt64Array.of(-(2n ** 63n), 42n) },
        '-9223372036854775808i|42i',
      ],
      [
        { kind: 'unsigned', times: times(1), values: BigUint64Array.of(2n ** 64n - 1n) },
        '18446744073709551615u',
      ],
      [{ kind: 'boolean', times: times(1, 2), values: Uint8Array.of(1, 0) }, 'true|false'],
      [{ kind: 'string', times: times(1), values: ['a "q" \\ b\nc'] }, '"a \\"q\\" \\\\ b\nc"'],
    ]
    for (const [v, want] of cases) {
      const [text, counts] = await lines('m f=', v)
      const expected = want
        .split('|')
        .map((value, i) => `m f=${value} ${v.times[i] ?? 0n}\n`)
        .join('')
      assert.equal(text, expected)
      assert.equal(counts.lines, v.times.length)
    }
  })

  it('keep only times inside the inclusive window and not rewritten later', async () => {
    const v: Values = {
      kind: 'float',
      times: times(1, 2, 3, 4, 5, 6),
      values: Float64Array.of(1, 2, 3, 4, 5, 6),
    }
    const [text] = await lines('m v=', v, { min: 2n, max: 5n }, times(0, 3, 9))
    assert.equal(text, 'm v=2 2\nm v=4 4\nm v=5 5\n')
    assert.equal((await lines('m v=', v, { min: 7n, max: 9n }))[0], '')
  })

  it('leave out NaN and infinite floats and count them', async () => {
    const v: Values = {
      kind: 'float',
      times: times(1, 2, 3),
      values: Float64Array.of(Number.NaN, 2, Infinity),
    }
    const [text, counts] = await lines('m v=', v)
    assert.equal(text, 'm v=2 2\n')
    assert.deepEqual(counts, { lines: 1, invalid: 2 })
  })

  it('read back through the line protocol parser to the same values (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
          ),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        async (pairs) => {
          const sorted = [...new Map(pairs.map(([t, f]) => [t, f]))].sort((a, b) =>
            a[0] < b[0] ? -1 : 1,
          )
          const v: Values = {
            kind: 'float',
            times: BigInt64Array.from(sorted.map(([t]) => t)),
            values: Float64Array.from(sorted.map(([, f]) => f)),
          }
          const [text] = await lines(linePrefix('m\\ x,t=a\\ b#!~#f"x'), v)
          const { points, errors } = parsePoints(Buffer.from(text))
          assert.deepEqual(errors, [])
          assert.deepEqual(
            points.map((p) => [p.measurement, p.fields[0]?.key, p.time, p.fields[0]?.value]),
            sorted.map(([t, f]) => ['m x', 'f"x', t, { kind: 'float', value: f }]),
          )
        },
      ),
    )
  })
})
