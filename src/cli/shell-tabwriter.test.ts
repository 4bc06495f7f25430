import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { TabWriter, codePointCount } from './shell-tabwriter.js'

function layout(text: string, chunks = 1): string {
  let out = ''
  const w = new TabWriter((s) => (out += s), 0, 1)
  const size = Math.ceil(text.length / chunks)
  for (let i = 0; i < text.length; i += size) w.write(text.slice(i, i + size))
  w.flush()
  return out
}

describe('TabWriter (Go text/tabwriter, padding 1)', () => {
  it('pads every cell of a column to the widest cell plus one; the last cell is not padded', () => {
    assert.equal(
      layout('time\tb\tvalue\n----\t-\t-----\n1577836800\ttrue\t1\n'),
      'time       b    value\n----       -    -----\n1577836800 true 1\n',
    )
  })

  it('ends a column block at a line with fewer cells', () => {
    // "name: cpu" has one cell, so the blocks above and below it are sized separately.
    assert.equal(layout('a\tb\nname: cpu\nlonger\tx\n'), 'a b\nname: cpu\nlonger x\n')
  })

  it('sizes nested blocks independently (Go aligns column 2 only where lines have it)', () => {
    assert.equal(layout('a\tb\tc\naaaa\tb\nx\tyyyy\tz\n'), 'a    b c\naaaa b\nx    yyyy z\n')
  })

  it('pads empty cells and treats FF and VT as cell ends, printing LF for FF', () => {
    assert.equal(layout('\tx\nabc\ty\n'), '    x\nabc y\n')
    assert.equal(layout('a\vb\nc\fd\n'), 'a b\nc\nd\n')
  })

  it('measures width in code points, not UTF-16 units or bytes', () => {
    assert.equal(codePointCount('🎉é'), 2)
    assert.equal(layout('🎉\tx\nab\ty\n'), '🎉  x\nab y\n')
  })

  it('writes an unterminated last line on flush', () => {
    assert.equal(layout('a\tb\nccc\td'), 'a   b\nccc d')
  })

  it('gives the same output however the input is split into writes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 7 }),
        (rows, chunks) => {
          const text = rows.map((r) => r.join('\t') + '\n').join('')
          assert.equal(layout(text, chunks), layout(text))
        },
      ),
    )
  })

  it('aligns a rectangular table: every column starts at the same offset on every line', () => {
    const cell = fc.stringMatching(/^[a-z0-9]{0,8}$/)
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((n) =>
          fc.array(fc.array(cell, { minLength: n, maxLength: n }), {
            minLength: 1,
            maxLength: 6,
          }),
        ),
        (rows) => {
          const out = layout(rows.map((r) => r.join('\t') + '\n').join(''))
            .split('\n')
            .slice(0, -1)
          const n = rows[0]?.length ?? 0
          let offset = 0
          for (let c = 0; c < n; c++) {
            const width = Math.max(...rows.map((r) => (r[c] ?? '').length)) + 1
            rows.forEach((r, i) =>
              assert.equal(out[i]?.slice(offset, offset + (r[c] ?? '').length), r[c]),
            )
            offset += width
          }
        },
      ),
    )
  })
})
