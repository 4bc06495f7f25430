// tidemark-ctl's shard commands, as influxd-ctl has them: `show-shards` (every shard with its
// desired replicas and owners), `copy-shard SRC:8088 DST:8088 ID`, `remove-shard H:8088 ID` and
// `truncate-shards [-delay d]`. copy-shard and remove-shard are asked of the data node concerned
// (node API, src/server/node-shards.ts: the node copies or drops the data, then changes the
// owners in the metastore); truncate-shards of any data node, which truncates through its meta
// client. Also home of {@link NodeClient}: requests to data nodes that give up on a node that
// stops answering (SIGSTOP, a partition), which cluster backup needs to fall back to another owner.

import { formatTable } from './inspect-table.js'
import { decodeMetaData } from '../meta/index.js'
import type { MetaData } from '../meta/index.js'
import { parseGoDurationMs } from '../util/index.js'
import type { CtlConnection } from './ctl-http.js'
import { parseFlags } from './flags.js'
import { ConnectionError, download, exchange, nodeTimeoutMs } from './raw-http.js'
import type { DownloadHead, DownloadResult } from './raw-http.js'

/** An HTTP client for data nodes' node APIs, with the command's credentials and an idle timeout. */
export class NodeClient {
  readonly #headers: Readonly<Record<string, string>>
  readonly #timeoutMs: number

  constructor(headers: Readonly<Record<string, string>>, timeoutMs = nodeTimeoutMs()) {
    this.#headers = headers
    this.#timeoutMs = timeoutMs
  }

  /**
   * GETs `path` from the node on a connection of its own, handing the body of a 200 answer to
   * `onBody` as it comes (views valid during the call only; see raw-http.ts). Rejects with
   * `cannot reach the data node at …` when the node cannot be reached or falls silent. `onSent`
   * is called once the request is sent, while the answer is awaited.
   */
  async download(
    node: string,
    path: string,
    onHead: (head: DownloadHead) => void,
    onBody: (bytes: Buffer) => void,
    onSent?: () => void,
  ): Promise<DownloadResult> {
    try {
      return await download(
        {
          address: node,
          path,
          headers: this.#headers,
          timeoutMs: this.#timeoutMs,
          ...(onSent !== undefined ? { onSent } : {}),
        },
        onHead,
        onBody,
      )
    } catch (err) {
      if (!(err instanceof ConnectionError)) throw err
      throw new Error(`cannot reach the data node at ${node}: ${(err as Error).message}`)
    }
  }

