// Shard archives to and from data nodes over plain sockets, without node:http. A GET whose body is
// handed over piece by piece as it comes off the socket; an upload (`upload`) that writes a
// body as it is produced, chunked, with trailers, buffering up to 4 MiB in the socket so that the
// producer rarely waits for a drain (node:http's request waits at every 16 KiB); and the small
// requests of tidemark-ctl (`exchange`: a whole body each way).
// tidemark-ctl downloads shard archives with it: node:http's client costs ~2 ms of CPU per MB of
// body (its parser copies every piece into a new Buffer and pushes it through a Readable), as much
// as hashing and writing the archive together; here the socket reads into one reused buffer
// (net.Socket's `onread`) and the body goes to the caller as views of it. The response parser
// covers what a node API archive answer uses: a status line, headers, a body framed by
// `Transfer-Encoding: chunked` (with trailers), by Content-Length or by the end of the
// connection. The request asks for `Connection: close`, so a socket serves one request.

import { Buffer } from 'node:buffer'
import { connect, Socket, type SocketConstructorOpts } from 'node:net'
import { drainOrClose } from '../util/index.js'

/** A response head: status and headers (names lower-case; a repeated header keeps the last). */
export interface DownloadHead {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
}

/** How a download ended. */
export interface DownloadResult extends DownloadHead {
  /** The trailers of a chunked body (names lower-case). */
  readonly trailers: Readonly<Record<string, string>>
  /** True when the body ended where its framing says it ends (false: the connection was cut). */
  readonly complete: boolean
  /** The whole body, when the status is not 200 (then `onBody` is not called). */
  readonly body: Buffer
}

/** The request: `address` (host:port), path, headers and the idle timeout. */
export interface DownloadRequest {
  readonly address: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  /**
   * The socket is closed after this long without a byte (before the head or in the body); 0
   * waits as long as the connection lives.
   */
  readonly timeoutMs: number
  /**
   * Called once the request is handed to the kernel, while the answer is awaited: where a caller
   * does what it will need soon (tidemark-ctl backup loads its CRC-32 binding there).
   */
  readonly onSent?: () => void
}

/** How long a data node may stay silent (no header, no body byte) before a request gives up. */
export function nodeTimeoutMs(): number {
  const v = Number(process.env['TIDEMARK_CTL_NODE_TIMEOUT_MS'] ?? '')
  return Number.isFinite(v) && v > 0 ? v : 30_000
}

/** Bytes of a socket read of a download. */
const READ_BYTES = 1 << 20
/**
 * Bytes of a socket read of an exchange: its answers are small, and a megabyte each made a backup
 * that asks the node about each of 1000 shards spend ~40% of its CPU collecting garbage.
 */
const EXCHANGE_READ_BYTES = 64 * 1024
/** A response head, a chunk-size line or the trailers longer than this is refused. */
const MAX_LINE_BYTES = 64 * 1024

/** A response that does not parse as HTTP/1.1 (names what was wrong, and where). */
export class MalformedResponseError extends Error {}

/** The connection could not be made, broke before the response was complete, or fell silent. */
export class ConnectionError extends Error {}

type State = 'head' | 'size' | 'data' | 'crlf' | 'trailers' | 'length' | 'close' | 'done'

/**
 * An HTTP/1.1 response parser fed with the bytes of one connection. `onBody` receives views of the
 * fed buffers (valid during the call only) when the status is 200; other bodies are kept.
 */
export class ResponseParser {
  #state: State = 'head'
  #line: Buffer[] = []
  #lineBytes = 0
  #left = 0
  #offset = 0
  #head: DownloadHead | undefined
  readonly #trailers: Record<string, string> = {}
  readonly #kept: Buffer[] = []
  readonly #onHead: (head: DownloadHead) => void
  readonly #onBody: (bytes: Buffer) => void

  constructor(onHead: (head: DownloadHead) => void, onBody: (bytes: Buffer) => void) {
    this.#onHead = onHead
    this.#onBody = onBody
  }

  /** True once the body's framing has ended. */
  get done(): boolean {
    return this.#state === 'done'
  }

