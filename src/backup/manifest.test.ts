import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { decodeManifest, encodeManifest, formatBackupTimestamp, ManifestError } from './index.js'
import type { Manifest, ManifestEntry } from './index.js'

/** The manifest of the reference backup (spec/backup-formats.md §1.2), byte for byte. */
const REFERENCE = `{
  "meta": {
    "fileName": "20261125T191020Z.meta",
    "size": 416
  },
  "limited": false,
  "files": [
    {
      "database": "telegraf",
      "policy": "autogen",
      "shardID": 1,
      "fileName": "20261125T191020Z.s1.tar.gz",
      "size": 209920,
      "lastModified": 0
    },
    {
      "database": "telegraf",
      "policy": "autogen",
      "shardID": 2,
      "fileName": "20261125T191020Z.s2.tar.gz",
      "size": 142336,
      "lastModified": 0
    },
    {
      "database": "telegraf",
      "policy": "oneday",
      "shardID": 3,
      "fileName": "20261125T191020Z.s3.tar.gz",
      "size": 2048,
      "lastModified": 0
    }
  ]
}`

const entry = (shardID: bigint, policy: string, size: number): ManifestEntry => ({
  database: 'telegraf',
  policy,
  shardID,
  fileName: `20261125T191020Z.s${shardID}.tar.gz`,
  size,
  lastModified: 0n,
})

describe('manifest codec', () => {
  it('encodes an InfluxDB manifest byte for byte as influxd 1.6 wrote it', () => {
    const m: Manifest = {
      meta: { fileName: '20261125T191020Z.meta', size: 416 },
      limited: false,
      files: [
        entry(1n, 'autogen', 209920),
        entry(2n, 'autogen', 142336),
        entry(3n, 'oneday', 2048),
      ],
    }
    assert.equal(encodeManifest(m), REFERENCE)
    assert.deepEqual(decodeManifest(REFERENCE, 'ref.manifest'), m)
  })

  it('writes "files": null for a set without shards, as Go does for a nil slice', () => {
    const text = encodeManifest({
      meta: { fileName: 'x.meta', size: 5 },
      limited: false,
      files: [],
    })
    assert.equal(
      text,
      '{\n  "meta": {\n    "fileName": "x.meta",\n    "size": 5\n  },\n  "limited": false,\n  "files": null\n}',
    )
    assert.deepEqual(decodeManifest(text, 'x').files, [])
  })

  it("places Tidemark's sha256, fingerprint and tidemark keys after influxd's, and the scope keys with Go's names", () => {
    const m: Manifest = {
      meta: { fileName: 'a.meta', size: 1 },
      limited: true,
      files: [
        {
          ...entry(7n, 'autogen', 1024),
          lastModified: 1770000000123456789n,
          sha256: 'ab'.repeat(32),
          fingerprint: 'f00',
        },
      ],
      database: 'telegraf',
      policy: 'autogen',
      shardID: 7n,
      tidemark: { version: 1, metaSha256: 'cd'.repeat(32), complete: true },
    }
    const text = encodeManifest(m)
    assert.match(
      text,
      /"lastModified": 1770000000123456789,\n {6}"sha256": "(ab){32}",\n {6}"fingerprint": "f00"\n/,
    )
    assert.match(
      text,
      /\],\n {2}"database": "telegraf",\n {2}"policy": "autogen",\n {2}"shard_id": 7,\n {2}"tidemark": \{\n {4}"version": 1,\n {4}"metaSha256": "(cd){32}",\n {4}"complete": true\n {2}\}\n\}$/,
    )
    assert.deepEqual(decodeManifest(text, 'm'), m)
  })

  it('decodes leniently as Go does: unknown keys ignored, keys matched case-insensitively, null as zero', () => {
    const text = `{"Meta": {"FILENAME": "a.meta", "size": 3, "extra": [1, {"x": 2}]}, "limited": null,
      "files": [{"database": "d", "policy": "p", "shardid": 18446744073709551615, "fileName": "f", "size": 9,
      "lastModified": -5, "enterprise": "yes"}], "future": {"a": 1}}`
    const m = decodeManifest(text, 'm')
    assert.deepEqual(m, {
      meta: { fileName: 'a.meta', size: 3 },
      limited: false,
      files: [
        {
          database: 'd',
          policy: 'p',
          shardID: 2n ** 64n - 1n,
          fileName: 'f',
          size: 9,
          lastModified: -5n,
        },
      ],
    })
  })

  it('round-trips any manifest (encode then decode is the identity)', () => {
    const name = fc.string({ unit: 'grapheme', maxLength: 20 })
    const arbEntry = fc
      .record({
        database: name,
        policy: name,
        shardID: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fileName: name,
        size: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        lastModified: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      })
      .map((e) => ({ ...e }))
    fc.assert(
      fc.property(
        name,
        fc.nat(),
        fc.boolean(),
        fc.uniqueArray(arbEntry, { maxLength: 4, selector: (e) => e.shardID }),
        (fileName, size, limited, files) => {
          const m: Manifest = { meta: { fileName, size }, limited, files }
          assert.deepEqual(decodeManifest(encodeManifest(m), 'p'), m)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('reports ERR_BACKUP_MANIFEST with the file, line and column for broken JSON', () => {
    assert.throws(
      () => decodeManifest('{\n  "meta": {\n    "size": 1,\n  }\n}', '/b/x.manifest'),
      (err: unknown) =>
        err instanceof ManifestError &&
        err.code === 'ERR_BACKUP_MANIFEST' &&
        err.fields['path'] === '/b/x.manifest' &&
        err.fields['line'] === 4 &&
        err.fields['column'] === 3 &&
        err.message.startsWith('/b/x.manifest:4:3: invalid manifest'),
    )
  })

  it('refuses values of the wrong type or range, naming the key', () => {
    const cases: [string, string][] = [
      ['{"meta": [], "files": []}', 'meta'],
      ['{"files": {}}', 'files'],
      ['{"files": [{"shardID": -1}]}', 'files[0].shardID'],
      ['{"files": [{"shardID": 18446744073709551616}]}', 'files[0].shardID'],
      ['{"files": [{"size": 1.5}]}', 'files[0].size'],
      ['{"files": [{"size": -1}]}', 'files[0].size'],
      ['{"files": [{"database": 5}]}', 'files[0].database'],
      ['{"files": [{"sha256": "XYZ"}]}', 'files[0].sha256'],
      ['{"limited": "no"}', 'limited'],
      ['{"tidemark": {"metaSha256": "00"}}', 'tidemark.metaSha256'],
      ['[1, 2]', '(top level)'],
    ]
    for (const [text, key] of cases) {
      assert.throws(
        () => decodeManifest(text, 'm.manifest'),
        (err: unknown) =>
          err instanceof ManifestError &&
          err.message.includes(key) &&
          err.fields['path'] === 'm.manifest',
        text,
      )
    }
  })

  it("formats backup timestamps in Go's 20060102T150405Z layout (UTC, whole seconds)", () => {
    assert.equal(formatBackupTimestamp(new Date('2026-11-25T19:10:20.999Z')), '20261125T191020Z')
    assert.equal(formatBackupTimestamp(new Date('2001-02-03T04:05:06Z')), '20010203T040506Z')
  })
})
