// Loads a bundle (dist/bundle/<tool>.cjs, made by scripts/bundle.js) with a V8 code cache beside
// it. The build makes that cache with every function of the bundle compiled (scripts/code-cache.cjs),
// so neither a command's start nor the first call of any function compiles anything. When there
// is none, or V8 refuses it (another Node version, other V8 flags), the run compiles as usual and,
// at exit, saves the code of what it ran for the next. The cache is named after the bundle's size
// and mtime, so a rebuilt bundle never meets an old cache. A cache that cannot be written (a
// read-only install) is simply not kept.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
const Module = require('node:module')

/** The code cache of bundle `file`, named after its size and mtime. */
function cacheFileOf(file) {
  const st = fs.statSync(file)
  return `${file.slice(0, -'.cjs'.length)}.${st.size}-${Math.floor(st.mtimeMs)}.cache`
}

/** Bundle `file` compiled as a CommonJS module's function, from `cachedData` when V8 takes it. */
function bundleScript(file, cachedData) {
  return new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData })
}

/** The exports of dist/bundle/<tool>.cjs. */
function loadBundle(tool) {
  const dir = path.join(__dirname, '..', 'dist', 'bundle')
  const file = path.join(dir, `${tool}.cjs`)
  const cache = cacheFileOf(file)
  let cachedData
  try {
    cachedData = fs.readFileSync(cache)
  } catch {
    cachedData = undefined
  }
  const script = bundleScript(file, cachedData)
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

module.exports = loadBundle
module.exports.cacheFileOf = cacheFileOf
module.exports.bundleScript = bundleScript
