// Each case is a /query answer recorded from influxd 1.6.7 and the output /usr/bin/influx 1.6.7
// printed for it (observed with the same server, chunked as influx asks).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { decodeQueryAnswer } from './shell-client.js'
import { formatResponse, goQuoteString } from './shell-format.js'
import type { QueryResponse } from './shell-response.js'

function answer(body: string, status = 200): QueryResponse {
  const o = decodeQueryAnswer({ status, headers: {}, body: Buffer.from(body) }, true)
  assert.equal(o.kind, 'response')
  return o.kind === 'response' ? o.response : { results: [], error: undefined }
}

function print(r: QueryResponse, format: string, pretty = false): string {
  let out = ''
  formatResponse(r, { format, pretty }, (s) => (out += s))
  return out
}

const GROUP_BY_ALL =
  '{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"a","region":"us"},"columns":["time","b","i","s","value"],"values":[[1577836800000000000,true,null,"x y",1],[1577836802000000000,null,5,null,1e+21]]},{"name":"cpu","tags":{"host":"b","region":"eu"},"columns":["time","b","i","s","value"],"values":[[1577836801000000000,null,null,"tab\\there",2.5]]}]}]}\n'

const CHUNKED =
  '{"results":[{"statement_id":0,"series":[{"name":"p","tags":{"h":"a"},"columns":["time","v"],"values":[[1,1],[2,2]],"partial":true}],"partial":true}]}\n' +
  '{"results":[{"statement_id":0,"series":[{"name":"p","tags":{"h":"a"},"columns":["time","v"],"values":[[3,3],[4,4]],"partial":true}],"partial":true}]}\n' +
  '{"results":[{"statement_id":0,"series":[{"name":"p","tags":{"h":"a"},"columns":["time","v"],"values":[[5,5]]}],"partial":true}]}\n' +
  '{"results":[{"statement_id":0,"series":[{"name":"p","tags":{"h":"b"},"columns":["time","v"],"values":[[6,6]]}]}]}\n'

