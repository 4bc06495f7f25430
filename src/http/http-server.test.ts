import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { Logger as PinoLogger } from 'pino'
import { HTTPListenError, HTTPOptionError, HTTPServerStateError } from './errors.js'
import { createHTTPServer } from './http-server.js'
import type { HTTPLogger } from './interfaces.js'
import { FakeExecutor, FakeStore, rawRequest, startTestServer } from './test-support.js'
import type { TestServer } from './test-support.js'

const UUID_V1 = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-000000000000$/

describe('HTTP server basics', () => {
  let s: TestServer
  before(async () => {
    s = await startTestServer({ version: '1.6.7~rc0', build: 'OSS' })
  })
  after(() => s.server.close())

  it('answers GET and HEAD /ping and /status with 204 and the common headers', async () => {
    for (const [method, path] of [
      ['GET', '/ping'],
      ['HEAD', '/ping'],
      ['GET', '/status?verbose=true'],
      ['HEAD', '/status'],
    ]) {
      const res = await rawRequest(s.url, method ?? 'GET', path ?? '/')
      assert.equal(res.status, 204)
      assert.equal(res.text, '')
      assert.equal(res.headers['content-type'], 'application/json')
      assert.equal(res.headers['x-influxdb-version'], '1.6.7~rc0')
      assert.equal(res.headers['x-influxdb-build'], 'OSS')
      assert.match(String(res.headers['request-id']), UUID_V1)
      assert.equal(res.headers['x-request-id'], res.headers['request-id'])
    }
  })

  it('echoes an incoming X-Request-Id, else Request-Id', async () => {
    const a = await rawRequest(s.url, 'GET', '/ping', undefined, {
      'X-Request-Id': 'abc',
      'Request-Id': 'def',
    })
    assert.equal(a.headers['request-id'], 'abc')
    assert.equal(a.headers['x-request-id'], 'abc')
    const b = await rawRequest(s.url, 'GET', '/ping', undefined, { 'Request-Id': 'def' })
    assert.equal(b.headers['x-request-id'], 'def')
  })

  it('answers unknown paths with 404 page not found and no request id', async () => {
    for (const path of ['/nope', '/write/', '/debug/pprof/heap', '/PING']) {
      const res = await rawRequest(s.url, 'GET', path)
      assert.equal(res.status, 404)
      assert.equal(res.text, '404 page not found\n')
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
      assert.equal(res.headers['x-content-type-options'], 'nosniff')
      assert.equal(res.headers['request-id'], undefined)
      assert.equal(res.headers['x-influxdb-version'], '1.6.7~rc0')
    }
  })

  it('answers a wrong method with 405 and Allow', async () => {
    const q = await rawRequest(s.url, 'PUT', '/query')
    assert.equal(q.status, 405)
    assert.equal(q.headers['allow'], 'OPTIONS, GET, POST')
    const p = await rawRequest(s.url, 'DELETE', '/ping')
    assert.equal(p.headers['allow'], 'GET, HEAD')
  })

  it('answers OPTIONS with an empty 200 and CORS headers for an Origin', async () => {
    const res = await rawRequest(s.url, 'OPTIONS', '/query', undefined, {
      Origin: 'http://x.example',
    })
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-length'], '0')
    assert.equal(res.headers['content-type'], undefined)
    assert.equal(res.headers['access-control-allow-origin'], 'http://x.example')
    assert.equal(res.headers['access-control-allow-methods'], 'DELETE, GET, OPTIONS, POST, PUT')
    assert.equal(
      res.headers['access-control-expose-headers'],
      'Date, X-InfluxDB-Version, X-InfluxDB-Build',
    )
    assert.ok(res.headers['request-id'])
  })

  it('serves /debug/vars with InfluxDB-named counters and memstats', async () => {
    await rawRequest(s.url, 'GET', '/ping')
    const res = await rawRequest(s.url, 'GET', '/debug/vars')
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    const vars = JSON.parse(res.text) as Record<string, unknown>
    const httpd = vars[`httpd:${s.server.address}`] as {
      name: string
      tags: object
      values: Record<string, number>
    }
    assert.equal(httpd.name, 'httpd')
    assert.deepEqual(httpd.tags, { bind: s.server.address })
    assert.ok((httpd.values['pingReq'] ?? 0) >= 1)
    assert.ok((httpd.values['req'] ?? 0) >= 2)
    assert.equal(typeof (vars['memstats'] as Record<string, unknown>)['HeapAlloc'], 'number')
    assert.ok(Array.isArray(vars['cmdline']))
  })

  it('refuses a second listen()', async () => {
    await assert.rejects(s.server.listen(), HTTPServerStateError)
  })
})

