import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { FlagError, parseFlags } from './flags.js'

const specs = {
  db: { kind: 'string', usage: 'database' },
  out: { kind: 'string', default: 'x', usage: 'output' },
  compress: { kind: 'boolean', default: false, usage: 'gzip' },
  pps: { kind: 'integer', default: 0, usage: 'points per second' },
} as const

describe('Go-style flag parsing', () => {
  it('accepts -name value, -name=value, --name value and bare booleans, stopping at the first argument', () => {
    const r = parseFlags(specs, [
      '-db',
      'telegraf',
      '--out=/tmp/o',
      '-compress',
      '--pps',
      '7',
      'DIR',
      '-x',
    ])
    assert.equal(r.values.db, 'telegraf')
    assert.equal(r.values.out, '/tmp/o')
    assert.equal(r.values.compress, true)
    assert.equal(r.values.pps, 7)
    assert.deepEqual(r.args, ['DIR', '-x'])
    assert.deepEqual([...r.set].sort(), ['compress', 'db', 'out', 'pps'])
  })

  it('fills defaults for flags that were not given', () => {
    const r = parseFlags(specs, [])
    assert.equal(r.values.out, 'x')
    assert.equal(r.values.db, undefined)
    assert.equal(r.values.compress, false)
  })

  it('refuses unknown flags, missing values and bad values with the flag named', () => {
    assert.throws(
      () => parseFlags(specs, ['-nope']),
      (e: unknown) =>
        e instanceof FlagError && e.message === 'flag provided but not defined: -nope',
    )
    assert.throws(() => parseFlags(specs, ['-db']), /flag needs an argument: -db/)
    assert.throws(() => parseFlags(specs, ['-pps', 'many']), /invalid value "many" for flag -pps/)
    assert.throws(
      () => parseFlags(specs, ['-compress=maybe']),
      /invalid boolean value "maybe" for -compress/,
    )
  })

  it('treats -compress=false as false and everything after -- as arguments', () => {
    const r = parseFlags(specs, ['-compress=false', '--', '-db'])
    assert.equal(r.values.compress, false)
    assert.deepEqual(r.args, ['-db'])
  })

  it('with interspersed, reads flags after the arguments too (backup -db x ./dir -start …), until --', () => {
    const r = parseFlags(specs, ['-db', 'x', './dir', '-pps', '3', 'more', '--', '-compress'], {
      interspersed: true,
    })
    assert.equal(r.values.db, 'x')
    assert.equal(r.values.pps, 3)
    assert.equal(r.values.compress, false)
    assert.deepEqual(r.args, ['./dir', 'more', '-compress'])
    assert.throws(
      () => parseFlags(specs, ['./dir', '-nope'], { interspersed: true }),
      /flag provided but not defined: -nope/,
    )
  })
})
