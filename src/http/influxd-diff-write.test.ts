// Differential test: /ping, /write and the router, against a real influxd 1.6.7. Our server runs
// over the FakeStore, which mimics influxd's write validation for the cases sent here.

import { after, before, describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { gzipSync } from 'node:zlib'
import { influxdAvailable, requireInfluxd, startInfluxd } from '../../test/helpers/influxd.js'
import type { InfluxdHandle } from '../../test/helpers/influxd.js'
import { assertSameAnswer } from './diff-support.js'
import type { DiffRequest } from './diff-support.js'
import { startTestServer } from './test-support.js'
import type { TestServer } from './test-support.js'

describe('differential: /ping, /write and routing vs influxd 1.6.7', () => {
  let influxd: InfluxdHandle | undefined
  let ours: TestServer | undefined

  before(async () => {
    if (!influxdAvailable()) return
    influxd = await startInfluxd()
    await influxd.query('CREATE DATABASE diffdb')
    ours = await startTestServer({ version: '1.6.7~rc0', build: 'OSS' })
    ours.store.createDatabase('diffdb')
  })
  after(async () => {
    await ours?.server.close()
    await influxd?.stop()
  })

  /** Runs `cases` against both servers (skips when influxd is missing). */
  async function same(t: TestContext, cases: readonly DiffRequest[]): Promise<void> {
    if (!requireInfluxd(t) || influxd === undefined || ours === undefined) return
    for (const c of cases) await assertSameAnswer(ours.url, influxd.url, c)
  }
  const write = (
    query: string,
    body: string | Uint8Array,
    headers?: Record<string, string>,
  ): DiffRequest => ({
    method: 'POST',
    path: `/write${query}`,
    body,
    ...(headers === undefined ? {} : { headers }),
  })

  it('answers /ping and /status alike', (t) =>
    same(t, [
      { method: 'GET', path: '/ping' },
      { method: 'HEAD', path: '/ping' },
      { method: 'GET', path: '/ping?verbose=true' },
      { method: 'GET', path: '/status' },
      { method: 'HEAD', path: '/status' },
      { method: 'GET', path: '/ping', headers: { 'X-Request-Id': 'my-id' } },
      { method: 'GET', path: '/ping', headers: { Origin: 'http://x.example' } },
    ]))

  it('answers unknown paths, wrong methods and OPTIONS alike', (t) =>
    same(t, [
      { method: 'GET', path: '/nope' },
      { method: 'POST', path: '/write/' },
      { method: 'GET', path: '/write' },
      { method: 'PUT', path: '/query' },
      { method: 'HEAD', path: '/query' },
      { method: 'DELETE', path: '/ping' },
      { method: 'OPTIONS', path: '/write' },
      { method: 'OPTIONS', path: '/query', headers: { Origin: 'http://x.example' } },
    ]))

  it('checks db and consistency alike', (t) =>
    same(t, [
      write('', 'cpu v=1'),
      write('?db=', 'cpu v=1'),
      write('?db=&db=diffdb', 'cpu v=1'),
      write('?db=diffdb;x=1', 'cpu v=1'),
      write('?db=d%ZZb', 'cpu v=1'),
      write('?db=nosuchdb', 'cpu v=1'),
      write('?db=%22q%22%5C%0A', 'cpu v=1'),
      write('?db=diffdb&consistency=bogus', 'cons v=1'),
      write('?db=diffdb&consistency=bogus', 'cons v='),
      write('?db=diffdb&consistency=ALL', 'cons v=1'),
      write('?db=diffdb&consistency=any', 'cons v=1'),
      write('?db=diffdb&rp=nosuch', 'cons v=1'),
      write('?db=diffdb&rp=nosuch', ''),
      write('?db=diffdb&rp=nosuch', 'cons v='),
      write('?db=diffdb&rp=autogen', 'cons v=1'),
    ]))

  it('answers empty bodies and comments with 204', (t) =>
    same(t, [
      write('?db=diffdb', ''),
      write('?db=diffdb', '# only a comment\n\n   \n'),
      write('?db=diffdb', '\n\n'),
    ]))

  it('reports every parse error of spec §1.9 rows 1-20 with the same text', (t) =>
    same(
      t,
      [
        'cpu',
        'cpu,host=a',
        ',host=a v=1',
        'cpu,host v=1',
        'cpu,=a v=1',
        'p,a=1, v=1 1',
        'p,a= v=1 1',
        'cpu,a=b=c v=1',
        'cpu,a=1,a=2 v=1',
        'cpu =1',
        'cpu v=',
        'cpu v=1,b',
        'p b 1',
        'cpu v="abc',
        'cpu v=1.2.3',
        'cpu v=NaN',
        'cpu v=-Inf',
        'cpu v=1e5i',
        'cpu v=1u',
        'cpu v=tru',
        'cpu v=+1',
        'cpu v=1e400',
        'cpu v=9223372036854775808i',
        'cpu v=1 12a',
        'p v=1 1\r\n',
        'p v=1 1\t',
        'cpu v=1 123 x',
        'cpu v=1 9223372036854775807',
        `${'m'.repeat(65536)} v=1`,
        'a<b>&c v=1.2.3',
        'bad one\nbad two\ncpué v=\tx',
      ].map((body) => write('?db=diffdb', body)),
    ))

  it('answers the time-range error with precision=s alike', (t) =>
    same(t, [write('?db=diffdb&precision=s', 'cpu v=1 9223372037')]))

  it('answers partial writes of good and bad lines alike (dropped=0)', (t) =>
    same(t, [
      write('?db=diffdb', 'pw v=1 1000000000\npw v=1.2.3 2000000000\npw v=3 3000000000'),
      write('?db=diffdb', 'pw2 v=1.2.3\npw2 v=\npw2 v=1'),
      write('?db=diffdb', 'pw3 v=1.2.3\npw3 v='),
    ]))

  it('answers the time tag and field rules (rows 27-29) and a type conflict (row 33) alike', (t) =>
    same(t, [
      write('?db=diffdb', 'tt,time=1 v=1'),
      write('?db=diffdb', 'tf time=1'),
      write('?db=diffdb', 'tfv time=1,v=2'),
      write('?db=diffdb', 'tc v=1'),
      write('?db=diffdb', 'tc v=1i'),
      write('?db=diffdb', 'tc v=2\ntc v="s"\ntc v=3'),
    ]))

  it('decodes gzip bodies and reports bad gzip alike', (t) =>
    same(t, [
      write('?db=diffdb', gzipSync('gz v=1\ngz v=2'), { 'Content-Encoding': 'gzip' }),
      write('?db=diffdb', gzipSync('gz v=1\ngz v='), { 'Content-Encoding': 'gzip' }),
      write('?db=diffdb', new Uint8Array(0), { 'Content-Encoding': 'gzip' }),
      write('?db=diffdb', 'notgzip', { 'Content-Encoding': 'gzip' }),
      write('?db=diffdb', 'cpu value=1 1000000000000', { 'Content-Encoding': 'gzip' }),
      write('?db=diffdb', gzipSync('cpu v=1\n').subarray(0, 15), { 'Content-Encoding': 'gzip' }),
    ]))

  it('formats write errors by Accept and pretty alike', (t) =>
    same(t, [
      write('?db=diffdb&pretty=true', 'cpu v='),
      write('?db=diffdb', 'cpu v=', { Accept: 'text/csv' }),
      write('?db=diffdb', 'cpu v="a,b', { Accept: 'application/csv' }),
      write('?db=nosuchdb', 'cpu v=1', { Accept: 'application/x-msgpack' }),
      write('?db=diffdb', 'cpu v=', { 'Accept-Encoding': 'gzip' }),
    ]))

  it('answers a body over max-body-size with 413 and Connection: close alike', (t) =>
    same(t, [
      write('?db=diffdb', Buffer.alloc(26_000_000, 0x61), { Connection: 'keep-alive' }),
      write('', Buffer.alloc(26_000_000, 0x61), { Connection: 'keep-alive' }),
      write('?db=diffdb', Buffer.alloc(26_000_000, 0x61), {
        Connection: 'keep-alive',
        'Transfer-Encoding': 'chunked',
      }),
      write('', 'x'.repeat(900), { Connection: 'keep-alive', 'Transfer-Encoding': 'chunked' }),
    ]))
})
