#!/usr/bin/env node
// Entry point installed by npm; the server itself lives in src/cli (compiled to dist/) and is
// bundled into one file (scripts/bundle.js) that load-bundle.cjs runs from a code cache holding
// every function already compiled. CommonJS, as the other entry points (bin/package.json).
'use strict'
const { main } = require('./load-bundle.cjs')('tidemarkd')
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
