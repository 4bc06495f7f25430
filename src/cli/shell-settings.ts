// The tidemark shell's settings (what influx keeps in its CommandLine: where it connects, who it
// is, the database and retention policy in use, the output format and timestamp precision), the
// setters behind the `precision`, `format`, `consistency` and `chunk size` commands with influx's
// exact messages, and influx's parsing of a `host:port` connection string.

import { goQuoteString } from './shell-format.js'

/** Everything the shell's commands can change. Mutated in place by the shell. */
export interface ShellSettings {
  host: string
  port: number
  /** Unix socket path; when set, requests go there instead of host:port. */
  socket: string
  ssl: boolean
  unsafeSsl: boolean
  username: string
  password: string
  database: string
  retentionPolicy: string
  /** `column`, `csv` or `json` (anything else prints "Unknown output format"). */
  format: string
  pretty: boolean
  /** `epoch` of queries and `precision` of inserts: h, m, s, ms, u, ns, or '' for RFC3339. */
  precision: string
  /** Write consistency: any, one, quorum, all. */
  consistency: string
  chunked: boolean
  chunkSize: number
  nodeID: number
}

/** Where to connect, as influx's client.ParseConnectionString computes it. */
export interface ConnectionTarget {
  readonly scheme: 'http' | 'https'
  /** The URL's host part: `host:port`, the port left out when it is the scheme's default. */
  readonly hostPort: string
  readonly host: string
  readonly port: number
}

/** Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** Go's net.SplitHostPort, or undefined where Go returns an error. */
function splitHostPort(s: string): [string, string] | undefined {
  if (s.startsWith('[')) {
    const end = s.indexOf(']')
    if (end < 0 || s[end + 1] !== ':') return undefined
    const port = s.slice(end + 2)
    return port.includes(':') ? undefined : [s.slice(1, end), port]
  }
  const i = s.lastIndexOf(':')
  if (i < 0 || s.slice(0, i).includes(':')) return undefined
  return [s.slice(0, i), s.slice(i + 1)]
}

/**
 * Parses `path` (`host`, `host:port`, `[v6]:port`, '' = localhost) into a target; returns influx's
 * error text for a bad port.
 */
export function parseConnectionString(path: string, ssl: boolean): ConnectionTarget | string {
  let host: string
  let port: number
  const split = splitHostPort(path)
  if (split === undefined) {
    host = path === '' ? 'localhost' : path
    port = 8086
  } else {
    host = split[0]
    if (!/^[+-]?\d+$/.test(split[1])) {
      const atoi = `strconv.Atoi: parsing ${goQuoteString(split[1])}: invalid syntax`
      return `invalid port number ${goQuoteString(path)}: ${atoi}\n`
    }
    port = Number(split[1])
  }
  const scheme = ssl ? 'https' : 'http'
  const hostPort = (ssl && port === 443) || (!ssl && port === 80) ? host : joinHostPort(host, port)
  return { scheme, hostPort, host, port }
}

/** Handles `precision <p>` (also the -precision flag); returns the text to print. */
export function setPrecision(s: ShellSettings, cmd: string): string {
  const p = cmd.toLowerCase().replaceAll('precision', '').trim()
  switch (p) {
    case 'h':
    case 'm':
    case 's':
    case 'ms':
    case 'u':
    case 'ns':
      s.precision = p
      return ''
    case 'rfc3339':
      s.precision = ''
      return ''
    default:
      return `Unknown precision ${goQuoteString(p)}. Please use rfc3339, h, m, s, ms, u or ns.\n`
  }
}

/** Handles `format <f>`; returns the text to print. */
export function setFormat(s: ShellSettings, cmd: string): string {
  const f = cmd.toLowerCase().replaceAll('format', '').trim()
  if (f === 'json' || f === 'csv' || f === 'column') {
    s.format = f
    return ''
  }
  return `Unknown format ${goQuoteString(f)}. Please use json, csv, or column.\n`
}

/** Handles `consistency <level>`; returns the text to print. */
export function setConsistency(s: ShellSettings, cmd: string): string {
  const c = cmd.toLowerCase().replaceAll('consistency', '').trim()
  if (c === 'any' || c === 'one' || c === 'quorum' || c === 'all') {
    s.consistency = c
    return ''
  }
  return `Unknown consistency level ${goQuoteString(c)}. Please use any, one, quorum, or all.\n`
}

/** Handles `chunk size <n>` (or `chunk <n>`); returns the text to print. */
export function setChunkSize(s: ShellSettings, cmd: string): string {
  let c = cmd
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .join(' ')
  if (c.startsWith('chunk size ')) c = c.slice('chunk size '.length)
  if (c.startsWith('chunk ')) c = c.slice('chunk '.length)
  if (!/^[+-]?\d+$/.test(c)) return `unable to parse chunk size from ${goQuoteString(c)}\n`
  const n = Number(c)
  s.chunkSize = n > 0 ? n : 0
  return `chunk size set to ${s.chunkSize}\n`
}
