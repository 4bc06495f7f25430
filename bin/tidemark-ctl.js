#!/usr/bin/env node
// Entry point installed by npm; the command itself lives in src/cli, compiled to dist/ and bundled
// into one file (scripts/bundle.js) that load-bundle.cjs runs from a code cache, so it starts fast.
// CommonJS (bin/package.json): an ES module entry costs ~15 ms more to start.
'use strict'
const { main } = require('./load-bundle.cjs')('tidemark-ctl')
main(process.argv.slice(2)).then((code) => {
  // Exit as soon as stdout and stderr have taken every byte (write callbacks come in order):
  // waiting for the event loop to empty and V8 to free its heap costs a command ~10 ms more.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
})
