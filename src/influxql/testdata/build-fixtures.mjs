// Builds the InfluxQL fixtures from the reference parser's answers (see generate.sh).
//   node build-fixtures.mjs candidates <cases.jsonl> <out.jsonl>
//     Writes a deterministic corpus of query texts to ask the reference about: every prefix of
//     the test cases' texts, token-level mutations of them, random regexes, bound-parameter
//     combinations and random character soup.
//   node build-fixtures.mjs assemble <cases> <case answers> <candidates> <candidate answers> <dir>
//     Writes <dir>/parser-cases.jsonl (every influxql test case with the reference's tree,
//     canonical text or error) and <dir>/corpus.jsonl (a sample of the corpus: a few cases of
//     each distinct error message, plus successes, with the reference's text or error).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const readLines = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l))

let seed = 20240601
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}
const pick = (a) => a[Math.floor(rnd() * a.length)]

function candidates(cases) {
  const out = []
  const add = (q, mode, params, keep = false) =>
    out.push({ q, mode, ...(params ? { params } : {}), ...(keep ? { keep } : {}) })
  const base = cases.filter((c) => c.mode !== 'duration')
  for (const c of base) {
    const cps = Array.from(c.q)
    for (let i = 0; i <= cps.length; i++) add(cps.slice(0, i).join(''), c.mode === 'expr' ? 'expr' : 'query', c.params)
  }
  const vocab = ['SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'time(1m)', 'fill(none)', 'fill(', ')', '(', ',', ';', '.', '..', ':', '::', '::field', '*', '/', '/re/', '=~', '!~', '=', '!=', '<>', 'AND', 'OR', '-', '+', '1', '1.5', '-1', '10s', '1x', "'s'", '"q"', '$p', 'INTO', ':MEASUREMENT', 'LIMIT', 'OFFSET', 'SLIMIT', 'ORDER', 'ASC', 'DESC', 'tz(', "'UTC'", 'ON', 'WITH', 'KEY', 'IN', 'EXACT', 'CARDINALITY', 'DURATION', 'INF', 'REPLICATION', 'SHARD', 'DEFAULT', 'NAME', 'ALL', 'PRIVILEGES', 'TO', 'RESAMPLE', 'EVERY', 'FOR', 'BEGIN', 'END', 'DISTINCT', 'AS', 'mean(', 'now()', '--c\n', '/*c*/', '/*', "'", '"', '\\', '\n', '\r\n', 'µ', '9223372036854775808', '18446744073709551616', 'true', 'false', 'db.rp.m', 'db..m']
  const tokens = (q) => q.match(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\/(?:[^/\\\n]|\\.)*\/|[A-Za-z_][A-Za-z0-9_]*|[0-9.]+[a-zµ]*|::|=~|!~|!=|<=|>=|<>|\s+|./gs) ?? []
  for (let n = 0; n < 20000; n++) {
    const c = pick(base)
    const t = tokens(c.q)
    for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
      const i = Math.floor(rnd() * (t.length + 1))
      const r = rnd()
      if (r < 0.3) t.splice(i, 1)
      else if (r < 0.6) t.splice(i, 0, pick(vocab), ' ')
      else if (r < 0.8) t.splice(i, 1, pick(vocab))
      else if (t.length > 1) {
        const j = Math.floor(rnd() * t.length)
        ;[t[i], t[j]] = [t[j], t[i]]
      }
    }
    add(t.join(''), c.mode === 'expr' ? 'expr' : 'query', c.params)
  }
  const reAlphabet = Array.from('()[]{}|*+?\\^$.-:,0123456789aAbBpPdDwWsSQEzCxX<>_=!#&~ Lé')
  for (let n = 0; n < 20000; n++) {
    let re = ''
    for (let i = 1 + Math.floor(rnd() * 12); i > 0; i--) re += pick(reAlphabet)
    if (rnd() < 0.2) re = pick(['(?', '(?P<', '(?i', '[[:', '\\p{', '\\x{', 'a{', '(?:', '[^', '\\Q']) + re
    add(`SELECT * FROM /${re.replaceAll('/', '\\/')}/`, 'query')
  }
  const values = [
    { t: 'float', v: 1.5 }, { t: 'float', v: 2 }, { t: 'float', v: -0.25 }, { t: 'float', v: 1e21 }, { t: 'float', v: 1e-7 },
    { t: 'float', v: 'NaN' }, { t: 'float', v: 'Infinity' }, { t: 'float', v: '-0' }, { t: 'int', v: '10' }, { t: 'int', v: '-5' },
    { t: 'int', v: '0' }, { t: 'int', v: '-9223372036854775808' }, { t: 'string', v: 'cpu' }, { t: 'string', v: "it's" },
    { t: 'bool', v: true }, { t: 'bool', v: false }, { t: 'null' }, { t: 'array', v: [] },
    { t: 'object', v: { identifier: { t: 'string', v: 'cpu' } } }, { t: 'object', v: { ident: { t: 'string', v: 'my db' } } },
    { t: 'object', v: { regex: { t: 'string', v: '^c.*' } } }, { t: 'object', v: { regex: { t: 'string', v: '(' } } },
    { t: 'object', v: { string: { t: 'string', v: 'x' } } }, { t: 'object', v: { number: { t: 'jsonnum', v: '1.5' } } },
    { t: 'object', v: { float: { t: 'jsonnum', v: '2' } } }, { t: 'object', v: { integer: { t: 'jsonnum', v: '7' } } },
    { t: 'object', v: { int: { t: 'jsonnum', v: '7.5' } } }, { t: 'object', v: { int: { t: 'jsonnum', v: '1e5' } } },
    { t: 'object', v: { duration: { t: 'string', v: '10s' } } }, { t: 'object', v: { duration: { t: 'string', v: 'xx' } } },
    { t: 'object', v: { duration: { t: 'jsonnum', v: '90000000000' } } }, { t: 'object', v: { duration: { t: 'jsonnum', v: '1.5' } } },
    { t: 'object', v: { bogus: { t: 'string', v: 'x' } } }, { t: 'object', v: {} }, { t: 'object', v: { identifier: { t: 'jsonnum', v: '1' } } },
    { t: 'object', v: { regex: { t: 'bool', v: true } } }, { t: 'object', v: { string: { t: 'null' } } },
    { t: 'object', v: { float: { t: 'string', v: '1' } } }, { t: 'object', v: { duration: { t: 'bool', v: true } } },
  ]
  const templates = ['SELECT $x FROM cpu', 'SELECT * FROM $x', 'SELECT * FROM cpu WHERE host = $x', 'SELECT * FROM cpu WHERE host =~ $x', 'SELECT * FROM cpu WHERE $x', 'SELECT * FROM cpu LIMIT $x', 'SELECT * FROM cpu OFFSET $x', 'SELECT mean(v) FROM cpu GROUP BY time($x)', 'SELECT mean(v) FROM cpu GROUP BY time(1m) fill($x)', 'SELECT * FROM cpu WHERE time > now() - $x', 'SELECT -$x FROM cpu', 'SELECT * FROM $x.$x.$x', 'CREATE DATABASE $x', 'CREATE RETENTION POLICY rp ON db DURATION $x REPLICATION $x', 'DROP SHARD $x', 'KILL QUERY $x', 'SHOW TAG VALUES WITH KEY = $x', 'SHOW TAG VALUES WITH KEY =~ $x', 'SHOW MEASUREMENTS WITH MEASUREMENT =~ $x', 'SELECT $x::field FROM cpu', 'SELECT count($x) FROM cpu', 'SELECT * FROM cpu tz($x)', 'SET PASSWORD FOR u = $x', 'SELECT * FROM cpu WHERE a = $y', 'SELECT * FROM cpu WHERE a = $', 'SELECT * FROM cpu WHERE a = $"x"', 'SELECT * FROM cpu WHERE a = $"x', 'SELECT * FROM cpu ORDER BY $x']
  for (const tpl of templates) for (const v of values) add(tpl, 'query', { x: v }, true)
  const soup = Array.from("SELECT FROM WHERE abc ()*,.;:'\"$/\\-+=<>!~%&|^\n\r\t0123456789µé_sdmhwnu")
  for (let n = 0; n < 10000; n++) {
    let s = ''
    for (let i = Math.floor(rnd() * 30); i > 0; i--) s += pick(soup)
    add(s, 'query')
  }
  return out
}

/** The shape of an error message: what stays the same across the cases that share it. */
function shape(err) {
  return err
    .replace(/ at line \d+, char \d+/, '')
    .replace(/^found [\s\S]*, expected/, 'found X, expected')
    .replace(/`[\s\S]*`/, '`R`')
    .replace(/(time zone|parameter:) .*/, '$1 X')
}

function assemble(cases, caseAnswers, cands, candAnswers, dir) {
  const fixture = cases
    .map((c, i) => ({ c, a: caseAnswers[i] }))
    .filter(({ c, a }) => !c.skip && a.panic === undefined)
    .map(({ c, a }) => ({ mode: c.mode, q: c.q, ...(c.params ? { params: c.params } : {}), ...a }))
  writeFileSync(join(dir, 'parser-cases.jsonl'), fixture.map((f) => JSON.stringify(f)).join('\n') + '\n')

  const perShape = new Map()
  const chosen = []
  let successes = 0
  cands.forEach((c, i) => {
    const a = candAnswers[i]
    if (a.panic !== undefined) return
    if (c.keep === true) {
      const { keep, ...rest } = c
      chosen.push({ ...rest, ...(a.err !== undefined ? { err: a.err } : { out: a.out }) })
    } else if (a.err !== undefined) {
      const key = shape(a.err)
      const n = perShape.get(key) ?? 0
      if (n >= 6) return
      perShape.set(key, n + 1)
      chosen.push({ ...c, err: a.err })
    } else if (successes++ % 25 === 0) {
      chosen.push({ ...c, out: a.out })
    }
  })
  writeFileSync(join(dir, 'corpus.jsonl'), chosen.map((f) => JSON.stringify(f)).join('\n') + '\n')
  console.log(`parser-cases.jsonl: ${fixture.length} cases; corpus.jsonl: ${chosen.length} cases, ${perShape.size} error shapes`)
}

const [cmd, ...args] = process.argv.slice(2)
if (cmd === 'candidates') {
  const cands = candidates(readLines(args[0]))
  writeFileSync(args[1], cands.map((c) => JSON.stringify(c)).join('\n') + '\n')
} else if (cmd === 'assemble') {
  assemble(readLines(args[0]), readLines(args[1]), readLines(args[2]), readLines(args[3]), args[4])
} else {
  throw new Error('usage: build-fixtures.mjs candidates|assemble ...')
}
