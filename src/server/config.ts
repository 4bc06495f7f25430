// tidemarkd's configuration: InfluxDB 1.x's `influxdb.conf` keys (so an existing config works for
// the sections we support), Tidemark's defaults (everything under ./tidemark, loopback ports), a
// TOML file (`tidemarkd run -config FILE`) and environment overrides `TIDEMARK_<SECTION>_<KEY>`
// (e.g. TIDEMARK_HTTP_BIND_ADDRESS). Unknown keys and sections are reported, not fatal, because
// real influxdb.conf files carry sections we do not implement ([[graphite]], [monitor], ...).

import { readFile } from 'node:fs/promises'
import { parse as parseTOML } from 'smol-toml'
import { TidemarkError } from '../util/index.js'
import { formatGoDuration, parseGoDurationMs, parseSize } from './config-values.js'

type Kind = 'string' | 'boolean' | 'integer' | 'duration' | 'size' | 'string-list'
type Value = string | boolean | number | string[]

interface KeySpec {
  readonly kind: Kind
  readonly default: Value
  readonly doc: string
}

/** Every supported section and key, with its kind, default and meaning (InfluxDB's names). */
export const CONFIG_SCHEMA = {
  '': {
    'bind-address': {
      kind: 'string',
      default: '127.0.0.1:8088',
      doc: "node RPC address (InfluxDB's backup/cluster port)",
    },
    'reporting-enabled': {
      kind: 'boolean',
      default: false,
      doc: 'accepted for compatibility; Tidemark never reports usage',
    },
  },
  meta: {
    dir: { kind: 'string', default: './tidemark/meta', doc: 'where the metastore (meta.db) lives' },
    'http-bind-address': {
      kind: 'string',
      default: '127.0.0.1:8091',
      doc: 'meta API used by tidemark-ctl -bind',
    },
    'retention-autocreate': {
      kind: 'boolean',
      default: true,
      doc: 'create the autogen retention policy with each database',
    },
    'logging-enabled': { kind: 'boolean', default: true, doc: 'log metastore changes' },
    'etcd-endpoints': {
      kind: 'string-list',
      default: [],
      doc: 'etcd cluster for highly available meta nodes (empty: local file store)',
    },
    'etcd-prefix': {
      kind: 'string',
      default: '/tidemark/meta',
      doc: 'etcd key prefix; the metastore is the key <prefix>/data',
    },
    'etcd-dial-timeout': {
      kind: 'duration',
      default: 5000,
      doc: 'how long connecting to an etcd member may take',
    },
    'auth-enabled': {
      kind: 'boolean',
      default: false,
      doc: "meta nodes: the meta API requires an admin's credentials (tidemark-ctl -auth-type)",
    },
    'shared-secret': {
      kind: 'string',
      default: '',
      doc: 'meta and data nodes: secret of tidemark-ctl -auth-type jwt tokens',
    },
    'internal-shared-secret': {
      kind: 'string',
      default: '',
      doc: 'meta nodes: secret signing node-to-node requests (same value on every node)',
    },
    'meta-internal-shared-secret': {
      kind: 'string',
      default: '',
      doc: "data nodes: the meta nodes' internal-shared-secret",
    },
  },
  data: {
    dir: { kind: 'string', default: './tidemark/data', doc: 'shard data (TSM files)' },
    'wal-dir': { kind: 'string', default: './tidemark/wal', doc: 'write-ahead log segments' },
    'index-version': { kind: 'string', default: 'inmem', doc: 'only inmem is supported' },
    'wal-fsync-delay': {
      kind: 'duration',
      default: 0,
      doc: 'accepted for compatibility; every write is fsynced before it is acknowledged',
    },
    'query-log-enabled': { kind: 'boolean', default: true, doc: 'log queries' },
    'cache-max-memory-size': {
      kind: 'size',
      default: 1073741824,
      doc: 'a shard refuses writes beyond this cache size',
    },
    'cache-snapshot-memory-size': {
      kind: 'size',
      default: 26214400,
      doc: 'cache size that triggers a snapshot to TSM',
    },
    'cache-snapshot-write-cold-duration': {
      kind: 'duration',
      default: 600_000,
      doc: 'snapshot after this long without writes',
    },
    'compact-full-write-cold-duration': {
      kind: 'duration',
      default: 14_400_000,
      doc: 'full compaction after this long without writes',
    },
    'max-series-per-database': {
      kind: 'integer',
      default: 1000000,
      doc: 'new series beyond this are refused (0: no limit)',
    },
    'max-values-per-tag': {
      kind: 'integer',
      default: 100000,
      doc: 'new tag values beyond this are refused (0: no limit)',
    },
  },
  coordinator: {
    'write-timeout': { kind: 'duration', default: 10_000, doc: 'time a write may take' },
    'shard-writer-timeout': {
      kind: 'duration',
      default: 5000,
      doc: 'time a node-to-node shard write may take before it goes to hinted handoff',
    },
    'max-concurrent-queries': { kind: 'integer', default: 0, doc: '0: no limit' },
    'query-timeout': { kind: 'duration', default: 0, doc: '0: no timeout' },
    'log-queries-after': {
      kind: 'duration',
      default: 0,
      doc: 'log queries slower than this (0: off)',
    },
    'max-select-point': { kind: 'integer', default: 0, doc: '0: no limit' },
    'max-select-series': { kind: 'integer', default: 0, doc: '0: no limit' },
    'max-select-buckets': { kind: 'integer', default: 0, doc: '0: no limit' },
  },
  retention: {
    enabled: { kind: 'boolean', default: true, doc: 'drop expired shard groups' },
    'check-interval': { kind: 'duration', default: 1_800_000, doc: 'how often' },
  },
  'shard-precreation': {
    enabled: { kind: 'boolean', default: true, doc: 'create shard groups before they are needed' },
    'check-interval': { kind: 'duration', default: 600_000, doc: 'how often' },
    'advance-period': { kind: 'duration', default: 1_800_000, doc: 'how far ahead' },
  },
  http: {
    enabled: { kind: 'boolean', default: true, doc: 'serve the HTTP API' },
    'bind-address': { kind: 'string', default: '127.0.0.1:8086', doc: 'HTTP API address' },
    'auth-enabled': { kind: 'boolean', default: false, doc: 'require authentication' },
    'log-enabled': { kind: 'boolean', default: true, doc: 'log requests' },
    'write-tracing': {
      kind: 'boolean',
      default: false,
      doc: 'log write bodies (never with passwords)',
    },
    'pprof-enabled': { kind: 'boolean', default: true, doc: 'accepted for compatibility' },
    'https-enabled': { kind: 'boolean', default: false, doc: 'serve HTTPS' },
    'https-certificate': { kind: 'string', default: '', doc: 'PEM certificate' },
    'https-private-key': {
      kind: 'string',
      default: '',
      doc: 'PEM private key (default: in the certificate file)',
    },
    'max-row-limit': {
      kind: 'integer',
      default: 0,
      doc: 'rows per non-chunked response (0: no limit)',
    },
    'max-connection-limit': { kind: 'integer', default: 0, doc: '0: no limit' },
    'shared-secret': { kind: 'string', default: '', doc: 'JWT secret' },
    realm: { kind: 'string', default: 'InfluxDB', doc: 'Basic auth realm' },
    'max-body-size': {
      kind: 'integer',
      default: 25000000,
      doc: 'largest /write body in bytes (0: no limit)',
    },
    'max-concurrent-write-limit': { kind: 'integer', default: 0, doc: '0: no limit' },
  },
  logging: {
    format: { kind: 'string', default: 'auto', doc: 'auto, logfmt or json' },
    level: { kind: 'string', default: 'info', doc: 'debug, info, warn, error' },
    'suppress-logo': { kind: 'boolean', default: false, doc: 'accepted for compatibility' },
  },
  continuous_queries: {
    enabled: { kind: 'boolean', default: true, doc: 'run continuous queries' },
    'log-enabled': { kind: 'boolean', default: true, doc: 'log each run' },
    'run-interval': { kind: 'duration', default: 1000, doc: 'how often to check' },
  },
  'hinted-handoff': {
    enabled: { kind: 'boolean', default: true, doc: 'queue writes for unreachable replicas' },
    dir: { kind: 'string', default: './tidemark/hh', doc: 'queue directory' },
    'max-size': { kind: 'size', default: 10737418240, doc: 'bytes per node queue' },
    'max-age': { kind: 'duration', default: 604_800_000, doc: 'oldest entry kept' },
    'retry-interval': {
      kind: 'duration',
      default: 1000,
      doc: 'pause after a failed delivery (doubles up to retry-max-interval)',
    },
    'retry-max-interval': {
      kind: 'duration',
      default: 60_000,
      doc: 'longest pause between deliveries',
    },
  },
  'anti-entropy': {
    enabled: { kind: 'boolean', default: false, doc: 'compare and repair shard replicas' },
    'check-interval': { kind: 'duration', default: 300_000, doc: 'how often' },
    'max-fetch': {
      kind: 'integer',
      default: 10,
      doc: 'series keys whose values are fetched from the owners at once during a repair',
    },
    'max-sync': { kind: 'integer', default: 1, doc: 'shards repaired at once' },
    'auto-repair-missing': {
      kind: 'boolean',
      default: true,
      doc: 'repair a missing replica by itself (a divergent one too: Tidemark repairs both)',
    },
  },
} as const satisfies Record<string, Record<string, KeySpec>>

