#!/usr/bin/env node
// Entry point installed by npm; the command itself lives in src/cli (compiled to dist/).
// CommonJS, as the other entry points (bin/package.json); the server itself is an ES module.
'use strict'
import('../dist/src/cli/tidemarkd.js').then(async ({ main }) => {
  process.exitCode = await main(process.argv.slice(2))
})
