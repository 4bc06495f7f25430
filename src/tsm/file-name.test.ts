import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { TSMFileNameError } from './file-errors.js'
import { formatTSMFileName, parseTSMFileName, tombstonePathFor } from './file-name.js'

describe('TSM file names', () => {
  it('formats generation and sequence as influxd does, nine digits each', () => {
    assert.equal(formatTSMFileName(1, 1), '000000001-000000001.tsm')
    assert.equal(formatTSMFileName(8, 2), '000000008-000000002.tsm')
    assert.equal(formatTSMFileName(4294967295, 0), '4294967295-000000000.tsm')
  })

  it('parses what it formats, for every uint32 pair', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (g, s) => {
        assert.deepEqual(parseTSMFileName(formatTSMFileName(g, s)), { generation: g, sequence: s })
      }),
    )
  })

  it('parses paths and other extensions by the base name up to the first dot', () => {
    assert.deepEqual(parseTSMFileName('/data/db/rp/1/000000020-000000002.tsm'), {
      generation: 20,
      sequence: 2,
    })
    assert.deepEqual(parseTSMFileName('000000003-000000004.tsm.tmp'), {
      generation: 3,
      sequence: 4,
    })
    assert.deepEqual(parseTSMFileName('7-9.tombstone'), { generation: 7, sequence: 9 })
  })

  it('reports ERR_TSM_FILE_NAME "is named incorrectly" for names influxd rejects', () => {
    for (const bad of [
      'foo.tsm',
      '000000001.tsm',
      '000000001-000000001',
      '-1.tsm',
      '1-.tsm',
      '+1-1.tsm',
      '1-x1.tsm',
      '4294967296-1.tsm',
      '1--1.tsm',
      '1-1_0.tsm',
    ]) {
      assert.throws(
        () => parseTSMFileName(bad),
        (e: unknown) =>
          e instanceof TSMFileNameError &&
          e.code === 'ERR_TSM_FILE_NAME' &&
          e.message === `file ${bad} is named incorrectly` &&
          e.fields.path === bad,
        bad,
      )
    }
  })

  it('refuses to format numbers that do not fit a uint32', () => {
    for (const [g, s] of [
      [-1, 1],
      [1, 2 ** 32],
      [1.5, 1],
      [Number.NaN, 1],
    ] as const) {
      assert.throws(() => formatTSMFileName(g, s), TSMFileNameError)
    }
  })

  it('names the tombstone file beside a TSM file', () => {
    assert.equal(tombstonePathFor('/d/000000001-000000001.tsm'), '/d/000000001-000000001.tombstone')
    assert.equal(tombstonePathFor('000000002-000000003.tsm'), '000000002-000000003.tombstone')
    assert.equal(tombstonePathFor('/d/x.tombstone'), '/d/x.tombstone')
  })
})