  /** Feeds the next bytes of the connection; throws MalformedResponseError. */
  feed(bytes: Buffer): void {
    let at = 0
    while (at < bytes.length) {
      switch (this.#state) {
        case 'head':
          at = this.#takeLine(bytes, at, '\r\n\r\n', (head) => this.#parseHead(head))
          break
        case 'size':
          at = this.#takeLine(bytes, at, '\r\n', (line) => this.#parseSize(line))
          break
        case 'crlf':
          at = this.#takeLine(bytes, at, '\r\n', (line) => {
            if (line.length !== 0) this.#fail('a chunk does not end with CRLF')
            this.#state = 'size'
          })
          break
        case 'trailers':
          at = this.#takeTrailer(bytes, at)
          break
        case 'data':
        case 'length': {
          const n = Math.min(this.#left, bytes.length - at)
          this.#body(bytes.subarray(at, at + n))
          at += n
          this.#left -= n
          if (this.#left === 0) this.#state = this.#state === 'data' ? 'crlf' : 'done'
          break
        }
        case 'close':
          this.#body(bytes.subarray(at))
          at = bytes.length
          break
        case 'done':
          this.#fail(`${bytes.length - at} bytes after the end of the response`)
      }
    }
    this.#offset += bytes.length
  }

  /** The connection ended: true if the response was complete. */
  end(): boolean {
    if (this.#state === 'close') this.#state = 'done'
    return this.#state === 'done'
  }

  /** What came; call after the connection ended. */
  result(complete: boolean): DownloadResult {
    return {
      status: this.#head?.status ?? 0,
      headers: this.#head?.headers ?? {},
      trailers: this.#trailers,
      complete,
      body: Buffer.concat(this.#kept),
    }
  }

  #body(bytes: Buffer): void {
    if (bytes.length === 0) return
    if (this.#head?.status === 200) this.#onBody(bytes)
    else this.#kept.push(Buffer.from(bytes))
  }

  #fail(what: string, at = 0): never {
    throw new MalformedResponseError(
      `malformed HTTP response at byte ${this.#offset + at}: ${what}`,
    )
  }

  /**
   * Collects bytes up to `end` (which may straddle feeds); calls `got` with what came before it.
   * Returns where the bytes after `end` start.
   */
  #takeLine(bytes: Buffer, at: number, end: string, got: (line: Buffer) => void): number {
    // Search from a little before the new bytes: `end` may have begun in the last feed.
    const held =
      this.#lineBytes > 0 ? Buffer.concat([...this.#line, bytes.subarray(at)]) : undefined
    const hay = held ?? bytes.subarray(at)
    const from = Math.max(0, this.#lineBytes - end.length + 1)
    const i = hay.indexOf(end, from, 'latin1')
    if (i < 0) {
      if (hay.length > MAX_LINE_BYTES)
        this.#fail(`no ${JSON.stringify(end)} within ${MAX_LINE_BYTES} bytes`, at)
      this.#line = [Buffer.from(hay)]
      this.#lineBytes = hay.length
      return bytes.length
    }
    const consumedFromBytes = i + end.length - this.#lineBytes
    this.#line = []
    this.#lineBytes = 0
    got(hay.subarray(0, i))
    return at + consumedFromBytes
  }

  #parseHead(head: Buffer): void {
    const lines = head.toString('latin1').split('\r\n')
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '')
    if (m === null) this.#fail(`not an HTTP/1.x status line: ${JSON.stringify(lines[0])}`)
    const headers = parseFields(lines.slice(1), (l) =>
      this.#fail(`bad header line ${JSON.stringify(l)}`),
    )
    const status = Number(m[1])
    this.#head = { status, headers }
    this.#onHead(this.#head)
    const te = headers['transfer-encoding']
    const length = headers['content-length']
    if (te !== undefined) {
      if (te.toLowerCase() !== 'chunked') this.#fail(`unsupported Transfer-Encoding ${te}`)
      this.#state = 'size'
    } else if (length !== undefined) {
      if (!/^\d+$/.test(length)) this.#fail(`bad Content-Length ${JSON.stringify(length)}`)
      this.#left = Number(length)
      this.#state = this.#left === 0 ? 'done' : 'length'
    } else {
      this.#state = status === 204 || status === 304 ? 'done' : 'close'
    }
  }

  #parseSize(line: Buffer): void {
    const text = line.toString('latin1')
    const hex = text.split(';', 1)[0]?.trim() ?? ''
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) this.#fail(`bad chunk size line ${JSON.stringify(text)}`)
    this.#left = parseInt(hex, 16)
    this.#state = this.#left === 0 ? 'trailers' : 'data'
  }

  /** Trailer lines until an empty line. */
  #takeTrailer(bytes: Buffer, at: number): number {
    return this.#takeLine(bytes, at, '\r\n', (line) => {
      if (line.length === 0) {
        this.#state = 'done'
        return
      }
      Object.assign(
        this.#trailers,
        parseFields([line.toString('latin1')], (l) =>
          this.#fail(`bad trailer line ${JSON.stringify(l)}`),
        ),
      )
    })
  }
}

