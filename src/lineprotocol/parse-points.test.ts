// Expected reasons and points were checked against InfluxDB 1.6.7's own parser
// (models.ParsePointsWithPrecision, run from the installed source on the same inputs).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { KeyCache, LineError, parsePoints, tsmKey } from './index.js'

import { onlyPoint, parse, RANGE, reasonOf } from './parse-test-support.js'

const enc = new TextEncoder()

describe('parsePoints: batches and line numbers', () => {
  it('keeps both good points of a good / bad / good batch (spec §1.9 row 30)', () => {
    const r = parse('pw v=1 1000000000\npw v=1.2.3 2000000000\npw v=3 3000000000\n')
    assert.deepEqual(
      r.points.map((p) => p.time),
      [1_000_000_000n, 3_000_000_000n],
    )
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.message]),
      [[2, "unable to parse 'pw v=1.2.3 2000000000': invalid number"]],
    )
  })

  it('numbers lines from 1, counting blank lines, comments and newlines inside strings', () => {
    const body = '# head\n\nbad1\ns v="a\nb\nc" 1\n  \tbad2 x\ns v=2 2\nbad3'
    const r = parse(body)
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.text, e.reason]),
      [
        [3, 'bad1', 'missing fields'],
        [7, 'bad2 x', 'invalid field format'],
        [9, 'bad3', 'missing fields'],
      ],
    )
    assert.equal(r.points.length, 2)
  })

  it('keeps a raw newline inside a string value (spec §1.1)', () => {
    const r = parse('cpu v="multi\nline",w=1i 2\ncpu v="x" 3')
    assert.deepEqual(r.errors, [])
    assert.deepEqual(
      r.points.map((p) => p.fields[0]?.value),
      [
        { kind: 'string', value: 'multi\nline' },
        { kind: 'string', value: 'x' },
      ],
    )
  })

  it('glues the next line on after a backslash before the newline (spec §1.1)', () => {
    const p = onlyPoint('a\\\nb v=1 1')
    assert.equal(p.measurement, 'a\\\nb')
    assert.equal(p.seriesKey, 'a\\\nb')
  })

  it('reports a CR before the LF as part of the line', () => {
    const r = parse('p v=1 1\r\np v=2i\r\n')
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.text, e.reason]),
      [
        [1, 'p v=1 1\r', 'bad timestamp'],
        [2, 'p v=2i\r', 'invalid number'],
      ],
    )
  })

  it('keeps a field written twice, in line order (spec §1.8)', () => {
    const p = onlyPoint('cpu x=1,x=2 3')
    assert.deepEqual(
      p.fields.map((f) => [f.key, f.value.value]),
      [
        ['x', 1],
        ['x', 2],
      ],
    )
  })
})

describe('parsePoints: white space (spec §1.1, §1.2)', () => {
  it('skips leading spaces, TABs and NULs before a line', () => {
    const p = onlyPoint(' \t\0cpu v=1 5')
    assert.equal(p.seriesKey, 'cpu')
    assert.equal(p.time, 5n)
  })

  it('accepts TABs and NULs after the first space between sections', () => {
    const p = onlyPoint('cpu \t\0v=1 \t\x005  ')
    assert.deepEqual(p.fields, [{ key: 'v', value: { kind: 'float', value: 1 } }])
    assert.equal(p.time, 5n)
  })

  it('accepts several spaces between sections and trailing spaces', () => {
    assert.equal(onlyPoint('cpu  v=1   5   ').time, 5n)
  })

  it('skips a line that is only white space, and a # line after white space', () => {
    const r = parse(' \t\0\n \t# note v=1\ncpu v=1 1')
    assert.equal(r.points.length, 1)
    assert.deepEqual(r.errors, [])
  })

  it('gives an empty field key to a field preceded by a TAB, as influxd does', () => {
    assert.deepEqual(onlyPoint('cpu \t=1 1').fields, [
      { key: '', value: { kind: 'float', value: 1 } },
    ])
  })
})

