// A shared answer for commands whose implementation is tracked by an open issue.

/** Prints that `what` is not built yet (naming the issue) and returns exit code 1. */
export function notYet(what: string, issue: number): number {
  process.stderr.write(`${what}: not implemented yet (tracked by issue #${issue})\n`)
  return 1
}
