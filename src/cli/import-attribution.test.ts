// The answers below are influxd 1.6.7's (spec/backup-formats.md §6.3, observed).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { judgeWrite, quotedText, writeErrorMessage } from './import-attribution.js'
import { formatGoDuration, logPrefix } from './import-log.js'

const body = (error: string): string => JSON.stringify({ error }) + '\n'

describe('write answer attribution', () => {
  const records = ['cpu v=1 1', 'bad one', 'cpu v=2 2', 'bad two', 'cpu v=3 3']

  it('finds each quoted line of a partial write, in order, with its reason', () => {
    const v = judgeWrite(
      400,
      body(
        "partial write: unable to parse 'bad one': invalid field format\nunable to parse 'bad two': invalid field format dropped=0",
      ),
      () => records,
    )
    assert.equal(v.kind, 'parse')
    if (v.kind === 'parse') {
      assert.deepEqual(
        [...v.failures],
        [
          [1, "unable to parse 'bad one': invalid field format"],
          [3, "unable to parse 'bad two': invalid field format"],
        ],
      )
    }
  })

  it('attributes an all-lines-failed answer to the quoted lines only', () => {
    const v = judgeWrite(400, body("unable to parse 'this is bad': invalid field format"), () => [
      'this is bad',
    ])
    assert.equal(v.kind, 'parse')
  })

  it('matches a quoted point that spans lines, and repeated identical lines one by one', () => {
    const v = judgeWrite(
      400,
      body(
        "partial write: unable to parse 'm s=\"a\nb': unbalanced quotes\nunable to parse 'x': missing fields\nunable to parse 'x': missing fields dropped=0",
      ),
      () => ['m s="a\nb', 'ok v=1 1', 'x', 'x'],
    )
    assert.equal(v.kind, 'parse')
    if (v.kind === 'parse') assert.deepEqual([...v.failures.keys()], [0, 2, 3])
  })

  it('calls a drop it cannot attribute unexplained (type conflict, retention policy)', () => {
    for (const e of [
      'partial write: field type conflict: input field "value" on measurement "cpu" is type string, already exists as type float dropped=1',
      'partial write: points beyond retention policy dropped=1',
    ]) {
      assert.deepEqual(
        judgeWrite(400, body(e), () => records),
        { kind: 'unexplained', message: e, dropped: 1 },
      )
    }
  })

  it('calls quotes that match no record unexplained rather than guessing', () => {
    const e = "partial write: unable to parse 'not in batch': invalid field format dropped=0"
    assert.deepEqual(
      judgeWrite(400, body(e), () => records),
      { kind: 'unexplained', message: e },
    )
  })

  it('counts any other failure as the whole batch', () => {
    assert.deepEqual(
      judgeWrite(404, body('database not found: "nosuchdb"'), () => records),
      {
        kind: 'whole',
        message: 'database not found: "nosuchdb"',
      },
    )
    assert.deepEqual(
      judgeWrite(500, body('retention policy not found: x'), () => records).kind,
      'whole',
    )
    assert.deepEqual(judgeWrite(400, body('database is required'), () => records).kind, 'whole')
    assert.deepEqual(
      judgeWrite(413, 'Request Entity Too Large', () => records),
      { kind: 'whole', message: 'Request Entity Too Large' },
    )
  })

  it('accepts 204 and 200 without looking at the records', () => {
    assert.deepEqual(
      judgeWrite(204, '', () => assert.fail('records not needed')),
      { kind: 'ok' },
    )
  })

  it('reads the error of a JSON body, else the body text', () => {
    assert.equal(writeErrorMessage('{"error":"x"}\n'), 'x')
    assert.equal(writeErrorMessage(' plain \n'), 'plain')
  })

  it('quotes a record as influxd does: lines joined by LF, leading blanks removed, CR kept', () => {
    assert.equal(quotedText([Buffer.from(' \tcpu v=1 1\r')]), 'cpu v=1 1\r')
    assert.equal(quotedText([Buffer.from('m s="a'), Buffer.from('b" 1')]), 'm s="a\nb" 1')
  })
})

describe('importer log text', () => {
  it('formats durations as Go does', () => {
    const cases: [bigint, string][] = [
      [0n, '0s'],
      [999n, '999ns'],
      [1_500n, '1.5µs'],
      [512_250_000n, '512.25ms'],
      [1_036_892_166n, '1.036892166s'],
      [60_000_000_000n, '1m0s'],
      [100_500_000_000n, '1m40.5s'],
      [3_600_000_000_000n, '1h0m0s'],
      [-2_000_000n, '-2ms'],
    ]
    for (const [ns, text] of cases) assert.equal(formatGoDuration(ns), text)
  })

  it("prefixes lines with the local date and time as Go's log.LstdFlags", () => {
    assert.equal(logPrefix(new Date(2026, 10, 5, 9, 8, 7)), '2026/11/05 09:08:07 ')
  })
})