describe('parsePoints: series keys, TSM keys and escaping (spec §1.3, §1.7)', () => {
  it('sorts tags by escaped key: srt,z=1,a=2,m=3 gives srt,a=2,m=3,z=1', () => {
    const p = onlyPoint('srt,z=1,a=2,m=3 v=1')
    assert.equal(p.seriesKey, 'srt,a=2,m=3,z=1')
    assert.deepEqual(
      p.tags.map((t) => t.key),
      ['a', 'm', 'z'],
    )
  })

  it('builds the TSM key of the spec example exactly', () => {
    const p = onlyPoint('my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue f\\ k\\=\\,"q=1i')
    assert.equal(p.seriesKey, 'my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue')
    assert.equal(p.measurement, 'my meas,x')
    assert.deepEqual(p.tags, [{ key: 't k=1', value: 'v,a l=ue' }])
    const f = p.fields[0]
    assert.ok(f !== undefined)
    assert.equal(f.key, 'f k=,"q')
    assert.equal(tsmKey(p.seriesKey, f.key), 'my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue#!~#f k=,"q')
  })

  it('treats = and " as ordinary in a measurement', () => {
    assert.equal(onlyPoint('esc=m v=2').measurement, 'esc=m')
    assert.equal(onlyPoint('"q" v=1').measurement, '"q"')
  })

  it('removes \\= and \\" from the measurement name but keeps them in the series key', () => {
    const p = onlyPoint('esc\\=m\\"x v=1')
    assert.equal(p.measurement, 'esc=m"x')
    assert.equal(p.seriesKey, 'esc\\=m\\"x')
  })

  it('keeps other backslash pairs verbatim, and reads \\\\, as \\,', () => {
    const p = onlyPoint('m\\x,t=a\\\\\\,b v=1')
    assert.equal(p.measurement, 'm\\x')
    assert.deepEqual(p.tags, [{ key: 't', value: 'a\\\\,b' }])
  })

  it('accepts a tag value that starts with =, as influxd does', () => {
    assert.deepEqual(onlyPoint('x,a==b v=1').tags, [{ key: 'a', value: '=b' }])
  })

  it('un-escapes string values: \\" and \\\\ only', () => {
    const p = onlyPoint('m s="a\\"b\\\\c\\nd" 1')
    assert.deepEqual(p.fields[0]?.value, { kind: 'string', value: 'a"b\\c\\nd' })
  })

  it('decodes UTF-8 in keys and values', () => {
    const p = onlyPoint('uni,tég=välue fïeld="ünï 😀" 1')
    assert.equal(p.seriesKey, 'uni,tég=välue')
    assert.deepEqual(p.fields, [{ key: 'fïeld', value: { kind: 'string', value: 'ünï 😀' } }])
  })

  it('splits odd field sections the way influxd stores them', () => {
    assert.deepEqual(
      onlyPoint('x v="a"b,c=1').fields.map((f) => [f.key, f.value.value]),
      [
        ['v', 'a"'],
        ['c', 1],
      ],
    )
    assert.deepEqual(
      onlyPoint('x k\\\\=1,c=2').fields.map((f) => [f.key, f.value.value]),
      [['k\\=1,c', 2]],
    )
  })

  it('reads consecutive lines of one series with changing fields correctly', () => {
    const r = parse('c,z=1,a=2 v=1 1\nc,z=1,a=2 w=2i 2\nc,z=1,a=2 w=3i,v=4 3\nc,z=1,a=3 v=5 4')
    assert.deepEqual(
      r.points.map((p) => [
        p.seriesKey,
        p.fields.map((f) => `${f.key}=${f.value.value}`).join(','),
      ]),
      [
        ['c,a=2,z=1', 'v=1'],
        ['c,a=2,z=1', 'w=2'],
        ['c,a=2,z=1', 'w=3,v=4'],
        ['c,a=3,z=1', 'v=5'],
      ],
    )
  })

  it('shares the tags array of points with the same key text', () => {
    const r = parse('cpu,host=a v=1 1\ncpu,host=a v=2 2\ncpu,host=b v=3 3')
    const [a, b, c] = r.points
    assert.ok(a !== undefined && b !== undefined && c !== undefined)
    assert.equal(a.tags, b.tags)
    assert.notEqual(a.tags, c.tags)
  })
})

