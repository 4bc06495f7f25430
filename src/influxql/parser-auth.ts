// Users and privileges: CREATE/DROP USER, SET PASSWORD, GRANT, REVOKE and SHOW GRANTS; plus the
// two remaining one-liners, KILL QUERY and EXPLAIN. Each function is called once the keywords that
// select it have been consumed.

import type { Privilege, Statement } from './ast-statement.js'
import { parseSelectStatement } from './parser-select.js'
import type { ParserState } from './parser-state.js'
import { T } from './token.js'

/** CREATE USER name WITH PASSWORD 'pw' [WITH ALL PRIVILEGES]. */
export function parseCreateUser(p: ParserState): Statement {
  const name = p.parseIdent()
  p.expectTokens(T.WITH, T.PASSWORD)
  const password = p.parseString()
  if (!p.acceptToken(T.WITH)) return { kind: 'CreateUserStatement', name, password, admin: false }
  p.expectTokens(T.ALL, T.PRIVILEGES)
  return { kind: 'CreateUserStatement', name, password, admin: true }
}

/** DROP USER name. */
export function parseDropUser(p: ParserState): Statement {
  return { kind: 'DropUserStatement', name: p.parseIdent() }
}

/** SET PASSWORD FOR name = 'pw'. */
export function parseSetPassword(p: ParserState): Statement {
  const name = p.parseIdent()
  const eq = p.scanIgnoreWhitespace()
  if (eq.tok !== T.EQ) throw p.unexpected(eq, ['='])
  return { kind: 'SetPasswordUserStatement', name, password: p.parseString() }
}

/** READ, WRITE or ALL [PRIVILEGES]. */
function parsePrivilege(p: ParserState): Privilege {
  const t = p.scanIgnoreWhitespace()
  if (t.tok === T.READ) return 'READ'
  if (t.tok === T.WRITE) return 'WRITE'
  if (t.tok !== T.ALL) throw p.unexpected(t, ['READ', 'WRITE', 'ALL [PRIVILEGES]'])
  p.acceptToken(T.PRIVILEGES)
  return 'ALL PRIVILEGES'
}

/**
 * GRANT <privilege> ON db TO user, or GRANT ALL [PRIVILEGES] TO user; REVOKE likewise with FROM.
 * `grant` selects which of the two statements, and so whether TO or FROM names the user.
 */
function parsePrivilegeChange(p: ParserState, grant: boolean): Statement {
  const privilege = parsePrivilege(p)
  const user = grant ? T.TO : T.FROM
  const userWord = grant ? 'TO' : 'FROM'
  const t = p.scanIgnoreWhitespace()
  if (t.tok === T.ON) {
    const on = p.parseIdent()
    const u = p.scanIgnoreWhitespace()
    if (u.tok !== user) throw p.unexpected(u, [userWord])
    const name = p.parseIdent()
    return grant
      ? { kind: 'GrantStatement', privilege, on, user: name }
      : { kind: 'RevokeStatement', privilege, on, user: name }
  }
  if (t.tok === user) {
    if (privilege !== 'ALL PRIVILEGES') throw p.unexpected(t, ['ON'])
    const name = p.parseIdent()
    return grant
      ? { kind: 'GrantAdminStatement', user: name }
      : { kind: 'RevokeAdminStatement', user: name }
  }
  throw p.unexpected(t, privilege === 'ALL PRIVILEGES' ? ['ON', userWord] : ['ON'])
}

/** GRANT ... (see parsePrivilegeChange). */
export function parseGrant(p: ParserState): Statement {
  return parsePrivilegeChange(p, true)
}

/** REVOKE ... (see parsePrivilegeChange). */
export function parseRevoke(p: ParserState): Statement {
  return parsePrivilegeChange(p, false)
}

/** SHOW GRANTS FOR user. */
export function parseShowGrants(p: ParserState): Statement {
  return { kind: 'ShowGrantsForUserStatement', name: p.parseIdent() }
}

/** KILL QUERY id [ON host]. */
export function parseKillQuery(p: ParserState): Statement {
  const queryID = p.parseUInt64()
  const host = p.acceptToken(T.ON) ? p.parseIdent() : ''
  return { kind: 'KillQueryStatement', queryID, host }
}

/** EXPLAIN [ANALYZE] SELECT .... */
export function parseExplain(p: ParserState): Statement {
  const analyze = p.acceptToken(T.ANALYZE)
  const t = p.scanIgnoreWhitespace()
  if (t.tok !== T.SELECT) throw p.unexpected(t, ['SELECT'])
  return { kind: 'ExplainStatement', statement: parseSelectStatement(p, 'optional'), analyze }
}
