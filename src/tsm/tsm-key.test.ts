import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { tsmKeyProblem } from './tsm-key.js'

describe('tsmKeyProblem', () => {
  it('accepts the keys InfluxDB writes, escapes included', () => {
    for (const key of [
      'cpu#!~#v',
      'cpu,host=a#!~#v',
      'cpu,host=a,region=eu#!~#usage idle',
      'c\\,pu,ho\\=st=a\\ b#!~#f',
      'm,k=v\\,w=x#!~#f',
      'cpu,host=a#!~#f#!~#g',
    ])
      assert.equal(tsmKeyProblem(key), undefined, key)
  })

  it('names what is missing', () => {
    const cases: [string, RegExp][] = [
      ['memhostaused', /no field key/],
      ['mem,host=a#!~#', /an empty field key/],
      ['#!~#used', /an empty measurement name/],
      [',host=a#!~#used', /an empty measurement name/],
      ['mem,,#!~#used', /a tag without "=" at byte 4/],
      ['mem,=a#!~#used', /a tag with an empty key at byte 4/],
      ['mem,host=#!~#used', /a tag with an empty value at byte 4/],
      ['mem,host=a,#!~#used', /a tag without "=" at byte 11/],
    ]
    for (const [key, want] of cases) assert.match(tsmKeyProblem(key) ?? '', want, key)
  })
})
