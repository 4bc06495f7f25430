// Parsing of the shell's own statements, byte for byte as influx parses them: `INSERT <line>`,
// `INSERT INTO [<db>.]<rp> <line>` (identifiers bare or double-quoted, kept as written) and the
// `<db>[.<rp>]` argument of `use`, where double quotes group and `.` separates.

/** Where an INSERT goes and what it sends. */
export interface InsertTarget {
  readonly database: string
  readonly retentionPolicy: string
  /** The line protocol text, as typed (it may start with a space; the server skips it). */
  readonly raw: string
}

const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
const isDigit = (c: string): boolean => c >= '0' && c <= '9'
const isIdentChar = (c: string): boolean => isLetter(c) || isDigit(c) || c === '_'
const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n'

/** Reads the next identifier of `stmt`: returns it and the rest (influx's parseNextIdentifier). */
export function nextIdentifier(stmt: string): [string, string] {
  let i = 0
  while (i < stmt.length && isWhitespace(stmt[i] ?? '')) i++
  const s = stmt.slice(i)
  const first = s[0]
  if (first === undefined) return ['', s]
  if (isLetter(first) || first === '_') {
    let j = 1
    while (j < s.length && isIdentChar(s[j] ?? '')) j++
    return [s.slice(0, j), s.slice(j)]
  }
  if (first === '"') {
    // A backslash marks the next quote as part of the name (influx never un-marks it otherwise).
    let escapeNext = false
    let j = 1
    for (; j < s.length; j++) {
      const c = s[j]
      if (c === '\\') escapeNext = true
      else if (c === '"') {
        if (!escapeNext) break
        escapeNext = false
      }
    }
    const ident = s.slice(1, j)
    if (ident === '') return ['', s]
    return [ident, j < s.length ? s.slice(j + 1) : s]
  }
  return ['', s]
}

/**
 * Parses an INSERT command. `database`/`retentionPolicy` are the current context, used unless
 * the command names others. Returns influx's error text for a command not starting with INSERT.
 */
export function parseInsert(
  stmt: string,
  database: string,
  retentionPolicy: string,
): InsertTarget | string {
  const [word, point] = nextIdentifier(stmt)
  if (word.toLowerCase() !== 'insert') return `found ${word}, expected INSERT`
  const [into, rest] = nextIdentifier(point)
  if (into.toLowerCase() !== 'into') return { database, retentionPolicy, raw: point }
  let [ident, r] = nextIdentifier(rest)
  let db = database
  let rp = retentionPolicy
  if (r.startsWith('.')) {
    db = ident
    ;[ident, r] = nextIdentifier(r.slice(1))
  }
  if (r.startsWith(' ')) {
    rp = ident
    r = r.slice(1)
  }
  return { database: db, retentionPolicy: rp, raw: r }
}

/** Splits the argument of `use` into database and retention policy, or returns undefined. */
export function parseDatabaseAndRetentionPolicy(stmt: string): [string, string] | undefined {
  let db = ''
  let rp = ''
  let quoted = false
  let separators = 0
  for (const c of stmt.trim()) {
    if (c === '"') {
      quoted = !quoted
      continue
    }
    if (c === '.' && !quoted) {
      separators++
      if (separators > 1) return undefined
      continue
    }
    if (separators === 1) rp += c
    else db += c
  }
  return [db, rp]
}
