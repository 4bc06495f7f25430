// A backup set written by Tidemark restores into the real influxd 1.6 with `influxd restore
// -portable`. The data: influxd A runs the storage fixtures' "tsm" scenario and backs it up; we
// restore that into our store (new shard IDs 96…106, so one of our shards is 100), write our own
// backup set from the store, and let a fresh influxd B restore it. B must then answer exactly as A
// did — SHOW statements, SELECT * GROUP BY *, and per shard group counts, which only come out
// right when every shard's data went into the right shard. Also: -db/-newdb into A beside the
// original, and an incremental directory of ours (full + one changed shard) restored by influxd.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePoints } from '../../src/lineprotocol/index.js'
import {
  installShards,
  planRestore,
  readBackupSet,
  verifyBackupSet,
  writeBackupSet,
} from '../../src/backup/index.js'
import type { BackupSetShardSpec } from '../../src/backup/index.js'
import { openNode } from '../../src/backup/backup-test-support.js'
import type { TestNode } from '../../src/backup/backup-test-support.js'
import {
  assertInfluxdAnswers,
  assertStoreAnswers,
  captureAnswers,
  runInfluxdTool,
  runTSMScenario,
  settledAnswers,
  shardGroupRanges,
} from '../../src/backup/interop-test-support.js'
import type { Answers } from '../../src/backup/interop-test-support.js'
import { influxdAvailable, requireInfluxd, startInfluxd } from '../helpers/influxd.js'
import type { InfluxdHandle } from '../helpers/influxd.js'
import { assertAllDeepEqual } from './assert-all.js'
import { quoteIdent, resultsOf } from './influxd-steps.js'

