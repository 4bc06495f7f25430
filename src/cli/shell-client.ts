// The HTTP client of the tidemark shell and importer: the InfluxDB 1.x API calls the influx
// client makes (GET /ping, POST /query with its parameters in the URL, POST /write), over one
// keep-alive connection pool, with HTTP basic auth when a username is set. Query answers are
// decoded as influx decodes them: a chunked answer is read as a stream of JSON documents whose
// results are appended; a non-200 status without an error in the body becomes
// `received status code N from server`.

import { Agent as HTTPAgent, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { Agent as HTTPSAgent, request as httpsRequest } from 'node:https'
import { ShellConnectError } from './shell-errors.js'
import { isJSONObject, readJSONSequence } from './shell-json.js'
import { decodeResponse, responseError } from './shell-response.js'
import type { QueryResponse, Result } from './shell-response.js'

/** Where and how to connect. */
export interface ClientOptions {
  /** `http` or `https`. */
  readonly scheme: 'http' | 'https'
  /** `host:port` as it appears in URLs (IPv6 hosts in brackets; port omitted when 80/443). */
  readonly hostPort: string
  readonly username: string
  readonly password: string
  /** Sent as User-Agent (influx: `InfluxDBShell/<version>`). */
  readonly userAgent: string
  /** Skip TLS certificate verification (-unsafeSsl). */
  readonly unsafeSsl: boolean
  /** A Unix socket to send every request to instead of host:port ('' = none). */
  readonly socketPath?: string
}

/** One /query request. */
export interface QueryRequest {
  readonly command: string
  readonly database: string
  readonly retentionPolicy: string
  readonly chunked: boolean
  /** Points per chunk; 0 = the server's default. */
  readonly chunkSize: number
  /** Enterprise node to read from; 0 = any. */
  readonly nodeID: number
  /** `epoch` parameter; empty = RFC3339 times. */
  readonly epoch: string
}

/** A raw HTTP answer. */
export interface HTTPAnswer {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/** A query answer, or the error influx reports instead of formatting it. */
export type QueryOutcome =
  | { readonly kind: 'response'; readonly response: QueryResponse }
  | { readonly kind: 'error'; readonly message: string }

/** The InfluxDB 1.x HTTP API client. Safe for concurrent calls; close() when done. */
export class InfluxClient {
  readonly #opts: ClientOptions
  readonly #agent: HTTPAgent | HTTPSAgent
  #username: string
  #password: string
  #userAgent: string

  constructor(opts: ClientOptions) {
    this.#opts = opts
    this.#userAgent = opts.userAgent
    this.#username = opts.username
    this.#password = opts.password
    this.#agent =
      opts.scheme === 'https'
        ? new HTTPSAgent({ keepAlive: true, rejectUnauthorized: !opts.unsafeSsl })
        : new HTTPAgent({ keepAlive: true })
  }

  /** The server's address as influx prints it: the base URL, or the Unix socket path. */
  get addr(): string {
    const socket = this.#opts.socketPath ?? ''
    return socket !== '' ? socket : this.#baseURL
  }

  get #baseURL(): string {
    return `${this.#opts.scheme}://${this.#opts.hostPort}`
  }

  /** Replaces the credentials used from now on (the shell's `auth`). */
  setAuth(username: string, password: string): void {
    this.#username = username
    this.#password = password
  }

  /** Replaces the User-Agent sent from now on (the importer announces itself differently). */
  setUserAgent(userAgent: string): void {
    this.#userAgent = userAgent
  }

  /** GET /ping; resolves to the X-Influxdb-Version header ('' when absent). Any status counts. */
  async ping(): Promise<string> {
    const ans = await this.request('GET', '/ping', [])
    const v = ans.headers['x-influxdb-version']
    return typeof v === 'string' ? v : ''
  }

  /** POST /query; transport failures reject with ShellConnectError. */
  async query(q: QueryRequest, signal?: AbortSignal): Promise<QueryOutcome> {
    const params: [string, string][] = [
      ['q', q.command],
      ['db', q.database],
    ]
    if (q.retentionPolicy !== '') params.push(['rp', q.retentionPolicy])
    if (q.chunked) {
      params.push(['chunked', 'true'])
      if (q.chunkSize > 0) params.push(['chunk_size', String(q.chunkSize)])
    }
    if (q.nodeID > 0) params.push(['node_id', String(q.nodeID)])
    if (q.epoch !== '') params.push(['epoch', q.epoch])
    const ans = await this.request('POST', '/query', params, undefined, signal)
    return decodeQueryAnswer(ans, q.chunked)
  }

  /** POST /write of a line protocol body; resolves to the raw answer whatever its status. */
  write(
    body: Uint8Array,
    p: {
      readonly db: string
      readonly rp: string
      readonly precision: string
      readonly consistency: string
    },
  ): Promise<HTTPAnswer> {
    return this.request(
      'POST',
      '/write',
      [
        ['db', p.db],
        ['rp', p.rp],
        ['precision', p.precision],
        ['consistency', p.consistency],
      ],
      body,
    )
  }

  /** Sends one request; params go into the URL, sorted by key as Go's url.Values encodes them. */
  request(
    method: string,
    path: string,
    params: readonly (readonly [string, string])[],
    body?: Uint8Array,
    signal?: AbortSignal,
  ): Promise<HTTPAnswer> {
    const sorted = [...params].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    const qs = new URLSearchParams(sorted.map(([k, v]): [string, string] => [k, v])).toString()
    const pathQuery = `${path}${qs === '' ? '' : '?' + qs}`
    const url = this.#baseURL + pathQuery
    const headers: Record<string, string | number> = { 'User-Agent': this.#userAgent }
    if (this.#username !== '') {
      const token = Buffer.from(`${this.#username}:${this.#password}`).toString('base64')
      headers['Authorization'] = `Basic ${token}`
    }
    if (body !== undefined) headers['Content-Length'] = body.byteLength
    const goMethod = method[0] + method.slice(1).toLowerCase()
    const send = this.#opts.scheme === 'https' ? httpsRequest : httpRequest
    return new Promise<HTTPAnswer>((resolve, reject) => {
      const socketPath = this.#opts.socketPath ?? ''
      const options = { method, headers, agent: this.#agent, signal }
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', (err) => reject(connectError(goMethod, url, err)))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        )
      }
      const req =
        socketPath !== ''
          ? httpRequest({ ...options, agent: undefined, socketPath, path: pathQuery }, onResponse)
          : send(url, options, onResponse)
      req.on('error', (err) => reject(connectError(goMethod, url, err)))
      req.end(body)
    })
  }

  /** Closes the pooled connections. Idempotent. */
  close(): void {
    this.#agent.destroy()
  }
}

function connectError(method: string, url: string, err: unknown): ShellConnectError {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string }
  let reason = e instanceof Error ? e.message : String(err)
  if (e.name === 'AbortError') reason = ''
  else if (e.code === 'ECONNREFUSED') {
    const host = e.address !== undefined && e.address.includes(':') ? `[${e.address}]` : e.address
    reason = `dial tcp ${host ?? ''}:${e.port ?? ''}: connect: connection refused`
  } else if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') {
    reason = `dial tcp: lookup ${e.hostname ?? ''}: no such host`
  } else if (e.code === 'ECONNRESET') reason = 'read: connection reset by peer'
  return new ShellConnectError(method, url, reason, err)
}

