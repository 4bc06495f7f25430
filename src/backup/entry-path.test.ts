import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { classifyEntry, shardEntryPrefix } from './index.js'

const loc = { database: 'tele graf', retentionPolicy: 'autogen', shardID: 10n }

describe('shard archive entry paths', () => {
  it('uses TSM and tombstone files directly inside <db>/<rp>/<id>/', () => {
    assert.equal(shardEntryPrefix(loc), 'tele graf/autogen/10/')
    assert.deepEqual(classifyEntry('tele graf/autogen/10/000000001-000000002.tsm', 'File', loc), {
      kind: 'tsm',
      name: '000000001-000000002.tsm',
    })
    assert.deepEqual(
      classifyEntry('./tele graf/autogen/10/000000001-000000002.tsm', 'OldFile', loc),
      { kind: 'tsm', name: '000000001-000000002.tsm' },
    )
    assert.deepEqual(
      classifyEntry('tele graf/autogen/10/000000001-000000002.tombstone', 'File', loc),
      {
        kind: 'tombstone',
        name: '000000001-000000002.tombstone',
        tsmName: '000000001-000000002.tsm',
      },
    )
  })

  it('ignores other files and directories of the shard, as influxd does', () => {
    for (const [path, type] of [
      ['tele graf/autogen/10/fields.idx', 'File'],
      ['tele graf/autogen/10/index/L0-00000001.tsl', 'File'],
      ['tele graf/autogen/10/', 'Directory'],
      ['tele graf/', 'Directory'],
      ['tele graf/autogen/10/index/', 'Directory'],
    ] as const) {
      assert.equal(classifyEntry(path, type, loc).kind, 'ignore', path)
    }
  })

  it('refuses anything that could write outside the shard directory, or is not a plain file', () => {
    const cases: [string, string, RegExp][] = [
      ['/etc/passwd', 'File', /absolute/],
      ['C:/x.tsm', 'File', /absolute/],
      ['tele graf/autogen/10/../../../x.tsm', 'File', /\.\./],
      ['../tele graf/autogen/10/000000001-000000001.tsm', 'File', /\.\./],
      ['tele graf/autogen/1/000000001-000000001.tsm', 'File', /outside the shard directory/],
      ['tele graf/autogen/100/000000001-000000001.tsm', 'File', /outside the shard directory/],
      ['other/autogen/10/000000001-000000001.tsm', 'File', /outside/],
      ['tele graf/autogen/10/000000001-000000001.tsm', 'SymbolicLink', /links/],
      ['tele graf/autogen/10/000000001-000000001.tsm', 'Link', /links/],
      ['tele graf/autogen/10/dev', 'CharacterDevice', /CharacterDevice/],
      ['tele graf/autogen/10/fifo', 'FIFO', /FIFO/],
      ['tele graf/autogen/10/x', 'Unsupported', /Unsupported/],
      ['tele graf/autogen/10/bad-name.tsm', 'File', /generation/],
      ['tele graf/autogen/10/bad.tombstone', 'File', /tombstone/],
      ['tele graf/autogen/10//000000001-000000001.tsm', 'File', /malformed/],
      ['elsewhere/', 'Directory', /outside/],
      ['', 'File', /empty/],
      ['tele graf/autogen/10/a\0.tsm', 'File', /NUL/],
    ]
    for (const [path, type, reason] of cases) {
      const use = classifyEntry(path, type, loc)
      assert.equal(use.kind, 'refuse', path)
      assert.match(use.kind === 'refuse' ? use.reason : '', reason, path)
    }
  })
})
