// The options of the HTTP API server and their defaults. Names follow the `[http]` keys of
// influxdb.conf (`bind-address` → bindAddress, `max-body-size` → maxBodySizeBytes, …); the
// defaults are InfluxDB 1.6's, except the bind address (loopback) and the version string, which
// names Tidemark but keeps the `1.6.7` prefix clients parse.

import { HTTPOptionError } from './errors.js'

/** Options of {@link createHTTPServer}; every field is optional. */
export interface HTTPServerOptions {
  /** `host:port`; `:port` listens on every interface; port 0 picks a free port. Default `127.0.0.1:8086`. */
  readonly bindAddress?: string
  /** `auth-enabled`: require credentials (once an admin user exists). Default false. */
  readonly authEnabled?: boolean
  /** `realm` of the Basic auth challenge. Default `InfluxDB`. */
  readonly realm?: string
  /** `shared-secret` for JWT bearer tokens; empty disables them. Default ''. */
  readonly sharedSecret?: string
  /** `max-body-size`: largest /write body in bytes, 0 for no limit. Default 25 000 000. */
  readonly maxBodySizeBytes?: number
  /** `max-row-limit`: rows of a non-chunked query answer, 0 for no limit. Default 0. */
  readonly maxRowLimit?: number
  /** `max-connection-limit`: open connections, 0 for no limit. Default 0. */
  readonly maxConnectionLimit?: number
  /** `max-concurrent-write-limit`: /write requests running at once, 0 for no limit. Default 0. */
  readonly maxConcurrentWriteLimit?: number
  /** `max-enqueued-write-limit`: /write requests waiting, 0 for no limit. Default 0. */
  readonly maxEnqueuedWriteLimit?: number
  /** `enqueued-write-timeout` in ms: longest wait for a write slot, 0 for none. Default 30 000. */
  readonly enqueuedWriteTimeoutMs?: number
  /** `log-enabled`: log every request (never passwords). Default true. */
  readonly logEnabled?: boolean
  /** `suppress-write-log`: do not log /write requests. Default false. */
  readonly suppressWriteLog?: boolean
  /** `write-tracing`: log /write bodies. Default false. */
  readonly writeTracing?: boolean
  /** The X-Influxdb-Version header. Default `1.6.7~rc0-tidemark-0.1.0`. */
  readonly version?: string
  /** The X-Influxdb-Build header (`OSS`, `ENT`). Default `OSS`. */
  readonly build?: string
  /** How long close() waits for requests in flight before cutting them off, in ms. Default 10 000. */
  readonly closeTimeoutMs?: number
  /** Serve HTTPS with this certificate and key (PEM). Default: plain HTTP. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer }
}

/** The options with every default applied. */
export type ResolvedHTTPOptions = Required<Omit<HTTPServerOptions, 'tls'>> &
  Pick<HTTPServerOptions, 'tls'>

/** The version string sent in X-Influxdb-Version by default. */
export const DEFAULT_VERSION = '1.6.7~rc0-tidemark-0.1.0'

/** Applies the defaults and checks the numbers; throws {@link HTTPOptionError}. */
export function resolveOptions(o: HTTPServerOptions): ResolvedHTTPOptions {
  const resolved: ResolvedHTTPOptions = {
    bindAddress: o.bindAddress ?? '127.0.0.1:8086',
    authEnabled: o.authEnabled ?? false,
    realm: o.realm ?? 'InfluxDB',
    sharedSecret: o.sharedSecret ?? '',
    maxBodySizeBytes: o.maxBodySizeBytes ?? 25_000_000,
    maxRowLimit: o.maxRowLimit ?? 0,
    maxConnectionLimit: o.maxConnectionLimit ?? 0,
    maxConcurrentWriteLimit: o.maxConcurrentWriteLimit ?? 0,
    maxEnqueuedWriteLimit: o.maxEnqueuedWriteLimit ?? 0,
    enqueuedWriteTimeoutMs: o.enqueuedWriteTimeoutMs ?? 30_000,
    logEnabled: o.logEnabled ?? true,
    suppressWriteLog: o.suppressWriteLog ?? false,
    writeTracing: o.writeTracing ?? false,
    version: o.version ?? DEFAULT_VERSION,
    build: o.build ?? 'OSS',
    closeTimeoutMs: o.closeTimeoutMs ?? 10_000,
    tls: o.tls,
  }
  for (const key of [
    'maxBodySizeBytes',
    'maxRowLimit',
    'maxConnectionLimit',
    'maxConcurrentWriteLimit',
    'maxEnqueuedWriteLimit',
    'enqueuedWriteTimeoutMs',
    'closeTimeoutMs',
  ] as const) {
    const v = resolved[key]
    if (!Number.isSafeInteger(v) || v < 0)
      throw new HTTPOptionError(key, String(v), 'an integer ≥ 0')
  }
  parseBindAddress(resolved.bindAddress)
  return resolved
}

/**
 * Splits `host:port` (`[::1]:8086`, `:8086`, `localhost:0`). An empty host means every
 * interface. Throws {@link HTTPOptionError} when the port is missing or not 0–65535.
 */
export function parseBindAddress(address: string): { host: string | undefined; port: number } {
  const colon = address.lastIndexOf(':')
  if (colon < 0) throw new HTTPOptionError('bindAddress', address, 'host:port')
  let host = address.slice(0, colon)
  const portText = address.slice(colon + 1)
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new HTTPOptionError('bindAddress', address, 'host:port with a port 0-65535')
  return { host: host === '' ? undefined : host, port }
}
