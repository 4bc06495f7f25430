// Expected reasons and points were checked against InfluxDB 1.6.7's own parser
// (models.ParsePointsWithPrecision, run from the installed source on the same inputs).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { LineError } from './index.js'
import type { ParseOptions } from './index.js'

import { onlyPoint, parse, RANGE, reasonOf } from './parse-test-support.js'

describe('parsePoints: InfluxDB 1.6.7 /write parse failures (spec §1.9 rows 1–20)', () => {
  const rows: [number, string, string, ParseOptions?][] = [
    [1, 'cpu', 'missing fields'],
    [2, 'cpu,host=a', 'missing fields'],
    [3, ',host=a v=1', 'missing measurement'],
    [4, 'cpu,host v=1', 'missing tag value'],
    [5, 'cpu,=a v=1', 'missing tag key'],
    [5, 'p,a=1, v=1 1', 'missing tag key'],
    [6, 'p,a= v=1 1', 'missing tag value'],
    [7, 'cpu,a=b=c v=1', 'invalid tag format'],
    [8, 'cpu,a=1,a=2 v=1', 'duplicate tags'],
    [9, 'cpu =1', 'missing field key'],
    [10, 'cpu v=', 'missing field value'],
    [11, 'cpu v=1,b', 'invalid field format'],
    [11, 'p b 1', 'invalid field format'],
    [12, 'cpu v="abc', 'unbalanced quotes'],
    [13, 'cpu v=1.2.3', 'invalid number'],
    [13, 'cpu v=NaN', 'invalid number'],
    [13, 'cpu v=nan', 'invalid number'],
    [13, 'cpu v=-Inf', 'invalid number'],
    [13, 'cpu v=1e5i', 'invalid number'],
    [13, 'cpu v=-i', 'invalid number'],
    [13, 'cpu v=1u', 'invalid number'],
    [14, 'cpu v=tru', 'invalid boolean'],
    [14, 'cpu v=Inf', 'invalid boolean'],
    [14, 'cpu v=inf', 'invalid boolean'],
    [14, 'cpu v=+1', 'invalid boolean'],
    [15, 'cpu v=1e400', 'invalid float'],
    [15, 'cpu v=1.5e', 'invalid float'],
    [
      16,
      'cpu v=9223372036854775808i',
      'unable to parse integer 9223372036854775808: strconv.ParseInt: parsing "9223372036854775808": value out of range',
    ],
    [17, 'cpu v=1 12a', 'bad timestamp'],
    [17, 'p v=1 1\r\n', 'bad timestamp'],
    [17, 'p v=1 1\t', 'bad timestamp'],
    [18, 'cpu v=1 123 x', 'point is invalid'],
    [19, 'cpu v=1 9223372036854775807', RANGE],
    [19, 'cpu v=1 9223372037', RANGE, { precision: 's' }],
  ]
  for (const [row, text, reason, opts] of rows) {
    it(`row ${row}: ${JSON.stringify(text)} fails with "${reason}"`, () => {
      const r = parse(text, opts)
      assert.equal(r.points.length, 0)
      const e = r.errors[0]
      assert.ok(e instanceof LineError)
      assert.equal(e.code, 'ERR_LINEPROTOCOL_PARSE')
      assert.equal(e.reason, reason)
      assert.equal(e.line, 1)
      const written = text.endsWith('\n') ? text.slice(0, -1) : text
      assert.equal(e.text, written)
      assert.equal(e.message, `unable to parse '${written}': ${reason}`)
      assert.deepEqual(e.fields, { line: 1, text: written, reason })
    })
  }

  it('row 20: a 65536-byte measurement fails with max key length exceeded', () => {
    assert.equal(reasonOf('m'.repeat(65536) + ' v=1'), 'max key length exceeded: 65536 > 65535')
    assert.equal(reasonOf('m'.repeat(65535) + ' v=1 1'), 'max key length exceeded: 65540 > 65535')
  })

  it('row 20: series key + 4 + field key above 65535 bytes fails with that sum', () => {
    const m = 'm'.repeat(65530)
    assert.equal(onlyPoint(`${m} v=1 1`).fields.length, 1)
    assert.equal(reasonOf(`${m} v=1,vv=2 1`), 'max key length exceeded: 65536 > 65535')
  })

  it('row 21: an empty body and a body of comments give no points and no errors', () => {
    for (const text of ['', '\n\n', '# comment', '# a\n  # b\n\t\n']) {
      const r = parse(text)
      assert.deepEqual([r.points.length, r.errors.length], [0, 0])
    }
  })
})

