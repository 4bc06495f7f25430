// tidemark-inspect (= influx_inspect): export, verify, dumptsm, report over TSM/WAL files (issue #2).
import { notYet } from './not-yet.js'

/** Runs tidemark-inspect with `args` and resolves to the process exit code. */
export async function main(_args: readonly string[]): Promise<number> {
  return notYet('tidemark-inspect', 2)
}
