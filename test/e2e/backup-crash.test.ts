// A backup killed half-way leaves no manifest for its timestamp (the manifest is the completion
// marker), and the next backup into the same directory is complete and restores every point. A
// restore killed half-way changes nothing; a node killed mid-stream and a disk that refuses the
// writes fail the backup with exit 1 and leave no archive or manifest; a restore or a verify whose
// disk refuses the writes fails naming the file and changes nothing.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTidemarkd } from '../helpers/tidemarkd.js'

const CTL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/tidemark-ctl.js')

function ctl(
  args: readonly string[],
  killWhen?: () => boolean,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [CTL, ...args])
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    let timer: NodeJS.Timeout | undefined
    if (killWhen !== undefined) {
      timer = setInterval(() => {
        if (killWhen()) p.kill('SIGKILL')
      }, 2)
    }
    p.on('close', (code, signal) => {
      clearInterval(timer)
      done({ code, signal, stdout, stderr })
    })
  })
}

/**
 * tidemark-ctl under a file size limit (`ulimit -f`, in 512-byte blocks), which stands in for a
 * full disk: writes past it fail with EFBIG, SIGXFSZ ignored so that the write reports it instead
 * of the signal ending the process.
 */
function ctlUnderFileLimit(
  kib: number,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(
      '/bin/sh',
      ['-c', `trap "" XFSZ; ulimit -f ${kib * 2}; exec "$0" "$@"`, process.execPath, CTL, ...args],
      { env: { ...process.env, ...env } },
    )
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('close', (code) => done({ code, stdout, stderr }))
  })
}

