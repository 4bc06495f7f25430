// How tidemark-ctl talks to a Tidemark node: the meta API (`-bind`, /data, /show) and the data
// node's node API (src/server/node-api.ts: shard archives and their fingerprints), both with the
// same credentials (-auth-type basic -user -pwd).

import { Buffer } from 'node:buffer'
import { get as httpGet, type IncomingMessage } from 'node:http'
import { BackupShardError } from '../backup/index.js'
import { ShellConnectError } from './shell-errors.js'

async function reason(r: Response): Promise<string> {
  const text = (await r.text()).trim()
  try {
    return (JSON.parse(text) as { error?: string }).error ?? text
  } catch {
    return text
  }
}

/** A meta node and the data nodes it names, plus where command output goes. */
export class CtlConnection {
  readonly #bind: string
  readonly #headers: Readonly<Record<string, string>>
  /** Where the command writes its progress lines. */
  readonly stdout: NodeJS.WritableStream

  constructor(bind: string, headers: Readonly<Record<string, string>>, stdout: NodeJS.WritableStream) {
    this.#bind = bind
    this.#headers = headers
    this.stdout = stdout
  }

  /** Sends a request with a body to the data node (restore uploads and commits). */
  async nodeRequest(node: string, method: string, path: string, body?: Uint8Array | string | ReadableStream<Uint8Array>, extraHeaders: Record<string, string> = {}): Promise<Response> {
    try {
      return await fetch(`http://${node}${path}`, { method, body, headers: { ...this.#headers, ...extraHeaders }, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit)
    } catch (err) {
      throw new Error(`cannot reach the data node at ${node}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`)
    }
  }

  async #fetch(host: string, path: string): Promise<Response> {
    const url = `http://${host}${path}`
    try {
      return await fetch(url, { headers: this.#headers })
    } catch (err) {
      const cause = (err as Error).cause as Error | undefined
      throw new ShellConnectError('Get', url, cause?.message ?? (err as Error).message, err)
    }
  }

  async #meta(path: string): Promise<Response> {
    const r = await this.#fetch(this.#bind, path)
    if (r.status !== 200) throw new Error(`meta node ${this.#bind} answered ${r.status}: ${await reason(r)}`)
    return r
  }

  /** The body of a meta API GET (e.g. /data: the meta.Data protobuf). */
  async metaBytes(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.#meta(path)).arrayBuffer())
  }

  /** The TCP address of the (single) data node, from /show. */
  async dataNodeAddress(): Promise<string> {
    const show = (await (await this.#meta('/show')).json()) as { dataNodes?: { tcpAddr?: string }[] }
    const addr = show.dataNodes?.[0]?.tcpAddr
    if (addr === undefined || addr === '') throw new Error(`meta node ${this.#bind} lists no data node`)
    return addr
  }

  /** The fingerprint the node would record for shard `id`'s archive now, or undefined if it lacks the shard. */
  async nodeFingerprint(node: string, id: bigint, range: Readonly<Record<string, string>>): Promise<string | undefined> {
    return (await this.nodeShardState(node, id, range))?.fingerprint
  }

  /** The fingerprint and last change (Unix ns) of shard `id` on the node, or undefined if it lacks it. */
  async nodeShardState(node: string, id: bigint, range: Readonly<Record<string, string>>): Promise<{ fingerprint: string; lastModified: bigint } | undefined> {
    const r = await this.#fetch(node, `/shards/${id}/archive?${new URLSearchParams({ ...range, 'fingerprint-only': '1' })}`)
    if (r.status === 404) {
      await r.body?.cancel()
      return undefined
    }
    if (r.status !== 200) throw new BackupShardError(id, `node ${node} answered ${r.status}: ${await reason(r)}`)
    const j = (await r.json()) as { fingerprint?: string; lastModified?: string }
    return { fingerprint: j.fingerprint ?? '', lastModified: BigInt(j.lastModified ?? '0') }
  }

  /**
   * The response carrying shard `id`'s archive, or undefined if the node lacks the shard. Read
   * through node:http, not fetch: the archive's size and sha256 arrive as HTTP trailers.
   */
  async nodeArchive(node: string, id: bigint, range: Readonly<Record<string, string>>): Promise<IncomingMessage | undefined> {
    const q = new URLSearchParams(range).toString()
    const url = `http://${node}/shards/${id}/archive${q === '' ? '' : `?${q}`}`
    const res = await new Promise<IncomingMessage>((done, fail) => {
      const req = httpGet(url, { headers: this.#headers }, done)
      req.on('error', (err) => fail(new ShellConnectError('Get', url, err.message, err)))
    })
    if (res.statusCode === 404) {
      res.resume()
      return undefined
    }
    if (res.statusCode !== 200) {
      const chunks: Buffer[] = []
      for await (const c of res) chunks.push(c as Buffer)
      const text = Buffer.concat(chunks).toString('utf8').trim()
      let why = text
      try {
        why = (JSON.parse(text) as { error?: string }).error ?? text
      } catch {
        // not JSON
      }
      throw new BackupShardError(id, `node ${node} answered ${res.statusCode ?? 0}: ${why}`)
    }
    return res
  }
}