describe('shell output formats (influx 1.6 byte for byte)', () => {
  it('column: name and tags headers, dashes, aligned cells, a TAB inside a value splitting it', () => {
    assert.equal(
      print(answer(GROUP_BY_ALL), 'column'),
      [
        'name: cpu',
        'tags: host=a, region=us',
        'time                b    i s   value',
        '----                -    - -   -----',
        '1577836800000000000 true   x y 1',
        '1577836802000000000      5     1e+21',
        '',
        'name: cpu',
        'tags: host=b, region=eu',
        'time                b i s   value',
        '----                - - -   -----',
        '1577836801000000000     tab here 2.5',
        '',
      ].join('\n'),
    )
  })

  it('column: a blank line per following result, also for empty and failed ones', () => {
    const r = answer(
      '{"results":[{"statement_id":0,"series":[{"name":"measurements","columns":["name"],"values":[["cpu"],["mem"]]}]}]}\n' +
        '{"results":[{"statement_id":1,"error":"undefined function foo()"}]}\n{"results":[{"statement_id":1,"error":"not executed"}]}\n',
    )
    assert.equal(print(r, 'column'), 'name: measurements\nname\n----\ncpu\nmem\n\n\n')
  })

  it('column and csv: chunks continuing a series are printed without repeating the header', () => {
    assert.equal(
      print(answer(CHUNKED), 'column'),
      'name: p\ntags: h=a\ntime v\n---- -\n1    1\n2    2\n3    3\n4    4\n5    5\n\nname: p\ntags: h=b\ntime v\n---- -\n6    6\n',
    )
    assert.equal(
      print(answer(CHUNKED), 'csv'),
      'name,tags,time,v\np,h=a,1,1\np,h=a,2,2\np,h=a,3,3\np,h=a,4,4\np,h=a,5,5\nname,tags,time,v\np,h=b,6,6\n',
    )
  })

  it('csv: name and tags columns, tags quoted when they hold a comma, TAB splitting a value', () => {
    assert.equal(
      print(answer(GROUP_BY_ALL), 'csv'),
      'name,tags,time,b,i,s,value\ncpu,"host=a,region=us",1577836800000000000,true,,x y,1\ncpu,"host=a,region=us",1577836802000000000,,5,,1e+21\nname,tags,time,b,i,s,value\ncpu,"host=b,region=eu",1577836801000000000,,,tab,here,2.5\n',
    )
  })

  it('json: the client shape, one result per chunk, no statement_id, series partial kept', () => {
    assert.equal(
      print(answer(CHUNKED), 'json'),
      '{"results":[{"series":[{"name":"p","tags":{"h":"a"},"columns":["time","v"],"values":[[1,1],[2,2]],"partial":true}]},{"series":[{"name":"p","tags":{"h":"a"},"columns":["time","v"],"values":[[3,3],[4,4]],"partial":true}]},{"series":[{"name":"p","tags":{"h":"a"},"columns":["time","v"],"values":[[5,5]]}]},{"series":[{"name":"p","tags":{"h":"b"},"columns":["time","v"],"values":[[6,6]]}]}]}\n',
    )
  })

  it('json: a request error alone, pretty', () => {
    const r = answer('{"error":"error parsing query: empty bound parameter"}\n', 400)
    assert.equal(
      print(r, 'json', true),
      '{\n    "error": "error parsing query: empty bound parameter"\n}\n',
    )
  })

  it('json: an empty result is {} and a nameless series has no name', () => {
    const r = answer(
      '{"results":[{"statement_id":0},{"statement_id":1,"series":[{"columns":["user","admin"]}]}]}\n',
    )
    assert.equal(print(r, 'json'), '{"results":[{},{"series":[{"columns":["user","admin"]}]}]}\n')
  })

  it('column: messages go straight out, ahead of rows the layout still holds', () => {
    const r: QueryResponse = {
      results: [
        {
          series: [{ name: '', tags: new Map(), columns: ['a', 'b'], values: [], partial: false }],
          messages: [],
          error: undefined,
        },
        { series: [], messages: [{ level: 'warning', text: 'deprecated' }], error: undefined },
      ],
      error: undefined,
    }
    // influx writes the message to the output directly while "a b" / "- -" wait in the tabwriter.
    assert.equal(print(r, 'column'), 'warning: deprecated.\na b\n- -\n\n')
  })

  it("prints influx's message for an unknown format", () => {
    assert.equal(print(answer(GROUP_BY_ALL), 'bogus'), 'Unknown output format "bogus".\n')
  })
})

describe('shell answer decoding', () => {
  it("turns a non-200 answer without an error into influx's status message", () => {
    const o = decodeQueryAnswer({ status: 502, headers: {}, body: Buffer.from('') }, true)
    assert.deepEqual(o, { kind: 'error', message: 'received status code 502 from server' })
  })

  it('reports a body that is not JSON as its text, as influx does', () => {
    const o = decodeQueryAnswer(
      { status: 404, headers: {}, body: Buffer.from('404 page not found\n') },
      true,
    )
    assert.deepEqual(o, { kind: 'error', message: '404 page not found' })
  })

  it('stops at the first chunk carrying a request error', () => {
    const o = decodeQueryAnswer(
      {
        status: 200,
        headers: {},
        body: Buffer.from(
          '{"results":[{"statement_id":0}]}\n{"error":"boom"}\n{"results":[{"statement_id":1}]}\n',
        ),
      },
      true,
    )
    assert.equal(o.kind, 'response')
    if (o.kind === 'response') {
      assert.equal(o.response.results.length, 1)
      assert.equal(o.response.error, 'boom')
    }
  })
})

describe("Go's %q", () => {
  it('escapes quotes, backslashes and control characters, keeps printable Unicode', () => {
    assert.equal(goQuoteString('a"b\\c\n\x01é'), '"a\\"b\\\\c\\n\\x01é"')
  })
})
