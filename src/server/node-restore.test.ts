import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  abandonRestore,
  inRestoreSession,
  receiveFile,
  RestoreRequestError,
  stagingDir,
  sweepAbandonedRestores,
} from './node-restore.js'

describe('sweepAbandonedRestores', () => {
  it('removes staging directories idle that long, never one whose restore has a request running', async () => {
    const data = await mkdtemp(join(tmpdir(), 'tidemark-sweep-'))
    try {
      const HOUR = 3_600_000
      const idle = stagingDir(data, 'aaaaaaaaaaaa')
      const fresh = stagingDir(data, 'bbbbbbbbbbbb')
      const busy = stagingDir(data, 'cccccccccccc')
      for (const d of [idle, fresh, busy, join(data, 'db', 'autogen')])
        await mkdir(d, { recursive: true })
      const old = new Date(Date.now() - 2 * HOUR)
      for (const d of [idle, busy]) await utimes(d, old, old)

      let finish = (): void => undefined
      const running = inRestoreSession(busy, () => new Promise<void>((r) => (finish = r)))
      assert.deepEqual(await sweepAbandonedRestores(data, HOUR), [idle])
      assert.ok(existsSync(busy) && existsSync(fresh) && existsSync(join(data, 'db')))

      // Its last request just ended: idle again only an hour from now.
      finish()
      await running
      assert.deepEqual(await sweepAbandonedRestores(data, HOUR), [])
      const later = Date.now() + HOUR + 1000
      assert.deepEqual(
        (await sweepAbandonedRestores(data, HOUR, later)).sort(),
        [busy, fresh].sort(),
      )
      assert.ok(existsSync(join(data, 'db', 'autogen')))
    } finally {
      await rm(data, { recursive: true, force: true })
    }
  })

  it('does nothing without a data directory', async () => {
    assert.deepEqual(await sweepAbandonedRestores(join(tmpdir(), 'tidemark-no-such-dir'), 1), [])
  })
})

describe('abandonRestore', () => {
  it('keeps an abandoned restore gone: a late upload does not start it again, and a request still running cleans up after itself', async () => {
    const data = await mkdtemp(join(tmpdir(), 'tidemark-abandon-'))
    try {
      // An upload the client gave up on reaches the node after the DELETE, on its own connection.
      const token = 'dddddddddddd'
      const dir = stagingDir(data, token)
      await mkdir(dir, { recursive: true })
      await inRestoreSession(dir, () => abandonRestore(data, token))
      assert.equal(existsSync(dir), false)
      const late = { headers: { 'content-type': 'application/x-tar' } } as IncomingMessage
      await assert.rejects(
        inRestoreSession(dir, () => receiveFile(data, token, 'x.s1.tar.gz', late)),
        (err: unknown) => err instanceof RestoreRequestError && /abandoned/.test(err.message),
      )
      assert.equal(existsSync(dir), false, 'the late upload created nothing')

      // A request that was running when the DELETE came writes on; when it ends, its files go.
      const other = 'eeeeeeeeeeee'
      const busy = stagingDir(data, other)
      await mkdir(busy, { recursive: true })
      let finish = (): void => undefined
      const running = inRestoreSession(busy, async () => {
        await new Promise<void>((r) => (finish = r))
        await mkdir(busy, { recursive: true })
        await writeFile(join(busy, 'late.tsm'), 'x')
      })
      await inRestoreSession(busy, () => abandonRestore(data, other))
      assert.equal(existsSync(busy), false)
      finish()
      await running
      assert.equal(existsSync(busy), false, 'removed again once its last request ended')
    } finally {
      await rm(data, { recursive: true, force: true })
    }
  })
})
