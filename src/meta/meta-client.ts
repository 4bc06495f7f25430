// The meta client: the one owner of a node's metadata. It holds the current MetaData (immutable,
// so readers take a consistent snapshot for free), applies changes one at a time, and makes each
// change durable through its MetaStore before it becomes visible — so a change a caller saw
// succeed survives kill -9, and a change that failed to save never happened. With a shared store
// (etcd: several meta processes), changes are compare-and-swap updates of the store, and changes
// other processes commit arrive through the store's subscription; reads stay local either way.

import { NotOpenError } from '../util/index.js'
import type { MetaData } from './meta-data.js'
import type { MetaStore } from './meta-file-store.js'

/** Owns the metadata of a node. `open()` loads it; `update()` changes it durably, in order. */
export class MetaClient {
  readonly #store: MetaStore
  #data: MetaData | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #listeners = new Set<(data: MetaData) => void>()
  #unsubscribe: (() => void) | undefined

  /** `store` stays owned by the caller, who closes it (if it needs closing) after this client. */
  constructor(store: MetaStore) {
    this.#store = store
  }

  /**
   * Loads the stored metadata (a fresh metastore when none was saved) and, with a shared store,
   * subscribes to changes made by other processes.
   */
  async open(): Promise<void> {
    // Subscribe first: a version published while loading is never older than the loaded one.
    this.#unsubscribe = this.#store.subscribe?.((data) => this.#publish(data))
    try {
      const loaded = await this.#store.load()
      this.#data ??= loaded
    } catch (err) {
      this.#unsubscribe?.()
      this.#unsubscribe = undefined
      throw err
    }
  }

  /** The current metadata: an immutable snapshot, safe to keep. */
  get data(): MetaData {
    if (this.#data === undefined) throw new NotOpenError('meta client')
    return this.#data
  }

  /**
   * Applies `change` to the current metadata and saves the result before publishing it. Changes run
   * one after another in call order; a change that throws (e.g. "database not found") leaves the
   * metadata as it was. Resolves to the new metadata. A change returning the same object saves nothing.
   * With a shared store `change` runs against the newest stored metadata and may run more than
   * once (when another process committed first), so it must be pure.
   */
  update(change: (data: MetaData) => MetaData): Promise<MetaData> {
    const shared = this.#store.update?.bind(this.#store)
    const run = async (): Promise<MetaData> => {
      if (shared !== undefined) {
        if (this.#data === undefined) throw new NotOpenError('meta client')
        return shared((fresh) => {
          const after = change(fresh)
          return after === fresh ? fresh : after.nextIndex()
        })
      }
      const before = this.data
      const after = change(before)
      if (after === before) return before
      const next = after.nextIndex()
      await this.#store.save(next)
      this.#publish(next)
      return next
    }
    const p = this.#queue.then(run, run)
    this.#queue = p.catch(() => undefined)
    return p
  }

  /** Calls `listener` after every published change. Returns a function that unsubscribes. */
  onChange(listener: (data: MetaData) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Waits for queued changes and stops following the store. Idempotent. */
  async close(): Promise<void> {
    await this.#queue
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  #publish(data: MetaData): void {
    this.#data = data
    for (const l of this.#listeners) l(data)
  }
}
