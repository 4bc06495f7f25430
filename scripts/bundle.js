#!/usr/bin/env node
// Bundles the command-line tools (tidemark-ctl, tidemark-inspect, tidemark) from the compiled
// dist/src into one CommonJS file each under dist/bundle, with esbuild (bin/load-bundle.cjs runs
// it from a V8 code cache). A tool run then loads one file
// instead of resolving and compiling ~150 modules: `tidemark-ctl` starts in about half the time,
// which a backup or restore pays once per run. Native and worker-based packages stay external
// (snappy loads a .node binary, etcd3 and pino load files at run time). Run by `npm run build`,
// `npm test` and scripts/run-tests.js, after `tsc -b`.
import { build } from 'esbuild'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const tools = ['tidemark-ctl', 'tidemark-inspect', 'tidemark']

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
