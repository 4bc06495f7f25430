import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseStatement, type SelectStatement } from '../influxql/index.js'
import { fieldName } from './select-fields.js'
import { planSelect } from './select-plan.js'

function select(q: string): SelectStatement {
  const s = parseStatement(q)
  assert.equal(s.kind, 'SelectStatement')
  return s as SelectStatement
}

describe('select list compilation', () => {
  it('names columns as InfluxDB: call names, variables of an expression joined by _', () => {
    const names = select('SELECT mean(a) + max(b), a * 2 + b, abs(c), x AS y FROM m').fields.map(
      fieldName,
    )
    assert.deepEqual(names, ['mean_max', 'a_b', 'abs', 'y'])
  })

  it("makes one call slot per distinct call and keeps a lone selector's time", () => {
    const plan = planSelect(select('SELECT max(v), max(v) * 2 FROM m'), 0n)
    assert.equal(plan.fields.calls.length, 1)
    assert.equal(plan.fields.selector, true)
    assert.equal(
      planSelect(select('SELECT derivative(max(v)) FROM m WHERE time > 0 GROUP BY time(1m)'), 0n)
        .fields.selector,
      false,
    )
  })

  it('rejects what InfluxDB rejects, with its texts', () => {
    const err = (q: string): string => {
      try {
        planSelect(select(q), 0n)
        return ''
      } catch (e) {
        return e instanceof Error ? e.message : String(e)
      }
    }
    assert.equal(err('SELECT 1 + 2 FROM m'), 'field must contain at least one variable')
    assert.equal(
      err('SELECT mean(v), v FROM m'),
      'mixing aggregate and non-aggregate queries is not supported',
    )
    assert.equal(
      err('SELECT top(v, 1), max(v) FROM m'),
      'selector function top() cannot be combined with other functions',
    )
    assert.equal(
      err('SELECT distinct(v), count(v) FROM m'),
      'aggregate function distinct() cannot be combined with other functions or fields',
    )
    assert.equal(err('SELECT nope(v) FROM m'), 'undefined function nope()')
    assert.equal(
      err('SELECT mean(v) FROM m GROUP BY time(1m), mean(v)'),
      'only time() calls allowed in dimensions',
    )
  })

  it('takes GROUP BY time offsets from now() and keeps regex dimensions', () => {
    const plan = planSelect(
      select('SELECT mean(v) FROM m GROUP BY time(1m, now()), /^h/'),
      90_500_000_000n,
    )
    assert.deepEqual(plan.interval, { durationNs: 60_000_000_000n, offsetNs: 30_500_000_000n })
    assert.deepEqual(plan.dimensions.regexes, ['^h'])
  })
})
