import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeGoBase64 } from './go-base64.js'

describe('decodeGoBase64', () => {
  it('decodes what Node encodes, in both alphabets, with line breaks skipped', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const b = Buffer.from(bytes)
        assert.deepEqual(decodeGoBase64(b.toString('base64'), 'std'), { ok: true, bytes: b })
        const url = b.toString('base64url')
        const padded = url + '='.repeat((4 - (url.length % 4)) % 4)
        assert.deepEqual(decodeGoBase64(padded, 'url'), { ok: true, bytes: b })
        assert.deepEqual(decodeGoBase64(b.toString('base64').replace(/(.{5})/g, '$1\r\n'), 'std'), {
          ok: true,
          bytes: b,
        })
      }),
    )
  })

  it("names the offset Go's CorruptInputError names", () => {
    const cases: [string, number][] = [
      ['a===', 1], // jwt-go pads the segment "a" (recorded from influxd: input byte 1)
      ['!!!=', 0],
      ['ab=x', 2],
      ['abc=x', 4],
      ['abcde', 4],
      ['ab=', 3],
      ['ab+/', 2],
    ]
    for (const [text, errorAt] of cases) {
      assert.deepEqual(decodeGoBase64(text, 'url'), { ok: false, errorAt }, text)
    }
  })
})
