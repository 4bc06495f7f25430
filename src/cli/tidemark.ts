// tidemark (= influx): the interactive shell and -import (issue #3).
import { notYet } from './not-yet.js'

/** Runs tidemark with `args` and resolves to the process exit code. */
export async function main(_args: readonly string[]): Promise<number> {
  return notYet('tidemark', 3)
}
