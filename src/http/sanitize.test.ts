import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { sanitizeQuery } from './sanitize.js'

describe('sanitizeQuery', () => {
  it('redacts the whole password literal of CREATE USER and SET PASSWORD, whatever it holds', () => {
    const cases: [string, string][] = [
      [
        "CREATE USER bob WITH PASSWORD 'secret' WITH ALL PRIVILEGES",
        'CREATE USER bob WITH PASSWORD [REDACTED] WITH ALL PRIVILEGES',
      ],
      ["set password for bob = 'x1'", 'set password for bob = [REDACTED]'],
      // No space around '=': a valid statement influxql's expressions let through.
      [`SET PASSWORD FOR "bob"='BobPWnospace'`, `SET PASSWORD FOR "bob"=[REDACTED]`],
      ["CREATE USER eve WITH PASSWORD 'Eve secret PW'", 'CREATE USER eve WITH PASSWORD [REDACTED]'],
      [
        `CREATE USER q WITH PASSWORD 'a\\'b"c d' WITH ALL PRIVILEGES`,
        'CREATE USER q WITH PASSWORD [REDACTED] WITH ALL PRIVILEGES',
      ],
      [
        "create user a with password 'x y'; SET PASSWORD FOR \"a b\" = 'z z'; SHOW USERS",
        'create user a with password [REDACTED]; SET PASSWORD FOR "a b" = [REDACTED]; SHOW USERS',
      ],
      ["CREATE USER a WITH PASSWORD 'never closed", 'CREATE USER a WITH PASSWORD [REDACTED]'],
      ['SHOW USERS', 'SHOW USERS'],
    ]
    for (const [query, want] of cases) assert.equal(sanitizeQuery(query), want, query)
  })

  it('leaves no character of the password in the text', () => {
    for (const pw of ['p w', "it\\'s", 'a"b', 'x;y', 'ünï cødé', '\\\\']) {
      for (const q of [
        `CREATE USER u WITH PASSWORD '${pw}'`,
        `SET PASSWORD FOR u='${pw}'`,
        `SET PASSWORD FOR u = '${pw}'`,
      ])
        assert.ok(!sanitizeQuery(q).includes(pw), q)
    }
  })
})
