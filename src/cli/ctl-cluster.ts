// tidemark-ctl's membership commands, as influxd-ctl has them: `add-data`, `remove-data [-force]`,
// `update-data`, `add-meta` and `remove-meta`. Each is one POST to the meta node (-bind), which
// does the work (the meta API's membership endpoints); this file checks the arguments and prints
// influxd-ctl's one-line answers. Failures throw with the meta node's reason, which tidemark-ctl
// prints on one line with exit code 1.

import type { CtlConnection } from './ctl-http.js'
import { parseFlags } from './flags.js'

/** The membership commands this file runs. */
export const CLUSTER_COMMANDS = [
  'add-data',
  'remove-data',
  'update-data',
  'add-meta',
  'remove-meta',
] as const

/** One of {@link CLUSTER_COMMANDS}. */
export type ClusterCommand = (typeof CLUSTER_COMMANDS)[number]

/** Whether `command` is a membership command. */
export function isClusterCommand(command: string | undefined): command is ClusterCommand {
  return (CLUSTER_COMMANDS as readonly string[]).includes(command ?? '')
}

interface NodeAnswer {
  readonly id: number
  readonly httpAddr: string
  readonly tcpAddr: string
}

const ADDRESS = /^\S+:\d{1,5}$/

/** The positional arguments of `command`, one per name, each host:port; throws naming what is wrong. */
function addresses(command: string, args: readonly string[], names: readonly string[]): string[] {
  if (args.length !== names.length)
    throw new Error(
      `${command}: expected ${names.join(' and ')}, got ${args.length === 0 ? 'nothing' : args.join(' ')}`,
    )
  args.forEach((a, i) => {
    if (!ADDRESS.test(a)) throw new Error(`${command}: ${names[i] ?? 'address'} must be host:port`)
  })
  return [...args]
}

/**
 * Runs a membership command against the meta node of `conn` and prints its answer line.
 * Resolves to the exit code (0); throws with a one-line reason on failure.
 */
export async function runClusterCommand(
  conn: CtlConnection,
  command: ClusterCommand,
  argv: readonly string[],
): Promise<number> {
  const out = conn.stdout
  switch (command) {
    case 'add-data': {
      const parsed = parseFlags({}, argv, { interspersed: true })
      const [addr = ''] = addresses(command, parsed.args, ["the data node's TCP address"])
      const n = await conn.metaPost<NodeAnswer>('/add-data', { addr })
      out.write(`Added data node ${n.id} at ${n.tcpAddr}\n`)
      return 0
    }
    case 'remove-data': {
      const parsed = parseFlags(
        {
          force: {
            kind: 'boolean',
            default: false,
            usage: 'Remove the data node even when it owns shards (or does not answer)',
          },
        },
        argv,
        { interspersed: true },
      )
      const [addr = ''] = addresses(command, parsed.args, ["the data node's TCP address"])
      await conn.metaPost<NodeAnswer>('/remove-data', { addr, force: parsed.values.force })
      out.write(`Removed data node at ${addr}\n`)
      return 0
    }
    case 'update-data': {
      const parsed = parseFlags({}, argv, { interspersed: true })
      const [from = '', to = ''] = addresses(command, parsed.args, [
        'the old TCP address',
        'the new TCP address',
      ])
      const n = await conn.metaPost<NodeAnswer>('/update-data', { old: from, new: to })
      out.write(`Updated data node ${n.id} to ${n.tcpAddr}\n`)
      return 0
    }
    case 'add-meta': {
      const parsed = parseFlags({}, argv, { interspersed: true })
      const [addr = ''] = addresses(command, parsed.args, ["the meta node's HTTP address"])
      const n = await conn.metaPost<NodeAnswer>('/add-meta', { addr })
      out.write(`Added meta node ${n.id} at ${n.httpAddr}\n`)
      return 0
    }
    case 'remove-meta': {
      const parsed = parseFlags({}, argv, { interspersed: true })
      const [addr = ''] = addresses(command, parsed.args, ["the meta node's HTTP address"])
      await conn.metaPost<NodeAnswer>('/remove-meta', { addr })
      out.write(`Removed meta node at ${addr}\n`)
      return 0
    }
    default: {
      const never: never = command
      throw new Error(`unknown command ${String(never)}`)
    }
  }
}
