// The etcd metastore: highly available meta nodes keep one meta.Data protobuf (our codec, the same
// bytes as `meta.db`) under one etcd key, `<prefix>/data`. Every change is a compare-and-swap
// transaction guarded by the key's mod revision it read: if another meta process committed in
// between, the transaction's else-branch returns the fresh value in the same round trip and the
// change is applied again to it — so concurrent changes from several processes never lose an
// update. (InfluxDB Enterprise's meta nodes get this from their own raft; we use etcd's.)
//
// A watch on the key publishes changes committed by other processes to subscribers, in etcd
// revision order, so each MetaClient keeps a local, current copy and reads stay in memory.

import { createRequire } from 'node:module'
import type { Etcd3, IKeyValue, ITxnResponse, Watcher } from 'etcd3'
import { MetaCorruptError, MetaStoreIOError } from './errors.js'
import type { MetaError } from './errors.js'
import { decodeMetaData, encodeMetaData } from './meta-codec.js'
import { MetaData } from './meta-data.js'
import type { MetaStore } from './meta-file-store.js'
import { NotOpenError } from '../util/index.js'

/** The default key prefix; the metadata lives at `<prefix>/data`. */
export const DEFAULT_ETCD_PREFIX = '/tidemark/meta'

/** Options of MetaEtcdStore. */
export interface MetaEtcdStoreOptions {
  /** Client URLs of the etcd members, e.g. `['http://127.0.0.1:2379']` (at least one). */
  readonly endpoints: readonly string[]
  /** Key prefix (default {@link DEFAULT_ETCD_PREFIX}); trailing slashes are ignored. */
  readonly prefix?: string
  /** How long `open()` may take to reach etcd and read the key, in ms (default 5000). */
  readonly dialTimeoutMs?: number
  /**
   * Deadline of each attempt of an etcd request, in ms (default 2000). A request that reached a
   * member whose leader just died waits there for etcd's own timeout (~6 s); this deadline makes
   * the client retry on another member once a new leader is elected.
   */
  readonly requestTimeoutMs?: number
  /** The cluster ID a brand-new metastore gets (default: random). */
  readonly newClusterID?: () => bigint
  /** How many conflicting transactions one update tolerates before giving up (default 1000). */
  readonly maxAttempts?: number
  /**
   * Called with errors of the background watch (a value another process stored that does not
   * decode, a watch stream failure). Default: ignored — the next update reads fresh data anyway.
   */
  readonly onError?: (err: MetaError) => void
}

interface Revisioned {
  readonly data: MetaData
  /** The etcd mod revision of the key holding `data` (0: not stored yet). */
  readonly revision: bigint
}

type Status = 'new' | 'opening' | 'open' | 'closed'

/**
 * The metastore kept in etcd. `open()` connects, creates the key with an empty metastore if it is
 * missing (so all meta processes agree on the cluster ID), and starts watching it. `update()` is
 * safe to call concurrently from any number of processes; `subscribe()` reports every newer
 * version, whoever committed it. `close()` stops the watch and the client; idempotent.
 */
export class MetaEtcdStore implements MetaStore {
  readonly #endpoints: readonly string[]
  readonly #key: string
  readonly #dialTimeoutMs: number
  readonly #requestTimeoutMs: number
  readonly #newClusterID: (() => bigint) | undefined
  readonly #maxAttempts: number
  readonly #onError: (err: MetaError) => void
  readonly #listeners = new Set<(data: MetaData) => void>()
  #status: Status = 'new'
  #client: Etcd3 | undefined
  #watcher: Watcher | undefined
  #latest: Revisioned | undefined
  #conflicts = 0

  constructor(options: MetaEtcdStoreOptions) {
    this.#endpoints = [...options.endpoints]
    this.#key = `${(options.prefix ?? DEFAULT_ETCD_PREFIX).replace(/\/+$/, '')}/data`
    this.#dialTimeoutMs = options.dialTimeoutMs ?? 5000
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 2000
    this.#newClusterID = options.newClusterID
    this.#maxAttempts = options.maxAttempts ?? 1000
    this.#onError = options.onError ?? (() => undefined)
  }

