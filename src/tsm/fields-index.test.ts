import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import type { FieldType } from '../lineprotocol/index.js'
import { FieldsIndexCorruptError, FieldsIndexFormatError } from './file-errors.js'
import {
  decodeFieldsIndex,
  encodeFieldsIndex,
  readFieldsIndex,
  writeFieldsIndex,
} from './fields-index.js'
import type { FieldsIndex } from './fields-index.js'

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-fields-'))
  try {
    await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Real fields.idx bytes from influxd (spec §4): measurement `r`, field `v` float. */
const REAL = '000601030a0a0a017212050a01761001'

const typeArb = fc.constantFrom<FieldType>('float', 'integer', 'unsigned', 'boolean', 'string')
const indexArb = fc
  .array(
    fc.tuple(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.array(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), typeArb), { maxLength: 5 }),
    ),
    {
      maxLength: 6,
    },
  )
  .map((ms): FieldsIndex => new Map(ms.map(([m, fs]) => [m, new Map(fs)])))

describe('fields.idx', () => {
  it('encodes the example influxd wrote byte for byte', () => {
    const bytes = encodeFieldsIndex(new Map([['r', new Map([['v', 'float' as const]])]]))
    assert.equal(Buffer.from(bytes).toString('hex'), REAL)
  })

  it('decodes the example influxd wrote', () => {
    assert.deepEqual(
      decodeFieldsIndex(Buffer.from(REAL, 'hex')),
      new Map([['r', new Map([['v', 'float']])]]),
    )
  })

  it('maps the five field types to influxql codes 1, 2, 3, 4 and 9', () => {
    const idx: FieldsIndex = new Map([
      [
        'm',
        new Map<string, FieldType>([
          ['f', 'float'],
          ['i', 'integer'],
          ['s', 'string'],
          ['b', 'boolean'],
          ['u', 'unsigned'],
        ]),
      ],
    ])
    const hex = Buffer.from(encodeFieldsIndex(idx)).toString('hex')
    for (const [name, code] of [
      ['f', 1],
      ['i', 2],
      ['s', 3],
      ['b', 4],
      ['u', 9],
    ] as const) {
      assert.ok(hex.includes(`0a01${Buffer.from(name).toString('hex')}100${code}`), name)
    }
    assert.deepEqual(decodeFieldsIndex(encodeFieldsIndex(idx)), idx)
  })

  it('round-trips any index, unicode names included', () => {
    fc.assert(
      fc.property(indexArb, (idx) =>
        assert.deepEqual(decodeFieldsIndex(encodeFieldsIndex(idx)), idx),
      ),
    )
  })

  it('reports ERR_TSM_FIELDS_INDEX_FORMAT for a bad magic or an empty file, so callers rebuild', () => {
    for (const hex of ['', '0006', '00060104', '0a0a0a0172']) {
      assert.throws(
        () => decodeFieldsIndex(Buffer.from(hex, 'hex'), '/s/fields.idx'),
        (e: unknown) =>
          e instanceof FieldsIndexFormatError &&
          e.code === 'ERR_TSM_FIELDS_INDEX_FORMAT' &&
          e.message === 'unknown field index format' &&
          e.fields.path === '/s/fields.idx' &&
          e.fields.offset === 0,
        hex,
      )
    }
  })

  it('reports ERR_TSM_FIELDS_INDEX_CORRUPT for a truncated protobuf or an unknown type code', () => {
    const real = Buffer.from(REAL, 'hex')
    for (let len = 5; len < real.length; len++) {
      assert.throws(
        () => decodeFieldsIndex(real.subarray(0, len), 'f'),
        FieldsIndexCorruptError,
        `length ${len}`,
      )
    }
    const badType = Buffer.from('000601030a0a0a017212050a01761005', 'hex')
    assert.throws(
      () => decodeFieldsIndex(badType, 'f'),
      (e: unknown) =>
        e instanceof FieldsIndexCorruptError && e.code === 'ERR_TSM_FIELDS_INDEX_CORRUPT',
    )
  })

  it('writes the file durably, reads it back, and removes it when the index is empty', async () => {
    await withDir(async (dir) => {
      const p = join(dir, 'fields.idx')
      assert.equal(await readFieldsIndex(p), undefined)
      const idx: FieldsIndex = new Map([
        [
          'cpu',
          new Map<string, FieldType>([
            ['usage idle', 'float'],
            ['n', 'integer'],
          ]),
        ],
      ])
      await writeFieldsIndex(p, idx)
      assert.deepEqual(await readFieldsIndex(p), idx)
      assert.deepEqual(await readdir(dir), ['fields.idx'])
      await writeFieldsIndex(p, new Map())
      assert.deepEqual(await readdir(dir), [])
      await writeFile(p, '')
      await assert.rejects(readFieldsIndex(p), FieldsIndexFormatError)
      assert.equal((await readFile(p)).length, 0)
    })
  })
})