/** Decodes a /query answer the way the influx client does. */
export function decodeQueryAnswer(ans: HTTPAnswer, chunked: boolean): QueryOutcome {
  const text = ans.body.toString('utf8')
  const results: Result[] = []
  let error: string | undefined
  const { values, starts, failedAt } = readJSONSequence(text)
  // Like Go's decoder, a document that is not an object fails the answer from where it starts.
  let bad = values.findIndex((v) => !isJSONObject(v))
  let badAt = bad >= 0 ? starts[bad] : failedAt
  if (bad < 0) bad = values.length
  if (chunked) {
    for (let i = 0; i < bad; i++) {
      const r = decodeResponse(values[i] ?? null)
      results.push(...r.results)
      if (r.error !== undefined) {
        error = r.error
        badAt = undefined
        break
      }
    }
    if (badAt !== undefined) return { kind: 'error', message: text.slice(badAt).trim() }
  } else {
    const first = values[0]
    if (first !== undefined && isJSONObject(first)) {
      const r = decodeResponse(first)
      results.push(...r.results)
      error = r.error
    } else if (first !== undefined || failedAt !== undefined) {
      return { kind: 'error', message: `invalid JSON in response: ${text.trim().slice(0, 200)}` }
    } else if (ans.status === 200) {
      return { kind: 'error', message: 'EOF' }
    }
  }
  const response: QueryResponse = { results, error }
  if (ans.status !== 200 && responseError(response) === undefined) {
    return { kind: 'error', message: `received status code ${ans.status} from server` }
  }
  return { kind: 'response', response }
}
