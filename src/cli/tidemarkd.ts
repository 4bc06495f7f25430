// tidemarkd: the server (single node, meta node or data node). The server arrives with issue #3.
import { notYet } from './not-yet.js'

/** Runs tidemarkd with `args` and resolves to the process exit code. */
export async function main(args: readonly string[]): Promise<number> {
  if (args[0] === 'version') {
    process.stdout.write('Tidemark v0.1.0 (compatible with InfluxDB 1.6)\n')
    return 0
  }
  return notYet('tidemarkd', 3)
}
