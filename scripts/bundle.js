#!/usr/bin/env node
// Bundles the command-line tools (tidemark-ctl, tidemark-inspect, tidemark) from the compiled
// dist/src into one ES module each under dist/bundle, with esbuild. A tool run then loads one file
// instead of resolving and compiling ~150 modules: `tidemark-ctl` starts in about half the time,
// which a backup or restore pays once per run. Native and worker-based packages stay external
// (snappy loads a .node binary, etcd3 and pino load files at run time). Run by `npm run build`,
// `npm test` and scripts/run-tests.js, after `tsc -b`.
import { build } from 'esbuild'
import { existsSync } from 'node:fs'
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
await Promise.all(
  tools.map((tool) =>
    build({
      entryPoints: [join(root, 'dist/src/cli', `${tool}.js`)],
      outfile: join(root, 'dist/bundle', `${tool}.mjs`),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['snappy', 'etcd3', 'pino'],
      // Bundled CommonJS packages (protobufjs, tar's deps) call require for Node built-ins.
      banner: {
        js: "import { createRequire as __tidemarkRequire } from 'node:module'; const require = __tidemarkRequire(import.meta.url);",
      },
      logLevel: 'warning',
    }),
  ),
)
