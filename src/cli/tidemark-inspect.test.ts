// The tidemark-inspect entry point: command dispatch, help and usage errors.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { STORAGE_FIXTURES, captureIO, removeDir, tempDir } from './inspect-test-support.js'
import { INSPECT_USAGE, main } from './tidemark-inspect.js'

describe('tidemark-inspect', () => {
  it('prints the usage to stdout and exits 0 for help, -h and no command', async () => {
    for (const args of [[], ['help'], ['-h'], ['--help']]) {
      const io = captureIO()
      assert.equal(await main(args, io), 0)
      assert.equal(io.stdout.text, INSPECT_USAGE)
      assert.equal(io.stderr.text, '')
    }
  })

  it('prints the usage to stderr and exits 1 for an unknown command', async () => {
    for (const name of ['frobnicate', 'toString', '__proto__']) {
      const io = captureIO()
      assert.equal(await main([name], io), 1)
      assert.ok(
        io.stderr.text.startsWith(
          `tidemark-inspect: unknown command "${name}"\n\n${INSPECT_USAGE}`,
        ),
      )
    }
  })

  it('prints each command help with -h and exits 0', async () => {
    for (const [cmd, first] of [
      ['export', 'Exports TSM and WAL data'],
      ['verify', 'Verifies the integrity'],
      ['dumptsm', 'Dumps low-level details'],
      ['report', 'Displays a shard level report'],
    ] as const) {
      const io = captureIO()
      assert.equal(await main([cmd, '-h'], io), 0)
      assert.ok(io.stdout.text.startsWith(first), io.stdout.text)
    }
    const io = captureIO()
    await main(['export', '-h'], io)
    assert.match(io.stdout.text, /Exit status is 1 when some stored data could not be read/)
    assert.match(io.stdout.text, /-lponly/)
  })

  it('defaults to $HOME/.influxdb for export (data, wal, export file) and verify', async () => {
    const home = tempDir()
    const saved = process.env['HOME']
    try {
      cpSync(join(STORAGE_FIXTURES, 'tsm', 'data'), join(home, '.influxdb', 'data'), {
        recursive: true,
      })
      cpSync(join(STORAGE_FIXTURES, 'tsm', 'wal'), join(home, '.influxdb', 'wal'), {
        recursive: true,
      })
      process.env['HOME'] = home
      const io = captureIO()
      assert.equal(await main(['export'], io), 0)
      const out = join(home, '.influxdb', 'export')
      assert.ok(existsSync(out))
      assert.match(readFileSync(out, 'utf8'), /^# INFLUXDB EXPORT: /)
      const verify = captureIO()
      assert.equal(await main(['verify'], verify), 0)
      assert.match(verify.stdout.text, /Broken Blocks: 0 \/ \d+, in /)
      assert.ok(verify.stdout.text.startsWith(join(home, '.influxdb', 'data')))
    } finally {
      if (saved === undefined) delete process.env['HOME']
      else process.env['HOME'] = saved
      removeDir(home)
    }
  })
})
