// tidemark-ctl backup -since: only shards changed after the given time are backed up.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ctl } from '../helpers/cli.js'
import { startTidemarkd } from '../helpers/tidemarkd.js'

describe('tidemark-ctl backup -since', () => {
  it('backs up only the shards changed after the given time, and refuses -since with -start/-end or -full', async () => {
    const first = mkdtempSync(join(tmpdir(), 'tidemark-since-a-'))
    const second = mkdtempSync(join(tmpdir(), 'tidemark-since-b-'))
    const server = await startTidemarkd()
    try {
      await server.query('CREATE DATABASE old')
      await server.query('CREATE DATABASE new')
      assert.equal((await server.write('old', 'm v=1 1577836800000000000')).status, 204)
      assert.equal((await ctl(['-bind', server.metaAddress, 'backup', first])).code, 0)
      await new Promise((r) => setTimeout(r, 1100))
      const since = new Date().toISOString()
      await new Promise((r) => setTimeout(r, 50))
      assert.equal((await server.write('new', 'm v=2 1577836800000000000')).status, 204)
      const r = await ctl(['-bind', server.metaAddress, 'backup', '-since', since, second])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /db new, rp autogen/)
      assert.doesNotMatch(r.stdout, /db old/)
      const manifest = readdirSync(second).find((n) => n.endsWith('.manifest')) ?? ''
      const files = (
        JSON.parse(readFileSync(join(second, manifest), 'utf8')) as {
          files: { database: string }[]
        }
      ).files
      assert.deepEqual(
        files.map((f) => f.database),
        ['new'],
      )

      const both = await ctl([
        '-bind',
        server.metaAddress,
        'backup',
        '-since',
        since,
        '-start',
        '2020-01-01T00:00:00Z',
        second,
      ])
      assert.equal(both.code, 1)
      assert.match(both.stderr, /-since cannot be used with -start or -end/)
      const full = await ctl([
        '-bind',
        server.metaAddress,
        'backup',
        '-since',
        since,
        '-full',
        second,
      ])
      assert.equal(full.code, 1)
      assert.match(full.stderr, /-since cannot be used with -strategy full/)
    } finally {
      await server.stop()
      rmSync(first, { recursive: true, force: true })
      rmSync(second, { recursive: true, force: true })
    }
  })
})
