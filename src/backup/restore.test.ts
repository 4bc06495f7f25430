import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parsePoints } from '../lineprotocol/index.js'
import {
  installShards,
  planRestore,
  readBackupSet,
  recoverRestores,
  RESTORE_DATABASE_EXISTS_TEXT,
  RestoreFailedError,
  RestoreOptionsError,
  RestoreRefusedError,
  writeBackupSet,
} from './index.js'
import type { RestoreOptions, RestoreResult } from './index.js'
import { dumpStore, fillNode, listTree, openNode, tempDir } from './backup-test-support.js'
import type { TestNode } from './backup-test-support.js'

let root = ''
let src: TestNode
let target: TestNode
let dir = ''

beforeEach(async () => {
  root = await tempDir()
  src = await openNode(join(root, 'src'))
  const specs = await fillNode(src, 8n) // shard IDs 8, 9, 10, 11
  await src.meta.update((m) =>
    m.createContinuousQuery(
      'db0',
      'cq1',
      'CREATE CONTINUOUS QUERY cq1 ON db0 BEGIN SELECT mean(v) INTO m2 FROM cpu GROUP BY time(1h) END',
    ),
  )
  dir = join(root, 'backup')
  await writeBackupSet(dir, {
    meta: src.meta.data,
    shards: specs,
    ts: new Date('2026-01-01T00:00:00Z'),
  })
  target = await openNode(join(root, 'target'))
})
afterEach(async () => {
  await src.close()
  await target.close()
  await rm(root, { recursive: true, force: true })
})

async function restore(options: RestoreOptions = {}, node = target): Promise<RestoreResult> {
  const plan = await planRestore(await readBackupSet(dir), node.meta.data, options)
  return installShards(plan, node.store, node.meta)
}

async function writeTo(node: TestNode, db: string): Promise<void> {
  await node.meta.update((m) =>
    m.createDatabase(db).createShardGroup(db, 'autogen', 1578300000000000000n),
  )
  const id =
    node.meta.data.databases.find((d) => d.name === db)?.retentionPolicies[0]?.shardGroups[0]
      ?.shards[0]?.id ?? 0n
  const shard = await node.store.createShard(db, 'autogen', Number(id))
  await shard.writePoints(
    parsePoints(new TextEncoder().encode('x v=1 1578300000000000000'), { precision: 'n' }).points,
  )
  await shard.snapshot() // also waits for fields.idx, which is saved in the background after a write
}

