import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nextIdentifier, parseDatabaseAndRetentionPolicy, parseInsert } from './shell-insert.js'
import { sanitizeQuery } from '../http/index.js'
import { HISTORY_LIMIT, ShellHistory, historyPath } from './shell-history.js'
import {
  parseConnectionString,
  setChunkSize,
  setConsistency,
  setFormat,
  setPrecision,
} from './shell-settings.js'
import type { ShellSettings } from './shell-settings.js'

describe('INSERT parsing (influx parseInsert)', () => {
  it('sends the rest of the line to the context database and retention policy', () => {
    assert.deepEqual(parseInsert('insert cpu,host=z value=9 1', 'db0', 'rp0'), {
      database: 'db0',
      retentionPolicy: 'rp0',
      raw: ' cpu,host=z value=9 1',
    })
  })

  it('takes INSERT INTO <rp> and INSERT INTO <db>.<rp>, bare or quoted', () => {
    assert.deepEqual(parseInsert('INSERT INTO autogen cpu value=1', 'db0', ''), {
      database: 'db0',
      retentionPolicy: 'autogen',
      raw: 'cpu value=1',
    })
    assert.deepEqual(parseInsert('insert into "my db"."two days" cpu value=1', '', ''), {
      database: 'my db',
      retentionPolicy: 'two days',
      raw: 'cpu value=1',
    })
  })

  it("keeps influx's quirk: INTO without a space after the name sends the remainder as is", () => {
    assert.deepEqual(parseInsert('insert into cpu,host=a value=1', 'db', 'rp'), {
      database: 'db',
      retentionPolicy: 'rp',
      raw: ',host=a value=1',
    })
  })

  it('reads identifiers like influx: bare letters/digits/_, or quoted with \\" kept', () => {
    assert.deepEqual(nextIdentifier('  abc_1.def'), ['abc_1', '.def'])
    assert.deepEqual(nextIdentifier('"a\\"b" rest'), ['a\\"b', ' rest'])
    assert.deepEqual(nextIdentifier('"open'), ['open', '"open'])
    assert.deepEqual(nextIdentifier('9x'), ['', '9x'])
  })
})

describe('use argument parsing', () => {
  it('splits database and retention policy at an unquoted dot', () => {
    assert.deepEqual(parseDatabaseAndRetentionPolicy(' db0.autogen '), ['db0', 'autogen'])
    assert.deepEqual(parseDatabaseAndRetentionPolicy('"my.db"."rp.x"'), ['my.db', 'rp.x'])
    assert.deepEqual(parseDatabaseAndRetentionPolicy('db0'), ['db0', ''])
    assert.equal(parseDatabaseAndRetentionPolicy('a.b.c'), undefined)
  })
})

function settings(): ShellSettings {
  return {
    host: 'localhost',
    port: 8086,
    socket: '',
    ssl: false,
    unsafeSsl: false,
    username: '',
    password: '',
    database: '',
    retentionPolicy: '',
    format: 'column',
    pretty: false,
    precision: 'ns',
    consistency: 'all',
    chunked: true,
    chunkSize: 0,
    nodeID: 0,
  }
}

describe('shell settings commands', () => {
  it("sets precision, rfc3339 meaning no epoch, and refuses others with influx's message", () => {
    const s = settings()
    assert.equal(setPrecision(s, 'precision MS'), '')
    assert.equal(s.precision, 'ms')
    assert.equal(setPrecision(s, 'precision rfc3339'), '')
    assert.equal(s.precision, '')
    assert.equal(
      setPrecision(s, 'precision x'),
      'Unknown precision "x". Please use rfc3339, h, m, s, ms, u or ns.\n',
    )
    assert.equal(s.precision, '')
  })

  it('sets format and consistency, refusing unknown values', () => {
    const s = settings()
    assert.equal(setFormat(s, 'format CSV'), '')
    assert.equal(s.format, 'csv')
    assert.equal(
      setFormat(s, 'format xml'),
      'Unknown format "xml". Please use json, csv, or column.\n',
    )
    assert.equal(setConsistency(s, 'consistency quorum'), '')
    assert.equal(s.consistency, 'quorum')
    assert.equal(
      setConsistency(s, 'consistency bogus'),
      'Unknown consistency level "bogus". Please use any, one, quorum, or all.\n',
    )
  })

  it('sets the chunk size from "chunk size N" or "chunk N", negative meaning default', () => {
    const s = settings()
    assert.equal(setChunkSize(s, 'chunk  size   50'), 'chunk size set to 50\n')
    assert.equal(setChunkSize(s, 'chunk -3'), 'chunk size set to 0\n')
    assert.equal(setChunkSize(s, 'chunk size x'), 'unable to parse chunk size from "x"\n')
  })

  it('parses connection strings like influx: default port, IPv6, default ports left out of the URL', () => {
    assert.deepEqual(parseConnectionString('', false), {
      scheme: 'http',
      hostPort: 'localhost:8086',
      host: 'localhost',
      port: 8086,
    })
    assert.deepEqual(parseConnectionString('example.com', true), {
      scheme: 'https',
      hostPort: 'example.com:8086',
      host: 'example.com',
      port: 8086,
    })
    assert.deepEqual(parseConnectionString('[::1]:9999', false), {
      scheme: 'http',
      hostPort: '[::1]:9999',
      host: '::1',
      port: 9999,
    })
    assert.deepEqual(parseConnectionString('h:443', true), {
      scheme: 'https',
      hostPort: 'h',
      host: 'h',
      port: 443,
    })
    assert.equal(typeof parseConnectionString('h:x', false), 'string')
  })
})

describe('shell history', () => {
  it('redacts passwords as influxql.Sanitize does', () => {
    assert.equal(
      sanitizeQuery("CREATE USER bob WITH PASSWORD 'secret' WITH ALL PRIVILEGES"),
      'CREATE USER bob WITH PASSWORD [REDACTED] WITH ALL PRIVILEGES',
    )
    assert.equal(sanitizeQuery("set password for bob = 'x1'"), 'set password for bob = [REDACTED]')
  })

  it('keeps ~/.influx_history: loads it, skips repeats, caps at 1000, rewrites it', () => {
    const home = mkdtempSync(join(tmpdir(), 'tidemark-history-'))
    try {
      const path = historyPath(home)
      assert.equal(path, join(home, '.influx_history'))
      writeFileSync(join(home, '.influx_history'), 'show databases\nuse db0\n')
      const h = new ShellHistory(path)
      h.add('use db0')
      h.add('settings')
      h.add('settings')
      assert.deepEqual(h.entries, ['show databases', 'use db0', 'settings'])
      assert.equal(h.save(), undefined)
      assert.equal(
        readFileSync(join(home, '.influx_history'), 'utf8'),
        'show databases\nuse db0\nsettings\n',
      )
      for (let i = 0; i < HISTORY_LIMIT + 10; i++) h.add(`q${i}`)
      assert.equal(h.entries.length, HISTORY_LIMIT)
      assert.equal(h.entries[h.entries.length - 1], `q${HISTORY_LIMIT + 9}`)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it("reports influx's message when the history file cannot be written", () => {
    const home = mkdtempSync(join(tmpdir(), 'tidemark-history-'))
    try {
      const h = new ShellHistory(join(home, 'missing-dir', '.influx_history'))
      h.add('x')
      assert.match(h.save() ?? '', /^There was an error writing history file: /)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})
