// Loads a command-line tool's bundle (dist/bundle/<tool>.cjs, made by scripts/bundle.js) with a V8
// code cache beside it: the first run compiles the bundle and, at exit, saves the compiled code of
// what it ran; later runs start from that instead of compiling again (~35 ms of a ~190 ms start).
// The cache is named after the bundle's size and mtime, so a rebuilt bundle never meets an old
// cache; V8 refuses a cache from another Node version, and the tool then runs compiled anew. A
// cache that cannot be written (a read-only install) is simply not kept.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
const Module = require('node:module')

/** The exports of dist/bundle/<tool>.cjs. */
module.exports = function loadBundle(tool) {
  const dir = path.join(__dirname, '..', 'dist', 'bundle')
  const file = path.join(dir, `${tool}.cjs`)
  const source = fs.readFileSync(file, 'utf8')
  const st = fs.statSync(file)
  const cache = path.join(dir, `${tool}.${st.size}-${Math.floor(st.mtimeMs)}.cache`)
  let cachedData
  try {
    cachedData = fs.readFileSync(cache)
  } catch {
    cachedData = undefined
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData })
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once('exit', () => {
      try {
        const tmp = `${cache}.${process.pid}.tmp`
        fs.writeFileSync(tmp, script.createCachedData())
        fs.renameSync(tmp, cache)
      } catch {
        // not kept: the next run compiles again
      }
    })
  }
  const mod = { exports: {} }
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, dir)
  return mod.exports
}
