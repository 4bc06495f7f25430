import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Point } from '../lineprotocol/index.js'
import { rowsToPoints, writeInto, type IntoWriteResult, type IntoWriter } from './select-into.js'
import type { QueryRow } from './result.js'

const t = (ns: bigint): { kind: 'time'; ns: bigint } => ({ kind: 'time', ns })

const rows: QueryRow[] = [
  {
    name: 'cpu',
    tags: { host: 'a b', region: '' },
    columns: ['time', 'v', 'n', 's', 'ok'],
    values: [
      [t(10n), 1.5, 2n, 'x"y', true],
      [t(20n), null, null, null, null],
      [t(30n), Number.NaN, 3n, null, null],
    ],
  },
  { name: 'mem', columns: ['time', 'free'], values: [[t(40n), 9n]] },
]

class Recorder implements IntoWriter {
  calls: { database: string; retentionPolicy: string; points: readonly Point[] }[] = []
  constructor(readonly result: IntoWriteResult = { kind: 'ok' }) {}
  async writePoints(
    database: string,
    retentionPolicy: string,
    points: readonly Point[],
  ): Promise<IntoWriteResult> {
    this.calls.push({ database, retentionPolicy, points })
    return this.result
  }
}

describe('SELECT INTO points', () => {
  it('keeps tags as tags without empty values, types fields by cell and drops rows without a field', () => {
    const points = rowsToPoints(rows, '')
    assert.deepEqual(
      points.map((p) => [
        p.seriesKey,
        p.time,
        p.fields.map((f) => [f.key, f.value.kind, f.value.value]),
      ]),
      [
        [
          'cpu,host=a\\ b',
          10n,
          [
            ['v', 'float', 1.5],
            ['n', 'integer', 2n],
            ['s', 'string', 'x"y'],
            ['ok', 'boolean', true],
          ],
        ],
        ['cpu,host=a\\ b', 30n, [['n', 'integer', 3n]]],
        ['mem', 40n, [['free', 'integer', 9n]]],
      ],
    )
  })

  it('writes the columns a row marks as uint64 as unsigned fields (issue #4)', () => {
    const points = rowsToPoints(
      [
        {
          name: 'u',
          columns: ['time', 'big', 'n'],
          values: [[t(5n), 2n ** 64n - 1n, -1n]],
          unsigned: [false, true, false],
        },
      ],
      '',
    )
    assert.deepEqual(
      points.map((p) => p.fields.map((f) => [f.key, f.value.kind, f.value.value])),
      [
        [
          ['big', 'unsigned', 2n ** 64n - 1n],
          ['n', 'integer', -1n],
        ],
      ],
    )
  })

  it('names every point after the target measurement when one is given', () => {
    assert.deepEqual(
      rowsToPoints(rows, 'copy').map((p) => p.measurement),
      ['copy', 'copy', 'copy'],
    )
  })

  it('writes to the target database and policy and counts the points', async () => {
    const w = new Recorder()
    assert.equal(
      await writeInto(w, { database: 'db', retentionPolicy: 'rp', measurement: '' }, rows),
      3,
    )
    assert.deepEqual(
      w.calls.map((c) => [c.database, c.retentionPolicy, c.points.length]),
      [['db', 'rp', 3]],
    )
  })

  it('fails the statement on a partial write or a target without a database', async () => {
    await assert.rejects(
      writeInto(
        new Recorder({ kind: 'partial', reason: 'field type conflict', dropped: 1 }),
        { database: 'db', retentionPolicy: '', measurement: 'm' },
        rows,
      ),
      /partial write: field type conflict dropped=1/,
    )
    await assert.rejects(
      writeInto(new Recorder(), { database: '', retentionPolicy: '', measurement: 'm' }, rows),
      /no database in target/,
    )
  })
})