describe('restore killed half-way', () => {
  it('changes nothing in the target, and a rerun restores everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-restore-crash-'))
    const source = await startTidemarkd()
    let target = await startTidemarkd()
    try {
      await source.query('CREATE DATABASE db')
      const week = 7n * 24n * 3_600_000_000_000n
      const lines: string[] = []
      for (let w = 0; w < 20; w++)
        for (let i = 0; i < 200; i++)
          lines.push(
            `m,w=${w} v=${i}i ${1577836800000000000n + BigInt(w) * week + BigInt(i) * 1_000_000_000n}`,
          )
      assert.equal((await source.write('db', lines.join('\n'))).status, 204)
      assert.equal((await ctl(['-bind', source.metaAddress, 'backup', dir])).code, 0)

      const dataDir = join(target.root, 'data')
      const staging = (): boolean =>
        existsSync(dataDir) && readdirSync(dataDir).some((n) => n.startsWith('.restore-staging-'))
      const killed = await ctl(['-bind', target.metaAddress, 'restore', dir], staging)
      assert.equal(
        killed.signal,
        'SIGKILL',
        `the restore finished before it could be killed: ${killed.stdout}`,
      )
      const dbs = (await target.query('SHOW DATABASES')) as {
        results: { series?: { values?: unknown[][] }[] }[]
      }
      assert.equal(
        dbs.results[0]?.series?.[0]?.values,
        undefined,
        'the killed restore created nothing',
      )
      // A restart removes the abandoned upload; the rerun restores everything.
      const root = target.root
      await target.stop({ keep: true })
      target = await startTidemarkd({ root })
      assert.equal(staging(), false)
      const rerun = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(rerun.code, 0, rerun.stderr)
      const r = (await target.query('SELECT count(v) FROM m', { db: 'db' })) as {
        results: { series?: { values: unknown[][] }[] }[]
      }
      assert.equal(r.results[0]?.series?.[0]?.values[0]?.[1], 4000)
    } finally {
      await source.stop()
      await target.stop()
      rmSync(target.root, { recursive: true, force: true })
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('backup killed half-way', () => {
  it('leaves no manifest for the killed run, and the next backup is complete and restorable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-backup-crash-'))
    const source = await startTidemarkd()
    const target = await startTidemarkd()
    try {
      await source.query('CREATE DATABASE db')
      // 30 weekly shard groups, so the backup takes a while.
      const week = 7n * 24n * 3_600_000_000_000n
      const lines: string[] = []
      for (let w = 0; w < 30; w++)
        for (let i = 0; i < 200; i++)
          lines.push(
            `m,w=${w} v=${w * 1000 + i}i ${1577836800000000000n + BigInt(w) * week + BigInt(i) * 1_000_000_000n}`,
          )
      assert.equal((await source.write('db', lines.join('\n'))).status, 204)

      const killed = await ctl(['-bind', source.metaAddress, 'backup', dir], () =>
        readdirSync(dir).some((n) => n.includes('.tar.gz')),
      )
      assert.equal(
        killed.signal,
        'SIGKILL',
        `the backup finished before it could be killed: ${killed.stdout}`,
      )
      const ts = readdirSync(dir)
        .find((n) => n.endsWith('.meta'))
        ?.slice(0, 16)
      assert.ok(ts !== undefined)
      assert.equal(
        existsSync(join(dir, `${ts}.manifest`)),
        false,
        'a killed backup must not leave a manifest',
      )

      const again = await ctl(['-bind', source.metaAddress, 'backup', dir])
      assert.equal(again.code, 0, again.stderr)
      const verify = await ctl(['verify', dir])
      assert.equal(verify.code, 0, verify.stdout + verify.stderr)
      const restore = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(restore.code, 0, restore.stderr)
      const r = (await target.query('SELECT count(v) FROM m', { db: 'db' })) as {
        results: { series?: { values: unknown[][] }[] }[]
      }
      assert.equal(r.results[0]?.series?.[0]?.values[0]?.[1], 6000)
    } finally {
      await source.stop()
      await target.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('data node killed while it streams an archive', () => {
  it('fails the backup with exit 1, leaving neither the partial archive nor a manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-backup-nodekill-'))
    const source = await startTidemarkd()
    try {
      await source.query('CREATE DATABASE db')
      // Incompressible floats in one shard: the archive takes long enough to stream to be cut.
      let x = 12345
      for (let b = 0; b < 20; b++) {
        const lines: string[] = []
        for (let i = 0; i < 20_000; i++) {
          x = (x * 1103515245 + 12345) % 2147483648
          lines.push(
            `m,s=s${i % 50} v=${x / 7919},w=${(x % 1000) / 3} ${1577836800000000000n + BigInt(b * 20_000 + i) * 1_000_000n}`,
          )
        }
        assert.equal((await source.write('db', lines.join('\n'))).status, 204)
      }
      let killed = false
      const watch = setInterval(() => {
        if (killed) return
        const tmp = readdirSync(dir).find((n) => n.endsWith('.tar.gz.tmp'))
        if (tmp !== undefined && statSync(join(dir, tmp), { throwIfNoEntry: false })?.size !== 0) {
          killed = true
          void source.kill()
        }
      }, 1)
      const r = await ctl(['-bind', source.metaAddress, 'backup', '-strategy', 'full', dir])
      clearInterval(watch)
      assert.ok(killed, `the backup finished before the node could be killed: ${r.stdout}`)
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(r.stderr, /cut off|stopped before the end|socket hang up|ECONNRESET/)
      assert.deepEqual(
        readdirSync(dir).filter((n) => n.includes('.tar.gz') || n.endsWith('.manifest')),
        [],
      )
    } finally {
      await source.stop().catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a backup whose disk refuses the writes', () => {
  it('fails with exit 1 naming the file it could not write, leaving neither it nor a manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-backup-full-'))
    const source = await startTidemarkd()
    try {
      await source.query('CREATE DATABASE db')
      const lines: string[] = []
      for (let i = 0; i < 20_000; i++)
        lines.push(
          `m,s=s${i % 20} v=${Math.random()} ${1577836800000000000n + BigInt(i) * 1_000_000n}`,
        )
      assert.equal((await source.write('db', lines.join('\n'))).status, 204)
      // A 32 KiB file size limit stands in for a full disk.
      const r = await ctlUnderFileLimit(32, [
        '-bind',
        source.metaAddress,
        'backup',
        '-strategy',
        'full',
        dir,
      ])
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(r.stderr, /cannot write \S+\.s\d+\.tar\.gz\.tmp after 32768 bytes: EFBIG/)
      assert.deepEqual(
        readdirSync(dir).filter((n) => n.includes('.tar.gz') || n.endsWith('.manifest')),
        [],
      )
    } finally {
      await source.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a restore whose target disk refuses the writes', () => {
  it('fails with exit 1 naming the problem, changes nothing, and a rerun once there is room restores everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-restore-full-'))
    const source = await startTidemarkd()
    // Files on the target may not pass 256 KiB: the shard's TSM file (~1 MB) cannot be written.
    let target = await startTidemarkd({ fileSizeLimitKiB: 256 })
    try {
      await source.query('CREATE DATABASE db')
      const lines: string[] = []
      for (let i = 0; i < 100_000; i++)
        lines.push(
          `m,s=s${i % 10} v=${Math.random()} ${1577836800000000000n + BigInt(i) * 1_000_000n}`,
        )
      assert.equal((await source.write('db', lines.join('\n'))).status, 204)
      assert.equal((await ctl(['-bind', source.metaAddress, 'backup', dir])).code, 0)

      const r = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(r.code, 1, r.stdout + r.stderr)
      // Which node, which archive and entry, which file and what the system said.
      assert.match(
        r.stderr,
        /node 127\.0\.0\.1:\d+: \S+\.s\d+\.tar\.gz, entry "db\/autogen\/\d+\/\d+-\d+\.tsm": cannot write \S+\.tsm: EFBIG/,
      )
      const dbs = (await target.query('SHOW DATABASES')) as {
        results: { series?: { values?: unknown[][] }[] }[]
      }
      assert.equal(
        dbs.results[0]?.series?.[0]?.values,
        undefined,
        'the failed restore created nothing',
      )
      const dataDir = join(target.root, 'data')
      assert.deepEqual(existsSync(dataDir) ? readdirSync(dataDir) : [], [])

      const root = target.root
      await target.stop({ keep: true })
      target = await startTidemarkd({ root })
      const rerun = await ctl(['-bind', target.metaAddress, 'restore', dir])
      assert.equal(rerun.code, 0, rerun.stderr)
      const n = (await target.query('SELECT count(v) FROM m', { db: 'db' })) as {
        results: { series?: { values: unknown[][] }[] }[]
      }
      assert.equal(n.results[0]?.series?.[0]?.values[0]?.[1], 100_000)
    } finally {
      await source.stop()
      await target.stop()
      rmSync(target.root, { recursive: true, force: true })
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('verify whose scratch disk refuses the writes', () => {
  it('fails with exit 1 naming the archive, entry and scratch file, and leaves no scratch directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-verify-full-'))
    const scratch = mkdtempSync(join(tmpdir(), 'tidemark-verify-scratch-'))
    const source = await startTidemarkd()
    try {
      await source.query('CREATE DATABASE db')
      const lines: string[] = []
      for (let i = 0; i < 100_000; i++)
        lines.push(`m v=${Math.random()} ${1577836800000000000n + BigInt(i) * 1_000_000n}`)
      assert.equal((await source.write('db', lines.join('\n'))).status, 204)
      assert.equal((await ctl(['-bind', source.metaAddress, 'backup', dir])).code, 0)
      // 256 KiB per file: the ~1 MB TSM file cannot be unpacked.
      const r = await ctlUnderFileLimit(256, ['verify', dir], { TMPDIR: scratch })
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(
        r.stdout + r.stderr,
        /FAILED ERR_BACKUP_WRITE: \S+\.s\d+\.tar\.gz, entry "db\/autogen\/\d+\/\d+-\d+\.tsm": cannot write \S+tidemark-verify-\S+\.tsm: EFBIG/,
      )
      assert.deepEqual(readdirSync(scratch), [])
    } finally {
      await source.stop()
      rmSync(dir, { recursive: true, force: true })
      rmSync(scratch, { recursive: true, force: true })
    }
  })
})
