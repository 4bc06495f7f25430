// The store: every shard of a node, laid out as InfluxDB lays them out —
// `<data dir>/<db>/<rp>/<shard id>/` and `<wal dir>/<db>/<rp>/<shard id>/`. On open it finds the
// shards on disk and opens them (a few at a time); a shard that fails to open is recorded with its
// error and the others keep working. Which shard a point goes to is decided above (meta, cluster).

import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  Shard,
  ShardOpenError,
  silentLogger,
  type EngineOptions,
  type Logger,
} from '../engine/index.js'
import { ShardExistsError, ShardNotFoundError, StoreNameError } from './errors.js'
import { ShardPins } from './shard-pins.js'

/** `root`/`names…`, each name one directory level (StoreNameError otherwise). */
function under(root: string, ...names: string[]): string {
  for (const n of names)
    if (n === '' || n === '.' || n === '..' || /[/\\\0]/.test(n)) throw new StoreNameError(n)
  return join(root, ...names)
}

/** Where the store keeps its files, and how its shards behave. */
export interface StoreConfig {
  readonly dataDir: string
  readonly walDir: string
  readonly engine?: Partial<EngineOptions>
  readonly logger?: Logger
  /** Shards opened at once on start-up. */
  readonly openConcurrency?: number
}

/** A shard that could not be opened, kept so operators (and `SHOW SHARDS`) can see why. */
export interface FailedShard {
  readonly id: number
  readonly database: string
  readonly retentionPolicy: string
  readonly error: ShardOpenError
}

/** Every shard of a node. `open()` before use; `close()` (idempotent) closes every shard. */
export class Store {
  readonly config: StoreConfig
  /** Shards being installed that metadata-driven cleanup must leave alone (shard-pins.ts). */
  readonly pins = new ShardPins()
  #logger: Logger
  #shards = new Map<number, Shard>()
  #failed = new Map<number, FailedShard>()
  /** Shards being opened by createShard: concurrent callers share one open, never two engines on one directory. */
  readonly #opening = new Map<number, Promise<Shard>>()
  #open = false

  constructor(config: StoreConfig) {
    this.config = config
    this.#logger = config.logger ?? silentLogger
  }