type Schema = typeof CONFIG_SCHEMA
type ValueOf<K extends Kind> = K extends 'string'
  ? string
  : K extends 'boolean'
    ? boolean
    : K extends 'string-list'
      ? string[]
      : number

/** The resolved configuration: `config[section][key]`, durations in ms, sizes in bytes. */
export type Config = {
  readonly [S in keyof Schema]: {
    readonly [K in keyof Schema[S]]: Schema[S][K] extends { kind: infer T extends Kind }
      ? ValueOf<T>
      : never
  }
}

/** A configuration value that cannot be used; names the file, section and key. */
export class ConfigError extends TidemarkError {
  constructor(message: string, fields: { path?: string; section?: string; key?: string } = {}) {
    super('ERR_CONFIG_INVALID', message, fields)
  }
}

const SECTION_IGNORED = new Set([
  'monitor',
  'subscriber',
  'graphite',
  'collectd',
  'opentsdb',
  'udp',
  'ifql',
  'tls',
])

function convert(spec: KeySpec, raw: unknown, where: string): Value {
  switch (spec.kind) {
    case 'string':
      if (typeof raw === 'string') return raw
      break
    case 'boolean':
      if (typeof raw === 'boolean') return raw
      if (raw === 'true' || raw === 'false') return raw === 'true'
      break
    case 'integer':
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw
      if (typeof raw === 'bigint') return Number(raw)
      if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return Number(raw)
      break
    case 'duration': {
      if (typeof raw === 'string') {
        const ms = parseGoDurationMs(raw)
        if (ms !== undefined) return ms
      }
      break
    }
    case 'size': {
      const v = typeof raw === 'string' || typeof raw === 'number' ? parseSize(raw) : undefined
      if (v !== undefined) return v
      break
    }
    case 'string-list':
      if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw as string[]
      if (typeof raw === 'string')
        return raw
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      break
    default: {
      const never: never = spec.kind
      throw new Error(`unknown kind ${String(never)}`)
    }
  }
  throw new ConfigError(`${where}: invalid ${spec.kind} value ${JSON.stringify(String(raw))}`)
}