/** `Name: value` lines as a record with lower-case names. */
function parseFields(
  lines: readonly string[],
  bad: (line: string) => never,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const l of lines) {
    if (l === '') continue
    const colon = l.indexOf(':')
    if (colon <= 0) bad(l)
    out[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim()
  }
  return out
}

/** A request's head: one request per connection (`Connection: close`), then `extra` and its headers. */
function requestHead(
  method: string,
  req: DownloadRequest,
  extra: Readonly<Record<string, string>>,
): string {
  const lines = [`${method} ${req.path} HTTP/1.1`, `Host: ${req.address}`, 'Connection: close']
  for (const [k, v] of Object.entries({ ...extra, ...req.headers })) lines.push(`${k}: ${v}`)
  return `${lines.join('\r\n')}\r\n\r\n`
}

/** Closes `socket` after `ms` without a byte either way (0: never). */
function idleTimeout(socket: Socket, ms: number): void {
  if (ms > 0) socket.setTimeout(ms, () => socket.destroy(new Error(`no answer for ${ms / 1000}s`)))
}

/** The host (IPv6 brackets removed) and port of `host:port`. */
function hostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':')
  return {
    host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: Number(address.slice(colon + 1)),
  }
}

/**
 * GETs `req.path` from `req.address` on a new connection. `onHead` sees the head first (throwing
 * there aborts the download with that error); with status 200 `onBody` then receives the body as
 * views of a reused buffer, valid during the call only (copy, hash or write it synchronously).
 * Resolves when the connection has ended — `complete` false if the body was cut short. Rejects
 * with ConnectionError when the node cannot be reached or falls silent for the timeout (or the
 * connection fails before the response is complete), MalformedResponseError for what is not HTTP,
 * or what a callback throws.
 */
export function download(
  req: DownloadRequest,
  onHead: (head: DownloadHead) => void,
  onBody: (bytes: Buffer) => void,
): Promise<DownloadResult> {
  return send(req, 'GET', undefined, onHead, onBody, READ_BYTES)
}

/** A small request with its whole body (none for a GET), and its whole answer. */
export interface ExchangeRequest extends UploadRequest {
  readonly body?: Buffer | string
}

/**
 * Sends `req` (its body with a Content-Length) on a new connection and reads the whole answer:
 * what the command-line tool asks the meta API and the node API besides archives (node:http's
 * client costs ~25 ms of cold start on its first request; this one, ~10). Rejects as `download`
 * does, and with ConnectionError for an answer cut short.
 */
export async function exchange(req: ExchangeRequest): Promise<{ status: number; body: Buffer }> {
  const parts: Buffer[] = []
  const body = typeof req.body === 'string' ? Buffer.from(req.body) : req.body
  const r = await send(
    req,
    req.method,
    body,
    () => undefined,
    (b) => parts.push(Buffer.from(b)),
    EXCHANGE_READ_BYTES,
  )
  if (!r.complete) throw new ConnectionError('the connection closed before the answer was whole')
  return { status: r.status, body: r.status === 200 ? Buffer.concat(parts) : r.body }
}

/** One request on a new connection (its head, and `body` with a Content-Length), read by ResponseParser. */
function send(
  req: DownloadRequest,
  method: string,
  body: Buffer | undefined,
  onHead: (head: DownloadHead) => void,
  onBody: (bytes: Buffer) => void,
  readBytes: number,
): Promise<DownloadResult> {
  const { host, port } = hostPort(req.address)
  return new Promise((done, fail) => {
    const parser = new ResponseParser(onHead, onBody)
    /** A parse error or a callback's: fails the download whatever came. */
    let failed: Error | undefined
    /** The connection's error: fails the download unless the response was complete. */
    let broken: Error | undefined
    const socket = connect({
      host,
      port,
      onread: {
        buffer: Buffer.allocUnsafe(readBytes),
        callback: (n: number, buf: Uint8Array) => {
          if (failed !== undefined) return false
          try {
            parser.feed(Buffer.from(buf.buffer, buf.byteOffset, n))
          } catch (err) {
            failed = err as Error
            socket.destroy()
            return false
          }
          // Complete: do not wait for a server that keeps the connection open regardless.
          if (parser.done) socket.destroy()
          return !parser.done
        },
      },
    })
    socket.setNoDelay(true)
    idleTimeout(socket, req.timeoutMs)
    socket.on('error', (err) => {
      broken ??= err
    })
    socket.on('close', () => {
      if (failed !== undefined) return fail(failed)
      const complete = parser.end()
      if (!complete && broken !== undefined) return fail(new ConnectionError(broken.message))
      done(parser.result(complete))
    })
    if (body === undefined && method === 'GET')
      socket.write(requestHead(method, req, {}), (err) => {
        if (err === undefined || err === null) req.onSent?.()
      })
    else {
      socket.cork()
      socket.write(requestHead(method, req, { 'Content-Length': String(body?.length ?? 0) }))
      if (body !== undefined && body.length > 0) socket.write(body)
      socket.uncork()
    }
  })
}

