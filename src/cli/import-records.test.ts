import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parsePoints } from '../lineprotocol/index.js'
import {
  RecordBuilder,
  continuesAfter,
  isBlank,
  lineCount,
  newScanState,
  regroupTail,
} from './import-records.js'
import type { DataRecord } from './import-records.js'

/** Groups `lines` (numbered from 1) as the importer does in its DML phase. */
function group(lines: readonly string[]): DataRecord[] {
  const b = new RecordBuilder(5000)
  const out: DataRecord[] = []
  lines.forEach((text, i) => {
    const bytes = Buffer.from(text)
    if (!b.isOpen && (bytes[0] === 0x23 || isBlank(bytes))) return
    const r = b.add(bytes, i + 1)
    if (r !== undefined) out.push(r)
  })
  const last = b.take()
  if (last !== undefined) out.push(last)
  return out
}

const shape = (rs: readonly DataRecord[]): [number, number][] =>
  rs.map((r) => [r.firstLine, r.lines.length])

describe('import records (influxd line splitting)', () => {
  it('keeps a string value with newlines together, as the export writes it', () => {
    const lines = ['edge_string v="line one', 'line two" 1578009606000000000', 'cpu v=1 2']
    assert.deepEqual(shape(group(lines)), [
      [1, 2],
      [3, 1],
    ])
  })

  it('keeps blank and # lines inside an open string value', () => {
    assert.deepEqual(
      shape(group(['m s="a', '', '# not a comment', 'b" 1', '# comment', 'm v=1 2'])),
      [
        [1, 4],
        [6, 1],
      ],
    )
  })

  it('does not treat quotes in the measurement, tags or before an = as string delimiters', () => {
    assert.deepEqual(
      shape(group(['quo"te,k=v v=4 1', 'eq=meas,tag"key=val"ue f"ield=3i 1', 'm a=1,b"c=2 3'])),
      [
        [1, 1],
        [2, 1],
        [3, 1],
      ],
    )
  })

  it('continues after an escaped quote inside a string, and after a line ending in a backslash', () => {
    assert.equal(continuesAfter(Buffer.from('m s="a \\" b'), newScanState()), true)
    assert.equal(continuesAfter(Buffer.from('m s="a \\\\" 1'), newScanState()), false)
    assert.equal(continuesAfter(Buffer.from('m,t=a\\'), newScanState()), true)
    assert.equal(continuesAfter(Buffer.from('m,t=a\\\\'), newScanState()), false)
  })

  it('caps a record that never closes at the batch size', () => {
    const lines = ['m s="never closed 1', ...Array.from({ length: 20 }, (_, i) => `m v=${i} ${i}`)]
    const b = new RecordBuilder(5)
    const out: DataRecord[] = []
    lines.forEach((t, i) => {
      const r = b.add(Buffer.from(t), i + 1)
      if (r !== undefined) out.push(r)
    })
    assert.ok(out.every((r) => r.lines.length <= 5))
    assert.equal(lineCount(out) + (b.take()?.lines.length ?? 0), lines.length)
  })

  it('re-groups the lines after a bad first line, dropping blank and comment lines', () => {
    const rec: DataRecord = {
      firstLine: 10,
      lines: ['bad s="x 1', 'm v=1 1', '', '# c', 'm s="a', 'b" 2'].map((s) => Buffer.from(s)),
    }
    assert.deepEqual(shape(regroupTail(rec)), [
      [11, 1],
      [14, 2],
    ])
  })

  it('splits a body into exactly as many records as the line protocol parser finds lines', () => {
    const piece = fc.constantFrom(
      'm',
      'x',
      ' ',
      '=',
      ',',
      '"',
      '\\',
      '1',
      'v=1',
      ' 5',
      's="',
      '"',
      'é',
    )
    const line = fc.array(piece, { maxLength: 12 }).map((ps) => 'm' + ps.join(''))
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        const records = group(lines)
        const { points, errors } = parsePoints(Buffer.from(lines.join('\n')), { now: 0n })
        assert.equal(points.length + errors.length, records.length)
        const starts = new Set(records.map((r) => r.firstLine))
        for (const e of errors)
          assert.ok(starts.has(e.line), `error at line ${e.line} starts a record`)
      }),
      { numRuns: 500 },
    )
  })
})
