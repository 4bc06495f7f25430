// The meta client: the one owner of a node's metadata. It holds the current MetaData (immutable,
// so readers take a consistent snapshot for free), applies changes one at a time, and makes each
// change durable through its MetaStore before it becomes visible — so a change a caller saw
// succeed survives kill -9, and a change that failed to save never happened.

import { NotOpenError } from '../util/index.js'
import type { MetaData } from './meta-data.js'
import type { MetaStore } from './meta-file-store.js'

/** Owns the metadata of a node. `open()` loads it; `update()` changes it durably, in order. */
export class MetaClient {
  readonly #store: MetaStore
  #data: MetaData | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #listeners = new Set<(data: MetaData) => void>()

  constructor(store: MetaStore) {
    this.#store = store
  }

  /** Loads the stored metadata (a fresh metastore when none was saved). */
  async open(): Promise<void> {
    this.#data = await this.#store.load()
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
   */
  update(change: (data: MetaData) => MetaData): Promise<MetaData> {
    const run = async (): Promise<MetaData> => {
      const before = this.data
      const after = change(before)
      if (after === before) return before
      const next = after.nextIndex()
      await this.#store.save(next)
      this.#data = next
      for (const l of this.#listeners) l(next)
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

  /** Waits for queued changes. Idempotent. */
  async close(): Promise<void> {
    await this.#queue
  }
}
