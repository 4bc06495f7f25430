// The manifest of a portable backup set (`<ts>.manifest`, spec/backup-formats.md §1.2): Go
// encoding/json with two-space indent, InfluxDB's key order and no trailing newline. Tidemark adds
// keys that influxd ignores: per file `sha256` (hex digest of the .tar.gz bytes) and `fingerprint`
// (what the shard's files looked like, for incremental backups), and a top-level `tidemark` object
// `{version, metaSha256, complete}`. The decoder is as lenient as Go's: unknown keys are ignored,
// keys match case-insensitively, `null` leaves a field at its zero value; a manifest without
// `sha256` is one made by InfluxDB.

import { encodeGoJSON, JSONNumber, JSONSyntaxError, parseJSON } from './go-json.js'
import type { GoJSONValue, JSONObject, JSONValue } from './go-json.js'
import { ManifestError } from './errors.js'

/** The `.meta` file of the set. */
export interface ManifestMeta {
  /** File name (no directory) of the `.meta` file. */
  readonly fileName: string
  /** Length of the inner meta.Data protobuf (not of the file). */
  readonly size: number
}

/** One shard archive of the set. */
export interface ManifestEntry {
  /** The shard's database ('' when InfluxDB backed up a shard given only by ID). */
  readonly database: string
  /** The shard's retention policy ('' likewise). */
  readonly policy: string
  /** The shard ID in the source system. */
  readonly shardID: bigint
  /** File name (no directory) of the `.tar.gz`. */
  readonly fileName: string
  /** Uncompressed tar bytes. */
  readonly size: number
  /** The shard's last change (Tidemark: Unix ns; InfluxDB OSS writes 0). Newest wins on restore. */
  readonly lastModified: bigint
  /** Tidemark: lowercase hex sha256 of the `.tar.gz` bytes. Absent in InfluxDB's sets. */
  readonly sha256?: string
  /** Tidemark: digest of the shard's file set when it was backed up (incremental backups). */
  readonly fingerprint?: string
}

/** Tidemark's own top-level manifest object. */
export interface TidemarkManifestInfo {
  readonly version: number
  /** Lowercase hex sha256 of the `.meta` file bytes. */
  readonly metaSha256: string
  /** True once every file of the set was written (we only ever write complete manifests). */
  readonly complete: boolean
}

/** A whole manifest. */
export interface Manifest {
  readonly meta: ManifestMeta
  /** A partial backup (InfluxDB OSS always writes false). */
  readonly limited: boolean
  readonly files: readonly ManifestEntry[]
  /** Partial-backup scope; omitted when empty. */
  readonly database?: string
  readonly policy?: string
  readonly shardID?: bigint
  readonly tidemark?: TidemarkManifestInfo
}

/** The version written in `tidemark.version`. */
export const MANIFEST_TIDEMARK_VERSION = 1

const MAX_INT64 = 2n ** 63n - 1n
const MAX_UINT64 = 2n ** 64n - 1n

/** Encodes a manifest byte for byte as influxd does, plus Tidemark's keys. */
export function encodeManifest(m: Manifest): string {
  const files: GoJSONValue = m.files.length === 0 ? null : m.files.map(entryFields)
  const fields: (readonly [string, GoJSONValue])[] = [
    [
      'meta',
      {
        fields: [
          ['fileName', m.meta.fileName],
          ['size', m.meta.size],
        ],
      },
    ],
    ['limited', m.limited],
    ['files', files],
  ]
  if (m.database !== undefined && m.database !== '') fields.push(['database', m.database])
  if (m.policy !== undefined && m.policy !== '') fields.push(['policy', m.policy])
  if (m.shardID !== undefined && m.shardID !== 0n) fields.push(['shard_id', m.shardID])
  if (m.tidemark !== undefined) {
    const t = m.tidemark
    fields.push([
      'tidemark',
      {
        fields: [
          ['version', t.version],
          ['metaSha256', t.metaSha256],
          ['complete', t.complete],
        ],
      },
    ])
  }
  return encodeGoJSON({ fields })
}

function entryFields(e: ManifestEntry): GoJSONValue {
  const f: (readonly [string, GoJSONValue])[] = [
    ['database', e.database],
    ['policy', e.policy],
    ['shardID', e.shardID],
    ['fileName', e.fileName],
    ['size', e.size],
    ['lastModified', e.lastModified],
  ]
  if (e.sha256 !== undefined) f.push(['sha256', e.sha256])
  if (e.fingerprint !== undefined) f.push(['fingerprint', e.fingerprint])
  return { fields: f }
}

/** Field access with Go's rules: exact key first, else a case-insensitive match. */
function field(obj: JSONObject, key: string): JSONValue | undefined {
  if (obj.has(key)) return obj.get(key)
  const lower = key.toLowerCase()
  let found: JSONValue | undefined
  for (const [k, v] of obj) if (k.toLowerCase() === lower) found = v
  return found
}

class Reader {
  readonly #path: string
  constructor(path: string) {
    this.#path = path
  }

