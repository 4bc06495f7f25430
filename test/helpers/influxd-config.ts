// The influxd 1.6 configuration the test harness runs with, and its TOML rendering. Keys are
// influxd's own kebab-case names (cmd/influxd/run/config.go and each service's config.go); the
// defaults here make a quiet, small, loopback-only server that leaves nothing outside its dirs.

/** A TOML value as influxd's config uses them: durations and sizes are strings ("1s", "25m"). */
export type TOMLScalar = string | number | boolean

/** One `[section]` of the config file: key → value. */
export type InfluxdConfigSection = Readonly<Record<string, TOMLScalar>>

/**
 * An influxd config: a scalar entry is a top-level key (`reporting-enabled`, `bind-address`), an
 * object entry is a `[section]` (`data`, `http`, ...). Array tables (`[[graphite]]`) are not
 * supported; those services stay disabled.
 */
export type InfluxdConfig = Readonly<Record<string, TOMLScalar | InfluxdConfigSection>>

/** Where the harness puts influxd's state: all three under one root directory. */
export interface InfluxdDirs {
  /** `[meta] dir` — holds `meta.db`. */
  readonly meta: string
  /** `[data] dir` — `<db>/<rp>/<shard id>/` with TSM files, `<db>/_series/`. */
  readonly data: string
  /** `[data] wal-dir` — `<db>/<rp>/<shard id>/_NNNNN.wal`. */
  readonly wal: string
}

/**
 * The harness defaults: state under `dirs`, HTTP and the RPC (backup/restore) service on the given
 * loopback addresses, no usage reporting, no `_internal` monitor database, no shard
 * pre-creation (it would add empty shards next to "now"), inmem index, warn-level logging.
 */
export function defaultInfluxdConfig(
  dirs: InfluxdDirs,
  httpAddress: string,
  rpcAddress: string,
): InfluxdConfig {
  return {
    'reporting-enabled': false,
    'bind-address': rpcAddress,
    meta: { dir: dirs.meta, 'retention-autocreate': true, 'logging-enabled': false },
    data: {
      dir: dirs.data,
      'wal-dir': dirs.wal,
      'index-version': 'inmem',
      'query-log-enabled': false,
      'trace-logging-enabled': false,
      'wal-fsync-delay': '0s',
    },
    coordinator: { 'log-queries-after': '0s' },
    'shard-precreation': { enabled: false },
    monitor: { 'store-enabled': false },
    http: {
      enabled: true,
      'bind-address': httpAddress,
      'log-enabled': false,
      'suppress-write-log': true,
      'max-row-limit': 0,
      'pprof-enabled': false,
    },
    logging: { level: 'warn', 'suppress-logo': true, format: 'logfmt' },
    continuous_queries: { 'log-enabled': false },
  }
}

/**
 * Merges `overrides` into `base`: sections are merged key by key, scalars replace. Returns a new
 * object; neither input is changed.
 */
export function mergeInfluxdConfig(base: InfluxdConfig, overrides: InfluxdConfig): InfluxdConfig {
  const out: Record<string, TOMLScalar | InfluxdConfigSection> = { ...base }
  for (const [key, value] of Object.entries(overrides)) {
    const prev = out[key]
    if (isSection(value) && prev !== undefined && isSection(prev)) {
      out[key] = { ...prev, ...value }
    } else {
      out[key] = value
    }
  }
  return out
}

/** Renders `config` as TOML text: top-level keys first, then one `[section]` per object entry. */
export function renderInfluxdConfig(config: InfluxdConfig): string {
  const top: string[] = []
  const sections: string[] = []
  for (const [key, value] of Object.entries(config)) {
    if (isSection(value)) {
      sections.push('', `[${tomlKey(key)}]`)
      for (const [k, v] of Object.entries(value)) sections.push(`  ${tomlKey(k)} = ${tomlValue(v)}`)
    } else {
      top.push(`${tomlKey(key)} = ${tomlValue(value)}`)
    }
  }
  return [...top, ...sections, ''].join('\n')
}

function isSection(v: TOMLScalar | InfluxdConfigSection): v is InfluxdConfigSection {
  return typeof v === 'object'
}

function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k)
}

function tomlValue(v: TOMLScalar): string {
  if (typeof v === 'string') return tomlString(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (!Number.isFinite(v)) throw new RangeError(`TOML cannot hold the number ${v}`)
  return String(v)
}

function tomlString(s: string): string {
  let out = '"'
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}
