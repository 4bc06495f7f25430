import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseEscapedSeriesKey, parsePlainSeriesKey, parseSeriesKey } from './series-key.js'

describe('parseSeriesKey', () => {
  it('splits a measurement and its tags, un-escaping commas, spaces and equals signs', () => {
    assert.deepEqual(parseSeriesKey('cpu'), { measurement: 'cpu', tags: [] })
    assert.deepEqual(parseSeriesKey('cpu,host=a,region=eu'), {
      measurement: 'cpu',
      tags: [
        { key: 'host', value: 'a' },
        { key: 'region', value: 'eu' },
      ],
    })
    assert.deepEqual(parseSeriesKey('c\\ p\\,u,ho\\=st=a\\,b\\ c'), {
      measurement: 'c p,u',
      tags: [{ key: 'ho=st', value: 'a,b c' }],
    })
  })

  it('cuts a key without backslashes exactly as the escape-aware parser does, however odd', () => {
    const plain = fc.string({ unit: fc.constantFrom('a', 'b', ',', '=', ' ', '#', 'é') })
    fc.assert(
      fc.property(plain, (key) => {
        assert.deepEqual(parsePlainSeriesKey(key), parseEscapedSeriesKey(key))
        assert.deepEqual(parseSeriesKey(key), parseEscapedSeriesKey(key))
      }),
      { numRuns: 2000 },
    )
    const any = fc.string({ unit: fc.constantFrom('a', ',', '=', ' ', '\\') })
    fc.assert(
      fc.property(any, (key) => assert.deepEqual(parseSeriesKey(key), parseEscapedSeriesKey(key))),
    )
  })
})
