#!/usr/bin/env node
// Makes the V8 code cache of each bundle named on the command line (dist/bundle/<tool>.cjs) with
// every function in it compiled, which bin/load-bundle.cjs then loads. A cache V8 makes of a script
// run normally holds only the functions that run executed; a restore into a freshly started
// server compiled each function of its data path on first call (~60-100 ms of a ~0.5 s restore
// of 94 MB, in a process that has no other work). Compiled here with V8's --no-lazy, the cache is
// made after the flag is set back, so its flags match a normal run's and V8 accepts it (it refuses
// a cache made under other code-generation flags, and the loader then compiles as usual).
// Run by scripts/bundle.js in a process of its own: the flag is process-wide.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const v8 = require('node:v8')
const { bundleScript, cacheFileOf } = require('../bin/load-bundle.cjs')

for (const file of process.argv.slice(2)) {
  v8.setFlagsFromString('--no-lazy')
  const script = bundleScript(file)
  v8.setFlagsFromString('--lazy')
  const cache = cacheFileOf(file)
  const tmp = `${cache}.${process.pid}.tmp`
  fs.writeFileSync(tmp, script.createCachedData())
  fs.renameSync(tmp, cache)
}
// Check that a normal process accepts each one (same flags as any run). One V8 refuses is
// removed, with a warning: a command then compiles as it runs and keeps a cache of what it ran,
// as before this step existed. A speed-up must not fail the build.
const check = require('node:child_process').spawnSync(
  process.execPath,
  [
    '-e',
    `const fs = require('node:fs')
     const { bundleScript, cacheFileOf } = require(${JSON.stringify(path.join(__dirname, '../bin/load-bundle.cjs'))})
     for (const f of process.argv.slice(1))
       if (bundleScript(f, fs.readFileSync(cacheFileOf(f))).cachedDataRejected) console.log(f)`,
    ...process.argv.slice(2),
  ],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
)
if (check.status !== 0) {
  console.error('code-cache: could not check the caches; removing them')
  for (const file of process.argv.slice(2)) fs.rmSync(cacheFileOf(file), { force: true })
} else {
  for (const file of check.stdout.split('\n').filter((f) => f !== '')) {
    console.error(`code-cache: V8 refused the cache of ${file}; removed (it will compile as it runs)`)
    fs.rmSync(cacheFileOf(file), { force: true })
  }
}