  fail(key: string, reason: string): never {
    throw new ManifestError(this.#path, `${key}: ${reason}`, { key })
  }

  object(v: JSONValue | undefined, key: string): JSONObject | undefined {
    if (v === undefined || v === null) return undefined
    if (v instanceof Map) return v
    return this.fail(key, 'expected an object')
  }

  string(obj: JSONObject, key: string, where: string): string {
    const v = field(obj, key)
    if (v === undefined || v === null) return ''
    if (typeof v !== 'string') this.fail(`${where}${key}`, 'expected a string')
    return v
  }

  bool(obj: JSONObject, key: string, where: string): boolean {
    const v = field(obj, key)
    if (v === undefined || v === null) return false
    if (typeof v !== 'boolean') this.fail(`${where}${key}`, 'expected true or false')
    return v
  }

  integer(obj: JSONObject, key: string, where: string, max: bigint, signed: boolean): bigint {
    const v = field(obj, key)
    if (v === undefined || v === null) return 0n
    if (!(v instanceof JSONNumber)) return this.fail(`${where}${key}`, 'expected a number')
    if (!/^-?\d+$/.test(v.raw)) this.fail(`${where}${key}`, `${v.raw} is not an integer`)
    const n = BigInt(v.raw)
    const min = signed ? -max - 1n : 0n
    if (n < min || n > max) this.fail(`${where}${key}`, `${v.raw} is out of range`)
    return n
  }

  size(obj: JSONObject, key: string, where: string): number {
    const n = this.integer(obj, key, where, MAX_INT64, true)
    if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER))
      this.fail(`${where}${key}`, `${n} is not a valid size`)
    return Number(n)
  }
}

/**
 * Decodes a manifest's text. `path` names the file in errors. Throws ManifestError (with the
 * offset, line and column for syntax errors, or the key for a wrong type).
 */
export function decodeManifest(text: string | Uint8Array, path: string): Manifest {
  const source =
    typeof text === 'string' ? text : new TextDecoder('utf-8', { fatal: false }).decode(text)
  let root: JSONValue
  try {
    root = parseJSON(source)
  } catch (err) {
    if (!(err instanceof JSONSyntaxError)) throw err
    const { reason, offset, line, column } = err.problem
    throw new ManifestError(path, reason, { offset, line, column })
  }
  const r = new Reader(path)
  const top = r.object(root, '(top level)')
  if (top === undefined) throw new ManifestError(path, 'the manifest is not a JSON object')
  const metaObj = r.object(field(top, 'meta'), 'meta') ?? new Map<string, JSONValue>()
  const meta: ManifestMeta = {
    fileName: r.string(metaObj, 'fileName', 'meta.'),
    size: r.size(metaObj, 'size', 'meta.'),
  }
  const rawFiles = field(top, 'files')
  if (rawFiles !== undefined && rawFiles !== null && !Array.isArray(rawFiles))
    r.fail('files', 'expected an array')
  const files = ((rawFiles ?? []) as readonly JSONValue[]).map((v, i): ManifestEntry => {
    const where = `files[${i}].`
    const o = r.object(v, `files[${i}]`) ?? new Map<string, JSONValue>()
    const sha256 = field(o, 'sha256')
    const fingerprint = field(o, 'fingerprint')
    const entry: ManifestEntry = {
      database: r.string(o, 'database', where),
      policy: r.string(o, 'policy', where),
      shardID: r.integer(o, 'shardID', where, MAX_UINT64, false),
      fileName: r.string(o, 'fileName', where),
      size: r.size(o, 'size', where),
      lastModified: r.integer(o, 'lastModified', where, MAX_INT64, true),
    }
    const extra: { sha256?: string; fingerprint?: string } = {}
    if (sha256 !== undefined && sha256 !== null) {
      if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
        return r.fail(`${where}sha256`, 'expected 64 lowercase hex digits')
      }
      extra.sha256 = sha256
    }
    if (fingerprint !== undefined && fingerprint !== null)
      extra.fingerprint = r.string(o, 'fingerprint', where)
    return { ...entry, ...extra }
  })
  // One archive per shard: a second entry for a shard would leave one of the two unrestored.
  const firstOf = new Map<bigint, number>()
  files.forEach((f, i) => {
    const first = firstOf.get(f.shardID)
    if (first !== undefined)
      r.fail(`files[${i}].shardID`, `shard ${f.shardID} is listed twice (also files[${first}])`)
    firstOf.set(f.shardID, i)
  })
  const out: {
    meta: ManifestMeta
    limited: boolean
    files: readonly ManifestEntry[]
    database?: string
    policy?: string
    shardID?: bigint
    tidemark?: TidemarkManifestInfo
  } = { meta, limited: r.bool(top, 'limited', ''), files }
  const database = r.string(top, 'database', '')
  const policy = r.string(top, 'policy', '')
  const shardID = r.integer(top, 'shard_id', '', MAX_UINT64, false)
  if (database !== '') out.database = database
  if (policy !== '') out.policy = policy
  if (shardID !== 0n) out.shardID = shardID
  const t = r.object(field(top, 'tidemark'), 'tidemark')
  if (t !== undefined) {
    const version = r.integer(t, 'version', 'tidemark.', 1000n, false)
    const metaSha256 = r.string(t, 'metaSha256', 'tidemark.')
    if (metaSha256 !== '' && !/^[0-9a-f]{64}$/.test(metaSha256))
      r.fail('tidemark.metaSha256', 'expected 64 lowercase hex digits')
    out.tidemark = {
      version: Number(version),
      metaSha256,
      complete: r.bool(t, 'complete', 'tidemark.'),
    }
  }
  return out
}

/** Formats a backup timestamp in Go's layout `20060102T150405Z` (UTC, whole seconds). */
export function formatBackupTimestamp(date: Date): string {
  const iso = date.toISOString() // 2006-01-02T15:04:05.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
}
