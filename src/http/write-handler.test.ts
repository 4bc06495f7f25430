import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { rawRequest, startTestServer } from './test-support.js'
import type { TestServer } from './test-support.js'

describe('POST /write', () => {
  let t: TestServer
  before(async () => {
    t = await startTestServer({ maxBodySizeBytes: 1000 })
  })
  after(() => t.server.close())

  const write = (query: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
    rawRequest(t.url, 'POST', `/write${query}`, body, headers)

  it('answers 204 and hands the parsed points, db, rp and consistency to the writer', async () => {
    t.store.writes.length = 0
    const res = await write(
      '?db=db1&rp=autogen&precision=s&consistency=QUORUM',
      'cpu,host=a v=1.5,n=2i 1700000000\n',
    )
    assert.equal(res.status, 204)
    assert.equal(res.text, '')
    assert.equal(res.headers['content-type'], 'application/json')
    const w = t.store.writes[0]
    assert.equal(w?.database, 'db1')
    assert.equal(w?.retentionPolicy, 'autogen')
    assert.equal(w?.consistency, 'quorum')
    assert.equal(w?.points.length, 1)
    assert.equal(w?.points[0]?.time, 1_700_000_000_000_000_000n)
    assert.equal(w?.points[0]?.seriesKey, 'cpu,host=a')
  })

  it('checks db before anything else: 400 database is required, 404 database not found', async () => {
    const none = await write('', 'cpu v=')
    assert.equal(none.status, 400)
    assert.equal(none.text, '{"error":"database is required"}\n')
    assert.equal(none.headers['x-influxdb-error'], 'database is required')
    const missing = await write('?db=nosuchdb', 'cpu v=')
    assert.equal(missing.status, 404)
    assert.equal(missing.text, '{"error":"database not found: \\"nosuchdb\\""}\n')
  })

  it('reports every bad line joined with newlines, without prefix when none parsed', async () => {
    const res = await write('?db=db1', 'pw3 v=1.2.3\npw3 v=')
    assert.equal(res.status, 400)
    assert.equal(
      res.text,
      `{"error":"unable to parse 'pw3 v=1.2.3': invalid number\\nunable to parse 'pw3 v=': missing field value"}\n`,
    )
    // Go's header writer turns the newline into a space.
    assert.equal(
      res.headers['x-influxdb-error'],
      "unable to parse 'pw3 v=1.2.3': invalid number unable to parse 'pw3 v=': missing field value",
    )
  })

  it('writes the good lines and answers partial write dropped=0 for a mix', async () => {
    t.store.writes.length = 0
    const res = await write(
      '?db=db1',
      'pw v=1 1000000000\npw v=1.2.3 2000000000\npw v=3 3000000000',
    )
    assert.equal(res.status, 400)
    assert.equal(
      res.text,
      `{"error":"partial write: unable to parse 'pw v=1.2.3 2000000000': invalid number dropped=0"}\n`,
    )
    assert.equal(t.store.writes[0]?.points.length, 2)
  })

  it('checks consistency after parsing (a bad body wins over a bad level)', async () => {
    assert.equal(
      (await write('?db=db1&consistency=bogus', 'cpu v=1')).text,
      '{"error":"invalid consistency level"}\n',
    )
    assert.equal(
      (await write('?db=db1&consistency=bogus', 'cpu v=')).text,
      `{"error":"unable to parse 'cpu v=': missing field value"}\n`,
    )
  })

  it('maps writer outcomes: partial 400, type conflict 400, forbidden 403, failure 500', async () => {
    const cases = [
      [
        { kind: 'partial', reason: 'points beyond retention policy', dropped: 2 },
        400,
        'partial write: points beyond retention policy dropped=2',
      ],
      [{ kind: 'type-conflict', message: 'field type conflict' }, 400, 'field type conflict'],
      [{ kind: 'forbidden', message: 'no' }, 403, 'no'],
      [{ kind: 'failed', message: 'timeout' }, 500, 'timeout'],
    ] as const
    try {
      for (const [outcome, status, message] of cases) {
        t.store.outcome = outcome
        const res = await write('?db=db1', 'cpu v=1\nbad')
        assert.equal(res.status, status)
        assert.deepEqual(JSON.parse(res.text), { error: message })
      }
    } finally {
      t.store.outcome = undefined
    }
  })

  it('answers 500 with the message when the writer throws', async () => {
    const failing = await startTestServer(
      {},
      { pointsWriter: { writePoints: () => Promise.reject(new Error('disk on fire')) } },
    )
    try {
      const res = await rawRequest(failing.url, 'POST', '/write?db=db1', 'cpu v=1')
      assert.equal(res.status, 500)
      assert.equal(res.text, '{"error":"disk on fire"}\n')
    } finally {
      await failing.server.close()
    }
  })

  it('passes an empty body (and comments) to the writer, which decides: 204 or unknown rp 500', async () => {
    assert.equal((await write('?db=db1', '# only a comment\n\n')).status, 204)
    const rp = await write('?db=db1&rp=nosuch', '')
    assert.equal(rp.status, 500)
    assert.equal(rp.text, '{"error":"retention policy not found: nosuch"}\n')
  })

  it('escapes < > & in JSON like Go', async () => {
    const res = await write('?db=db1', 'a<b>&c v=1.2.3')
    assert.equal(
      res.text,
      `{"error":"unable to parse 'a\\u003cb\\u003e\\u0026c v=1.2.3': invalid number"}\n`,
    )
  })

  it('decompresses gzip bodies and maps bad gzip to Go texts', async () => {
    t.store.writes.length = 0
    const ok = await write('?db=db1', gzipSync('gz v=1\ngz v=2'), { 'Content-Encoding': 'gzip' })
    assert.equal(ok.status, 204)
    assert.equal(t.store.writes[0]?.points.length, 2)
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'EOF'],
      [Buffer.from('notgzip'), 'unexpected EOF'],
      [Buffer.from('cpu value=1 1000000000000'), 'gzip: invalid header'],
      [gzipSync('cpu v=1\n').subarray(0, 15), 'unexpected EOF'],
    ]
    for (const [body, message] of cases) {
      const res = await write('?db=db1', body, { 'Content-Encoding': 'gzip' })
      assert.equal(res.status, 400)
      assert.equal(res.text, `{"error":${JSON.stringify(message)}}\n`)
    }
    const corrupt = Buffer.from(gzipSync('cpu v=1\n'))
    corrupt[corrupt.length - 5] = (corrupt[corrupt.length - 5] ?? 0) ^ 0xff // the CRC
    assert.equal(
      (await write('?db=db1', corrupt, { 'Content-Encoding': 'gzip' })).text,
      '{"error":"gzip: invalid checksum"}\n',
    )
  })

  it('answers 413 above max-body-size, closing the connection only when much is left unread (as Go)', async () => {
    const keepAlive = { Connection: 'keep-alive' }
    const small = await write('?db=db1', `${'x'.repeat(1200)} v=1`, keepAlive)
    assert.equal(small.status, 413)
    assert.equal(small.statusMessage, 'Request Entity Too Large')
    assert.equal(small.text, '{"error":"Request Entity Too Large"}\n')
    assert.equal(small.headers['x-influxdb-error'], 'Request Entity Too Large')
    assert.equal(small.headers['connection'], 'keep-alive')
    const large = await write('?db=db1', `${'x'.repeat(300_000)} v=1`, keepAlive)
    assert.equal(large.status, 413)
    assert.equal(large.headers['connection'], 'close')
    const bomb = gzipSync(Buffer.alloc(5000, 0x61))
    assert.equal((await write('?db=db1', bomb, { 'Content-Encoding': 'gzip' })).status, 413)
  })

  it('reads and drops a small unread body but closes after a large one (Go post-handler rule)', async () => {
    const keepAlive = { Connection: 'keep-alive', 'Transfer-Encoding': 'chunked' }
    const small = await rawRequest(t.url, 'POST', '/write', 'x'.repeat(900), keepAlive)
    assert.equal(small.status, 400)
    assert.equal(small.headers['connection'], 'keep-alive')
    const unlimited = await startTestServer({ maxBodySizeBytes: 0 })
    try {
      const large = await rawRequest(
        unlimited.url,
        'POST',
        '/write',
        'x'.repeat(300_000),
        keepAlive,
      )
      assert.equal(large.text, '{"error":"database is required"}\n')
      assert.equal(large.headers['connection'], 'close')
    } finally {
      await unlimited.server.close()
    }
  })

  it('answers 405 with Allow for other methods', async () => {
    const res = await rawRequest(t.url, 'GET', '/write?db=db1')
    assert.equal(res.status, 405)
    assert.equal(res.headers['allow'], 'OPTIONS, POST')
    assert.equal(res.text, 'Method Not Allowed\n')
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
  })

  it('counts points and requests for /debug/vars', async () => {
    const before = t.server.statistics.get('pointsWrittenOK')
    await write('?db=db1', 'st v=1\nst v=2')
    assert.equal(t.server.statistics.get('pointsWrittenOK'), before + 2)
  })
})

describe('/write throttle', () => {
  it('answers 503 when the queue is full', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const t = await startTestServer(
      { maxConcurrentWriteLimit: 1, maxEnqueuedWriteLimit: 1 },
      { pointsWriter: { writePoints: async () => (await gate, { kind: 'ok' }) } },
    )
    try {
      const waitActive = async (n: number) => {
        while (t.server.statistics.get('reqActive') < n) await new Promise((r) => setTimeout(r, 5))
      }
      const first = rawRequest(t.url, 'POST', '/write?db=db1', 'a v=1')
      await waitActive(1)
      const second = rawRequest(t.url, 'POST', '/write?db=db1', 'a v=1')
      await waitActive(2) // the throttle queues a request in the tick it arrives
      const third = await rawRequest(t.url, 'POST', '/write?db=db1', 'a v=1')
      assert.equal(third.status, 503)
      assert.equal(third.text, 'request throttled, queue full\n')
      release()
      assert.equal((await first).status, 204)
      assert.equal((await second).status, 204)
    } finally {
      release()
      await t.server.close()
    }
  })
})
