#!/usr/bin/env node
// Entry point installed by npm; the command itself lives in src/cli, compiled to dist/ and bundled
// into one module (scripts/bundle.js) so that it starts fast.
import { main } from '../dist/bundle/tidemark-ctl.mjs'
process.exitCode = await main(process.argv.slice(2))
