import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseNotFoundError, MetaClient, MetaFileStore } from './index.js'

describe('MetaClient', () => {
  it('applies changes in order, durably, and leaves the metadata unchanged when a change fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-metaclient-'))
    try {
      const client = new MetaClient(new MetaFileStore(dir))
      await client.open()
      const a = client.update((d) => d.createDatabase('a'))
      const b = client.update((d) => d.createDatabase('b'))
      const bad = client.update((d) => d.setDefaultRetentionPolicy('nope', 'autogen'))
      await Promise.all([a, b])
      await assert.rejects(bad, DatabaseNotFoundError)
      assert.deepEqual(
        client.data.databases.map((d) => d.name),
        ['a', 'b'],
      )
      await client.close()
      const again = new MetaClient(new MetaFileStore(dir))
      await again.open()
      assert.deepEqual(
        again.data.databases.map((d) => d.name),
        ['a', 'b'],
      )
      assert.equal(again.data.index, client.data.index)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