  /** The etcd key holding the meta.Data bytes (`<prefix>/data`). */
  get key(): string {
    return this.#key
  }

  /** The etcd client URLs. */
  get endpoints(): readonly string[] {
    return this.#endpoints
  }

  /** How many compare-and-swap transactions lost to another writer and were retried. */
  get conflicts(): number {
    return this.#conflicts
  }

  /** Where the metadata lives, for error messages: the key and the endpoints. */
  get #location(): string {
    return `etcd key ${this.#key} at ${this.#endpoints.join(',')}`
  }

  /**
   * Connects, reads the key (creating it with an empty metastore when missing) and starts the
   * watch. Throws MetaStoreIOError naming the endpoints when etcd cannot be reached, and
   * MetaCorruptError naming the key when its value does not decode.
   */
  async open(): Promise<void> {
    if (this.#status !== 'new') throw new NotOpenError('etcd metastore (open called twice)')
    this.#status = 'opening'
    if (this.#endpoints.length === 0)
      throw this.#ioError('read', new Error('no endpoints configured'))
    const requestTimeoutMs = this.#requestTimeoutMs
    // Loaded here, not at module load: etcd3 brings gRPC, ~0.3 s of start-up that every command
    // and every node without etcd would otherwise pay. Through require, not import(): the server
    // runs as a script from its bundle (scripts/bundle.js), where import() has no loader.
    const { Etcd3: Client } = createRequire(import.meta.url)('etcd3') as { Etcd3: typeof Etcd3 }
    const client = new Client({
      hosts: [...this.#endpoints],
      defaultCallOptions: (ctx) =>
        ctx.isStream ? {} : { deadline: Date.now() + requestTimeoutMs },
    })
    try {
      // etcd3 1.1.2 ignores its dialTimeout option, so the first request carries the deadline.
      this.#accept(await this.#readOrCreate(client, Date.now() + this.#dialTimeoutMs))
      this.#watcher = await this.#watch(client)
    } catch (err) {
      client.close()
      this.#status = 'closed'
      throw err instanceof MetaCorruptError || err instanceof MetaStoreIOError
        ? err
        : this.#ioError('read', err)
    }
    this.#client = client
    this.#status = 'open'
  }

  /** The newest metadata this store has seen (after a fresh read of the key). */
  async load(): Promise<MetaData> {
    const client = this.#open()
    let res
    try {
      res = await client.get(this.#key).exec()
    } catch (err) {
      throw this.#ioError('read', err)
    }
    const kv = res.kvs[0]
    if (kv !== undefined) this.#accept(this.#decode(kv))
    return this.#current().data
  }

  /**
   * Replaces the stored metadata with `data` unconditionally (seeding, offline restore). Other
   * processes see it through their watch only if its revision is newer — it always is.
   */
  async save(data: MetaData): Promise<void> {
    const client = this.#open()
    let revision: bigint
    try {
      const res = await client
        .put(this.#key)
        .value(toBuffer(encodeMetaData(data)))
        .exec()
      revision = BigInt(res.header.revision)
    } catch (err) {
      throw this.#ioError('write', err)
    }
    this.#accept({ data, revision })
  }

  /**
   * Applies `change` to the newest metadata and commits the result with a compare-and-swap on
   * the key's mod revision; on conflict, applies it again to the value the other writer stored.
   * `change` may therefore run several times and must be pure; when it throws, nothing is stored
   * and the error propagates. A change returning the same object stores nothing. Resolves to the
   * committed metadata, after subscribers have seen it.
   */
  async update(change: (data: MetaData) => MetaData): Promise<MetaData> {
    const client = this.#open()
    let current = this.#current()
    for (let attempt = 1; ; attempt++) {
      const after = change(current.data)
      if (after === current.data) return after
      const bytes = toBuffer(encodeMetaData(after))
      let res: ITxnResponse
      try {
        res = await client
          .if(this.#key, 'Mod', '==', current.revision.toString())
          .then(client.put(this.#key).value(bytes))
          .else(client.get(this.#key))
          .commit()
      } catch (err) {
        throw this.#ioError('write', err)
      }
      if (res.succeeded) {
        this.#accept({ data: after, revision: BigInt(res.header.revision) })
        return after
      }
      const kv = res.responses[0]?.response_range?.kvs[0]
      // The client retries a request that timed out; when the first try did commit, the retry's
      // compare fails on our own write. Identical bytes (the index included) mean it is ours.
      if (kv !== undefined && bytes.equals(kv.value)) {
        this.#accept({ data: after, revision: BigInt(kv.mod_revision) })
        return after
      }
      this.#conflicts++
      // A key deleted behind our back reads as a new, empty metastore, as a missing meta.db does.
      current = kv === undefined ? { data: this.#empty(), revision: 0n } : this.#decode(kv)
      this.#accept(current)
      if (attempt >= this.#maxAttempts) {
        throw this.#ioError('write', new Error(`gave up after ${attempt} conflicting transactions`))
      }
      // Jitter after repeated conflicts, so writers that keep colliding drift apart.
      if (attempt > 2)
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(attempt, 20)))
    }
  }

  /**
   * Calls `listener` with every newer version of the metadata, in etcd revision order — from this
   * process's updates (before they resolve) and from other processes (through the watch).
   * Returns a function that unsubscribes.
   */
  subscribe(listener: (data: MetaData) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Stops the watch and closes the etcd client. Idempotent. */
  async close(): Promise<void> {
    if (this.#status === 'closed') return
    this.#status = 'closed'
    const watcher = this.#watcher
    const client = this.#client
    this.#watcher = undefined
    this.#client = undefined
    this.#listeners.clear()
    if (watcher !== undefined) await watcher.cancel().catch(() => undefined)
    client?.close()
  }

  #open(): Etcd3 {
    if (this.#status !== 'open' || this.#client === undefined)
      throw new NotOpenError('etcd metastore')
    return this.#client
  }

  #current(): Revisioned {
    if (this.#latest === undefined) throw new NotOpenError('etcd metastore')
    return this.#latest
  }

  #empty(): MetaData {
    return this.#newClusterID === undefined
      ? MetaData.empty()
      : MetaData.empty(this.#newClusterID())
  }

  /** Reads the key; when missing, stores an empty metastore if nobody else did first. */
  async #readOrCreate(client: Etcd3, deadline: number): Promise<Revisioned> {
    const empty = this.#empty()
    const res = await client
      .if(this.#key, 'Create', '==', 0)
      .options({ deadline })
      .then(client.put(this.#key).value(toBuffer(encodeMetaData(empty))))
      .else(client.get(this.#key))
      .commit()
    if (res.succeeded) return { data: empty, revision: BigInt(res.header.revision) }
    const kv = res.responses[0]?.response_range?.kvs[0]
    if (kv === undefined)
      throw this.#ioError('read', new Error('key vanished while it was created'))
    return this.#decode(kv)
  }

  /** Watches the key from just after the revision read, publishing each newer value. */
  async #watch(client: Etcd3): Promise<Watcher> {
    const watcher = await client
      .watch()
      .key(this.#key)
      .startRevision((this.#current().revision + 1n).toString())
      .create()
    watcher.on('put', (kv) => {
      try {
        this.#accept(this.#decode(kv))
      } catch (err) {
        this.#onError(err instanceof MetaCorruptError ? err : this.#ioError('read', err))
      }
    })
    watcher.on('error', (err) => this.#onError(this.#ioError('read', err)))
    return watcher
  }

  #decode(kv: IKeyValue): Revisioned {
    const data = decodeMetaData(kv.value, { strict: true, path: `etcd key ${this.#key}` })
    return { data, revision: BigInt(kv.mod_revision) }
  }

  /** Makes `next` the newest version and tells subscribers, unless a newer one was seen already. */
  #accept(next: Revisioned): void {
    if (this.#latest !== undefined && next.revision <= this.#latest.revision) return
    this.#latest = next
    for (const l of this.#listeners) l(next.data)
  }

  #ioError(operation: 'read' | 'write', err: unknown): MetaStoreIOError {
    // etcd's gRPC messages can span lines; tidemarkd reports start-up failures on one line.
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''
    return new MetaStoreIOError(
      operation,
      this.#location,
      new Error(message.trim(), { cause: err }),
    )
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
