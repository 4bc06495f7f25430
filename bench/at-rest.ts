// Waiting for servers to settle before timing: engines compact freshly written data in the
// background, and a backup should be timed on data at rest, not against a compaction that happens
// to be running.

import { readFileSync } from 'node:fs'

/** CPU time (user + system, ms) process `pid` has used, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100) // USER_HZ is 100 on Linux
}

/** Waits until the processes together are at rest (under 5% of a core for 2 s, at most 5 minutes). */
export async function waitAtRest(pids: readonly number[]): Promise<void> {
  const total = (): number => pids.reduce((n, p) => n + cpuMs(p), 0)
  const deadline = Date.now() + 300_000
  let quiet = 0
  let last = total()
  while (quiet < 4 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500))
    const now = total()
    quiet = now - last < 25 ? quiet + 1 : 0
    last = now
  }
}