describe('parsePoints: field values (spec §1.4)', () => {
  it('reads every number form influxd accepts', () => {
    const p = onlyPoint(
      'cpu v=007i,w=-0,x=.5,y=1.,z=-.5e1,a=1E5,b=1e-2,c=-9223372036854775808i,d=1e-400',
    )
    assert.deepEqual(
      p.fields.map((f) => f.value),
      [
        { kind: 'integer', value: 7n },
        { kind: 'float', value: -0 },
        { kind: 'float', value: 0.5 },
        { kind: 'float', value: 1 },
        { kind: 'float', value: -5 },
        { kind: 'float', value: 100000 },
        { kind: 'float', value: 0.01 },
        { kind: 'integer', value: -9223372036854775808n },
        { kind: 'float', value: 0 },
      ],
    )
    assert.ok(Object.is(p.fields[1]?.value.value, -0))
  })

  it('reads long decimals exactly as a correctly rounded float64', () => {
    const p = onlyPoint('m a=0.1000000000000000055511151231257827,b=123456789012345678901234567890')
    assert.deepEqual(
      p.fields.map((f) => f.value.value),
      [0.1, 1.2345678901234568e29],
    )
  })

  it('reads the ten boolean spellings', () => {
    const p = onlyPoint('n a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE')
    assert.deepEqual(
      p.fields.map((f) => f.value.value),
      [true, true, true, true, true, false, false, false, false, false],
    )
  })
})

