// Round-trip properties of line protocol: formatting a point and parsing the line gives the point
// back, and parsing, formatting and parsing again is stable.
//
// The generators keep to names that line protocol can carry at all (spec §1.3 and influxd's
// scanners; a real influxd reads these lines the same way):
// - no name contains `\n` (only a quoted string value may span lines);
// - no name ends with a backslash: it would escape the separator after it;
// - a measurement does not start with `#` (a comment), TAB or NUL (skipped as leading white
//   space), and has no backslash before `=` or `"` (influxd removes it when writing);
// - a field key has no backslash before `,`, space or `=` (the field scanner reads `\\` as one
//   escaped backslash, so the escaped separator after it would end the key) and does not start
//   with TAB or NUL (skipped as white space before the fields);
// - names are not empty;
// - in a body of several lines, or when a string value holds a `\n`, no name has a backslash
//   before a space, `,` or `=`: influxd's line splitter reads `\\` as one pair, so to it the
//   escaped separator that follows is a real one, its quote counting goes wrong, and it can take
//   a `\n` (inside a string, or the one ending the line) for part of a quoted value.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MAX_TIME_NS, MIN_TIME_NS, formatPoint, parsePoints } from './index.js'
import type { Field, FieldValue, Point, Tag } from './index.js'

const enc = new TextEncoder()

const chars = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'Z', '0', '9', '_', '-', '.') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(',', ' ', '=', '"', '\\', '#', '\t', '\0', "'", 'i', 'u', 'e'),
  },
  { weight: 2, arbitrary: fc.constantFrom('é', 'ß', '日', '😀', '\u200b', '\r') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
)
const text = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: chars, minLength: 1, maxLength })

function carriesName(s: string): boolean {
  return s !== '' && !s.includes('\n') && !s.endsWith('\\')
}
export function safeMeasurement(s: string): boolean {
  return carriesName(s) && !/^[#\t\0]/.test(s) && !/\\[="]/.test(s)
}
export function safeTag(s: string): boolean {
  return carriesName(s)
}
export function safeFieldKey(s: string): boolean {
  return carriesName(s) && !/^[\t\0]/.test(s) && !/\\[, =]/.test(s)
}

const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .map((value) => ({ kind: 'float' as const, value })),
  fc
    .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    .map((value) => ({ kind: 'integer' as const, value })),
  fc
    .bigInt({ min: 0n, max: 2n ** 64n - 1n })
    .map((value) => ({ kind: 'unsigned' as const, value })),
  fc.boolean().map((value) => ({ kind: 'boolean' as const, value })),
  fc
    .string({ unit: fc.oneof(chars, fc.constant('\n')), maxLength: 30 })
    .map((value) => ({ kind: 'string' as const, value })),
)

interface PointInput {
  measurement: string
  tags: Tag[]
  fields: Field[]
  time: bigint | undefined
}

