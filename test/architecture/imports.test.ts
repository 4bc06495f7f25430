// The architecture test: every import under src/ respects the component order of DESIGN.md (a
// component imports only components earlier in the list) and reaches another component only
// through its index.ts.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, dirname, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const src = join(root, 'src')

// DESIGN.md's order; util is a leaf everyone may use, server is the composition root.
const ORDER = [
  'util',
  'lineprotocol',
  'tsm',
  'wal',
  'engine',
  'store',
  'meta',
  'influxql',
  'query',
  'cluster',
  'backup',
  'http',
  'server',
  'cli',
]

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.ts')) out.push(p)
  }
  return out
}

describe('architecture', () => {
  it('imports only earlier components, and only through their index.ts', () => {
    const problems: string[] = []
    for (const file of walk(src, [])) {
      const from = relative(src, file).split(sep)[0] ?? ''
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
        const spec = m[1] ?? ''
        const target = relative(src, resolve(dirname(file), spec))
        const parts = target.split(sep)
        const to = parts[0] ?? ''
        if (to === from) continue
        // Tests (and their support files) may use the shared test helpers under test/.
        const isTest = /\.test\.ts$|test-support\.ts$/.test(file)
        if (isTest && to === '..' && parts[1] === 'test') continue
        const rel = relative(root, file)
        if (!ORDER.includes(to)) problems.push(`${rel}: imports unknown component ${to}`)
        else if (ORDER.indexOf(to) > ORDER.indexOf(from)) {
          problems.push(`${rel}: ${from} may not import ${to} (later in DESIGN.md's order)`)
        }
        if (parts.length !== 2 || parts[1] !== 'index.js')
          problems.push(`${rel}: imports ${spec}, not ${to}/index.js`)
      }
    }
    assert.deepEqual(problems, [])
  })
})
