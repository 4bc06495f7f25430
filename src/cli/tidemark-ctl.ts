// tidemark-ctl (= influxd-ctl): administration through the meta API (`-bind host:8091`). Global
// flags as influxd-ctl: -bind, -auth-type none|basic|jwt, -user, -pwd, -secret. `show`,
// `show-shards`, `backup` (ctl-backup.ts), `restore` (ctl-restore.ts), `verify` (ctl-verify.ts)
// and the membership commands `add-data`, `remove-data`, `update-data`, `add-meta`, `remove-meta`
// (ctl-cluster.ts).

import { formatTable } from './inspect-table.js'
import { BACKUP_USAGE, runBackup } from './ctl-backup.js'
import { runEntropy } from './ctl-entropy.js'
import { RESTORE_USAGE, runRestore } from './ctl-restore.js'
import { isClusterCommand, runClusterCommand } from './ctl-cluster.js'
import { authHeaders, CtlConnection } from './ctl-http.js'
import { runVerify, VERIFY_USAGE } from './ctl-verify.js'
import { isShardCommand, NodeClient, runShardCommand } from './ctl-shards.js'
import { FlagError, formatUsage, parseFlags } from './flags.js'

const GLOBAL_FLAGS = {
  bind: { kind: 'string', default: 'localhost:8091', usage: 'Bind HTTP address of a meta node' },
  'auth-type': {
    kind: 'string',
    default: 'none',
    usage: 'Type of authentication to use (none, basic, jwt)',
  },
  user: { kind: 'string', default: '', usage: 'User name (ignored if auth-type is none)' },
  pwd: { kind: 'string', default: '', usage: 'Password (ignored if auth-type is none)' },
  secret: {
    kind: 'string',
    default: '',
    usage: 'JWT shared secret (ignored unless auth-type is jwt)',
  },
} as const

const USAGE = `Usage: tidemark-ctl [options] <command> [options] [<args>]

Available commands are:
   add-data           Add a data node (add-data host:8088)
   add-meta           Add a meta node sharing this one's etcd (add-meta host:8091)
   backup             Backup data and metadata
   entropy            Manage shard entropy (entropy show, entropy repair SHARD)
   copy-shard         Copy a shard between data nodes (copy-shard src:8088 dst:8088 ID)
   remove-data        Remove a data node (remove-data [-force] host:8088)
   remove-meta        Remove a meta node (remove-meta host:8091)
   remove-shard       Remove a shard from a data node (remove-shard host:8088 ID)
   restore            Restore a backup (restore [flags] DIR, restore -full MANIFEST, restore -list DIR)
   show               Show cluster members
   show-shards        Shows the shards in a cluster
   truncate-shards    Truncate the current shard groups (truncate-shards [-delay 1m])
   update-data        Update a data node's TCP address (update-data old:8088 new:8088)
   verify             Verify a backup set before restoring it

Options:
${formatUsage(GLOBAL_FLAGS)}`

/** The usage of the commands that have their own flags, printed for -h and after a flag error. */
const COMMAND_USAGE: Readonly<Record<string, string>> = {
  backup: BACKUP_USAGE,
  restore: RESTORE_USAGE,
  verify: VERIFY_USAGE,
}

/** Whether `args` (a command's own) ask for help before any `--`, as Go's flag package reads them. */
function asksForHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false
    if (a === '-h' || a === '-help' || a === '--help' || a === '--h') return true
  }
  return false
}

/** The I/O a command uses (injectable for tests). */
export interface CtlIO {
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream
}

interface NodeRow {
  id: number
  httpAddr: string
  tcpAddr: string
}

/** Runs tidemark-ctl with `args` and resolves to the process exit code. */
export async function main(
  args: readonly string[],
  io: CtlIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  if (args[0] === '-h' || args[0] === '-help' || args[0] === '--help' || args[0] === 'help') {
    io.stdout.write(USAGE) // Go's flag package: -h and -help print the usage
    return 0
  }
  let parsed
  try {
    parsed = parseFlags(GLOBAL_FLAGS, args)
  } catch (err) {
    io.stderr.write(`${(err as FlagError).message}\n${USAGE}`)
    return 1
  }
  const [command] = parsed.args
  const g = parsed.values
  let headers: Record<string, string>
  try {
    headers = authHeaders(g['auth-type'], g.user, g.pwd, g.secret)
  } catch (err) {
    io.stderr.write(`tidemark-ctl: ${(err as Error).message}\n`)
    return 1
  }
  const conn = new CtlConnection(g.bind, headers, io.stdout)
  const get = <T>(path: string): Promise<T> => conn.metaJSON<T>(path)
  const usage = command === undefined ? undefined : COMMAND_USAGE[command]
  if (usage !== undefined && asksForHelp(parsed.args.slice(1))) {
    io.stdout.write(usage)
    return 0
  }
  try {
    switch (command) {
      case 'show': {
        const s = await get<{ dataNodes: NodeRow[]; metaNodes: NodeRow[] }>('/show')
        io.stdout.write('Data Nodes\n==========\n')
        io.stdout.write(
          formatTable([
            ['ID', 'TCP Address', 'Version'],
            ...s.dataNodes.map((n) => [String(n.id), n.tcpAddr, '0.1.0']),
          ]),
        )
        io.stdout.write('\nMeta Nodes\n==========\n')
        io.stdout.write(
          formatTable([
            ['TCP Address', 'Version'],
            ...(s.metaNodes.length > 0
              ? s.metaNodes.map((n) => [n.httpAddr, '0.1.0'])
              : [[g.bind, '0.1.0']]),
          ]),
        )
        return 0
      }
      case 'backup':
        return await runBackup(conn, parsed.args.slice(1), new NodeClient(headers))
      case 'entropy':
        return await runEntropy(conn, parsed.args.slice(1))
      case 'verify':
        return await runVerify(parsed.args.slice(1), io.stdout)
      case 'restore':
        return await runRestore(conn, parsed.args.slice(1), io.stderr)
      case 'show-shards':
      case 'copy-shard':
      case 'remove-shard':
      case 'truncate-shards':
        if (!isShardCommand(command)) return 1
        return await runShardCommand(conn, new NodeClient(headers), command, parsed.args.slice(1))
      case 'add-data':
      case 'remove-data':
      case 'update-data':
      case 'add-meta':
      case 'remove-meta':
        if (!isClusterCommand(command)) return 1
        return await runClusterCommand(conn, command, parsed.args.slice(1))
      case undefined:
      case 'help':
        io.stdout.write(USAGE)
        return command === undefined ? 1 : 0
      default:
        io.stderr.write(`tidemark-ctl: unknown command "${command}"\n${USAGE}`)
        return 1
    }
  } catch (err) {
    // A flag the command does not take: its usage follows, as Go's flag package prints it.
    const more = err instanceof FlagError && usage !== undefined ? usage : ''
    io.stderr.write(`tidemark-ctl: ${(err as Error).message}\n${more}`)
    return 1
  }
}
