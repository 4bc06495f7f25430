// How tidemark-ctl talks to a Tidemark node: the meta API (`-bind`, /data, /show, /shards) and the
// data node's node API (src/server/node-api.ts: shard archives, their fingerprints, restore
// uploads), both with the same credentials (-auth-type basic -user -pwd, or -auth-type jwt -user
// -secret: a short-lived HS512 token, as influxd-ctl signs one). Every request goes through
// raw-http.ts, one connection each: neither fetch (undici costs a command ~100 ms to load) nor
// node:http's client (~25 ms of cold start on a command's first request).

import { Buffer } from 'node:buffer'
import { signToken } from '../meta/index.js'
import { ConnectionError, exchange, nodeTimeoutMs, upload } from './raw-http.js'

/** An answer whose body has been read. */
export interface CtlReply {
  readonly status: number
  readonly text: string
}

/**
 * The request headers for tidemark-ctl's global auth flags: none, `basic` (-user, -pwd) or `jwt`
 * (a token for -user signed with -secret). Throws with a one-line reason for an unknown type or a
 * jwt without a secret.
 */
export function authHeaders(
  authType: string,
  user: string,
  pwd: string,
  secret: string,
): Record<string, string> {
  switch (authType) {
    case 'none':
      return {}
    case 'basic':
      return { Authorization: `Basic ${Buffer.from(`${user}:${pwd}`).toString('base64')}` }
    case 'jwt':
      if (secret === '') throw new Error('-auth-type jwt needs the shared secret: -secret')
      return { Authorization: `Bearer ${signToken(secret, user === '' ? 'tidemark-ctl' : user)}` }
    default:
      throw new Error(`unknown -auth-type ${JSON.stringify(authType)} (none, basic, jwt)`)
  }
}

/** The `error` of a JSON answer, or its text. */
function reason(text: string): string {
  const t = text.trim()
  try {
    return (JSON.parse(t) as { error?: string }).error ?? t
  } catch {
    return t
  }
}

/**
 * Sends one request and reads the whole answer (callers name the node in any error). No idle
 * timeout: a meta operation or a restore's commit may work for a long time before it answers.
 */
function send(
  address: string,
  path: string,
  method: string,
  headers: Readonly<Record<string, string>>,
  body?: Buffer | string,
): Promise<{ status: number; body: Buffer }> {
  return exchange({ address, path, method, headers, timeoutMs: 0, body })
}

/** A meta node and the data nodes it names, plus where command output goes. */
export class CtlConnection {
  readonly #bind: string
  readonly #headers: Readonly<Record<string, string>>
  /** Where the command writes its progress lines. */
  readonly stdout: NodeJS.WritableStream

  constructor(
    bind: string,
    headers: Readonly<Record<string, string>>,
    stdout: NodeJS.WritableStream,
  ) {
    this.#bind = bind
    this.#headers = headers
    this.stdout = stdout
  }

  /**
   * Sends a request with a body to the data node (restore's small files and commits) and reads
   * the answer.
   */
  async nodeRequest(
    node: string,
    method: string,
    path: string,
    body?: Buffer | string,
    extraHeaders: Record<string, string> = {},
  ): Promise<CtlReply> {
    let res: { status: number; body: Buffer }
    try {
      res = await send(node, path, method, { ...this.#headers, ...extraHeaders }, body)
    } catch (err) {
      throw new Error(`cannot reach the data node at ${node}: ${(err as Error).message}`)
    }
    return { status: res.status, text: res.body.toString('utf8') }
  }

  /**
   * Uploads `body` to the data node on a socket of its own (raw-http.ts: the body written as
   * it is produced, with a deep send buffer), then the trailers `trailers` resolves to; reads the
   * answer. `sent` sees each item of the body once it has been written.
   */
  async nodeUpload<T extends Uint8Array | readonly Uint8Array[]>(
    node: string,
    method: string,
    path: string,
    body: AsyncIterable<T>,
    extraHeaders: Readonly<Record<string, string>>,
    trailers: () => Promise<Readonly<Record<string, string>>>,
    sent?: (item: T) => void,
  ): Promise<CtlReply> {
    try {
      const r = await upload(
        {
          address: node,
          method,
          path,
          headers: { ...this.#headers, ...extraHeaders },
          timeoutMs: nodeTimeoutMs(),
        },
        body,
        trailers,
        sent,
      )
      return { status: r.status, text: r.body.toString('utf8') }
    } catch (err) {
      if (!(err instanceof ConnectionError)) throw err
      throw new Error(`cannot reach the data node at ${node}: ${err.message}`)
    }
  }

  /** The body of a meta API GET (e.g. /data: the meta.Data protobuf); anything but 200 throws with the node's reason. */
  async metaBytes(path: string): Promise<Buffer> {
    let r: { status: number; body: Buffer }
    try {
      r = await send(this.#bind, path, 'GET', this.#headers)
    } catch (err) {
      throw new Error(`cannot reach the meta node at ${this.#bind}: ${(err as Error).message}`)
    }
    if (r.status !== 200)
      throw new Error(
        `meta node ${this.#bind} answered ${r.status}: ${reason(r.body.toString('utf8'))}`,
      )
    return r.body
  }

  /**
   * A meta API POST of `body` as JSON, answered with JSON. Anything but 200 throws with the meta
   * node's reason alone (its `error`), which the commands print as is.
   */
  async metaPost<T>(path: string, body: unknown): Promise<T> {
    let r: { status: number; body: Buffer }
    try {
      r = await send(
        this.#bind,
        path,
        'POST',
        { ...this.#headers, 'Content-Type': 'application/json' },
        JSON.stringify(body),
      )
    } catch (err) {
      throw new Error(`cannot reach the meta node at ${this.#bind}: ${(err as Error).message}`)
    }
    const text = r.body.toString('utf8')
    if (r.status === 401) throw new Error(`meta node ${this.#bind} answered 401: ${reason(text)}`)
    if (r.status !== 200) throw new Error(reason(text))
    return JSON.parse(text) as T
  }

  /** A meta API GET answered with JSON. */
  async metaJSON<T>(path: string): Promise<T> {
    return JSON.parse((await this.metaBytes(path)).toString('utf8')) as T
  }

  /** The TCP address of the (single) data node, from /show. */
  async dataNodeAddress(): Promise<string> {
    const show = await this.metaJSON<{ dataNodes?: { tcpAddr?: string }[] }>('/show')
    const addr = show.dataNodes?.[0]?.tcpAddr
    if (addr === undefined || addr === '')
      throw new Error(`meta node ${this.#bind} lists no data node`)
    return addr
  }
}
