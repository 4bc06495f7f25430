import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { gunzipSync } from 'node:zlib'
import { QueryAuthorizationError, QueryParseError } from './errors.js'
import type { QueryTime, StatementResult } from './interfaces.js'
import { rawRequest, startTestServer } from './test-support.js'
import type { TestServer } from './test-support.js'

const t = (ns: bigint): QueryTime => ({ kind: 'time', ns })
const SELECT_RESULT: StatementResult = {
  statementID: 0,
  series: [{ name: 'cpu', columns: ['time', 'v'], values: [[t(1_795_637_575_295_184_843n), 1.5]] }],
}

describe('/query', () => {
  let s: TestServer
  before(async () => {
    s = await startTestServer({ maxRowLimit: 0 })
  })
  after(() => s.server.close())

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
  const post = (fields: Record<string, string>, query = '', headers: Record<string, string> = {}) =>
    rawRequest(s.url, 'POST', `/query${query}`, form(fields), {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...headers,
    })

  it('answers 400 for a missing or blank q', async () => {
    for (const q of ['', '?q=%20%20']) {
      const res = await rawRequest(s.url, 'GET', `/query${q}`)
      assert.equal(res.status, 400)
      assert.equal(res.text, '{"error":"missing required parameter \\"q\\""}\n')
      assert.equal(res.headers['x-influxdb-error'], 'missing required parameter "q"')
    }
  })

  it('hands every parameter to the executor, form body before URL', async () => {
    s.executor.script = () => [SELECT_RESULT]
    s.executor.requests.length = 0
    const res = await post(
      {
        q: ' SELECT v FROM cpu ',
        db: 'db1',
        epoch: ' ms ',
        params: '{"h":"a","n":1,"f":1.0}',
        chunked: 'true',
        chunk_size: '7',
        node_id: '3',
      },
      '?q=SHOW+DATABASES&rp=autogen',
    )
    assert.equal(res.status, 200)
    const req = s.executor.requests[0]
    assert.equal(req?.query, 'SELECT v FROM cpu')
    assert.equal(req?.database, 'db1')
    assert.equal(req?.retentionPolicy, 'autogen')
    assert.equal(req?.epoch, 'ms')
    assert.deepEqual(req?.params, { h: 'a', n: 1n, f: 1 })
    assert.equal(req?.chunked, true)
    assert.equal(req?.chunkSize, 7)
    assert.equal(req?.nodeID, 3n)
    assert.equal(req?.readOnly, false)
    assert.equal(req?.signal.aborted, false)
    const get = await rawRequest(s.url, 'GET', '/query?q=SHOW+DATABASES&chunked=true&chunk_size=0')
    assert.equal(get.status, 200)
    assert.equal(s.executor.requests[1]?.readOnly, true)
    assert.equal(s.executor.requests[1]?.chunkSize, 10000)
  })

  it('takes q from a multipart value or file part; URL values win over multipart ones', async () => {
    s.executor.requests.length = 0
    const boundary = 'BOUNDARY'
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="db"',
      '',
      'fromform',
      `--${boundary}`,
      'Content-Disposition: form-data; name="q"; filename="q.iql"',
      '',
      'SHOW MEASUREMENTS',
      `--${boundary}--`,
      '',
    ].join('\r\n')
    const res = await rawRequest(s.url, 'POST', '/query?db=fromurl', body, {
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
    })
    assert.equal(res.status, 200)
    assert.equal(s.executor.requests[0]?.query, 'SHOW MEASUREMENTS')
    assert.equal(s.executor.requests[0]?.database, 'fromurl')
  })

  it('ignores bodies that are not forms', async () => {
    const res = await rawRequest(s.url, 'POST', '/query', 'q=SHOW DATABASES', {
      'Content-Type': 'text/plain',
    })
    assert.equal(res.status, 400)
  })

  it('answers bad params with InfluxDB texts before running anything', async () => {
    s.executor.requests.length = 0
    const a = await post({ q: 'SELECT 1', params: 'abc' })
    assert.equal(
      a.text,
      `{"error":"error parsing query parameters: invalid character 'a' looking for beginning of value"}\n`,
    )
    const b = await post({ q: 'SELECT 1', params: '{"a":1e5}' })
    assert.equal(
      b.text,
      '{"error":"error parsing json value: strconv.ParseInt: parsing \\"1e5\\": invalid syntax"}\n',
    )
    assert.equal(s.executor.requests.length, 0)
  })

  it('answers 400 for a parse error and 403 for a refused query', async () => {
    s.executor.script = () => {
      throw new QueryParseError('found SELEC, expected SELECT at line 1, char 1')
    }
    const parse = await post({ q: 'SELEC 1' })
    assert.equal(parse.status, 400)
    assert.equal(
      parse.text,
      '{"error":"error parsing query: found SELEC, expected SELECT at line 1, char 1"}\n',
    )
    s.executor.script = () => {
      throw new QueryAuthorizationError('create admin user first or disable authentication')
    }
    const auth = await post({ q: 'SHOW DATABASES' })
    assert.equal(auth.status, 403)
    assert.equal(
      auth.text,
      '{"error":"error authorizing query: create admin user first or disable authentication"}\n',
    )
    assert.equal(
      auth.headers['x-influxdb-error'],
      'error authorizing query: create admin user first or disable authentication',
    )
  })

  it('recognises an InfluxQL parse error by its code, and rejections from the first result', async () => {
    s.executor.script = () => ({
      [Symbol.asyncIterator]: () => ({
        next: () =>
          Promise.reject(
            Object.assign(new Error('found EOF, expected FROM at line 1, char 9'), {
              code: 'ERR_INFLUXQL_PARSE',
            }),
          ),
      }),
    })
    const res = await post({ q: 'SELECT *' })
    assert.equal(res.status, 400)
    assert.equal(
      res.text,
      '{"error":"error parsing query: found EOF, expected FROM at line 1, char 9"}\n',
    )
  })

  // The merged series keeps the first chunk's "partial": true, as influxd 1.6.7 does (observed with
  // 10005 points, which its executor emits in two chunks).
  it('merges chunks of a statement into one document, and keeps statement errors at 200', async () => {
    s.executor.script = () => [
      {
        statementID: 0,
        series: [{ name: 'cpu', columns: ['time', 'v'], values: [[t(1n), 1]], partial: true }],
        partial: true,
      },
      { statementID: 0, series: [{ name: 'cpu', columns: ['time', 'v'], values: [[t(2n), 2]] }] },
      { statementID: 1, error: 'database not found: nosuchdb' },
    ]
    const res = await post({ q: 'SELECT v FROM cpu; SELECT 1', epoch: 'ns' })
    assert.equal(res.status, 200)
    assert.equal(
      res.text,
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","v"],"values":[[1,1],[2,2]],"partial":true}]},{"statement_id":1,"error":"database not found: nosuchdb"}]}\n',
    )
  })

  it('streams one JSON document per line with chunked=true', async () => {
    s.executor.script = () => [
      {
        statementID: 0,
        series: [
          {
            name: 'cpu',
            columns: ['time', 'v'],
            values: [[t(19_000_000_000n), 82.492]],
            partial: true,
          },
        ],
        partial: true,
      },
      {
        statementID: 0,
        series: [{ name: 'cpu', columns: ['time', 'v'], values: [[t(79_000_000_000n), 86.437]] }],
      },
      { statementID: 1, error: 'undefined function foo()' },
    ]
    const res = await post({ q: 'x', chunked: 'true', chunk_size: '1' })
    assert.equal(res.headers['transfer-encoding'], 'chunked')
    assert.deepEqual(res.text.split('\n'), [
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","v"],"values":[["1970-01-01T00:00:19Z",82.492]],"partial":true}],"partial":true}]}',
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","v"],"values":[["1970-01-01T00:01:19Z",86.437]]}]}]}',
      '{"results":[{"statement_id":1,"error":"undefined function foo()"}]}',
      '',
    ])
  })

  it('gzips 200 answers when asked, but never errors', async () => {
    s.executor.script = () => [SELECT_RESULT]
    const res = await post({ q: 'x' }, '', { 'Accept-Encoding': 'gzip, deflate' })
    assert.equal(res.headers['content-encoding'], 'gzip')
    assert.equal(
      gunzipSync(res.body).toString(),
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","v"],"values":[["2026-11-25T20:12:55.295184843Z",1.5]]}]}]}\n',
    )
    const err = await post({}, '', { 'Accept-Encoding': 'gzip' })
    assert.equal(err.headers['content-encoding'], undefined)
    assert.equal(err.status, 400)
  })

  it('formats by Accept: CSV and MessagePack, also for errors', async () => {
    s.executor.script = () => [SELECT_RESULT]
    const csv = await post({ q: 'x' }, '', { Accept: 'application/csv' })
    assert.equal(csv.headers['content-type'], 'text/csv')
    assert.equal(csv.text, 'name,tags,time,v\ncpu,,1795637575295184843,1.5\n')
    const csvErr = await post({}, '', { Accept: 'text/csv' })
    assert.equal(csvErr.text, 'error\n"missing required parameter ""q"""\n') // recorded from influxd
    const mp = await post({ q: 'x' }, '', { Accept: 'application/x-msgpack' })
    assert.equal(mp.headers['content-type'], 'application/x-msgpack')
    assert.equal(mp.body[0], 0x81)
  })

  it('pretty-prints only with pretty=true in the URL', async () => {
    s.executor.script = () => [{ statementID: 0 }]
    assert.equal(
      (await post({ q: 'x', pretty: 'true' })).text,
      '{"results":[{"statement_id":0}]}\n',
    )
    assert.equal(
      (await post({ q: 'x' }, '?pretty=true')).text,
      '{\n    "results": [\n        {\n            "statement_id": 0\n        }\n    ]\n}\n',
    )
  })

  it('answers async=true with 204 at once and runs the query to its end', async () => {
    let finished = false
    s.executor.script = () =>
      (async function* () {
        yield { statementID: 0 }
        await new Promise((r) => setTimeout(r, 30))
        finished = true
      })()
    const res = await post({ q: 'x', async: 'true' })
    assert.equal(res.status, 204)
    await new Promise((r) => setTimeout(r, 80))
    assert.equal(finished, true)
  })

  it('reports an executor failure in the middle of the results as a top-level error', async () => {
    s.executor.script = () =>
      (async function* () {
        yield { statementID: 0 }
        throw new Error('shard 3 unavailable')
      })()
    const res = await post({ q: 'x' })
    assert.equal(res.status, 200)
    assert.equal(res.text, '{"results":[{"statement_id":0}],"error":"shard 3 unavailable"}\n')
  })

  it('aborts the executor when the client goes away', async () => {
    let signal: AbortSignal | undefined
    s.executor.script = (req) => {
      signal = req.signal
      return (async function* () {
        yield { statementID: 0 }
        await new Promise((r) => req.signal.addEventListener('abort', r))
      })()
    }
    const controller = new AbortController()
    await fetch(`${s.url}/query?q=x&chunked=true`, { signal: controller.signal })
      .then(async (res) => {
        const reader = res.body?.getReader()
        await reader?.read()
        controller.abort()
      })
      .catch(() => undefined)
    for (let i = 0; i < 50 && signal?.aborted !== true; i++)
      await new Promise((r) => setTimeout(r, 10))
    assert.equal(signal?.aborted, true)
  })
})

describe('/query row limit', () => {
  it('truncates a non-chunked answer at max-row-limit and marks the series partial', async () => {
    const s = await startTestServer({ maxRowLimit: 2 })
    try {
      s.executor.script = () => [
        { statementID: 0, series: [{ name: 'm', columns: ['v'], values: [[1n], [2n], [3n]] }] },
      ]
      const res = await rawRequest(s.url, 'GET', '/query?q=x')
      assert.equal(
        res.text,
        '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["v"],"values":[[1],[2]],"partial":true}]}]}\n',
      )
    } finally {
      await s.server.close()
    }
  })
})
