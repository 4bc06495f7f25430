// Differential test: /query parameter handling and result formatting, against a real influxd
// 1.6.7. influxd runs the InfluxQL; our server runs over a scripted executor that returns the
// rows influxd holds for the same data (chunked the way influxd's emitter chunks), so what is
// compared is everything the HTTP layer does: parameters, errors, JSON/CSV/MessagePack bytes,
// epoch, pretty, chunked framing, gzip and the non-chunked merging of results.

import { after, before, describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { influxdAvailable, requireInfluxd, startInfluxd } from '../../test/helpers/influxd.js'
import type { InfluxdHandle } from '../../test/helpers/influxd.js'
import { assertSameAnswer } from './diff-support.js'
import type { DiffRequest } from './diff-support.js'
import type { QueryRequest, QueryRow, QueryTime, StatementResult } from './interfaces.js'
import { startTestServer } from './test-support.js'
import type { TestServer } from './test-support.js'

const s = (seconds: number): QueryTime => ({ kind: 'time', ns: BigInt(seconds) * 1_000_000_000n })

const DATA =
  'fmt,host=a v=1.5,s="x<y&z>",i=3i,b=true 1\nfmt,host=b v=-2.25e-7,s="q\\"uote",i=-4i,b=false 2\nfmt,host=a v=1e21,s="uni ✓",i=9223372036854775807i,b=true 3'

const ALL: QueryRow = {
  name: 'fmt',
  columns: ['time', 'b', 'host', 'i', 's', 'v'],
  values: [
    [s(1), true, 'a', 3n, 'x<y&z>', 1.5],
    [s(2), false, 'b', -4n, 'q"uote', -2.25e-7],
    [s(3), true, 'a', 9223372036854775807n, 'uni ✓', 1e21],
  ],
}
const BY_HOST: QueryRow[] = [
  {
    name: 'fmt',
    tags: { host: 'a' },
    columns: ['time', 'b', 'i', 's', 'v'],
    values: [
      [s(1), true, 3n, 'x<y&z>', 1.5],
      [s(3), true, 9223372036854775807n, 'uni ✓', 1e21],
    ],
  },
  {
    name: 'fmt',
    tags: { host: 'b' },
    columns: ['time', 'b', 'i', 's', 'v'],
    values: [[s(2), false, -4n, 'q"uote', -2.25e-7]],
  },
]
const DATABASES: QueryRow = { name: 'databases', columns: ['name'], values: [['diffq']] }

/** Per statement: its rows, or its error. */
type Output = { readonly rows: readonly QueryRow[] } | { readonly error: string }

/** What influxd answers for each query the tests send, statement by statement. */
const SCRIPT: Record<string, Output[]> = {
  'SELECT * FROM fmt': [{ rows: [ALL] }],
  'SELECT * FROM fmt GROUP BY host': [{ rows: BY_HOST }],
  'SHOW DATABASES': [{ rows: [DATABASES] }],
  'SELECT * FROM nosuch': [{ rows: [] }],
  'SHOW DATABASES; SELECT * FROM fmt GROUP BY host; SHOW DATABASES': [
    { rows: [DATABASES] },
    { rows: BY_HOST },
    { rows: [DATABASES] },
  ],
  'SHOW RETENTION POLICIES ON diffq': [
    {
      rows: [
        {
          columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'],
          values: [['autogen', '0s', '168h0m0s', 1n, true]],
        },
      ],
    },
  ],
}

/** Results as influxd's executor emits them: chunks of one series, `chunkSize` values each. */
function emit(req: QueryRequest): StatementResult[] {
  if (req.query === 'SHOW DATABASES; SELECT foo(v) FROM fmt; SHOW DATABASES') {
    // The 1.6 numbering bug: "not executed" carries the failing statement's ID.
    return [
      { statementID: 0, series: [DATABASES] },
      { statementID: 1, error: 'undefined function foo()' },
      { statementID: 1, error: 'not executed' },
    ]
  }
  const outputs = SCRIPT[req.query]
  if (outputs === undefined) throw new Error(`no script for ${req.query}`)
  const out: StatementResult[] = []
  outputs.forEach((o, statementID) => {
    if ('error' in o) {
      out.push({ statementID, error: o.error })
      return
    }
    if (!req.chunked || o.rows.length === 0) {
      out.push(o.rows.length === 0 ? { statementID } : { statementID, series: o.rows })
      return
    }
    const chunks: QueryRow[] = []
    for (const row of o.rows) {
      const values = row.values ?? []
      for (let i = 0; i < values.length; i += req.chunkSize) {
        const more = i + req.chunkSize < values.length
        chunks.push({
          ...row,
          values: values.slice(i, i + req.chunkSize),
          ...(more ? { partial: true } : {}),
        })
      }
    }
    chunks.forEach((row, i) => {
      out.push({ statementID, series: [row], ...(i < chunks.length - 1 ? { partial: true } : {}) })
    })
  })
  return out
}

describe('differential: /query parameters and formatting vs influxd 1.6.7', () => {
  let influxd: InfluxdHandle | undefined
  let ours: TestServer | undefined

  before(async () => {
    if (!influxdAvailable()) return
    influxd = await startInfluxd()
    await influxd.query('CREATE DATABASE diffq')
    await influxd.write('diffq', DATA, { precision: 's' })
    ours = await startTestServer({ version: '1.6.7~rc0' })
    ours.executor.script = emit
  })
  after(async () => {
    await ours?.server.close()
    await influxd?.stop()
  })

  async function same(t: TestContext, cases: readonly DiffRequest[]): Promise<void> {
    if (!requireInfluxd(t) || influxd === undefined || ours === undefined) return
    for (const c of cases) await assertSameAnswer(ours.url, influxd.url, c)
  }
  const get = (params: Record<string, string>, headers?: Record<string, string>): DiffRequest => ({
    method: 'GET',
    path: `/query?${new URLSearchParams(params).toString()}`,
    ...(headers === undefined ? {} : { headers }),
  })
  const post = (params: Record<string, string>, query = ''): DiffRequest => ({
    method: 'POST',
    path: `/query${query}`,
    body: new URLSearchParams(params).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })

  it('answers a missing q alike, however it is sent', (t) =>
    same(t, [
      get({}),
      get({ q: '   ' }),
      post({}),
      {
        method: 'POST',
        path: '/query',
        body: 'q=SHOW DATABASES',
        headers: { 'Content-Type': 'text/plain' },
      },
      get({}, { Accept: 'text/csv' }),
      get({}, { Accept: 'application/x-msgpack' }),
      { method: 'GET', path: '/query?pretty=true' },
    ]))

  it('answers bad params alike', (t) =>
    same(
      t,
      [
        'abc',
        ' ',
        '[1]',
        '5',
        '{"a":1e5}',
        '{"a":99999999999999999999}',
        '{"a":1.5e400}',
        '{"a":',
        '{"a" 1}',
        '{"a":1,}',
        '{"a":tru}',
        '{"a":"\\x"}',
        '{"a":01}',
      ].map((params) => get({ db: 'diffq', q: 'SELECT * FROM fmt', params })),
    ))

  it('formats results alike: plain, GROUP BY, empty, SHOW, several statements', (t) =>
    same(
      t,
      Object.keys(SCRIPT).flatMap((q) => [get({ db: 'diffq', q }), post({ db: 'diffq', q })]),
    ))

  it('converts times alike for every epoch value', (t) =>
    same(
      t,
      ['s', 'ms', 'u', 'ns', 'n', 'm', 'h', 'µ', 'x', ' s '].map((epoch) =>
        get({ db: 'diffq', q: 'SELECT * FROM fmt GROUP BY host', epoch }),
      ),
    ))

  it('pretty-prints, gzips and chooses CSV or MessagePack alike', (t) =>
    same(t, [
      get({ db: 'diffq', q: 'SELECT * FROM fmt', pretty: 'true' }),
      post({ db: 'diffq', q: 'SELECT * FROM fmt' }, '?pretty=true'),
      get({ db: 'diffq', q: 'SELECT * FROM fmt GROUP BY host' }, { 'Accept-Encoding': 'gzip' }),
      get({ db: 'diffq', q: 'SELECT * FROM fmt GROUP BY host' }, { Accept: 'application/csv' }),
      get(
        {
          db: 'diffq',
          q: 'SHOW DATABASES; SELECT * FROM fmt GROUP BY host; SHOW DATABASES',
          epoch: 's',
        },
        { Accept: 'text/csv' },
      ),
      get(
        { db: 'diffq', q: 'SELECT * FROM fmt GROUP BY host' },
        { Accept: 'application/x-msgpack' },
      ),
      get(
        { db: 'diffq', q: 'SELECT * FROM fmt', epoch: 'ms' },
        { Accept: 'application/x-msgpack' },
      ),
    ]))

  it('streams chunked answers alike for several chunk sizes', (t) =>
    same(
      t,
      ['1', '2', '3', '0', 'x', '-1'].flatMap((chunk_size) => [
        get({ db: 'diffq', q: 'SELECT * FROM fmt', chunked: 'true', chunk_size }),
        get({
          db: 'diffq',
          q: 'SELECT * FROM fmt GROUP BY host',
          chunked: 'true',
          chunk_size,
          epoch: 'ns',
        }),
      ]),
    ))

  it('merges the 1.6 "not executed" results alike, chunked or not', (t) =>
    same(t, [
      get({ db: 'diffq', q: 'SHOW DATABASES; SELECT foo(v) FROM fmt; SHOW DATABASES' }),
      get({
        db: 'diffq',
        q: 'SHOW DATABASES; SELECT foo(v) FROM fmt; SHOW DATABASES',
        chunked: 'true',
      }),
    ]))

  it('answers async=true alike', (t) =>
    same(t, [get({ db: 'diffq', q: 'SHOW DATABASES', async: 'true' })]))
})
