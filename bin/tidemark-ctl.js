#!/usr/bin/env node
// Entry point installed by npm; the command itself lives in src/cli (compiled to dist/).
import { main } from '../dist/src/cli/tidemark-ctl.js'
process.exitCode = await main(process.argv.slice(2))
