// The HTTP API server: a node:http (or node:https) server running the InfluxDB-compatible
// handlers over the narrow interfaces of interfaces.ts. listen() binds; close() stops accepting,
// lets requests in flight finish for up to `closeTimeoutMs` (new responses on kept-alive
// connections then say `Connection: close`), then aborts what still runs (queries see their
// AbortSignal fire) and drops the remaining connections.

import { createServer as createHTTP } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createHTTPS } from 'node:https'
import type { AddressInfo, Server as NetServer } from 'node:net'
import { keepConnectionsLikeGo } from '../util/index.js'
import { HTTPListenError, HTTPOptionError, HTTPServerStateError } from './errors.js'
import { silentHTTPLogger } from './interfaces.js'
import type {
  Authenticator,
  DatabaseCatalog,
  HTTPLogger,
  PointsWriter,
  QueryExecutor,
  StatisticsSource,
} from './interfaces.js'
import { parseBindAddress, resolveOptions } from './options.js'
import type { HTTPServerOptions, ResolvedHTTPOptions } from './options.js'
import { handleRequest } from './router.js'
import type { RouterContext } from './router.js'
import { HTTPStatistics } from './statistics.js'
import { WriteThrottle } from './throttle.js'

/** The components the HTTP API calls; see interfaces.ts. */
export interface HTTPServerDeps {
  readonly pointsWriter: PointsWriter
  readonly queryExecutor: QueryExecutor
  readonly databases: DatabaseCatalog
  /** Required when `authEnabled` is set. */
  readonly authenticator?: Authenticator
  /** Default: silent. */
  readonly logger?: HTTPLogger
  /** Extra entries for /debug/vars. */
  readonly statistics?: StatisticsSource
}

/** The lifecycle states of an {@link HTTPServer}. */
export type HTTPServerStatus = 'new' | 'opening' | 'listening' | 'closing' | 'closed'

/**
 * The HTTP API server. Create it with {@link createHTTPServer}, then `await listen()`; the owner
 * must `await close()` (idempotent). Methods are not meant to be called concurrently.
 */
export class HTTPServer {
  readonly #options: ResolvedHTTPOptions
  readonly #server: Server
  readonly #stats = new HTTPStatistics()
  readonly #abort = new AbortController()
  readonly #inFlight = new Set<Promise<void>>()
  readonly #background = new Set<Promise<void>>()
  readonly #logger: HTTPLogger
  #status: HTTPServerStatus = 'new'
  #startedMs = 0
  #address = ''
  #closing: Promise<void> | undefined

  constructor(options: HTTPServerOptions, deps: HTTPServerDeps) {
    this.#options = resolveOptions(options)
    if (this.#options.authEnabled && deps.authenticator === undefined) {
      throw new HTTPOptionError('authEnabled', 'true', 'an authenticator in the dependencies')
    }
    this.#logger = deps.logger ?? silentHTTPLogger
    const ctx: RouterContext = {
      options: this.#options,
      pointsWriter: deps.pointsWriter,
      queryExecutor: deps.queryExecutor,
      databases: deps.databases,
      authenticator: deps.authenticator,
      logger: this.#logger,
      statistics: deps.statistics,
      stats: this.#stats,
      throttle: new WriteThrottle(
        this.#options.maxConcurrentWriteLimit,
        this.#options.maxEnqueuedWriteLimit,
        this.#options.enqueuedWriteTimeoutMs,
      ),
      serverSignal: this.#abort.signal,
      track: (work) => this.#track(this.#background, work),
      bindAddress: () => this.#address,
      startedMs: () => this.#startedMs,
      closing: () => this.#status === 'closing' || this.#status === 'closed',
    }
    const onRequest = (expectContinue: boolean) => (req: IncomingMessage, res: ServerResponse) => {
      this.#track(this.#inFlight, handleRequest(ctx, req, res, expectContinue))
    }
    const tls = this.#options.tls
    this.#server = tls === undefined ? createHTTP() : createHTTPS({ cert: tls.cert, key: tls.key })
    keepConnectionsLikeGo(this.#server)
    this.#server.on('request', onRequest(false))
    // With a listener here Node does not answer `Expect: 100-continue` itself: the handler sends
    // 100 Continue only when it reads the body, as Go does.
    this.#server.on('checkContinue', onRequest(true))
    this.#server.on('clientError', (err: Error & { code?: string }, socket) => {
      // Go's answers to requests it cannot parse.
      const status =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : '400 Bad Request'
      if (socket.writable) {
        socket.end(
          `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status}`,
        )
      }
      this.#logger.debug({ err: err.message }, 'bad HTTP request')
    })
    if (this.#options.maxConnectionLimit > 0)
      this.#server.maxConnections = this.#options.maxConnectionLimit
  }

