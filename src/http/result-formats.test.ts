import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { QueryTime, StatementResult } from './interfaces.js'
import { CSVFormatter } from './result-csv.js'
import { encodeMsgpackResponse } from './result-msgpack.js'
import { ResultAccumulator } from './query-results.js'

const t = (ns: bigint): QueryTime => ({ kind: 'time', ns })

describe('CSV answers', () => {
  it('writes the recorded layout: header per statement, tags as k=v, ns times, blank line between', () => {
    const csv = new CSVFormatter(undefined)
    const text = csv.format({
      results: [
        {
          statementID: 0,
          series: [
            {
              name: 'cpu',
              tags: { host: '' },
              columns: ['time', 'v'],
              values: [[t(1795637575295184843n), 1]],
            },
          ],
        },
        { statementID: 1, series: [{ name: 'databases', columns: ['name'], values: [['db1']] }] },
      ],
    })
    assert.equal(
      text,
      'name,tags,time,v\ncpu,,1795637575295184843,1\n\nname,tags,name\ndatabases,,db1\n',
    )
  })

  it('continues across chunks and skips results without series', () => {
    const csv = new CSVFormatter(1_000_000_000n)
    const row = (v: number): StatementResult => ({
      statementID: 0,
      series: [
        {
          name: 'cpu',
          tags: { host: 'a b', dc: 'x,y' },
          columns: ['time', 'v'],
          values: [[t(2_000_000_000n), v]],
        },
      ],
    })
    assert.equal(
      csv.format({ results: [row(1e21)] }),
      'name,tags,time,v\ncpu,"dc=x\\,y,host=a\\ b",2,1000000000000000000000\n',
    )
    assert.equal(csv.format({ results: [row(0.5)] }), 'cpu,"dc=x\\,y,host=a\\ b",2,0.5\n')
    assert.equal(csv.format({ results: [{ statementID: 1, error: 'boom' }] }), '')
  })

  it('writes a request error as an error record (recorded)', () => {
    const csv = new CSVFormatter(undefined)
    assert.equal(
      csv.format({ error: 'error parsing query: found SELEC, expected SELECT at line 1, char 1' }),
      'error\n"error parsing query: found SELEC, expected SELECT at line 1, char 1"\n',
    )
  })
})

describe('MessagePack answers', () => {
  it('lays out results as msgp does: statement_id, series, values with smallest integers', () => {
    const b = encodeMsgpackResponse(
      {
        results: [
          {
            statementID: 0,
            series: [
              {
                name: 'm',
                columns: ['v'],
                values: [[1n], [200n], [-1n], [1.5], [null], ['s'], [true]],
              },
            ],
          },
        ],
      },
      undefined,
    )
    const expected = Buffer.concat([
      Buffer.from([0x81, 0xa7]),
      Buffer.from('results'),
      Buffer.from([0x91, 0x82, 0xac]),
      Buffer.from('statement_id'),
      Buffer.from([0x00, 0xa6]),
      Buffer.from('series'),
      Buffer.from([0x91, 0x83, 0xa4]),
      Buffer.from('name'),
      Buffer.from([0xa1]),
      Buffer.from('m'),
      Buffer.from([0xa7]),
      Buffer.from('columns'),
      Buffer.from([0x91, 0xa1]),
      Buffer.from('v'),
      Buffer.from([0xa6]),
      Buffer.from('values'),
      Buffer.from([0x97]),
      Buffer.from([0x91, 0x01]),
      Buffer.from([0x91, 0xd1, 0x00, 0xc8]),
      Buffer.from([0x91, 0xff]),
      Buffer.from([0x91, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]),
      Buffer.from([0x91, 0xc0]),
      Buffer.from([0x91, 0xa1]),
      Buffer.from('s'),
      Buffer.from([0x91, 0xc3]),
    ])
    assert.deepEqual(b, expected)
  })

  it('writes times as the msgp time extension and errors as a one-key map', () => {
    const b = encodeMsgpackResponse(
      {
        results: [
          { statementID: 0, series: [{ columns: ['time'], values: [[t(1_500_000_001n)]] }] },
        ],
      },
      undefined,
    )
    const ext = b.subarray(b.length - 15)
    assert.deepEqual([...ext.subarray(0, 3)], [0xc7, 12, 5])
    assert.equal(ext.readBigInt64BE(3), 1n)
    assert.equal(ext.readInt32BE(11), 500_000_001)
    const err = encodeMsgpackResponse({ error: 'x' }, undefined)
    assert.deepEqual(
      err,
      Buffer.concat([Buffer.from([0x81, 0xa5]), Buffer.from('error'), Buffer.from([0xa1, 0x78])]),
    )
  })
})

describe('non-chunked result merging', () => {
  it('appends chunks of the same series and adds new series, as InfluxDB does', () => {
    const acc = new ResultAccumulator(0)
    acc.add({
      statementID: 0,
      series: [
        {
          name: 'cpu',
          columns: ['time', 'v'],
          values: [
            [t(1n), 1],
            [t(2n), 2],
          ],
          partial: true,
        },
      ],
      partial: true,
    })
    acc.add({
      statementID: 0,
      series: [
        { name: 'cpu', columns: ['time', 'v'], values: [[t(3n), 3]] },
        { name: 'mem', columns: ['time', 'v'], values: [[t(1n), 9]] },
      ],
    })
    acc.add({
      statementID: 1,
      series: [{ name: 'databases', columns: ['name'], values: [['db1']] }],
    })
    assert.deepEqual(acc.results(), [
      {
        statementID: 0,
        series: [
          {
            name: 'cpu',
            columns: ['time', 'v'],
            values: [
              [t(1n), 1],
              [t(2n), 2],
              [t(3n), 3],
            ],
            partial: true,
          },
          { name: 'mem', columns: ['time', 'v'], values: [[t(1n), 9]] },
        ],
      },
      { statementID: 1, series: [{ name: 'databases', columns: ['name'], values: [['db1']] }] },
    ])
  })

  it('lets a later error of the same statement replace its result (the 1.6 "not executed" quirk)', () => {
    const acc = new ResultAccumulator(0)
    acc.add({
      statementID: 0,
      series: [{ name: 'measurements', columns: ['name'], values: [['cpu']] }],
    })
    acc.add({ statementID: 1, error: 'undefined function foo()' })
    acc.add({ statementID: 1, error: 'not executed' })
    assert.deepEqual(acc.results()[1], { statementID: 1, error: 'not executed' })
    assert.equal(acc.results().length, 2)
  })

  it('truncates at max-row-limit, marks the series partial and stops', () => {
    const acc = new ResultAccumulator(3)
    assert.equal(
      acc.add({ statementID: 0, series: [{ name: 'a', columns: ['v'], values: [[1], [2]] }] }),
      true,
    )
    assert.equal(
      acc.add({
        statementID: 1,
        series: [
          { name: 'b', columns: ['v'], values: [[1], [2]] },
          { name: 'c', columns: ['v'], values: [[1]] },
        ],
        partial: true,
      }),
      false,
    )
    assert.deepEqual(acc.results(), [
      { statementID: 0, series: [{ name: 'a', columns: ['v'], values: [[1], [2]] }] },
      { statementID: 1, series: [{ name: 'b', columns: ['v'], values: [[1]], partial: true }] },
    ])
  })
})
