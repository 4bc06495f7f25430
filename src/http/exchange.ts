// One HTTP request and its response, with the response rules InfluxDB 1.6.7 follows: errors as
// `{"error":"…"}` plus `X-Influxdb-Error` (first 1024 bytes, newlines as spaces) except on 401,
// which gets `Www-Authenticate: Basic realm="…"` instead; Go's http.Error form (text/plain) for
// router answers; and Go's handling of a request body the handler did not read: up to 256 KiB
// are read and discarded, more (or an unanswered `Expect: 100-continue`) closes the connection
// with `Connection: close`. The body is read on demand, sending `100 Continue` first.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthUser } from './interfaces.js'
import { parseGoQuery, rawPathOf, rawQueryOf } from './go-query.js'
import type { FormValues } from './go-query.js'
import { responseFormatter } from './response-format.js'
import type { ResponseFormatter } from './response-format.js'

/** Go reads at most this much of an unread body after the handler before closing instead. */
const MAX_POST_HANDLER_READ_BYTES = 256 * 1024
/** Go cuts X-Influxdb-Error at this many bytes. */
const MAX_ERROR_HEADER_BYTES = 1024

/** The result of reading a request body. */
export type BodyRead =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'error'; readonly message: string }

/** Per-server settings an exchange needs. */
export interface ExchangeSettings {
  readonly realm: string
}

