// A portable backup made by the real influxd 1.6 restores into Tidemark. influxd runs the storage
// fixtures' "tsm" scenario (every input batch with its db, rp and precision; the restart and the
// compaction block that keep tombstone files; the deletes), its answers are captured, and
// `influxd backup -portable` backs it up. Our verifier must accept the set, our restore must
// install it into a fresh store and metastore (new shard IDs, chosen so that some end in zeros),
// applying the tombstone files influxd ships, and our engine must then answer exactly as influxd
// did.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  installShards,
  planRestore,
  readBackupSet,
  RESTORE_DATABASE_EXISTS_TEXT,
  RestoreRefusedError,
  verifyBackupSet,
} from '../../src/backup/index.js'
import type { RestoreResult, VerifyResult } from '../../src/backup/index.js'
import { listTree, openNode } from '../../src/backup/backup-test-support.js'
import type { TestNode } from '../../src/backup/backup-test-support.js'
import {
  assertStoreAnswers,
  captureAnswers,
  runInfluxdTool,
  runTSMScenario,
} from '../../src/backup/interop-test-support.js'
import type { Answers } from '../../src/backup/interop-test-support.js'
import { influxdAvailable, requireInfluxd } from '../helpers/influxd.js'

describe('restoring a portable backup made by influxd 1.6 into Tidemark', () => {
  let root = ''
  let backupDir = ''
  let answers: Answers = new Map()
  let backupLog = ''
  let node: TestNode | undefined
  let verified: VerifyResult | undefined
  let restored: RestoreResult | undefined

  before(async () => {
    if (!influxdAvailable()) return
    root = mkdtempSync(join(tmpdir(), 'tidemark-interop-backup-in-'))
    backupDir = join(root, 'backup')
    const h = await runTSMScenario(join(root, 'influxd'), true)
    try {
      answers = await captureAnswers(h)
      const run = await runInfluxdTool(['backup', '-portable', '-host', h.rpcAddress, backupDir])
      backupLog = run.stdout + run.stderr
      assert.equal(run.status, 0, backupLog)
    } finally {
      await h.stop()
    }
    node = await openNode(join(root, 'tidemark'))
    // New shard IDs 96…106: source shard 11 becomes 100, source shard 10 becomes 106.
    await node.meta.update((m) => m.with({ maxShardID: 95n, maxShardGroupID: 50n }))
  })

  after(async () => {
    await node?.close()
    if (root !== '') rmSync(root, { recursive: true, force: true })
  })

  function target(): TestNode {
    assert.ok(node !== undefined, 'setup failed')
    return node
  }

  it('accepts the set in verification, tombstone files included', async (t) => {
    if (!requireInfluxd(t)) return
    verified = await verifyBackupSet(backupDir)
    assert.deepEqual(
      verified.shards.map((s) => s.shardID),
      [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n],
      backupLog,
    )
    assert.ok(
      verified.shards.some((s) => s.tombstoneFiles > 0),
      'influxd shipped no tombstone file',
    )
    assert.deepEqual(
      verified.warnings.map((w) => w.code),
      ['unchecked'],
    )
    assert.equal(
      verified.set.manifests[0]?.manifest.files.every((f) => f.lastModified === 0n),
      true,
    )
  })

  it('restores it into a fresh store and metastore with new shard IDs', async (t) => {
    if (!requireInfluxd(t)) return
    const n = target()
    const plan = await planRestore(await readBackupSet(backupDir), n.meta.data)
    restored = await installShards(plan, n.store, n.meta)
    assert.deepEqual(
      restored.shards.map((s) => [s.sourceID, s.newID]),
      [1n, 2n, 3n, 4n, 11n, 5n, 6n, 7n, 8n, 9n, 10n]
        .map((id, i) => [id, 96n + BigInt(i)])
        .sort((a, b) => Number((a[0] ?? 0n) - (b[0] ?? 0n))),
    )
    assert.deepEqual(
      n.meta.data.databases.map((d) => d.name),
      ['db0', 'db1'],
    )
    assert.deepEqual(n.store.failedShards(), [])
  })

  it('answers SHOW and SELECT * GROUP BY * exactly as influxd did, deleted data staying deleted', async (t) => {
    if (!requireInfluxd(t)) return
    for (const db of ['db0', 'db1']) await assertStoreAnswers(target().store, answers, db)
  })

  it("puts every shard's data into the shard of its own time range, shard IDs ending in zeros too", async (t) => {
    if (!requireInfluxd(t)) return
    const n = target()
    const ids = new Set((restored?.shards ?? []).map((s) => s.newID))
    assert.ok(ids.has(100n) && ids.has(105n))
    for (const db of n.meta.data.databases) {
      for (const rp of db.retentionPolicies) {
        for (const g of rp.shardGroups) {
          for (const s of g.shards) {
            const shard = n.store.mustShard(Number(s.id))
            assert.equal(shard.database, db.name)
            assert.equal(shard.retentionPolicy, rp.name)
            assert.deepEqual(
              readdirSync(join(n.root, 'data', db.name, rp.name, String(s.id))).filter((f) =>
                f.endsWith('.tombstone'),
              ),
              [],
            )
            for (const key of shard.keys()) {
              const v = await shard.read(key)
              for (const time of v?.times ?? []) {
                assert.ok(
                  time >= g.startTimeNs && time < g.endTimeNs,
                  `shard ${s.id} holds ${key} at ${time}, outside its group`,
                )
              }
            }
          }
        }
      }
    }
  })

  it('restores one database under a new name with -db -newdb', async (t) => {
    if (!requireInfluxd(t)) return
    const n = target()
    const plan = await planRestore(await readBackupSet(backupDir), n.meta.data, {
      db: 'db1',
      newdb: 'db1copy',
    })
    await installShards(plan, n.store, n.meta)
    await assertStoreAnswers(n.store, answers, 'db1', 'db1copy')
  })

  it("refuses to restore over databases that hold data, with the seed's text, changing nothing", async (t) => {
    if (!requireInfluxd(t)) return
    const n = target()
    const before = await listTree(n.root)
    const meta = n.meta.data
    await assert.rejects(
      (async () =>
        installShards(
          await planRestore(await readBackupSet(backupDir), n.meta.data),
          n.store,
          n.meta,
        ))(),
      (err: unknown) =>
        err instanceof RestoreRefusedError && err.message === RESTORE_DATABASE_EXISTS_TEXT,
    )
    assert.deepEqual(await listTree(n.root), before)
    assert.equal(n.meta.data, meta)
  })
})
