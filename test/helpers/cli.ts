// Runs one of the bin/ commands (tidemark-ctl, tidemark, tidemark-inspect) as a child process,
// as a user would, and collects what it printed.

import { spawn } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin')

/** A finished command: its exit code and its output. */
export interface CommandRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `bin/<tool>` with `args` (in `cwd`, with extra environment variables); resolves when it exits. */
export function runBin(
  tool: string,
  args: readonly string[],
  cwd?: string,
  env: Record<string, string> = {},
): Promise<CommandRun> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [resolve(BIN, tool), ...args], {
      cwd,
      env: { ...process.env, ...env },
    })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('close', (code) => done({ code, stdout, stderr }))
  })
}

/** Runs `tidemark-ctl` with `args`. */
export function ctl(args: readonly string[]): Promise<CommandRun> {
  return runBin('tidemark-ctl.js', args)
}
