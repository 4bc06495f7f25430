// The remote metastore of a data node: the metadata lives on the meta nodes, and this store reaches
// it through their meta API (meta-api-server.ts), failing over to the next meta node in its list
// when one cannot be reached. It is a shared store, so a MetaClient over it works unchanged:
//
//   load        GET  /data                      the meta.Data protobuf, header X-Meta-Index
//   update      POST /data?index=N  (protobuf)  compare-and-swap: the meta node stores the body
//                                               only if its index is still N (200), else answers
//                                               409 with its current data and we apply the change
//                                               again to that (so concurrent DDL loses nothing)
//   subscribe   GET  /data?index=N&wait=1       long poll: answered as soon as the index passes N,
//                                               or 304 after ~30 s without a change; one poll is
//                                               kept open for as long as anyone subscribes
//
// With `cacheDir`, every newer version is also kept in `<cacheDir>/meta.db`, and `load()` falls
// back to it when no meta node answers, so a restarted data node serves queries while the meta
// nodes are down (DDL then fails with MetaStoreIOError naming the meta nodes).

import { existsSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { MetaStoreIOError, type MetaError } from './errors.js'
import { decodeMetaData, encodeMetaData } from './meta-codec.js'
import type { MetaData } from './meta-data.js'
import { META_FILE_NAME, MetaFileStore, type MetaStore } from './meta-file-store.js'

/** Options of RemoteMetaStore. */
export interface RemoteMetaStoreOptions {
  /** The meta API addresses (host:port) of the meta nodes, tried in order; at least one. */
  readonly addresses: readonly string[]
  /** The `Authorization` header value of each request (a fresh token each call), if any. */
  readonly authorization?: () => string | undefined
  /** Deadline of a load or update request, in ms (default 5000). */
  readonly requestTimeoutMs?: number
  /** How long the meta node holds a long poll, in ms (default 30 000); sent as `wait`. */
  readonly pollWaitMs?: number
  /** Pause after a failed poll before trying the next meta node, in ms (default 250). */
  readonly retryDelayMs?: number
  /** How many conflicting updates one update tolerates before giving up (default 1000). */
  readonly maxAttempts?: number
  /** Where to keep the newest metadata seen (`meta.db`), read when no meta node answers. */
  readonly cacheDir?: string
  /**
   * Called when the meta nodes stop answering the poll (once per outage) or the cache cannot be
   * written. Default: ignored.
   */
  readonly onError?: (err: MetaError) => void
}

interface Reply {
  readonly status: number
  readonly index: string | undefined
  readonly body: Buffer
  readonly address: string
}

function reasonOf(body: Buffer): string {
  const text = body.toString('utf8').trim()
  try {
    const j = JSON.parse(text) as { error?: unknown }
    return typeof j.error === 'string' ? j.error : text
  } catch {
    return text
  }
}

/**
 * The metastore kept by the meta nodes, reached over their meta API. `update` and `subscribe`
 * make it a shared store: safe to call concurrently, and from several data nodes at once.
 * `close()` stops the poll; idempotent. Not usable after close.
 */
export class RemoteMetaStore implements MetaStore {
  readonly #addresses: readonly string[]
  readonly #authorization: () => string | undefined
  readonly #requestTimeoutMs: number
  readonly #pollWaitMs: number
  readonly #retryDelayMs: number
  readonly #maxAttempts: number
  readonly #cache: MetaFileStore | undefined
  readonly #onError: (err: MetaError) => void
  readonly #listeners = new Set<(data: MetaData) => void>()
  readonly #agent = new Agent({ keepAlive: true })
  readonly #abort = new AbortController()
  #current = 0
  #latest: MetaData | undefined
  #polling: Promise<void> | undefined
  #caching: Promise<void> = Promise.resolve()
  #pollFailing = false
  #fromCache = false
  #conflicts = 0

  constructor(options: RemoteMetaStoreOptions) {
    this.#addresses = [...options.addresses]
    this.#authorization = options.authorization ?? (() => undefined)
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 5000
    this.#pollWaitMs = options.pollWaitMs ?? 30_000
    this.#retryDelayMs = options.retryDelayMs ?? 250
    this.#maxAttempts = options.maxAttempts ?? 1000
    this.#cache = options.cacheDir === undefined ? undefined : new MetaFileStore(options.cacheDir)
    this.#onError = options.onError ?? (() => undefined)
  }

  /** The meta node addresses, in failover order. */
  get addresses(): readonly string[] {
    return this.#addresses
  }

  /** The meta node requests go to now (the first one that answered last time). */
  get currentAddress(): string {
    return this.#addresses[this.#current] ?? ''
  }

  /** Whether the last load came from the local cache because no meta node answered. */
  get loadedFromCache(): boolean {
    return this.#fromCache
  }

  /** How many compare-and-swap updates lost to another writer and were applied again. */
  get conflicts(): number {
    return this.#conflicts
  }

  get #location(): string {
    return `the metastore on meta nodes ${this.#addresses.join(',')}`
  }

  /**
   * The newest metadata of the meta nodes. When none answers: the cached copy (with `cacheDir`)
   * if there is one, else MetaStoreIOError naming the meta nodes and the last error.
   */
  async load(): Promise<MetaData> {
    try {
      const r = await this.#request('read', 'GET', '/data')
      if (r.status !== 200) throw this.#answered('read', r)
      this.#fromCache = false
      return this.#accept(this.#decode(r)) ?? this.#newest()
    } catch (err) {
      const path = this.#cache === undefined ? '' : join(this.#cache.dir, META_FILE_NAME)
      if (!(err instanceof MetaStoreIOError) || this.#cache === undefined || !existsSync(path))
        throw err
      const cached = await this.#cache.load()
      this.#fromCache = true
      this.#accept(cached, false)
      return this.#newest()
    }
  }

  /** Replaces the stored metadata with `data` (a compare-and-swap on the newest index). */
  async save(data: MetaData): Promise<void> {
    await this.update(() => data)
  }

  /**
   * Applies `change` to the newest metadata and stores the result on a meta node, guarded by the
   * index it was computed from; when another writer got there first, applies it again to the
   * data the meta node answered with. `change` may run several times and must be pure. Resolves
   * to the stored metadata after subscribers have seen it.
   */
  async update(change: (data: MetaData) => MetaData): Promise<MetaData> {
    let current = this.#latest ?? (await this.load())
    if (this.#fromCache) current = await this.load() // never compute a change on a stale copy
    for (let attempt = 1; ; attempt++) {
      const after = change(current)
      if (after === current) return current
      const bytes = Buffer.from(encodeMetaData(after))
      const r = await this.#request('write', 'POST', `/data?index=${current.index}`, bytes)
      if (r.status === 200) {
        if (r.index === String(after.index)) {
          this.#accept(after)
          return after
        }
        current = await this.load()
        return current
      }
      if (r.status !== 409) throw this.#answered('write', r)
      // A retry (after a lost answer) of a change that did commit: the meta node holds our bytes.
      if (r.body.equals(bytes)) {
        this.#accept(after)
        return after
      }
      this.#conflicts++
      current = this.#decode(r)
      this.#accept(current)
      if (attempt >= this.#maxAttempts)
        throw new MetaStoreIOError(
          'write',
          this.#location,
          new Error(`gave up after ${attempt} conflicting updates`),
        )
      if (attempt > 2) await sleep(Math.random() * Math.min(attempt, 20))
    }
  }

  /**
   * Calls `listener` with every newer version, in index order: from this store's updates (before
   * they resolve) and from other writers (through the long poll, started by the first subscriber).
   * Returns a function that unsubscribes.
   */
  subscribe(listener: (data: MetaData) => void): () => void {
    this.#listeners.add(listener)
    this.#polling ??= this.#poll()
    return () => this.#listeners.delete(listener)
  }

  /** Stops the poll, finishes writing the cache and drops idle connections. Idempotent. */
  async close(): Promise<void> {
    this.#abort.abort()
    this.#listeners.clear()
    await this.#polling
    await this.#caching
    this.#agent.destroy()
  }

  #newest(): MetaData {
    if (this.#latest === undefined) throw new MetaStoreIOError('read', this.#location, 'no data')
    return this.#latest
  }

  /** Makes `data` the newest version if its index is higher; returns it when it was taken. */
  #accept(data: MetaData, cache = true): MetaData | undefined {
    if (this.#latest !== undefined && data.index <= this.#latest.index) return undefined
    this.#latest = data
    for (const l of this.#listeners) l(data)
    if (cache && this.#cache !== undefined) {
      this.#caching = this.#cache.save(data).catch((err: unknown) => {
        if (err instanceof MetaStoreIOError) this.#onError(err)
      })
    }
    return data
  }

  async #poll(): Promise<void> {
    const signal = this.#abort.signal
    while (!signal.aborted) {
      const since = this.#latest?.index ?? 0n
      const k = this.#current
      const address = this.currentAddress
      try {
        const r = await this.#send(
          address,
          'GET',
          `/data?index=${since}&wait=1&timeout=${this.#pollWaitMs}`,
          undefined,
          this.#pollWaitMs + this.#requestTimeoutMs,
        )
        if (r.status === 200) this.#accept(this.#decode(r))
        else if (r.status !== 304) throw this.#answered('read', r)
        this.#pollFailing = false
        this.#fromCache = false
      } catch (err) {
        if (signal.aborted) return
        this.#advanceFrom(k)
        if (!this.#pollFailing) {
          this.#pollFailing = true
          this.#onError(
            err instanceof MetaStoreIOError ? err : new MetaStoreIOError('read', address, err),
          )
        }
        await sleep(this.#retryDelayMs, signal)
      }
    }
  }

  /** Moves on from the meta node at `k` (unless a request already moved elsewhere). */
  #advanceFrom(k: number): void {
    if (this.#current === k) this.#current = (k + 1) % Math.max(1, this.#addresses.length)
  }

  #decode(r: Reply): MetaData {
    return decodeMetaData(r.body, { strict: true, path: `meta node ${r.address} /data` })
  }

  #answered(operation: 'read' | 'write', r: Reply): MetaStoreIOError {
    const why = new Error(`meta node ${r.address} answered ${r.status}: ${reasonOf(r.body)}`)
    return new MetaStoreIOError(operation, this.#location, why)
  }

  /**
   * Sends a request to the current meta node, failing over to the next one on a connection error
   * or a 503 (a meta node that cannot reach its own store), each meta node at most once; the one
   * that answered becomes the current one.
   */
  async #request(
    operation: 'read' | 'write',
    method: string,
    path: string,
    body?: Buffer,
  ): Promise<Reply> {
    let last: unknown = new Error('no meta node addresses')
    const n = this.#addresses.length
    const first = this.#current
    for (let i = 0; i < n; i++) {
      const k = (first + i) % n
      const address = this.#addresses[k] ?? ''
      try {
        const r = await this.#send(address, method, path, body, this.#requestTimeoutMs)
        if (r.status !== 503) {
          this.#current = k
          return r
        }
        last = new Error(`meta node ${address} answered 503: ${reasonOf(r.body)}`)
      } catch (err) {
        if (this.#abort.signal.aborted) throw new MetaStoreIOError(operation, this.#location, err)
        last = err
      }
    }
    throw new MetaStoreIOError(operation, this.#location, last)
  }

  #send(
    address: string,
    method: string,
    path: string,
    body: Buffer | undefined,
    timeoutMs: number,
  ): Promise<Reply> {
    const headers: Record<string, string> = {}
    const auth = this.#authorization()
    if (auth !== undefined) headers['Authorization'] = auth
    if (body !== undefined) headers['Content-Type'] = 'application/octet-stream'
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `http://${address}${path}`,
        { method, headers, agent: this.#agent, signal: this.#abort.signal },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const index = res.headers['x-meta-index']
            resolve({
              status: res.statusCode ?? 0,
              index: typeof index === 'string' ? index : undefined,
              body: Buffer.concat(chunks),
              address,
            })
          })
        },
      )
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
      req.on('error', reject)
      req.end(body)
    })
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
