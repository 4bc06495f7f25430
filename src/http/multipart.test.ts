import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseGoQuery } from './go-query.js'
import { parseMediaParams, parseMultipart } from './multipart.js'

describe('parseMultipart', () => {
  it('separates form values from file parts (curl -F q=… and -F q=@file)', () => {
    const body = Buffer.from(
      [
        'preamble',
        '--XyZ',
        'Content-Disposition: form-data; name="db"',
        '',
        'db1',
        '--XyZ',
        'Content-Disposition: form-data; name="q"; filename="q.iql"',
        'Content-Type: application/octet-stream',
        '',
        'SHOW DATABASES;\r\nSHOW USERS',
        '--XyZ--',
        '',
      ].join('\r\n'),
    )
    const form = parseMultipart(body, 'XyZ')
    assert.deepEqual(form?.values, new Map([['db', ['db1']]]))
    assert.equal(form?.files.get('q')?.[0]?.toString(), 'SHOW DATABASES;\r\nSHOW USERS')
  })

  it('accepts LF line ends and refuses a body without delimiter', () => {
    const form = parseMultipart(
      Buffer.from('--b\nContent-Disposition: form-data; name="q"\n\nSHOW X\n--b--\n'),
      'b',
    )
    assert.deepEqual(form?.values, new Map([['q', ['SHOW X']]]))
    assert.equal(parseMultipart(Buffer.from('nothing here'), 'b'), undefined)
    assert.equal(
      parseMultipart(
        Buffer.from('--b\r\nContent-Disposition: form-data; name="q"\r\n\r\nunterminated'),
        'b',
      ),
      undefined,
    )
  })

  it('reads media type parameters, quoted or not', () => {
    assert.deepEqual(parseMediaParams('Multipart/Form-Data; boundary="a b"; X=1'), {
      type: 'multipart/form-data',
      params: new Map([
        ['boundary', 'a b'],
        ['x', '1'],
      ]),
    })
  })
})

describe('parseGoQuery', () => {
  it('decodes like url.ParseQuery: + as space, bad escapes and semicolons skip the pair', () => {
    const v = parseGoQuery('q=SHOW+DATABASES&db=a%20b&bad=%ZZ&x=1;y=2&db=second&flag&u=%C3%A9')
    assert.deepEqual(
      v,
      new Map([
        ['q', ['SHOW DATABASES']],
        ['db', ['a b', 'second']],
        ['flag', ['']],
        ['u', ['é']],
      ]),
    )
  })
})
