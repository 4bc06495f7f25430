import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  FormatError,
  formatFieldValue,
  formatFloat,
  formatPoint,
  formatSeriesKeyLine,
  parsePoints,
  tsmKey,
} from './index.js'
import type { FieldValue } from './index.js'

describe('formatFloat', () => {
  it("writes floats as Go's strconv.FormatFloat(f, 'g', -1, 64) does", () => {
    // Expected texts produced by Go 1.19's strconv.FormatFloat.
    const cases: [number, string][] = [
      [12.5, '12.5'],
      [1, '1'],
      [-1, '-1'],
      [0, '0'],
      [-0, '-0'],
      [100000, '100000'],
      [123456, '123456'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [123456789, '1.23456789e+08'],
      [999999.9999999999, '999999.9999999999'],
      [1e20, '1e+20'],
      [1e21, '1e+21'],
      [0.0001, '0.0001'],
      [9.999999999999999e-5, '9.999999999999999e-05'],
      [1e-5, '1e-05'],
      [2.5e-5, '2.5e-05'],
      [1e-7, '1e-07'],
      [0.1, '0.1'],
      [0.1 + 0.2, '0.30000000000000004'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
    ]
    for (const [f, text] of cases) assert.equal(formatFloat(f), text, String(f))
  })

  it('gives the shortest text that reads back as the identical float', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (f) => {
        const text = formatFloat(f)
        assert.ok(Object.is(Number(text), f), `${f} -> ${text}`)
        const p = parsePoints(new TextEncoder().encode(`m v=${text} 1`)).points[0]
        assert.ok(p !== undefined && Object.is(p.fields[0]?.value.value, f), `${f} -> ${text}`)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('formatFieldValue', () => {
  it('writes each type with its line protocol suffix or quotes', () => {
    const cases: [FieldValue, string][] = [
      [{ kind: 'float', value: 1.5 }, '1.5'],
      [{ kind: 'integer', value: -9223372036854775808n }, '-9223372036854775808i'],
      [{ kind: 'unsigned', value: 18446744073709551615n }, '18446744073709551615u'],
      [{ kind: 'boolean', value: true }, 'true'],
      [{ kind: 'boolean', value: false }, 'false'],
      [{ kind: 'string', value: 'say "hi" \\ bye\nnext' }, '"say \\"hi\\" \\\\ bye\nnext"'],
    ]
    for (const [v, text] of cases) assert.equal(formatFieldValue(v), text)
  })

  it('throws ERR_LINEPROTOCOL_FORMAT for values line protocol cannot carry', () => {
    const bad: FieldValue[] = [
      { kind: 'float', value: NaN },
      { kind: 'float', value: Infinity },
      { kind: 'float', value: -Infinity },
      { kind: 'integer', value: 9223372036854775808n },
      { kind: 'unsigned', value: -1n },
      { kind: 'unsigned', value: 18446744073709551616n },
    ]
    for (const v of bad) {
      assert.throws(
        () => formatFieldValue(v),
        (e: unknown) => e instanceof FormatError && e.code === 'ERR_LINEPROTOCOL_FORMAT',
      )
    }
  })
})

describe('formatPoint', () => {
  it('escapes each component as influxd does (spec §1.3)', () => {
    const line = formatPoint({
      measurement: 'my meas,x',
      tags: [{ key: 't k=1', value: 'v,a l=ue' }],
      fields: [{ key: 'f k=,"q', value: { kind: 'integer', value: 1n } }],
      time: 5n,
    })
    assert.equal(line, 'my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue f\\ k\\=\\,\\"q=1i 5')
    const p = parsePoints(new TextEncoder().encode(line)).points[0]
    assert.ok(p !== undefined)
    assert.equal(
      tsmKey(p.seriesKey, p.fields[0]?.key ?? ''),
      'my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue#!~#f k=,"q',
    )
  })

  it('leaves = and " in measurements and " in tags as they are', () => {
    const line = formatPoint({
      measurement: 'a=b"c',
      tags: [{ key: 'q"', value: '"v"' }],
      fields: [{ key: 'v', value: { kind: 'boolean', value: true } }],
    })
    assert.equal(line, 'a=b"c,q"="v" v=true')
  })

  it('writes several tags and fields in the order given, and no time when there is none', () => {
    const line = formatPoint({
      measurement: 'cpu',
      tags: [
        { key: 'z', value: '1' },
        { key: 'a', value: '2' },
      ],
      fields: [
        { key: 'v', value: { kind: 'float', value: 0.5 } },
        { key: 's', value: { kind: 'string', value: '' } },
      ],
    })
    assert.equal(line, 'cpu,z=1,a=2 v=0.5,s=""')
  })

  it('throws ERR_LINEPROTOCOL_FORMAT for empty names and points without fields', () => {
    const field = { key: 'v', value: { kind: 'float', value: 1 } } as const
    const bad = [
      { measurement: '', tags: [], fields: [field] },
      { measurement: 'm', tags: [{ key: '', value: 'x' }], fields: [field] },
      { measurement: 'm', tags: [{ key: 'k', value: '' }], fields: [field] },
      { measurement: 'm', tags: [], fields: [] },
      { measurement: 'm', tags: [], fields: [{ key: '', value: field.value }] },
    ]
    for (const p of bad) {
      assert.throws(
        () => formatPoint(p),
        (e: unknown) => e instanceof FormatError && e.code === 'ERR_LINEPROTOCOL_FORMAT',
      )
    }
  })
})

describe('formatSeriesKeyLine', () => {
  it('writes the stored series key verbatim, as influx_inspect export does', () => {
    const seriesKey = 'my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue'
    const line = formatSeriesKeyLine(seriesKey, 'f k=,"q', { kind: 'integer', value: 1n }, 5n)
    assert.equal(line, 'my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue f\\ k\\=\\,\\"q=1i 5')
    const p = parsePoints(new TextEncoder().encode(line)).points[0]
    assert.ok(p !== undefined)
    assert.equal(p.seriesKey, seriesKey)
    assert.equal(p.fields[0]?.key, 'f k=,"q')
    assert.equal(p.time, 5n)
  })

  it('keeps a series key with \\= in the measurement exactly', () => {
    const line = formatSeriesKeyLine('esc\\=m', 'v', { kind: 'float', value: 1e-7 }, -1n)
    assert.equal(line, 'esc\\=m v=1e-07 -1')
    assert.equal(parsePoints(new TextEncoder().encode(line)).points[0]?.seriesKey, 'esc\\=m')
  })
})
