import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { QueryTime, StatementResult } from './interfaces.js'
import { encodeJSONResponse, indentJSON } from './result-json.js'
import { epochDivisor, formatRFC3339Nano } from './time-format.js'

const t = (ns: bigint): QueryTime => ({ kind: 'time', ns })
const compact = { pretty: false, epochDivisor: undefined }

describe('encodeJSONResponse', () => {
  it('writes a recorded SHOW RETENTION POLICIES answer byte for byte', () => {
    const results: StatementResult[] = [
      {
        statementID: 0,
        series: [
          {
            columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'],
            values: [
              ['autogen', '0s', '168h0m0s', 1n, true],
              ['oneday', '24h0m0s', '1h0m0s', 1n, false],
            ],
          },
        ],
      },
    ]
    assert.equal(
      encodeJSONResponse({ results }, compact),
      '{"results":[{"statement_id":0,"series":[{"columns":["name","duration","shardGroupDuration","replicaN","default"],"values":[["autogen","0s","168h0m0s",1,true],["oneday","24h0m0s","1h0m0s",1,false]]}]}]}\n',
    )
  })

  it('renders times as RFC3339Nano, or as integers in the epoch unit (first column only)', () => {
    const results: StatementResult[] = [
      {
        statementID: 0,
        series: [
          {
            name: 'cpu',
            tags: { host: 'server00' },
            columns: ['time', 'max'],
            values: [[t(1795132800000000000n), 99.652]],
          },
        ],
      },
    ]
    assert.equal(
      encodeJSONResponse({ results }, { pretty: false, epochDivisor: epochDivisor('s') }),
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"server00"},"columns":["time","max"],"values":[[1795132800,99.652]]}]}]}\n',
    )
    assert.equal(
      encodeJSONResponse({ results }, compact),
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"server00"},"columns":["time","max"],"values":[["2026-11-20T00:00:00Z",99.652]]}]}]}\n',
    )
  })

  it('orders result fields as Go and omits empty ones (an empty result is just its id)', () => {
    const results: StatementResult[] = [
      { statementID: 0, series: [], messages: [] },
      { statementID: 1, error: 'database not found: nosuchdb' },
      {
        statementID: 2,
        messages: [
          {
            level: 'warning',
            text: "deprecated use of 'CREATE DATABASE x' in a read only context",
          },
        ],
        partial: true,
      },
    ]
    assert.equal(
      encodeJSONResponse({ results }, compact),
      '{"results":[{"statement_id":0},{"statement_id":1,"error":"database not found: nosuchdb"},' +
        '{"statement_id":2,"messages":[{"level":"warning","text":"deprecated use of \'CREATE DATABASE x\' in a read only context"}],"partial":true}]}\n',
    )
  })

  it('writes an error response and omits empty results', () => {
    assert.equal(encodeJSONResponse({ error: 'a<b' }, compact), '{"error":"a\\u003cb"}\n')
    assert.equal(encodeJSONResponse({ results: [] }, compact), '{}\n')
  })

  it('sorts tags by key and keeps partial rows', () => {
    const results: StatementResult[] = [
      {
        statementID: 0,
        series: [
          {
            name: 'm',
            tags: { z: '1', a: '2' },
            columns: ['time'],
            values: [[t(0n)]],
            partial: true,
          },
        ],
        partial: true,
      },
    ]
    assert.equal(
      encodeJSONResponse({ results }, compact),
      '{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"a":"2","z":"1"},"columns":["time"],"values":[["1970-01-01T00:00:00Z"]],"partial":true}],"partial":true}]}\n',
    )
  })

  it("writes Go's marshalling error as the body for NaN", () => {
    const results: StatementResult[] = [
      { statementID: 0, series: [{ columns: ['v'], values: [[Number.NaN]] }] },
    ]
    assert.equal(
      encodeJSONResponse({ results }, compact),
      'json: error calling MarshalJSON for type httpd.Response: json: error calling MarshalJSON for type *query.Result: json: unsupported value: NaN\n',
    )
  })

  it('pretty-prints like json.MarshalIndent with four spaces (recorded)', () => {
    const results: StatementResult[] = [
      { statementID: 0, series: [{ name: 'databases', columns: ['name'], values: [['db1']] }] },
      { statementID: 2 },
    ]
    assert.equal(
      encodeJSONResponse({ results }, { pretty: true, epochDivisor: undefined }),
      [
        '{',
        '    "results": [',
        '        {',
        '            "statement_id": 0,',
        '            "series": [',
        '                {',
        '                    "name": "databases",',
        '                    "columns": [',
        '                        "name"',
        '                    ],',
        '                    "values": [',
        '                        [',
        '                            "db1"',
        '                        ]',
        '                    ]',
        '                }',
        '            ]',
        '        },',
        '        {',
        '            "statement_id": 2',
        '        }',
        '    ]',
        '}',
        '',
      ].join('\n'),
    )
  })
})

describe('indentJSON', () => {
  it('lays out any document as JSON.stringify with 4 spaces does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v)
        assert.equal(indentJSON(text, '    '), JSON.stringify(v, null, 4))
      }),
    )
  })
})

describe('formatRFC3339Nano', () => {
  it('drops trailing zeros of the fraction and handles times before 1970 and offsets', () => {
    assert.equal(formatRFC3339Nano(1795637575295184843n), '2026-11-25T20:12:55.295184843Z')
    assert.equal(formatRFC3339Nano(19_500_000_000n), '1970-01-01T00:00:19.5Z')
    assert.equal(formatRFC3339Nano(-1n), '1969-12-31T23:59:59.999999999Z')
    assert.equal(formatRFC3339Nano(-9223372036854775806n), '1677-09-21T00:12:43.145224194Z')
    assert.equal(formatRFC3339Nano(0n, 3600), '1970-01-01T01:00:00+01:00')
    assert.equal(formatRFC3339Nano(0n, -5 * 3600 - 1800), '1969-12-31T18:30:00-05:30')
  })

  it('agrees with Date for every millisecond instant between years 1677 and 2262', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -9223372036854775806n, max: 9223372036854775806n }), (ns) => {
        let ms = ns / 1_000_000n
        if (ms * 1_000_000n > ns) ms -= 1n
        const iso = new Date(Number(ms)).toISOString().slice(0, 19)
        assert.equal(formatRFC3339Nano(ns).slice(0, 19), iso)
      }),
      { numRuns: 2000 },
    )
  })

  it('gives the epoch divisors of InfluxDB 1.6.7 (unknown units mean ns)', () => {
    assert.equal(epochDivisor(''), undefined)
    assert.equal(epochDivisor('h'), 3_600_000_000_000n)
    assert.equal(epochDivisor('m'), 60_000_000_000n)
    assert.equal(epochDivisor('u'), 1000n)
    assert.equal(epochDivisor('µ'), 1n)
    assert.equal(epochDivisor('ns'), 1n)
  })
})