  /** The lifecycle state. */
  get status(): HTTPServerStatus {
    return this.#status
  }

  /** The bound `host:port` (the real port when the option said 0); '' before listen(). */
  get address(): string {
    return this.#address
  }

  /** The base URL, e.g. `http://127.0.0.1:8086` (no trailing slash); '' before listen(). */
  get url(): string {
    if (this.#address === '') return ''
    return `${this.#options.tls === undefined ? 'http' : 'https'}://${this.#address}`
  }

  /** The counters shown on /debug/vars (read-only use). */
  get statistics(): HTTPStatistics {
    return this.#stats
  }

  /**
   * Binds the bind address and starts serving. Throws {@link HTTPListenError} on failure. With
   * `takeOver` (a listening server), takes over its socket instead of binding (see listenOn).
   */
  async listen(takeOver?: NetServer): Promise<void> {
    if (this.#status !== 'new') throw new HTTPServerStateError(this.#status, 'listen')
    this.#status = 'opening'
    const { host, port } = parseBindAddress(this.#options.bindAddress)
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => reject(err)
        this.#server.once('error', onError)
        const done = (): void => {
          this.#server.off('error', onError)
          resolve()
        }
        if (takeOver !== undefined) this.#server.listen(takeOver, done)
        else this.#server.listen({ host, port }, done)
      })
    } catch (err) {
      this.#status = 'closed'
      throw new HTTPListenError(this.#options.bindAddress, err)
    }
    const addr = this.#server.address() as AddressInfo
    const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
    this.#address = `${h}:${addr.port}`
    this.#startedMs = Date.now()
    this.#status = 'listening'
    this.#logger.info(
      { bindAddress: this.#address, authEnabled: this.#options.authEnabled },
      'listening on HTTP',
    )
  }

  /**
   * Stops accepting connections, waits up to `closeTimeoutMs` for requests in flight, then aborts
   * the rest and closes every connection. Idempotent; every call returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    const wasListening = this.#status === 'listening'
    this.#status = 'closing'
    const closed = wasListening
      ? new Promise<void>((resolve) => this.#server.close(() => resolve()))
      : Promise.resolve()
    this.#server.closeIdleConnections()
    const idleSweeper = setInterval(() => this.#server.closeIdleConnections(), 50)
    try {
      await waitAll(this.#inFlight, this.#options.closeTimeoutMs)
      this.#abort.abort()
      this.#server.closeAllConnections()
      await waitAll(this.#inFlight, 1000)
      await waitAll(this.#background, 1000)
      await closed
    } finally {
      clearInterval(idleSweeper)
      this.#status = 'closed'
      this.#logger.info({ bindAddress: this.#address }, 'HTTP server closed')
    }
  }

  #track(set: Set<Promise<void>>, work: Promise<void>): void {
    const p = work.catch((err: unknown) => {
      this.#logger.error(
        { err: err instanceof Error ? err.message : String(err) },
        'HTTP background work failed',
      )
    })
    set.add(p)
    void p.finally(() => set.delete(p))
  }
}

/** Creates the HTTP API server (not yet listening). Throws {@link HTTPOptionError} for bad options. */
export function createHTTPServer(options: HTTPServerOptions, deps: HTTPServerDeps): HTTPServer {
  return new HTTPServer(options, deps)
}

/** Resolves when every promise in `set` (also ones added meanwhile) settled, or after `timeoutMs`. */
async function waitAll(set: Set<Promise<void>>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (set.size > 0) {
    const left = deadline - Date.now()
    if (left <= 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.allSettled([...set]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left)
      }),
    ])
    clearTimeout(timer)
  }
}
