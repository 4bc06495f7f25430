#!/usr/bin/env node
// Entry point installed by npm; the command itself lives in src/cli, compiled to dist/ and bundled
// into one file (scripts/bundle.js) that load-bundle.cjs runs from a code cache, so it starts fast.
import { createRequire } from 'node:module'
const { main } = createRequire(import.meta.url)('./load-bundle.cjs')('tidemark')
process.exitCode = await main(process.argv.slice(2))
