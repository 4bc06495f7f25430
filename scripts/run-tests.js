#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with Node's test runner, several files at once.
// Usage: node scripts/run-tests.js [substring ...] — only files whose path contains a substring.
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { spawnSync } from 'node:child_process'

const root = new URL('..', import.meta.url).pathname
const dist = join(root, 'dist')

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.test.js')) out.push(p)
  }
  return out
}

const filters = process.argv.slice(2)
const files = walk(dist, [])
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort()
if (files.length === 0) {
  console.error('no test files found under dist/ (did tsc -b run?)')
  process.exit(1)
}
// The command-line tools run from their bundles (scripts/bundle.js): rebuild them from dist/ so a
// test never runs a tool older than the code it tests.
const bundled = spawnSync(process.execPath, [join(root, 'scripts/bundle.js')], { stdio: 'inherit' })
if (bundled.status !== 0) process.exit(bundled.status ?? 1)
const concurrency = process.env.TEST_CONCURRENCY ?? '2'
const res = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
)
process.exit(res.status ?? 1)