/** The default configuration. */
export function defaultConfig(): Config {
  const out: Record<string, Record<string, Value>> = {}
  for (const [section, keys] of Object.entries(CONFIG_SCHEMA)) {
    const s: Record<string, Value> = {}
    for (const [key, spec] of Object.entries(keys as Record<string, KeySpec>)) {
      s[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default
    }
    out[section] = s
  }
  return out as unknown as Config
}

/** What loading a config produced besides the values: unknown keys, to be logged. */
export interface ConfigLoad {
  readonly config: Config
  readonly warnings: readonly string[]
}

/**
 * Resolves the configuration: defaults, then the TOML file (if `path`), then the environment
 * (`TIDEMARK_<SECTION>_<KEY>`, dashes as underscores). Throws ConfigError naming the bad value.
 */
export async function loadConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConfigLoad> {
  const config = defaultConfig() as unknown as Record<string, Record<string, Value>>
  const warnings: string[] = []
  if (path !== undefined) {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, { path })
    }
    let doc: Record<string, unknown>
    try {
      doc = parseTOML(text) as Record<string, unknown>
    } catch (err) {
      throw new ConfigError(`${path}: ${(err as Error).message.split('\n')[0] ?? 'invalid TOML'}`, {
        path,
      })
    }
    for (const [name, value] of Object.entries(doc)) {
      const top = (CONFIG_SCHEMA[''] as Record<string, KeySpec>)[name]
      if (top !== undefined) {
        ;(config[''] as Record<string, Value>)[name] = convert(top, value, `${path}: ${name}`)
        continue
      }
      const section = (CONFIG_SCHEMA as Record<string, Record<string, KeySpec>>)[name]
      if (section === undefined || name === '') {
        if (!SECTION_IGNORED.has(name))
          warnings.push(`${path}: unknown key or section "${name}" ignored`)
        continue
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ConfigError(`${path}: [${name}] must be a section`, { path, section: name })
      }
      for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
        const spec = section[key]
        if (spec === undefined) {
          warnings.push(`${path}: [${name}] unknown key "${key}" ignored`)
          continue
        }
        ;(config[name] as Record<string, Value>)[key] = convert(
          spec,
          raw,
          `${path}: [${name}] ${key}`,
        )
      }
    }
  }
  for (const [section, keys] of Object.entries(CONFIG_SCHEMA)) {
    for (const [key, spec] of Object.entries(keys as Record<string, KeySpec>)) {
      const name = `TIDEMARK_${section === '' ? '' : section.toUpperCase().replace(/-/g, '_') + '_'}${key.toUpperCase().replace(/-/g, '_')}`
      const raw = env[name]
      if (raw !== undefined)
        (config[section] as Record<string, Value>)[key] = convert(spec, raw, `environment ${name}`)
    }
  }
  return { config: config as unknown as Config, warnings }
}

/** The configuration as TOML, with each key's meaning as a comment (`tidemarkd config`). */
export function renderConfig(config: Config = defaultConfig()): string {
  const lines: string[] = []
  const values = config as unknown as Record<string, Record<string, Value>>
  for (const [section, keys] of Object.entries(CONFIG_SCHEMA)) {
    if (section !== '') lines.push('', `[${section}]`)
    for (const [key, spec] of Object.entries(keys as Record<string, KeySpec>)) {
      const v = values[section]?.[key] ?? spec.default
      const indent = section === '' ? '' : '  '
      lines.push(`${indent}# ${spec.doc}`)
      lines.push(`${indent}${key} = ${renderValue(spec.kind, v)}`)
    }
  }
  return lines.join('\n').trimStart() + '\n'
}

function renderValue(kind: Kind, v: Value): string {
  if (kind === 'duration') return JSON.stringify(formatGoDuration(v as number))
  if (Array.isArray(v)) return `[${v.map((s) => JSON.stringify(s)).join(', ')}]`
  return typeof v === 'string' ? JSON.stringify(v) : String(v)
}