describe('restore', () => {
  it('restores a whole set into an empty node with new shard IDs, the same data, and the metadata saved last', async () => {
    await target.meta.update((m) => m.with({ maxShardID: 97n, maxShardGroupID: 20n }))
    const r = await restore()
    assert.deepEqual(
      r.shards.map((s) => [s.sourceID, s.newID]),
      [
        [8n, 98n],
        [9n, 99n],
        [10n, 100n],
        [11n, 101n],
      ],
    )
    assert.deepEqual(await dumpStore(target.store), await dumpStore(src.store))
    // Shard 10 (db0.rp2) landed in directory 100, holding the data of its own time range.
    const files100 = await readdir(join(target.root, 'data', 'db0', 'rp2', '100'))
    assert.ok(
      files100.some((n) => n.endsWith('.tsm')) && !files100.some((n) => n.endsWith('.tombstone')),
      files100.join(', '),
    )
    const s100 = target.store.mustShard(100)
    const g = target.meta.data.databases
      .find((d) => d.name === 'db0')
      ?.retentionPolicies.find((p) => p.name === 'rp2')
      ?.shardGroups.find((x) => x.shards.some((s) => s.id === 100n))
    assert.ok(g !== undefined)
    const v = await s100.read('cpu,host=b#!~#v')
    assert.ok(
      v !== undefined &&
        v.times.length > 0 &&
        v.times.every((t) => t >= g.startTimeNs && t < g.endTimeNs),
    )
    assert.deepEqual(
      target.meta.data.databases.map((d) => d.name),
      ['db0', 'db1'],
    )
    assert.equal(target.meta.data.maxShardID, 101n)
    assert.deepEqual(
      target.meta.data.databases[0]?.continuousQueries.map((c) => c.name),
      ['cq1'],
      'a full restore brings the CQs',
    )
    assert.deepEqual(
      (await readdir(join(target.root, 'data', 'db0', 'autogen'))).sort(),
      ['98', '99'],
      'no temp directories left',
    )
  })

  it('restores one database under a new name (-db -newdb) beside the original', async () => {
    await restore({ db: 'db0' })
    const r = await restore({ db: 'db0', newdb: 'copy' })
    assert.deepEqual(
      r.shards.map((s) => s.database),
      ['copy', 'copy', 'copy'],
    )
    const all = await dumpStore(target.store)
    assert.deepEqual(all['copy.autogen'], all['db0.autogen'])
    assert.deepEqual(all['copy.rp2'], all['db0.rp2'])
    assert.deepEqual(all['db0.autogen'], (await dumpStore(src.store))['db0.autogen'])
    assert.equal(
      target.meta.data.databases.find((d) => d.name === 'copy')?.continuousQueries.length,
      0,
      'a CQ names its database: not copied under a new name',
    )
  })

  it("restores one retention policy under a new name as the default (-rp -newrp), and only one shard's data with -shard", async () => {
    await restore({ db: 'db0', rp: 'rp2', newdb: 'x', newrp: 'daily' })
    const x = target.meta.data.databases.find((d) => d.name === 'x')
    assert.equal(x?.defaultRetentionPolicy, 'daily')
    assert.deepEqual(
      x?.retentionPolicies.map((p) => p.name),
      ['daily'],
    )
    assert.deepEqual(
      (await dumpStore(target.store))['x.daily'],
      (await dumpStore(src.store))['db0.rp2'],
    )
    const r = await restore({ db: 'db0', rp: 'autogen', newdb: 'y', shard: 9 })
    assert.deepEqual(
      r.shards.map((s) => s.sourceID),
      [9n],
    )
    assert.equal(r.emptyShards.length, 1, 'the other shard of the restored RP exists, empty')
    const empty = target.store.mustShard(Number(r.emptyShards[0]))
    assert.deepEqual(empty.keys(), [])
  })

  it("refuses a target database that holds data with the seed's text, changing nothing", async () => {
    await writeTo(target, 'db1')
    const before = await listTree(target.root)
    const meta = target.meta.data
    await assert.rejects(
      restore(),
      (err: unknown) =>
        err instanceof RestoreRefusedError &&
        err.code === 'ERR_BACKUP_RESTORE_REFUSED' &&
        err.message === RESTORE_DATABASE_EXISTS_TEXT &&
        err.fields['database'] === 'db1',
    )
    await assert.rejects(
      restore({ db: 'db1' }),
      (err: unknown) =>
        err instanceof RestoreRefusedError && err.message === RESTORE_DATABASE_EXISTS_TEXT,
    )
    assert.deepEqual(await listTree(target.root), before)
    assert.equal(target.meta.data, meta)
  })

  it('replaces a target database that exists without data, keeping its continuous queries', async () => {
    await target.meta.update((m) =>
      m
        .createDatabase('db1')
        .createContinuousQuery(
          'db1',
          'keep',
          'CREATE CONTINUOUS QUERY keep ON db1 BEGIN SELECT count(t) INTO c FROM weather GROUP BY time(1d) END',
        ),
    )
    await restore({ db: 'db1' })
    const db1 = target.meta.data.databases.find((d) => d.name === 'db1')
    assert.deepEqual(
      db1?.continuousQueries.map((c) => c.name),
      ['keep'],
    )
    assert.deepEqual(
      (await dumpStore(target.store))['db1.autogen'],
      (await dumpStore(src.store))['db1.autogen'],
    )
  })

  it("refuses names the backup lacks with the metastore reason in the seed's form", async () => {
    await assert.rejects(
      restore({ db: 'nope' }),
      (err: unknown) =>
        err instanceof RestoreRefusedError &&
        err.message ===
          'restore: operation exited with error: problem setting snapshot: imported metadata does not have datbase named nope',
    )
    await assert.rejects(
      restore({ db: 'db0', rp: 'nope' }),
      /retention Policy not found in meta backup: db0\.nope/,
    )
  })

  it('refuses contradictory flags with ERR_BACKUP_RESTORE_OPTIONS', async () => {
    for (const [options, reason] of [
      [{ newdb: 'x' }, /-newdb requires -db/],
      [{ rp: 'autogen' }, /-rp requires -db/],
      [{ db: 'db0', newrp: 'x' }, /-newrp requires -rp/],
      [{ newrf: 0 }, /-newrf/],
      [{ shard: 77 }, /shard 77 is not in the backup/],
      [{ db: 'db0', newdb: '..' }, /-newdb "\.\." is not a valid name/],
      [{ db: 'db0', newdb: 'a/b' }, /-newdb "a\/b" is not a valid name/],
      [{ db: 'db0', rp: 'autogen', newrp: '../x' }, /-newrp "\.\.\/x" is not a valid name/],
    ] as const) {
      await assert.rejects(
        restore(options),
        (err: unknown) => err instanceof RestoreOptionsError && reason.test(err.message),
      )
    }
  })

  it('sets -newrf capped to the number of data nodes', async () => {
    await target.meta.update((m) =>
      m.createDataNode('h1:8086', 'h1:8088').createDataNode('h2:8086', 'h2:8088'),
    )
    await restore({ db: 'db0', newrf: 3 })
    assert.deepEqual(
      target.meta.data.databases
        .find((d) => d.name === 'db0')
        ?.retentionPolicies.map((p) => p.replicaN),
      [2, 2],
    )
  })

  it('rolls back everything when an archive turns out damaged: no shard, no directory, no metadata change', async () => {
    const set = await readBackupSet(dir)
    const last = set.shards[set.shards.length - 1]
    assert.ok(last !== undefined)
    const plan = await planRestore(set, target.meta.data)
    await writeFile(last.path, 'not gzip at all')
    const before = await listTree(target.root)
    const meta = target.meta.data
    await assert.rejects(
      installShards(plan, target.store, target.meta),
      (err: unknown) =>
        (err as { code?: string }).code === 'ERR_BACKUP_GZIP' &&
        (err as { fields: Record<string, unknown> }).fields['path'] === last.path,
    )
    assert.deepEqual(await listTree(target.root), before)
    assert.equal(target.meta.data, meta)
    assert.deepEqual(target.store.shards(), [])
  })

  it('rolls back every shard opened beside one that fails to open (shards open several at once)', async () => {
    const plan = await planRestore(await readBackupSet(dir), target.meta.data)
    assert.ok(plan.shards.length >= 3)
    const failing = Number(plan.shards[1]?.newID)
    const store = target.store
    const seen: number[] = []
    // The store of the target, except that one shard's open fails after a while.
    const flaky = new Proxy(store, {
      get(t, name, receiver) {
        if (name !== 'createShard') {
          const v = Reflect.get(t, name, receiver) as unknown
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v
        }
        return async (db: string, rp: string, id: number) => {
          seen.push(id)
          if (id !== failing) return store.createShard(db, rp, id)
          await new Promise((r) => setTimeout(r, 50))
          throw new Error(`disk gone while opening shard ${id}`)
        }
      },
    })
    const before = await listTree(target.root)
    const meta = target.meta.data
    await assert.rejects(
      installShards(plan, flaky, target.meta),
      (err: unknown) =>
        err instanceof RestoreFailedError &&
        new RegExp(`rolled back: disk gone while opening shard ${failing}`).test(err.message),
    )
    assert.ok(seen.length > 2, `shards open side by side: ${seen.length} started before one failed`)
    assert.deepEqual(store.shards(), [])
    assert.deepEqual(await listTree(target.root), before)
    assert.equal(target.meta.data, meta)
  })

  it('rolls back when the metadata allocated shard IDs after planning (ERR_BACKUP_RESTORE_FAILED)', async () => {
    const plan = await planRestore(await readBackupSet(dir), target.meta.data)
    await target.meta.update((m) =>
      m.createDatabase('other').createShardGroup('other', 'autogen', 0n),
    )
    const before = await listTree(target.root)
    await assert.rejects(
      installShards(plan, target.store, target.meta),
      (err: unknown) =>
        err instanceof RestoreFailedError && /plan the restore again/.test(err.message),
    )
    assert.deepEqual(await listTree(target.root), before)
    assert.deepEqual(
      target.meta.data.databases.map((d) => d.name),
      ['other'],
    )
  })
})

