// Shard pins: the shards a node is installing (a restore, a copy-shard) before the metadata names
// them as this node's. Metadata-driven cleanup (cluster/shard-cleanup.ts) deletes local shards the
// metadata does not assign to this node; a pinned shard, and the database and retention policy
// directories it lives in, are never touched. A pin is counted, so two holders of the same shard
// keep it pinned until both release it.

/** Where a pinned shard lives. */
export interface PinnedShard {
  readonly database: string
  readonly retentionPolicy: string
  readonly id: number
}

/** The set of pinned shards of a store. Synchronous: a check and a delete cannot interleave a pin. */
export class ShardPins {
  readonly #pins = new Map<number, { readonly shard: PinnedShard; count: number }>()

  /**
   * Pins `shard` until the returned function is called (calling it again does nothing). Take the
   * pin before the shard's directories are created and release it once the metadata is saved.
   */
  pin(shard: PinnedShard): () => void {
    const held = this.#pins.get(shard.id)
    if (held !== undefined) held.count++
    else this.#pins.set(shard.id, { shard: { ...shard }, count: 1 })
    let released = false
    return () => {
      if (released) return
      released = true
      const h = this.#pins.get(shard.id)
      if (h === undefined) return
      if (--h.count === 0) this.#pins.delete(shard.id)
    }
  }

  /** Whether shard `id` is pinned. */
  has(id: number): boolean {
    return this.#pins.has(id)
  }

  /** Whether a pinned shard lives in `database` (and `retentionPolicy`, when given). */
  holdsDirectory(database: string, retentionPolicy?: string): boolean {
    for (const { shard } of this.#pins.values())
      if (
        shard.database === database &&
        (retentionPolicy === undefined || shard.retentionPolicy === retentionPolicy)
      )
        return true
    return false
  }

  /** The pinned shards, by ID. */
  list(): PinnedShard[] {
    return [...this.#pins.values()].map((h) => h.shard).sort((a, b) => a.id - b.id)
  }
}