const point: fc.Arbitrary<PointInput> = fc
  .record(
    {
      measurement: text(12).filter(safeMeasurement),
      tags: fc.uniqueArray(
        fc.record(
          { key: text(8).filter(safeTag), value: text(8).filter(safeTag) },
          { noNullPrototype: true },
        ),
        {
          maxLength: 4,
          selector: (t) => t.key,
        },
      ),
      fields: fc.array(
        fc.record(
          { key: text(8).filter(safeFieldKey), value: fieldValue },
          { noNullPrototype: true },
        ),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      time: fc.option(fc.bigInt({ min: MIN_TIME_NS, max: MAX_TIME_NS }), { nil: undefined }),
    },
    { noNullPrototype: true },
  )
  .filter(splitterSafe)

/** Whether no name of `p` has a backslash before a separator (see the header). */
function noEscapedBackslash(p: PointInput): boolean {
  const names = [
    p.measurement,
    ...p.tags.flatMap((t) => [t.key, t.value]),
    ...p.fields.map((f) => f.key),
  ]
  return names.every((n) => !/\\[, =]/.test(n))
}

/** See the header: names with `\` before a separator and multi-line strings do not mix. */
function splitterSafe(p: PointInput): boolean {
  const multiLine = p.fields.some((f) => f.value.kind === 'string' && f.value.value.includes('\n'))
  return !multiLine || noEscapedBackslash(p)
}

/** Tags in series key order: ascending bytes of the escaped key. */
function byEscapedKey(tags: readonly Tag[]): Tag[] {
  const escaped = (k: string): Buffer => Buffer.from(k.replace(/[, =]/g, '\\$&'))
  return [...tags].sort((a, b) => Buffer.compare(escaped(a.key), escaped(b.key)))
}

const NOW = 1_600_000_000_000_000_000n

function parseAll(body: string): Point[] {
  const r = parsePoints(enc.encode(body), { now: NOW, allowUnsigned: true })
  assert.deepEqual(
    r.errors.map((e) => e.message),
    [],
  )
  return r.points
}

function sameContent(
  p: Point,
  q: { measurement: string; tags: readonly Tag[]; fields: readonly Field[]; time: bigint },
): void {
  assert.equal(p.measurement, q.measurement)
  assert.deepEqual(byEscapedKey(p.tags), byEscapedKey(q.tags))
  assert.deepEqual(p.fields, q.fields)
  assert.equal(p.time, q.time)
}

describe('line protocol round trips', () => {
  it('parses a formatted point back to the same point', () => {
    fc.assert(
      fc.property(point, (input) => {
        const line = formatPoint(input)
        const points = parseAll(line)
        assert.equal(points.length, 1)
        const p = points[0]
        assert.ok(p !== undefined)
        sameContent(p, { ...input, time: input.time ?? NOW })
        const key = [input.measurement.replace(/[, ]/g, '\\$&')]
        for (const t of byEscapedKey(input.tags)) {
          key.push(`${t.key.replace(/[, =]/g, '\\$&')}=${t.value.replace(/[, =]/g, '\\$&')}`)
        }
        assert.equal(p.seriesKey, key.join(','))
      }),
      { numRuns: 3000 },
    )
  })

  it('parses a body of formatted points, one per line, back to the same points', () => {
    fc.assert(
      fc.property(
        fc.array(point.filter(noEscapedBackslash), { minLength: 1, maxLength: 8 }),
        (inputs) => {
          const points = parseAll(inputs.map((p) => formatPoint(p)).join('\n') + '\n')
          assert.equal(points.length, inputs.length)
          inputs.forEach((input, k) => {
            const p = points[k]
            assert.ok(p !== undefined)
            sameContent(p, { ...input, time: input.time ?? NOW })
          })
        },
      ),
      { numRuns: 500 },
    )
  })

  it('is stable under parse, format, parse for arbitrary lines', () => {
    const pieces = fc.oneof(
      chars,
      fc.constantFrom(
        '=',
        ',',
        ' ',
        '"',
        '1',
        '1i',
        '1u',
        't',
        '"s"',
        ' 5',
        '.5',
        'e5',
        '\n',
        '\\',
      ),
    )
    const seeds = fc.constantFrom(
      'cpu,host=a,region=b usage=12.5,n=3i,ok=true,s="x" 1600000000000000000',
      'my\\ meas\\,x,t\\ k\\=1=v\\,a\\ l\\=ue f\\ k\\=\\,"q=1i',
      'w v=1u,x="a\\"b\\\\c" -5',
      'x,a==b v="multi\nline" 2',
      'x v="a"b,c=1',
    )
    const line = fc
      .tuple(seeds, fc.array(fc.tuple(fc.nat(80), pieces), { maxLength: 4 }))
      .map(([s, edits]) => {
        let out = s
        for (const [at, piece] of edits) {
          const k = at % (out.length + 1)
          out = out.slice(0, k) + piece + out.slice(k)
        }
        return out
      })
    fc.assert(
      fc.property(line, (body) => {
        const first = parsePoints(enc.encode(body), { now: NOW, allowUnsigned: true }).points
        for (const p of first) {
          const carried =
            safeMeasurement(p.measurement) &&
            p.tags.every((t) => safeTag(t.key) && safeTag(t.value)) &&
            p.fields.every((f) => safeFieldKey(f.key))
          if (!carried) continue
          const line1 = formatPoint(p)
          const again = parseAll(line1)
          assert.equal(again.length, 1)
          const q = again[0]
          assert.ok(q !== undefined)
          sameContent(q, p)
          assert.equal(formatPoint(q), line1)
        }
      }),
      { numRuns: 3000 },
    )
  })
})
