#!/usr/bin/env node
// Bundles the commands (tidemarkd, tidemark-ctl, tidemark-inspect, tidemark) from the compiled
// dist/src into one CommonJS file each under dist/bundle, with esbuild, and makes each one's V8
// code cache with every function compiled (scripts/code-cache.cjs; bin/load-bundle.cjs loads
// both). A command then loads one file instead of resolving and compiling ~150 modules
// (`tidemark-ctl` starts in about half the time, which a backup or restore pays once per run),
// and a server compiles nothing when a request first takes a path (a restore into a fresh server
// was ~15% slower compiling its data path as it ran). Native and worker-based packages stay
// external (snappy loads a .node binary, etcd3 and pino load files at run time). Run by
// `npm run build`, `npm test` and scripts/run-tests.js, after `tsc -b`.
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const tools = ['tidemarkd', 'tidemark-ctl', 'tidemark-inspect', 'tidemark']

for (const tool of tools) {
  const entry = join(root, 'dist/src/cli', `${tool}.js`)
  if (!existsSync(entry)) {
    console.error(`bundle: ${entry} is missing (run tsc -b first)`)
    process.exit(1)
  }
}
// Code caches of earlier bundles (and the old ES module bundles) go: they belong to other code.
const out = join(root, 'dist/bundle')
if (existsSync(out))
  for (const f of readdirSync(out))
    if (f.endsWith('.cache') || f.endsWith('.tmp') || f.endsWith('.mjs')) rmSync(join(out, f))
await Promise.all(
  tools.map((tool) =>
    build({
      entryPoints: [join(root, 'dist/src/cli', `${tool}.js`)],
      outfile: join(root, 'dist/bundle', `${tool}.cjs`),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['snappy', 'etcd3', 'pino', '@node-rs/crc32'],
      // import.meta.url (createRequire of native packages loaded on first use) names the bundle.
      define: { 'import.meta.url': '__bundleURL' },
      banner: { js: "const __bundleURL = require('node:url').pathToFileURL(__filename).href;" },
      logLevel: 'warning',
    }),
  ),
)
const cached = spawnSync(
  process.execPath,
  [join(root, 'scripts/code-cache.cjs'), ...tools.map((tool) => join(out, `${tool}.cjs`))],
  { stdio: 'inherit' },
)
if (cached.status !== 0) process.exit(cached.status ?? 1)