describe('restoring a Tidemark backup set into influxd 1.6', () => {
  let root = ''
  let ours = ''
  let a: InfluxdHandle | undefined
  let b: InfluxdHandle | undefined
  let node: TestNode | undefined
  let answers: Answers = new Map()

  function specs(n: TestNode): BackupSetShardSpec[] {
    return n.store.shards().map((shard) => ({
      shard,
      database: shard.database,
      rp: shard.retentionPolicy,
      id: shard.id,
    }))
  }

  before(async () => {
    if (!influxdAvailable()) return
    root = mkdtempSync(join(tmpdir(), 'tidemark-interop-backup-out-'))
    a = await runTSMScenario(join(root, 'a'), false)
    answers = await captureAnswers(a)
    const fromA = join(root, 'from-a')
    const run = await runInfluxdTool(['backup', '-portable', '-host', a.rpcAddress, fromA])
    assert.equal(run.status, 0, run.stdout + run.stderr)
    node = await openNode(join(root, 'tidemark'))
    await node.meta.update((m) => m.with({ maxShardID: 95n, maxShardGroupID: 50n }))
    const n = node
    await installShards(await planRestore(await readBackupSet(fromA), n.meta.data), n.store, n.meta)
    ours = join(root, 'ours')
    // 4 KiB gzip members: every archive is a multi-member gzip stream, which influxd must read.
    await writeBackupSet(ours, {
      meta: n.meta.data,
      shards: specs(n),
      ts: new Date('2026-02-03T04:05:06Z'),
      gzipBlockSizeBytes: 4096,
    })
    b = await startInfluxd()
  })

  after(async () => {
    await a?.stop()
    await b?.stop()
    await node?.close()
    if (root !== '') rmSync(root, { recursive: true, force: true })
  })

  function handles(): { a: InfluxdHandle; b: InfluxdHandle; node: TestNode } {
    assert.ok(a !== undefined && b !== undefined && node !== undefined, 'setup failed')
    return { a, b, node }
  }

  it('writes a set that our own verifier accepts, holding shard 100, its archives multi-member gzip', async (t) => {
    if (!requireInfluxd(t)) return
    const v = await verifyBackupSet(ours)
    assert.ok(
      v.shards.some((s) => s.compressedSize > 3 * 4096),
      'no archive has several gzip members',
    )
    assert.deepEqual(v.warnings, [])
    assert.ok(v.shards.some((s) => s.shardID === 100n))
    assert.equal(v.shards.length, 11)
  })

  it('is restored by `influxd restore -portable` into a fresh influxd that answers exactly as the original', async (t) => {
    if (!requireInfluxd(t)) return
    const { b } = handles()
    const run = await runInfluxdTool(['restore', '-portable', '-host', b.rpcAddress, ours])
    assert.equal(run.status, 0, run.stdout + run.stderr)
    assert.doesNotMatch(run.stdout + run.stderr, /Skipping|error/i)
    for (const db of ['db0', 'db1']) await assertInfluxdAnswers(b, answers, db)
  })

  it('puts every shard into the shard group of its time range (per-group counts equal)', async (t) => {
    if (!requireInfluxd(t)) return
    const { a, b } = handles()
    for (const [db, rp] of [
      ['db0', 'autogen'],
      ['db0', 'rp_long'],
      ['db1', 'autogen'],
    ] as const) {
      const groups = await shardGroupRanges(a, db, rp)
      assert.deepEqual(await shardGroupRanges(b, db, rp), groups)
      const q = groups
        .map(
          ([start, end]) =>
            `SELECT count(*) FROM ${quoteIdent(db)}.${quoteIdent(rp)}./.*/ WHERE time >= '${start}' AND time < '${end}' GROUP BY *`,
        )
        .join('; ')
      const want = resultsOf(await a.query(q))
      const got = resultsOf(await b.query(q))
      assertAllDeepEqual(
        groups.map(([start], i) => [`${db}.${rp} group ${start}`, got[i], want[i]]),
      )
    }
  })

  it('is restored one database at a time under a new name with -db -newdb, beside the original', async (t) => {
    if (!requireInfluxd(t)) return
    const { a } = handles()
    const run = await runInfluxdTool([
      'restore',
      '-portable',
      '-host',
      a.rpcAddress,
      '-db',
      'db0',
      '-newdb',
      'db0copy',
      ours,
    ])
    assert.equal(run.status, 0, run.stdout + run.stderr)
    await assertInfluxdAnswers(a, answers, 'db0', 'db0copy')
    await assertInfluxdAnswers(a, answers, 'db0')
  })

  it('is restored from an incremental directory: influxd takes the newest archive of each shard', async (t) => {
    if (!requireInfluxd(t)) return
    const { b, node } = handles()
    const shard = node.store.shards().find((s) => s.database === 'db1')
    assert.ok(shard !== undefined)
    const group = node.meta.data.databases
      .find((d) => d.name === 'db1')
      ?.retentionPolicies[0]?.shardGroups.find((g) =>
        g.shards.some((s) => BigInt(shard.id) === s.id),
      )
    assert.ok(group !== undefined)
    const point = `added,k=v x=7i ${group.startTimeNs + 1_000_000_000n}`
    await shard.writePoints(parsePoints(new TextEncoder().encode(point), { precision: 'n' }).points)
    const inc = await writeBackupSet(ours, {
      meta: node.meta.data,
      shards: specs(node),
      ts: new Date('2026-02-03T05:00:00Z'),
      since: 'last',
    })
    assert.deepEqual(
      inc.manifest.files.map((f) => f.shardID),
      [BigInt(shard.id)],
    )
    const run = await runInfluxdTool([
      'restore',
      '-portable',
      '-host',
      b.rpcAddress,
      '-db',
      'db1',
      '-newdb',
      'db1inc',
      ours,
    ])
    assert.equal(run.status, 0, run.stdout + run.stderr)
    const got = await settledAnswers(b, ['db1inc'])
    await assertStoreAnswers(node.store, got, 'db1inc', 'db1')
    assert.ok(JSON.stringify(got.get('db1inc.measurements')).includes('added'))
  })
})
