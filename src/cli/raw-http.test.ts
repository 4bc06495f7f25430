import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import { createServer as createHTTPServer } from 'node:http'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import fc from 'fast-check'
import { freePort } from '../../test/helpers/influxd.js'
import {
  ConnectionError,
  download,
  exchange,
  MalformedResponseError,
  ResponseParser,
  type DownloadResult,
  upload,
} from './raw-http.js'

/** Feeds `wire` to a parser in the given pieces; returns the body, trailers and whether it ended. */
function parse(wire: Buffer, cuts: number[] = []): DownloadResult & { got: Buffer } {
  const got: Buffer[] = []
  const p = new ResponseParser(
    () => undefined,
    (b) => got.push(Buffer.from(b)),
  )
  let at = 0
  for (const c of [...cuts].sort((a, b) => a - b)) {
    p.feed(wire.subarray(at, c))
    at = c
  }
  p.feed(wire.subarray(at))
  return { ...p.result(p.end()), got: Buffer.concat(got) }
}

function chunked(body: Buffer, pieces: number, trailers = 'X-Archive-Crc32: 0badf00d\r\n'): Buffer {
  const parts: Buffer[] = [
    Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Archive-Fingerprint: f\r\n\r\n',
    ),
  ]
  const size = Math.max(1, Math.ceil(body.length / pieces))
  for (let i = 0; i < body.length; i += size) {
    const c = body.subarray(i, i + size)
    parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`0\r\n${trailers}\r\n`))
  return Buffer.concat(parts)
}

function malformed(wire: string, pattern: RegExp): void {
  assert.throws(
    () => parse(Buffer.from(wire, 'latin1')),
    (err: unknown) => err instanceof MalformedResponseError && pattern.test(err.message),
  )
}