/** One request/response pair; created per request, used by one handler at a time. */
export class Exchange {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  /** The request path as sent (still percent-encoded), e.g. `/query`. */
  readonly path: string
  /** The URL query parameters, decoded like Go's url.ParseQuery. */
  readonly query: FormValues
  /** The request ID sent back in Request-Id/X-Request-Id ('' for unrouted requests). */
  requestID = ''
  /** The user the request authenticated as, for logging and handlers. */
  user: AuthUser | undefined
  /** The status of the response, once sent. */
  status = 0
  /** Body bytes sent (after compression when gzipped). */
  bytesSent = 0
  /** The route name for statistics and logs (`query`, `write`, `ping`, …). */
  route = 'unknown'
  /** The error message of a non-2xx answer, for the access log. */
  errorMessage: string | undefined
  readonly #settings: ExchangeSettings
  readonly #expectContinue: boolean
  #continued = false
  #bytesRead = 0
  #bodyDone = false
  #formatter: ResponseFormatter | undefined

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    settings: ExchangeSettings,
    expectContinue: boolean,
  ) {
    this.req = req
    this.res = res
    this.#settings = settings
    this.#expectContinue = expectContinue
    const target = stripAbsoluteForm(req.url ?? '/')
    this.path = rawPathOf(target)
    this.query = parseGoQuery(rawQueryOf(target))
  }

  /** Raw request bytes read so far. */
  get bytesRead(): number {
    return this.#bytesRead
  }

  /** The body formatter chosen by Accept/pretty (set by the router for routed requests). */
  get formatter(): ResponseFormatter {
    this.#formatter ??= responseFormatter(this.header('accept'), false, undefined)
    return this.#formatter
  }

  set formatter(f: ResponseFormatter) {
    this.#formatter = f
  }

  /** A request header's first value, or undefined. */
  header(name: string): string | undefined {
    const v = this.req.headers[name]
    return Array.isArray(v) ? v[0] : v
  }

  /**
   * Reads the whole body (sending `100 Continue` first if the client waits for it). More than
   * `limitBytes` (0: no limit) gives `too-large` and leaves the rest unread.
   */
  readBody(limitBytes: number): Promise<BodyRead> {
    const req = this.req
    if (this.#expectContinue && !this.#continued) {
      this.#continued = true
      this.res.writeContinue()
    }
    return new Promise((resolve) => {
      const chunks: Buffer[] = []
      let size = 0
      const cleanup = (): void => {
        req.off('data', onData)
        req.off('end', onEnd)
        req.off('error', onError)
      }
      const onData = (chunk: Buffer): void => {
        size += chunk.length
        this.#bytesRead += chunk.length
        if (limitBytes > 0 && size > limitBytes) {
          cleanup()
          req.pause()
          resolve({ kind: 'too-large' })
          return
        }
        chunks.push(chunk)
      }
      const onEnd = (): void => {
        cleanup()
        this.#bodyDone = true
        resolve({ kind: 'ok', body: Buffer.concat(chunks, size) })
      }
      const onError = (err: Error): void => {
        cleanup()
        resolve({ kind: 'error', message: err.message })
      }
      req.on('data', onData)
      req.on('end', onEnd)
      req.on('error', onError)
      req.resume()
    })
  }

  /** Sets a response header (ignored once the head is sent). */
  setHeader(name: string, value: string): void {
    if (!this.res.headersSent) this.res.setHeader(name, value)
  }

  /** InfluxDB's httpError: the error in the request's format, with the headers of its status. */
  async sendError(status: number, message: string): Promise<void> {
    this.errorMessage = message
    if (status === 401) {
      this.setHeader('Www-Authenticate', `Basic realm="${this.#settings.realm}"`)
    } else if (status < 200 || status > 299) {
      this.setHeader('X-Influxdb-Error', errorHeaderValue(message))
    }
    await this.send(status, this.formatter.format({ error: message }))
  }

  /** Go's http.Error: `text\n` as text/plain, with X-Content-Type-Options: nosniff. */
  async sendPlain(status: number, text: string): Promise<void> {
    this.setHeader('Content-Type', 'text/plain; charset=utf-8')
    this.setHeader('X-Content-Type-Options', 'nosniff')
    await this.send(status, Buffer.from(`${text}\n`, 'utf8'))
  }

  /** Sends the status with `body` (or none) and ends the response. */
  async send(status: number, body?: Buffer): Promise<void> {
    await this.settleBody()
    const res = this.res
    this.status = status
    res.statusCode = status
    if (status === 413) res.statusMessage = 'Request Entity Too Large' // Go's reason phrase
    if (body !== undefined && body.length > 0 && status !== 204 && status !== 304) {
      res.setHeader('Content-Length', body.length)
      this.bytesSent += body.length
      res.end(body)
    } else {
      if (status !== 204 && status !== 304) res.setHeader('Content-Length', 0)
      res.end()
    }
  }

  /**
   * Go's treatment of an unread body before the response head: nothing left → keep the
   * connection; an unanswered 100-continue or ≥ 256 KiB left → `Connection: close`; otherwise read
   * and discard up to 256 KiB, closing when that is not the end.
   */
  async settleBody(): Promise<void> {
    if (this.#bodyDone || this.req.complete || this.res.headersSent) return
    let close: boolean
    if (this.#expectContinue && !this.#continued) {
      close = true
    } else {
      const cl = Number(this.header('content-length') ?? Number.NaN)
      if (Number.isFinite(cl) && cl - this.#bytesRead >= MAX_POST_HANDLER_READ_BYTES) close = true
      else close = await this.#discard(MAX_POST_HANDLER_READ_BYTES + 1)
    }
    if (close) {
      this.res.setHeader('Connection', 'close')
      this.res.shouldKeepAlive = false
    }
  }

  /** Reads and drops up to `limit` bytes; resolves true when the body goes on beyond them. */
  #discard(limit: number): Promise<boolean> {
    const req = this.req
    return new Promise((resolve) => {
      let n = 0
      const cleanup = (): void => {
        req.off('data', onData)
        req.off('end', onEnd)
        req.off('error', onError)
      }
      const onData = (chunk: Buffer): void => {
        n += chunk.length
        this.#bytesRead += chunk.length
        if (n >= limit) {
          cleanup()
          req.pause()
          resolve(true)
        }
      }
      const onEnd = (): void => {
        cleanup()
        this.#bodyDone = true
        resolve(false)
      }
      const onError = (): void => {
        cleanup()
        resolve(true)
      }
      req.on('data', onData)
      req.on('end', onEnd)
      req.on('error', onError)
      req.resume()
    })
  }
}

/**
 * The X-Influxdb-Error value: the message's first 1024 UTF-8 bytes, CR/LF as spaces (as Go's
 * header writer does), other control characters as spaces (Node refuses them), sent as raw bytes.
 */
export function errorHeaderValue(message: string): string {
  const bytes = Buffer.from(message, 'utf8').subarray(0, MAX_ERROR_HEADER_BYTES)
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) bytes[i] = 0x20
  }
  return bytes.toString('latin1')
}

/** `http://host/path?x` (absolute-form request target) → `/path?x`. */
function stripAbsoluteForm(target: string): string {
  if (target.startsWith('/')) return target
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(target)
  if (m === null) return target
  const rest = target.slice(m[0].length)
  return rest === '' || rest.startsWith('?') ? `/${rest}` : rest
}