describe('a restore whose client goes away before the commit is answered', () => {
  it('is rolled back when the signal fires before the metadata is saved, and a rerun succeeds', async () => {
    const before = await listTree(target.root)
    const metaBefore = target.meta.data
    const plan = await planRestore(await readBackupSet(dir), target.meta.data)
    const gone = new AbortController()
    await assert.rejects(
      installShards(plan, target.store, target.meta, {
        signal: gone.signal,
        onShard: () => gone.abort(), // the client is killed while the archives extract
      }),
      (err: unknown) =>
        err instanceof RestoreFailedError && /its client went away/.test(err.message),
    )
    assert.deepEqual(await listTree(target.root), before, 'nothing of the restore is left')
    assert.equal(target.meta.data, metaBefore, 'the metadata did not change')
    const again = await installShards(
      await planRestore(await readBackupSet(dir), target.meta.data),
      target.store,
      target.meta,
    )
    assert.ok(again.shards.length > 0)
  })
})

describe('a node that dies between moving shards into place and saving the metadata', () => {
  it('undoes the moved shards at start-up (the journal), and a second restore then succeeds', async () => {
    const plan = await planRestore(await readBackupSet(dir), target.meta.data)
    // Phase 3 never completes: the process "dies" while saving the metadata.
    let saving = false
    const hanging = {
      data: target.meta.data,
      update: (): Promise<never> => {
        saving = true
        return new Promise<never>(() => undefined)
      },
    }
    void installShards(plan, target.store, hanging)
    const journal = async (): Promise<string[]> =>
      (await readdir(join(target.root, 'data'))).filter((n) => n.startsWith('.restore-journal-'))
    const finals = plan.shards.map((s) =>
      join(target.root, 'data', s.database, s.retentionPolicy, String(s.newID)),
    )
    for (
      let i = 0;
      i < 500 && !(saving && finals.every((d) => existsSync(d)) && (await journal()).length === 1);
      i++
    )
      await new Promise((r) => setTimeout(r, 10))
    assert.ok(saving, 'phase 3 (saving the metadata) began')
    assert.equal((await journal()).length, 1, 'the journal is written before the shards move')
    assert.ok(
      finals.every((d) => existsSync(d)),
      'phase 2 ran',
    )

    // A second restore died while writing its journal: only the temp file is there.
    await writeFile(join(target.root, 'data', '.restore-journal-interrupted.json.tmp'), '{"sha')

    // "Restart": a fresh store and metastore on the same directories.
    const restarted = await openNode(target.root)
    try {
      const r = await recoverRestores(restarted.store, restarted.meta.data)
      assert.equal(r.journals, 1)
      // The directories the restore made for its databases go too, in data and WAL alike.
      for (const top of ['data', 'wal'])
        for (const db of new Set(plan.shards.map((s) => s.database)))
          assert.ok(!existsSync(join(target.root, top, db)), `${top}/${db} is gone`)
      assert.deepEqual(
        r.removed.map((s) => s.id).sort(),
        plan.shards
          .map((s) => Number(s.newID))
          .concat(plan.emptyShards.map((s) => Number(s.id)))
          .sort(),
      )
      assert.ok(
        finals.every((d) => !existsSync(d)),
        'the moved shards are gone',
      )
      assert.deepEqual(await journal(), [])
      assert.deepEqual(
        restarted.store.shards().map((s) => s.id),
        [],
      )
      assert.deepEqual(
        restarted.meta.data.databases.map((d) => d.name),
        [],
      )
      // Recovery of a restore that did save its metadata keeps everything.
      const again = await installShards(
        await planRestore(await readBackupSet(dir), restarted.meta.data),
        restarted.store,
        restarted.meta,
      )
      assert.ok(again.shards.length > 0)
      const kept = await recoverRestores(restarted.store, restarted.meta.data)
      assert.deepEqual(kept, { journals: 0, removed: [] })
      assert.deepEqual(
        await dumpStore(restarted.store, ['db0', 'db1']),
        await dumpStore(src.store, ['db0', 'db1']),
      )
    } finally {
      await restarted.close()
    }
  })
})
