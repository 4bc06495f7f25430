// The file metastore: `<meta dir>/meta.db` holds the raw meta.Data protobuf, exactly as influxd 1.x
// keeps it (no magic, no header; spec/storage-formats.md §4), so a Tidemark meta directory and an
// InfluxDB one are interchangeable. Saves are atomic and durable (temp file, fsync, rename, fsync
// the directory); loads decode strictly, so a damaged file is reported, never silently replaced.
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileDurable } from '../util/index.js'
import { MetaStoreIOError } from './errors.js'
import { decodeMetaData, encodeMetaData } from './meta-codec.js'
import { MetaData } from './meta-data.js'

/** The name of the metastore file inside the meta directory (InfluxDB's `meta.db`). */
export const META_FILE_NAME = 'meta.db'

/**
 * Where the metastore lives. Implementations: MetaFileStore (one node: one writer, the meta
 * service that owns it) and MetaEtcdStore (highly available meta nodes: many writers, each change
 * a compare-and-swap). A store shared by several processes implements `update` and `subscribe`,
 * and MetaClient then uses them instead of `save`.
 */
export interface MetaStore {
  /** The stored metadata; a fresh MetaData.empty() when nothing was ever stored. */
  load(): Promise<MetaData>
  /** Replaces the stored metadata with `data`, durably, before resolving. */
  save(data: MetaData): Promise<void>
  /**
   * Shared stores: applies `change` to the newest stored metadata and stores the result
   * atomically, re-applying it to fresh data when another writer got there first (so `change`
   * must be pure). A change returning the same object stores nothing. Resolves to the stored
   * metadata after subscribers have seen it.
   */
  update?(change: (data: MetaData) => MetaData): Promise<MetaData>
  /**
   * Shared stores: calls `listener` with every newer version, whoever stored it, in commit
   * order. Returns a function that unsubscribes.
   */
  subscribe?(listener: (data: MetaData) => void): () => void
}

/** Options of MetaFileStore. */
export interface MetaFileStoreOptions {
  /** The cluster ID a brand-new metastore gets (default: random, as InfluxDB does). */
  readonly newClusterID?: () => bigint
}

/**
 * The metastore kept in `<dir>/meta.db`. Stateless apart from its path: `load` reads the file,
 * `save` replaces it atomically. Saves from one instance run in call order (the last call's data
 * ends up on disk); several processes must not save to the same directory.
 */
export class MetaFileStore implements MetaStore {
  readonly #dir: string
  readonly #newClusterID: (() => bigint) | undefined
  /** The last save in progress; saves run one after another because they share one temp file. */
  #saving: Promise<void> = Promise.resolve()

  constructor(dir: string, options: MetaFileStoreOptions = {}) {
    this.#dir = dir
    this.#newClusterID = options.newClusterID
  }

  /** The meta directory. */
  get dir(): string {
    return this.#dir
  }

  /** The full path of `meta.db`. */
  get path(): string {
    return join(this.#dir, META_FILE_NAME)
  }

  /**
   * Reads and strictly decodes `meta.db`. A missing file gives an empty metastore (index 1, a new
   * cluster ID); an unreadable one MetaStoreIOError; a damaged one MetaCorruptError naming the
   * file and the offset or field.
   */
  async load(): Promise<MetaData> {
    let bytes: Uint8Array
    try {
      bytes = await readFile(this.path)
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'ENOENT') {
        return this.#newClusterID === undefined
          ? MetaData.empty()
          : MetaData.empty(this.#newClusterID())
      }
      throw new MetaStoreIOError('read', this.path, err)
    }
    return decodeMetaData(bytes, { strict: true, path: this.path })
  }

  /**
   * Encodes `data` and replaces `meta.db` atomically and durably, creating the directory if needed
   * (mode 0600: the file holds password hashes).
   */
  async save(data: MetaData): Promise<void> {
    const bytes = encodeMetaData(data)
    const write = async (): Promise<void> => {
      try {
        await mkdir(this.#dir, { recursive: true })
        await writeFileDurable(this.path, bytes, 0o600)
      } catch (err) {
        throw new MetaStoreIOError('write', this.path, err)
      }
    }
    const done = this.#saving.then(write, write)
    this.#saving = done.catch(() => undefined)
    return done
  }
}
