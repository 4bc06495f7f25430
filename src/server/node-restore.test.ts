import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inRestoreSession, stagingDir, sweepAbandonedRestores } from './node-restore.js'

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