/** A TCP server that answers each connection with `answer` (after reading the request head). */
async function serve(
  answer: (socket: Socket) => void,
): Promise<{ server: Server; address: string }> {
  const server = createServer((socket) => {
    let head = ''
    socket.on('data', (d: Buffer) => {
      if (head.includes('\r\n\r\n')) return
      head += d.toString('latin1')
      if (head.includes('\r\n\r\n')) answer(socket)
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe('http download: response parser', () => {
  it('reads a chunked body and its trailers however the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 5000 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (data, pieces, rawCuts) => {
          const body = Buffer.from(data)
          const wire = chunked(body, pieces)
          const r = parse(
            wire,
            rawCuts.map((c) => c % (wire.length + 1)),
          )
          assert.equal(r.complete, true)
          assert.equal(r.status, 200)
          assert.equal(r.headers['x-archive-fingerprint'], 'f')
          assert.equal(r.trailers['x-archive-crc32'], '0badf00d')
          assert.deepEqual(r.got, body)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('reads a Content-Length body, and a body that ends with the connection', () => {
    const body = randomBytes(3000)
    const withLength = Buffer.concat([
      Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`),
      body,
    ])
    assert.deepEqual(parse(withLength, [10, 50, 2000]).got, body)
    const untilClose = Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), body])
    const r = parse(untilClose, [5, 700])
    assert.deepEqual(r.got, body)
    assert.equal(r.complete, true)
  })

  it('keeps the body of an answer other than 200 instead of handing it over', () => {
    const r = parse(
      Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 22\r\n\r\n{"error":"no shard 7"}'),
      [30],
    )
    assert.equal(r.status, 404)
    assert.equal(r.got.length, 0)
    assert.equal(r.body.toString(), '{"error":"no shard 7"}')
  })

  it('reports a body cut short as incomplete', () => {
    const wire = chunked(randomBytes(1000), 3)
    for (const cut of [20, 80, 500, wire.length - 3]) {
      const r = parse(wire.subarray(0, cut))
      assert.equal(r.complete, false, `cut at ${cut}`)
    }
  })

  it('refuses what is not an HTTP/1.x response, naming what and where', () => {
    malformed(
      'SSH-2.0-OpenSSH\r\n\r\n',
      /byte 0: not an HTTP\/1\.x status line: "SSH-2\.0-OpenSSH"/,
    )
    malformed('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /bad header line "no colon here"/)
    malformed('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', /unsupported Transfer-Encoding/)
    malformed('HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n', /bad Content-Length "-4"/)
    malformed(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      /bad chunk size line "zz"/,
    )
    malformed(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY\r\n0\r\n\r\n',
      /a chunk does not end with CRLF/,
    )
    malformed(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n',
      /bad trailer line "bad trailer"/,
    )
    malformed('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabcd', /2 bytes after the end/)
    malformed(`HTTP/1.1 200 OK\r\nX: ${'y'.repeat(70_000)}`, /no "\\r\\n\\r\\n" within 65536 bytes/)
  })
})

describe('http download: over a connection', () => {
  it('downloads a chunked archive from node:http with its trailers, the body in pieces', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 17)
    const server = createHTTPServer((req, res) => {
      assert.equal(req.headers['authorization'], 'Bearer t')
      res.writeHead(200, { Trailer: 'X-Archive-Size' })
      for (let i = 0; i < body.length; i += 100_000) res.write(body.subarray(i, i + 100_000))
      res.addTrailers({ 'X-Archive-Size': String(body.length) })
      res.end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const got: Buffer[] = []
      const r = await download(
        {
          address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
          path: '/shards/1/archive',
          headers: { Authorization: 'Bearer t' },
          timeoutMs: 5000,
        },
        (head) => assert.equal(head.status, 200),
        (b) => got.push(Buffer.from(b)),
      )
      assert.equal(r.complete, true)
      assert.equal(r.trailers['x-archive-size'], String(body.length))
      assert.deepEqual(Buffer.concat(got), body)
    } finally {
      server.close()
    }
  })

  it('reports a connection cut mid-body as incomplete, or as a ConnectionError on a reset', async () => {
    const { server, address } = await serve((s) => {
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc')
      s.end()
    })
    try {
      const r = await download(
        { address, path: '/', headers: {}, timeoutMs: 5000 },
        () => undefined,
        () => undefined,
      )
      assert.equal(r.complete, false)
    } finally {
      server.close()
    }
    const reset = await serve((s) => {
      // Reset once the client has read what came: a reset, not an orderly end.
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc', () =>
        setTimeout(() => s.resetAndDestroy(), 50),
      )
    })
    try {
      await assert.rejects(
        download(
          { address: reset.address, path: '/', headers: {}, timeoutMs: 5000 },
          () => undefined,
          () => undefined,
        ),
        (err: unknown) => err instanceof ConnectionError,
      )
    } finally {
      reset.server.close()
    }
  })

  it('gives up on a node that stays silent, and on one that is not there', async () => {
    const { server, address } = await serve(() => undefined)
    try {
      await assert.rejects(
        download(
          { address, path: '/', headers: {}, timeoutMs: 200 },
          () => undefined,
          () => undefined,
        ),
        (err: unknown) => err instanceof ConnectionError && /no answer for 0.2s/.test(err.message),
      )
    } finally {
      server.close()
    }
    await assert.rejects(
      download(
        { address, path: '/', headers: {}, timeoutMs: 1000 },
        () => undefined,
        () => undefined,
      ),
      (err: unknown) => err instanceof ConnectionError && /ECONNREFUSED/.test(err.message),
    )
  })

  it('resolves once the answer is whole, even from a server that keeps the connection open', async () => {
    const { server, address } = await serve((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\nabcd')
    })
    try {
      const t0 = performance.now()
      const got: Buffer[] = []
      const r = await download(
        { address, path: '/', headers: {}, timeoutMs: 10_000 },
        () => undefined,
        (b) => got.push(Buffer.from(b)),
      )
      assert.equal(r.complete, true)
      assert.equal(Buffer.concat(got).toString(), 'abcd')
      assert.ok(performance.now() - t0 < 5000, 'did not wait for the idle timeout')
      const u = await upload(
        { address, method: 'PUT', path: '/', headers: {}, timeoutMs: 10_000 },
        (async function* () {
          yield Buffer.from('x')
        })(),
        () => Promise.resolve({}),
      )
      assert.equal(u.status, 200)
      assert.equal(u.body.toString(), 'abcd')
      assert.ok(performance.now() - t0 < 5000, 'did not wait for the idle timeout')
    } finally {
      server.close()
    }
  })

  it('calls onSent once the request is sent, while the answer is still awaited', async () => {
    let answer: (() => void) | undefined
    const { server, address } = await serve((s) => {
      answer = () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    })
    try {
      const events: string[] = []
      const r = await download(
        {
          address,
          path: '/',
          headers: {},
          timeoutMs: 5000,
          onSent: () => {
            events.push('sent')
            // The server has not answered yet: it answers only now, once the head reached it.
            const tell = (): void => (answer !== undefined ? answer() : void setTimeout(tell, 5))
            tell()
          },
        },
        () => events.push('head'),
        () => events.push('body'),
      )
      assert.equal(r.complete, true)
      assert.deepEqual(events, ['sent', 'head', 'body'])
      // A node that is not there: the request is never sent.
      let sent = 0
      const port = await freePort()
      await assert.rejects(
        download(
          {
            address: `127.0.0.1:${port}`,
            path: '/',
            headers: {},
            timeoutMs: 5000,
            onSent: () => sent++,
          },
          () => undefined,
          () => undefined,
        ),
        ConnectionError,
      )
      assert.equal(sent, 0)
    } finally {
      server.close()
    }
  })

  it('fails with what a callback throws, and stops reading', async () => {
    const { server, address } = await serve((s) => {
      s.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd')
    })
    try {
      await assert.rejects(
        download(
          { address, path: '/', headers: {}, timeoutMs: 5000 },
          () => {
            throw new Error('no fingerprint header')
          },
          () => assert.fail('no body after a failed head'),
        ),
        /no fingerprint header/,
      )
    } finally {
      server.close()
    }
  })
})

describe('http upload', () => {
  async function* pieces(total: number, size: number): AsyncGenerator<Buffer> {
    for (let at = 0; at < total; at += size)
      yield Buffer.alloc(Math.min(size, total - at), at % 251)
  }

  it('sends the body chunked and then its trailers; node:http reads both', async () => {
    let got = 0
    let trailers: Record<string, string | undefined> = {}
    const server = createHTTPServer((req, res) => {
      req.on('data', (d: Buffer) => (got += d.length))
      req.on('end', () => {
        trailers = req.trailers
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ got, method: req.method, url: req.url }))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const r = await upload(
        {
          address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
          method: 'PUT',
          path: '/restore/ab/x.tar.gz',
          headers: { 'Content-Type': 'application/x-tar' },
          timeoutMs: 5000,
        },
        pieces(9 * 1024 * 1024 + 3, 65536),
        () => Promise.resolve({ 'X-Tidemark-Archive-Sha256': 'abc' }),
      )
      assert.equal(r.status, 200)
      assert.deepEqual(JSON.parse(r.body.toString()), {
        got: 9 * 1024 * 1024 + 3,
        method: 'PUT',
        url: '/restore/ab/x.tar.gz',
      })
      assert.equal(trailers['x-tidemark-archive-sha256'], 'abc')
    } finally {
      server.close()
    }
  })

  it('hears a node that refuses the body before it is all sent', async () => {
    const { server, address } = await serve((s) => {
      s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 23\r\n\r\n{"error":"bad archive"}')
    })
    try {
      const r = await upload(
        { address, method: 'PUT', path: '/', headers: {}, timeoutMs: 5000 },
        pieces(64 * 1024 * 1024, 65536),
        () => Promise.resolve({}),
      )
      assert.equal(r.status, 400)
      assert.equal(r.body.toString(), '{"error":"bad archive"}')
    } finally {
      server.close()
    }
  })

  it('fails with what the body throws, and with ConnectionError when the node is not there', async () => {
    const { server, address } = await serve(() => undefined)
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.from('a')
      throw new Error('archive unreadable at byte 1')
    }
    try {
      await assert.rejects(
        upload({ address, method: 'PUT', path: '/', headers: {}, timeoutMs: 5000 }, broken(), () =>
          Promise.resolve({}),
        ),
        /archive unreadable at byte 1/,
      )
    } finally {
      server.close()
    }
    await assert.rejects(
      upload(
        { address, method: 'PUT', path: '/', headers: {}, timeoutMs: 1000 },
        pieces(10, 10),
        () => Promise.resolve({}),
      ),
      (err: unknown) => err instanceof ConnectionError,
    )
  })
})

describe('http exchange (small requests)', () => {
  it('sends a method, headers and a body with its length, and reads the whole answer, whatever its status', async () => {
    const seen: { method: string; length: string; body: Buffer; auth: string }[] = []
    const server = createHTTPServer((req, res) => {
      const parts: Buffer[] = []
      req.on('data', (d: Buffer) => parts.push(d))
      req.on('end', () => {
        const body = Buffer.concat(parts)
        seen.push({
          method: req.method ?? '',
          length: req.headers['content-length'] ?? '',
          body,
          auth: req.headers.authorization ?? '',
        })
        if (req.url === '/refuse') res.writeHead(409).end('{"error":"no"}')
        else if (req.url === '/slow') setTimeout(() => res.end('late'), 300)
        else res.end(`got ${body.length}`)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const headers = { Authorization: 'Basic eDp5' }
      const big = randomBytes(300_000)
      const r = await exchange({
        address,
        path: '/',
        method: 'PUT',
        headers,
        timeoutMs: 0,
        body: big,
      })
      assert.deepEqual([r.status, r.body.toString()], [200, 'got 300000'])
      const p = await exchange({
        address,
        path: '/',
        method: 'POST',
        headers,
        timeoutMs: 0,
        body: '{}',
      })
      assert.equal(p.body.toString(), 'got 2')
      const g = await exchange({ address, path: '/', method: 'GET', headers: {}, timeoutMs: 0 })
      assert.equal(g.body.toString(), 'got 0')
      const d = await exchange({ address, path: '/', method: 'DELETE', headers: {}, timeoutMs: 0 })
      assert.equal(d.status, 200)
      assert.deepEqual(
        seen.map((s) => [s.method, s.length, s.body.length, s.auth]),
        [
          ['PUT', '300000', 300_000, 'Basic eDp5'],
          ['POST', '2', 2, 'Basic eDp5'],
          ['GET', '', 0, ''],
          ['DELETE', '0', 0, ''],
        ],
      )
      assert.deepEqual(seen[0]?.body, big)
      const no = await exchange({
        address,
        path: '/refuse',
        method: 'POST',
        headers: {},
        timeoutMs: 0,
        body: 'x',
      })
      assert.deepEqual([no.status, no.body.toString()], [409, '{"error":"no"}'])
      // No idle timeout with 0 (a commit may work long before it answers); one with a limit.
      const late = await exchange({
        address,
        path: '/slow',
        method: 'GET',
        headers: {},
        timeoutMs: 0,
      })
      assert.equal(late.body.toString(), 'late')
      await assert.rejects(
        exchange({ address, path: '/slow', method: 'GET', headers: {}, timeoutMs: 100 }),
        (err: unknown) => err instanceof ConnectionError && /no answer for 0.1s/.test(err.message),
      )
    } finally {
      server.close()
    }
    await assert.rejects(
      exchange({ address, path: '/', method: 'GET', headers: {}, timeoutMs: 0 }),
      (err: unknown) => err instanceof ConnectionError && /ECONNREFUSED/.test(err.message),
    )
  })

  it('refuses an answer cut short', async () => {
    const { server, address } = await serve((socket) =>
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'),
    )
    try {
      await assert.rejects(
        exchange({ address, path: '/', method: 'GET', headers: {}, timeoutMs: 0 }),
        (err: unknown) =>
          err instanceof ConnectionError && /before the answer was whole/.test(err.message),
      )
    } finally {
      server.close()
    }
  })
})
