// tidemark-ctl (= influxd-ctl): cluster administration, backup and restore (issues #5 and #6).
import { notYet } from './not-yet.js'

/** Runs tidemark-ctl with `args` and resolves to the process exit code. */
export async function main(_args: readonly string[]): Promise<number> {
  return notYet('tidemark-ctl', 5)
}