describe('parsePoints: timestamps and precision (spec §1.5)', () => {
  const cases: [string | undefined, bigint][] = [
    ['n', 7n],
    ['u', 7_000n],
    ['ms', 7_000_000n],
    ['s', 7_000_000_000n],
    ['m', 420_000_000_000n],
    ['h', 25_200_000_000_000n],
    ['ns', 7n],
    ['us', 7n],
    ['', 7n],
    [undefined, 7n],
  ]
  for (const [precision, time] of cases) {
    it(`multiplies by the unit of precision ${JSON.stringify(precision)}`, () => {
      assert.equal(onlyPoint('m v=1 7', precision === undefined ? {} : { precision }).time, time)
    })
  }

  it('gives lines without a timestamp the now time truncated to the precision', () => {
    const now = 1_234_567_890_123_456_789n
    const r = parse('m v=1\nm v=2 5\nm v=3', { now, precision: 'h' })
    assert.deepEqual(
      r.points.map((p) => p.time),
      [1_234_566_000_000_000_000n, 18_000_000_000_000n, 1_234_566_000_000_000_000n],
    )
    assert.equal(onlyPoint('m v=1', { now, precision: 'ms' }).time, 1_234_567_890_123_000_000n)
    assert.equal(onlyPoint('m v=1', { now: -1n, precision: 's' }).time, -1_000_000_000n)
  })

  it('uses the current time when no now is given', () => {
    const before = BigInt(Date.now()) * 1_000_000n
    const t = parsePoints(enc.encode('m v=1')).points[0]?.time ?? 0n
    const after = BigInt(Date.now() + 1) * 1_000_000n
    assert.ok(t >= before && t <= after, `${t} not in [${before}, ${after}]`)
  })

  it('accepts negative timestamps and the edges of the time range', () => {
    assert.equal(onlyPoint('m v=1 -5').time, -5n)
    assert.equal(onlyPoint('m v=1 9223372036854775806').time, 9_223_372_036_854_775_806n)
    assert.equal(onlyPoint('m v=1 -9223372036854775806').time, -9_223_372_036_854_775_806n)
    assert.equal(onlyPoint('m v=1 0009223372036854775806').time, 9_223_372_036_854_775_806n)
    assert.equal(onlyPoint('m v=1 -1600000000000000123').time, -1_600_000_000_000_000_123n)
    assert.equal(onlyPoint('m v=1 9223372036', { precision: 's' }).time, 9_223_372_036_000_000_000n)
    assert.equal(reasonOf('m v=1 -9223372037', { precision: 's' }), RANGE)
  })

  it('reads every int64 timestamp, with leading zeros too, or refuses it with the range error', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.nat(3), (v, zeros) => {
        const digits = '0'.repeat(zeros) + (v < 0n ? -v : v).toString()
        const r = parse(`m v=1 ${v < 0n ? '-' : ''}${digits}`)
        if (v >= -9_223_372_036_854_775_806n && v <= 9_223_372_036_854_775_806n) {
          assert.equal(r.points[0]?.time, v)
        } else {
          assert.equal(r.errors[0]?.reason, RANGE)
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('converts the same timestamp text to the same value on every line', () => {
    const r = parse(
      'a v=1 1600000000000000001\nb v=1 1600000000000000001\nc v=1 1600000000000000002',
    )
    assert.deepEqual(
      r.points.map((p) => p.time),
      [1_600_000_000_000_000_001n, 1_600_000_000_000_000_001n, 1_600_000_000_000_000_002n],
    )
  })
})

describe('parsePoints: KeyCache', () => {
  const body =
    'cpu,host=a,region=x v=1,ok=true,n=3i,s="up" 1\nmem,host=a used=2i 2\ncpu,host=a,region=x v=2,ok=true,n=3i,s="up" 3\n'

  it('gives the same points with a shared cache, and shares keys, tags and values across calls', () => {
    const cache = new KeyCache()
    const a = parsePoints(enc.encode(body), { keyCache: cache })
    const b = parsePoints(enc.encode(body), { keyCache: cache })
    const fresh = parsePoints(enc.encode(body))
    assert.deepEqual(a, fresh)
    assert.deepEqual(b, fresh)
    const [p, q] = [a.points[0], b.points[2]]
    assert.ok(p !== undefined && q !== undefined)
    assert.equal(p.tags, q.tags)
    assert.equal(p.fields[1], q.fields[1])
    assert.equal(p.fields[2], q.fields[2])
    assert.equal(p.fields[3]?.value, q.fields[3]?.value)
  })

  it('keeps its own copy of key bytes, so a reused Buffer body does not change cached keys', () => {
    const cache = new KeyCache()
    const body = Buffer.from('cpu,host=a v=1 1\n')
    assert.deepEqual(parsePoints(body, { keyCache: cache }).points[0]?.fields[0]?.key, 'v')
    body.write('cpu,host=a w=2 2\n')
    const again = parsePoints(body, { keyCache: cache }).points[0]
    assert.equal(again?.seriesKey, 'cpu,host=a')
    assert.deepEqual(again?.fields, [{ key: 'w', value: { kind: 'float', value: 2 } }])
  })

  it('stays correct when the cache is full and starts over, and when field layouts change', () => {
    const cache = new KeyCache(2)
    const lines: string[] = []
    for (let i = 0; i < 50; i++) {
      lines.push(
        `m${i % 7},t=${i % 5} f${i % 3}=${i}i,g${i % 2}=${i % 4 === 0 ? 't' : '"s' + (i % 3) + '"'} ${i}`,
      )
    }
    const text = lines.join('\n')
    const shared = parsePoints(enc.encode(text), { keyCache: cache })
    assert.deepEqual(shared, parsePoints(enc.encode(text)))
    assert.deepEqual(parsePoints(enc.encode(text), { keyCache: cache }), shared)
    assert.equal(shared.points.length, 50)
  })
})

describe('parsePoints: hostile input', () => {
  it('never throws on arbitrary bytes and reports each bad line with its number', () => {
    const bytes = fc.uint8Array({ maxLength: 200 })
    const texty = fc
      .array(fc.constantFrom(...'cpu,host=a v=1i 5\n\t\0"\\#-.eTf'.split('')), { maxLength: 120 })
      .map((cs) => enc.encode(cs.join('')))
    fc.assert(
      fc.property(fc.oneof(bytes, texty), (body) => {
        const r = parsePoints(body, { now: 1n })
        const newlines = body.filter((c) => c === 10).length
        for (const e of r.errors) {
          assert.ok(e instanceof LineError && e.code === 'ERR_LINEPROTOCOL_PARSE')
          assert.ok(e.line >= 1 && e.line <= newlines + 1)
        }
        for (const p of r.points) assert.ok(p.fields.length > 0)
      }),
      { numRuns: 3000 },
    )
  })

  it('handles very long numbers, keys and strings without trouble', () => {
    assert.equal(reasonOf('m v=' + '9'.repeat(1_000_000)), 'invalid float')
    assert.equal(reasonOf('m v=' + '9'.repeat(100_000) + 'i').length > 100_000, true)
    const p = onlyPoint('m v="' + 'x'.repeat(1_000_000) + '" 1')
    assert.equal(p.fields[0]?.value.value, 'x'.repeat(1_000_000))
  })

  it('accepts 100 tags on a line (influxd 1.6.7 crashes on exactly 100; 1.8 accepts them)', () => {
    const tags = Array.from({ length: 100 }, (_, i) => `t${String(i).padStart(3, '0')}=v`).join(',')
    assert.equal(onlyPoint(`m,${tags} v=1 1`).tags.length, 100)
  })
})