  /** Finds the shard directories under the data and WAL directories and opens them. */
  async open(): Promise<void> {
    await mkdir(this.config.dataDir, { recursive: true })
    await mkdir(this.config.walDir, { recursive: true })
    const found = new Map<number, { database: string; retentionPolicy: string }>()
    for (const root of [this.config.dataDir, this.config.walDir]) {
      for (const database of await dirs(root)) {
        // Hidden entries are work in progress (restore staging, temp archives), never databases.
        // What a killed restore left behind is removed: it never became part of the node.
        if (database.startsWith('.restore-staging-') && root === this.config.dataDir) {
          await rm(join(root, database), { recursive: true, force: true })
          this.#logger.warn({ path: join(root, database) }, 'removed an interrupted restore upload')
          continue
        }
        if (database === '_series' || database.startsWith('.')) continue
        for (const rp of await dirs(join(root, database))) {
          if (rp === '_series' || rp.startsWith('.')) continue
          for (const name of await dirs(join(root, database, rp))) {
            // A restore's temp shard (restore-installer) or a replica staged for one (node-shards).
            if (/^\.\d+\.(?:restore|replica)\.tmp$/.test(name)) {
              await rm(join(root, database, rp, name), { recursive: true, force: true })
              this.#logger.warn(
                { path: join(root, database, rp, name) },
                'removed an interrupted restore',
              )
              continue
            }
            if (!/^\d+$/.test(name)) {
              this.#logger.warn(
                { path: join(root, database, rp, name) },
                'skipping non-numeric shard directory',
              )
              continue
            }
            found.set(Number(name), { database, retentionPolicy: rp })
          }
        }
      }
    }
    const queue = [...found.entries()].sort((a, b) => a[0] - b[0])
    const workers = Array.from({ length: this.config.openConcurrency ?? 4 }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [id, where] = next
        const shard = this.#newShard(id, where.database, where.retentionPolicy)
        try {
          await shard.open()
          this.#shards.set(id, shard)
        } catch (err) {
          const error =
            err instanceof ShardOpenError
              ? err
              : new ShardOpenError(id, shard.path, String(err), err)
          this.#failed.set(id, { id, ...where, error })
          this.#logger.error(
            { shardID: id, path: shard.path, err: error.message },
            'shard failed to open',
          )
        }
      }
    })
    await Promise.all(workers)
    this.#open = true
  }

  #newShard(id: number, database: string, retentionPolicy: string): Shard {
    return new Shard({
      id,
      database,
      retentionPolicy,
      path: under(this.config.dataDir, database, retentionPolicy, String(id)),
      walPath: under(this.config.walDir, database, retentionPolicy, String(id)),
      options: this.config.engine,
      logger: this.#logger,
    })
  }

  /** The open shard with this ID, or undefined. */
  shard(id: number): Shard | undefined {
    return this.#shards.get(id)
  }

  /** The open shard with this ID; throws ShardNotFoundError otherwise. */
  mustShard(id: number): Shard {
    const s = this.#shards.get(id)
    if (s === undefined) throw new ShardNotFoundError(id)
    return s
  }

  /** Every open shard, by ID. */
  shards(): Shard[] {
    return [...this.#shards.values()].sort((a, b) => a.id - b.id)
  }

  /** Shards that failed to open, with their errors. */
  failedShards(): FailedShard[] {
    return [...this.#failed.values()]
  }

  /** Opens (creating if needed) the shard `id` of `database`/`retentionPolicy`. Idempotent. */
  async createShard(database: string, retentionPolicy: string, id: number): Promise<Shard> {
    const existing = this.#shards.get(id)
    if (existing !== undefined) {
      if (existing.database === database && existing.retentionPolicy === retentionPolicy)
        return existing
      throw new ShardExistsError(id, existing.database, existing.retentionPolicy)
    }
    const pending = this.#opening.get(id)
    if (pending !== undefined) {
      const shard = await pending
      if (shard.database === database && shard.retentionPolicy === retentionPolicy) return shard
      throw new ShardExistsError(id, shard.database, shard.retentionPolicy)
    }
    const opening = (async () => {
      const shard = this.#newShard(id, database, retentionPolicy)
      await shard.open()
      this.#shards.set(id, shard)
      this.#failed.delete(id)
      return shard
    })()
    this.#opening.set(id, opening)
    try {
      return await opening
    } finally {
      this.#opening.delete(id)
    }
  }

  /** Closes a shard and deletes its data and WAL directories. */
  async deleteShard(id: number): Promise<void> {
    const shard = this.#shards.get(id)
    const failed = this.#failed.get(id)
    const where =
      shard ?? (failed && { database: failed.database, retentionPolicy: failed.retentionPolicy })
    if (where === undefined) return
    this.#shards.delete(id)
    this.#failed.delete(id)
    await shard?.close()
    await rm(under(this.config.dataDir, where.database, where.retentionPolicy, String(id)), {
      recursive: true,
      force: true,
    })
    await rm(under(this.config.walDir, where.database, where.retentionPolicy, String(id)), {
      recursive: true,
      force: true,
    })
  }

  /** Deletes every shard of a retention policy, and its directories. */
  async deleteRetentionPolicy(database: string, retentionPolicy: string): Promise<void> {
    for (const s of this.shards())
      if (s.database === database && s.retentionPolicy === retentionPolicy)
        await this.deleteShard(s.id)
    for (const f of this.failedShards())
      if (f.database === database && f.retentionPolicy === retentionPolicy)
        await this.deleteShard(f.id)
    await rm(under(this.config.dataDir, database, retentionPolicy), {
      recursive: true,
      force: true,
    })
    await rm(under(this.config.walDir, database, retentionPolicy), { recursive: true, force: true })
  }

  /** Deletes every shard of a database, and its directories. */
  async deleteDatabase(database: string): Promise<void> {
    for (const s of this.shards()) if (s.database === database) await this.deleteShard(s.id)
    for (const f of this.failedShards()) if (f.database === database) await this.deleteShard(f.id)
    await rm(under(this.config.dataDir, database), { recursive: true, force: true })
    await rm(under(this.config.walDir, database), { recursive: true, force: true })
  }

  /** True between a successful open() and close(). */
  get isOpen(): boolean {
    return this.#open
  }

  /** Closes every shard. Idempotent. */
  async close(): Promise<void> {
    const shards = [...this.#shards.values()]
    this.#shards.clear()
    this.#open = false
    await Promise.all(shards.map((s) => s.close()))
  }
}

async function dirs(path: string): Promise<string[]> {
  try {
    const names = await readdir(path)
    const out: string[] = []
    for (const n of names) if ((await stat(join(path, n))).isDirectory()) out.push(n)
    return out.sort()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}
