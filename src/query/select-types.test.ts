import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseExpr } from '../influxql/index.js'
import { defaultLibrary } from './select-plan.js'
import { checkTypes } from './select-types.js'

const FIELDS: Record<string, 'integer' | 'unsigned' | 'float' | 'string'> = {
  i: 'integer',
  u: 'unsigned',
  f: 'float',
  s: 'string',
}

function check(text: string): string | undefined {
  try {
    checkTypes([parseExpr(text)], (n) => FIELDS[n], defaultLibrary)
    return undefined
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

describe('select-list type check (issue #4)', () => {
  it('asks for a cast between an integer and an unsigned variable, with InfluxDB texts', () => {
    assert.equal(
      check('u - i'),
      'type error: u::unsigned - i::integer: cannot use - between an integer and unsigned, an explicit cast is required',
    )
    assert.equal(
      check('i + 18446744073709551615'),
      'type error: i::integer + 18446744073709551615: cannot use + with an integer and unsigned literal',
    )
    assert.equal(
      check('18446744073709551615 & i'),
      'type error: 18446744073709551615 & i::integer: cannot use & with an integer and unsigned literal',
    )
  })

  it('accepts an integer literal beside an unsigned variable, casts, and floats with anything numeric', () => {
    assert.equal(check('u + 3'), undefined)
    assert.equal(check('3 * u'), undefined)
    assert.equal(check('u + i::unsigned'), undefined)
    assert.equal(check('f + 18446744073709551615'), undefined)
    assert.equal(check('max(u) * 2'), undefined)
  })

  it('types integer division as an integer, as InfluxDB evaluates the zero values', () => {
    assert.equal(
      check('(i / 2) + s'),
      'type error: (i::integer / 2) + s::string: incompatible types: integer and string',
    )
    assert.equal(
      check('(u * 2) + s'),
      'type error: (u::unsigned * 2) + s::string: incompatible types: unsigned and string',
    )
  })
})