describe('HTTP server lifecycle', () => {
  const deps = () => {
    const store = new FakeStore()
    return { pointsWriter: store, databases: store, queryExecutor: new FakeExecutor() }
  }

  it('rejects bad options with typed errors', () => {
    assert.throws(() => createHTTPServer({ bindAddress: 'nohost' }, deps()), HTTPOptionError)
    assert.throws(() => createHTTPServer({ maxBodySizeBytes: -1 }, deps()), HTTPOptionError)
    assert.throws(() => createHTTPServer({ authEnabled: true }, deps()), HTTPOptionError)
  })

  it('reports a taken port as ERR_HTTP_LISTEN', async () => {
    const a = createHTTPServer({ bindAddress: '127.0.0.1:0' }, deps())
    await a.listen()
    const b = createHTTPServer({ bindAddress: a.address }, deps())
    try {
      await assert.rejects(
        b.listen(),
        (err: unknown) => err instanceof HTTPListenError && err.code === 'ERR_HTTP_LISTEN',
      )
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('lets a request in flight finish on close, then refuses connections', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    let arrived: () => void = () => {}
    const reachedWriter = new Promise<void>((r) => {
      arrived = r
    })
    const writePoints = async () => {
      arrived()
      await gate
      return { kind: 'ok' } as const
    }
    const s = await startTestServer({}, { pointsWriter: { writePoints } })
    const inFlight = rawRequest(s.url, 'POST', '/write?db=db1', 'cpu v=1')
    await reachedWriter
    const closing = s.server.close()
    assert.equal(s.server.status, 'closing')
    setTimeout(release, 50)
    assert.equal((await inFlight).status, 204)
    await closing
    assert.equal(s.server.status, 'closed')
    await assert.rejects(rawRequest(s.url, 'GET', '/ping'))
    assert.equal(s.server.close(), s.server.close())
  })

  it('aborts queries still running after closeTimeoutMs', async () => {
    let aborted = false
    let running: () => void = () => {}
    const started = new Promise<void>((r) => {
      running = r
    })
    const s = await startTestServer({ closeTimeoutMs: 100 })
    s.executor.script = (req) =>
      (async function* () {
        yield { statementID: 0 }
        running()
        await new Promise((r) => req.signal.addEventListener('abort', r))
        aborted = true
      })()
    const res = rawRequest(s.url, 'GET', '/query?q=x&chunked=true').catch(() => undefined)
    await started
    const closeStarted = Date.now()
    await s.server.close()
    assert.equal(aborted, true)
    assert.ok(Date.now() - closeStarted < 3000)
    await res
  })

  it('sends 100 Continue only when it reads the body', async () => {
    const s = await startTestServer()
    try {
      const talk = (request: string): Promise<string> =>
        new Promise((resolve, reject) => {
          const sock = connect(Number(s.server.address.split(':')[1]), '127.0.0.1')
          let got = ''
          sock.on('data', (d) => {
            got += d.toString()
            if (got.includes('100 Continue') && !got.includes('\r\n\r\nHTTP/1.1 2'))
              sock.write('cpu v=1')
          })
          sock.on('end', () => resolve(got))
          sock.on('error', reject)
          sock.write(request)
        })
      const head = (db: string) =>
        `POST /write?db=${db} HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`
      const ok = await talk(head('db1'))
      assert.match(ok, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 204 No Content/)
      const refused = await talk(head('nosuchdb'))
      assert.match(refused, /^HTTP\/1\.1 404 Not Found/)
      assert.doesNotMatch(refused, /100 Continue/)
    } finally {
      await s.server.close()
    }
  })
})

describe('request logging', () => {
  it('logs requests without passwords, the p parameter or the Authorization header', async () => {
    const s = await startTestServer({ authEnabled: true })
    s.authenticator.addUser('admin', 'hunter2-secret', true)
    try {
      await rawRequest(
        s.url,
        'POST',
        '/query?u=admin&p=hunter2-secret',
        "q=CREATE USER bob WITH PASSWORD 'bobs-secret'",
        {
          'Content-Type': 'application/x-www-form-urlencoded',
        },
      )
      await rawRequest(
        s.url,
        'GET',
        "/query?q=SET+PASSWORD+FOR+bob+%3D+'other-secret'",
        undefined,
        {
          Authorization: `Basic ${Buffer.from('admin:hunter2-secret').toString('base64')}`,
        },
      )
      await rawRequest(s.url, 'POST', '/write?db=db1&u=admin&p=hunter2-secret', 'cpu v=1')
      const text = s.logger.text()
      assert.match(text, /http request/)
      assert.match(text, /\[REDACTED\]/)
      for (const secret of [
        'hunter2-secret',
        'bobs-secret',
        'other-secret',
        'Basic ',
        'YWRtaW46',
      ]) {
        assert.equal(text.includes(secret), false, `${secret} was logged`)
      }
    } finally {
      await s.server.close()
    }
  })

  it('accepts a pino logger', () => {
    const takesPino = (l: PinoLogger): HTTPLogger => l
    assert.equal(typeof takesPino, 'function')
  })
})