describe('parsePoints: more malformed lines, with influxd 1.6.7 reasons', () => {
  const cases: [string, string][] = [
    ['cpu, v=1', 'missing tag key'],
    ['cpu,a=1,b v=1', 'missing tag value'],
    ['cpu,a=1, v=1', 'missing tag key'],
    ['cpu,a v=1', 'missing tag value'],
    ['cpu,a=1 ', 'invalid field format'],
    ['cpu ', 'invalid field format'],
    ['cpu v=1, w=2', 'invalid field format'],
    ['cpu v=1,=2', 'missing field key'],
    ['cpu v=,w=1', 'missing field value'],
    ['cpu v= 1', 'missing field value'],
    ['cpu v=1ii', 'invalid number'],
    ['cpu v=-', 'invalid number'],
    ['cpu v=-,x=1', 'invalid number'],
    ['cpu v=.', 'invalid number'],
    ['cpu v=1-2', 'invalid number'],
    ['cpu v=1.5i', 'invalid number'],
    ['cpu v=1i5', 'invalid number'],
    ['cpu v=truE', 'invalid boolean'],
    ['cpu v=yes', 'invalid boolean'],
    ['cpu v=t"', 'invalid boolean'],
    ['cpu v=1e', 'invalid float'],
    ['cpu v=1e+', 'invalid float'],
    ['cpu v=1e5.5', 'invalid float'],
    [
      'cpu v=-9223372036854775809i',
      'unable to parse integer -9223372036854775809: strconv.ParseInt: parsing "-9223372036854775809": value out of range',
    ],
    ['cpu v=1 --1', 'bad timestamp'],
    ['cpu v=1 5\t', 'bad timestamp'],
    ['cpu v=1 1.5', 'bad timestamp'],
    ['cpu v=1 -', 'strconv.ParseInt: parsing "-": invalid syntax'],
    [
      'cpu v=1 99999999999999999999',
      'strconv.ParseInt: parsing "99999999999999999999": value out of range',
    ],
    [
      'cpu v=1 -9223372036854775809',
      'strconv.ParseInt: parsing "-9223372036854775809": value out of range',
    ],
    ['cpu v=1 -9223372036854775807', RANGE],
    ['cpu v=1 -9223372036854775808', RANGE],
    ['cpu v=1 5 6', 'point is invalid'],
    ['cpu,b=1,a=2,b=3 v=1', 'duplicate tags'],
    ['cpu,a=x\\\\ v=1 1', 'invalid tag format'],
    ['cpu\tv=1', 'missing fields'],
    ['cpu v=1\t2', 'invalid number'],
    ['cpu v="x"=t,b', 'invalid value: field-key=b'],
    ['x k\\\\=1', 'invalid value: field-key=k\\\\=1'],
  ]
  for (const [text, reason] of cases) {
    it(`refuses ${JSON.stringify(text)} with "${reason}"`, () => {
      assert.equal(reasonOf(text), reason)
    })
  }

  it('refuses unsigned values unless allowUnsigned, then checks the uint64 range', () => {
    assert.equal(reasonOf('w v=1u'), 'invalid number')
    const p = onlyPoint('w v=1u,x=18446744073709551615u 3', { allowUnsigned: true })
    assert.deepEqual(
      p.fields.map((f) => f.value),
      [
        { kind: 'unsigned', value: 1n },
        { kind: 'unsigned', value: 18446744073709551615n },
      ],
    )
    assert.equal(
      reasonOf('w v=18446744073709551616u', { allowUnsigned: true }),
      'unable to parse unsigned 18446744073709551616: strconv.ParseUint: parsing "18446744073709551616": value out of range',
    )
    assert.equal(reasonOf('w v=-1u', { allowUnsigned: true }), 'invalid number')
    assert.equal(reasonOf('w v=1.5u', { allowUnsigned: true }), 'invalid number')
  })
})