  /**
   * A JSON request answered with JSON: anything but 2xx throws with the node's `error`. A node
   * silent for the timeout (before its answer or within it) gives up: `cannot reach the data
   * node at …`.
   */
  async json<T>(node: string, method: string, path: string, body?: unknown): Promise<T> {
    let res: { status: number; body: Buffer }
    try {
      res = await exchange({
        address: node,
        path,
        method,
        headers: {
          ...this.#headers,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        timeoutMs: this.#timeoutMs,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
    } catch (err) {
      if (!(err instanceof ConnectionError)) throw err
      throw new Error(`cannot reach the data node at ${node}: ${err.message}`)
    }
    const text = res.body.toString('utf8')
    const status = res.status
    let parsed: unknown
    try {
      parsed = text.trim() === '' ? {} : JSON.parse(text)
    } catch {
      parsed = { error: text.trim() }
    }
    if (status < 200 || status > 299)
      throw new Error(
        (parsed as { error?: string }).error ?? `data node ${node} answered ${status}`,
      )
    return parsed as T
  }
}

/** The shard commands this file runs. */
export const SHARD_COMMANDS = [
  'show-shards',
  'copy-shard',
  'remove-shard',
  'truncate-shards',
] as const

/** One of {@link SHARD_COMMANDS}. */
export type ShardCommand = (typeof SHARD_COMMANDS)[number]

/** Whether `command` is a shard command. */
export function isShardCommand(command: string | undefined): command is ShardCommand {
  return (SHARD_COMMANDS as readonly string[]).includes(command ?? '')
}

const ADDRESS = /^\S+:\d{1,5}$/
const SHARD_ID = /^\d{1,19}$/

interface ShardRow {
  id: number
  database: string
  retentionPolicy: string
  shardGroupID: number
  startTime: string
  endTime: string
  expiryTime: string
  truncatedAt?: string
  owners: number[]
}

/** `show-shards`: influxd-ctl's columns, owners as `[{id host:port} …]`. */
async function showShards(conn: CtlConnection): Promise<string> {
  const [shards, show] = await Promise.all([
    conn.metaJSON<ShardRow[]>('/shards'),
    conn.metaJSON<{ dataNodes?: { id: number; tcpAddr: string }[] }>('/show'),
  ])
  // The desired replicas are the policies' replication factors, which only /data holds; it may
  // be closed to admins (an internal secret without authentication): then the owners are counted.
  let data: MetaData | undefined
  try {
    data = decodeMetaData(await conn.metaBytes('/data'))
  } catch {
    data = undefined
  }
  const clustered = (data?.dataNodes.length ?? 1) > 0
  const nodes = new Map((show.dataNodes ?? []).map((n) => [n.id, n.tcpAddr]))
  const replicas = (s: ShardRow): string => {
    const rp = data?.databases
      .find((d) => d.name === s.database)
      ?.retentionPolicies.find((r) => r.name === s.retentionPolicy)
    return String(rp?.replicaN ?? Math.max(1, s.owners.length))
  }
  const rows: string[][] = [
    [
      'ID',
      'Database',
      'Retention Policy',
      'Desired Replicas',
      'Shard Group',
      'Start',
      'End',
      'Expires',
      'Owners',
    ],
    ...shards.map((s) => [
      String(s.id),
      s.database,
      s.retentionPolicy,
      replicas(s),
      String(s.shardGroupID),
      s.startTime,
      s.endTime,
      s.expiryTime,
      clustered
        ? `[${s.owners.map((o) => `{${o} ${nodes.get(o) ?? ''}}`).join(' ')}]`
        : `[${s.owners.join(' ')}]`,
    ]),
  ]
  return `Shards\n==========\n${formatTable(rows)}`
}

function shardArgs(command: string, args: readonly string[], addrs: number): [string[], bigint] {
  if (args.length !== addrs + 1)
    throw new Error(
      `${command}: expected ${addrs === 2 ? 'the source and destination TCP addresses' : "the data node's TCP address"} and a shard ID`,
    )
  const list = args.slice(0, addrs)
  for (const a of list) if (!ADDRESS.test(a)) throw new Error(`${command}: ${a} is not host:port`)
  const id = args[addrs] ?? ''
  if (!SHARD_ID.test(id)) throw new Error(`${command}: ${JSON.stringify(id)} is not a shard ID`)
  return [list, BigInt(id)]
}

/**
 * Runs a shard command and prints influxd-ctl's answer line. Resolves to the exit code (0);
 * throws with a one-line reason on failure.
 */
export async function runShardCommand(
  conn: CtlConnection,
  nodes: NodeClient,
  command: ShardCommand,
  argv: readonly string[],
): Promise<number> {
  const out = conn.stdout
  switch (command) {
    case 'show-shards': {
      parseFlags({}, argv, { interspersed: true })
      out.write(await showShards(conn))
      return 0
    }
    case 'copy-shard': {
      const parsed = parseFlags({}, argv, { interspersed: true })
      const [[src = '', dst = ''], id] = shardArgs(command, parsed.args, 2)
      if (src === dst) throw new Error('copy-shard: the source and destination are the same node')
      await nodes.json(dst, 'POST', `/shards/${id}/copy`, { source: src })
      out.write(`Copied shard ${id} from ${src} to ${dst}\n`)
      return 0
    }
    case 'remove-shard': {
      const parsed = parseFlags({}, argv, { interspersed: true })
      const [[node = ''], id] = shardArgs(command, parsed.args, 1)
      await nodes.json(node, 'POST', `/shards/${id}/remove`, {})
      out.write(`Removed shard ${id} from ${node}\n`)
      return 0
    }
    case 'truncate-shards': {
      const parsed = parseFlags(
        {
          delay: {
            kind: 'string',
            default: '1m',
            usage: 'Truncate shards this long from now (default 1m)',
          },
        },
        argv,
        { interspersed: true },
      )
      const delayMs = parseGoDurationMs(parsed.values.delay)
      if (delayMs === undefined || delayMs < 0)
        throw new Error(`truncate-shards: invalid -delay ${JSON.stringify(parsed.values.delay)}`)
      await nodes.json(await conn.dataNodeAddress(), 'POST', '/shards/truncate', { delayMs })
      out.write('Truncated shards.\n')
      return 0
    }
    default: {
      const never: never = command
      throw new Error(`unknown command ${String(never)}`)
    }
  }
}