/** An upload: method, address, path and headers, and the idle timeout. */
export interface UploadRequest extends DownloadRequest {
  readonly method: string
}

/** Bytes an upload may have queued in its socket before it waits for a drain. */
const UPLOAD_BUFFER_BYTES = 4 << 20

/**
 * Sends `body` (chunked) and then the `trailers` it resolves once the body has ended, on a
 * connection of its own, and reads the answer (its body kept whatever its status). A node that
 * answers before the body is all sent (refusing it) is heard: the sending stops and the answer is
 * what resolves. An item of `body` that is a list of pieces goes out as one chunk in one write
 * (Node's socket spends ~50 µs of CPU per write: a 1 MiB member as sixteen writes cost the client
 * ~0.5 ms per MB). `sent` sees each item once the socket has written it (its memory may then be
 * reused). Rejects as `download` does, or with what `body` or `trailers` throws.
 */
export function upload<T extends Uint8Array | readonly Uint8Array[]>(
  req: UploadRequest,
  body: AsyncIterable<T>,
  trailers: () => Promise<Readonly<Record<string, string>>>,
  sent?: (item: T) => void,
): Promise<DownloadResult> {
  const { host, port } = hostPort(req.address)
  return new Promise((done, fail) => {
    const kept: Buffer[] = []
    const parser = new ResponseParser(
      () => undefined,
      (b) => kept.push(Buffer.from(b)),
    )
    let failed: Error | undefined
    let broken: Error | undefined
    let answered = false
    // net.Socket hands its options to stream.Duplex, which takes the high-water mark.
    const socket = new Socket({
      writableHighWaterMark: UPLOAD_BUFFER_BYTES,
    } as SocketConstructorOpts)
    socket.connect(port, host)
    socket.setNoDelay(true)
    idleTimeout(socket, req.timeoutMs)
    socket.on('data', (d: Buffer) => {
      if (failed !== undefined) return
      try {
        parser.feed(d)
        if (parser.done) {
          answered = true
          socket.destroy() // the answer is whole: nothing more to send or to wait for
        }
      } catch (err) {
        failed = err as Error
        socket.destroy()
      }
    })
    socket.on('error', (err) => {
      broken ??= err
    })
    socket.on('close', () => {
      if (failed !== undefined) return fail(failed)
      const complete = parser.end()
      if (!complete)
        return fail(
          new ConnectionError(broken?.message ?? 'the connection closed without an answer'),
        )
      const r = parser.result(true)
      done({ ...r, body: r.status === 200 ? Buffer.concat(kept) : r.body })
    })
    const send = async (): Promise<void> => {
      socket.write(requestHead(req.method, req, { 'Transfer-Encoding': 'chunked' }))
      for await (const item of body) {
        if (answered || socket.destroyed) return
        const pieces: readonly Uint8Array[] = item instanceof Uint8Array ? [item] : item
        let bytes = 0
        for (const p of pieces) bytes += p.length
        if (bytes === 0) {
          sent?.(item)
          continue
        }
        socket.cork()
        socket.write(`${bytes.toString(16)}\r\n`)
        for (const p of pieces) if (p.length > 0) socket.write(p)
        const roomy =
          sent === undefined ? socket.write('\r\n') : socket.write('\r\n', () => sent(item))
        socket.uncork()
        if (!roomy) await drainOrClose(socket)
      }
      const t = await trailers()
      if (answered || socket.destroyed) return
      const tail = Object.entries(t).map(([k, v]) => `${k}: ${v}\r\n`)
      socket.write(`0\r\n${tail.join('')}\r\n`)
    }
    send().catch((err: unknown) => {
      failed ??= err as Error
      socket.destroy()
    })
  })
}
