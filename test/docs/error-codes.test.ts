// docs/errors.md lists every error code the source defines, and nothing else.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p)
  }
  return out
}

describe('docs/errors.md', () => {
  it('documents exactly the error codes the source defines (super(code, ...) in an error class, the code a literal or a conditional between literals)', () => {
    const inSource = new Set<string>()
    for (const f of walk(join(root, 'src'), [])) {
      // The codes named in a super() call's first argument: a literal, or the branches of a
      // conditional that picks one.
      for (const m of readFileSync(f, 'utf8').matchAll(/super\(([^,]*),/g))
        for (const c of (m[1] ?? '').matchAll(/['"`](ERR_[A-Z0-9_]+)['"`]/g))
          inSource.add(c[1] ?? '')
    }
    const inDocs = new Set<string>()
    for (const m of readFileSync(join(root, 'docs/errors.md'), 'utf8').matchAll(
      /^\|\s*`(ERR_[A-Z0-9_]+)`/gm,
    )) {
      inDocs.add(m[1] ?? '')
    }
    assert.deepEqual(
      [...inSource].filter((c) => !inDocs.has(c)).sort(),
      [],
      'codes missing from docs/errors.md',
    )
    assert.deepEqual(
      [...inDocs].filter((c) => !inSource.has(c)).sort(),
      [],
      'codes documented but not defined',
    )
  })
})
