// InfluxQL's math functions (abs, sin, cos, tan, asin, acos, atan, atan2, exp, log, ln, log2,
// log10, sqrt, pow, floor, ceil, round) with InfluxDB 1.6's types and null handling: abs, floor,
// ceil and round keep the input type and return integers unchanged (abs(-3i) is -3 in 1.6.7);
// every other function is float; a non-numeric or null argument gives null. round() rounds half
// away from zero. Argument checks and type errors use InfluxDB's texts. The transcendental
// functions are Go's algorithms (go-trig.ts, go-math.ts), so results match influxd bit for bit.

import type { Expr } from '../../influxql/index.js'
import { StatementError } from '../errors.js'
import { goExp, goLog, goLog10, goLog2, goPow } from './go-math.js'
import { goAcos, goAsin, goAtan, goAtan2, goCos, goSin, goTan } from './go-trig.js'
import type { Scalar, ValueType } from './types.js'

/** A math function: a scalar function applied to each row. */
export interface MathFunction {
  readonly name: string
  /** Throws `invalid number of arguments for <name>, expected <n>, got <got>`. */
  validate(args: readonly Expr[]): void
  /**
   * The result column type for the argument types. As in InfluxDB 1.6.7 a string or boolean first
   * argument is not an error (its values just give null) and keeps its type; the type errors
   * (`invalid argument type for the first argument in <name>(): <type>`) only arise in InfluxDB
   * when the first argument's type is unknown — use {@link checkMathArgTypes} for that case.
   */
  outputType(argTypes: readonly ValueType[]): ValueType
  /** InfluxDB's argument type errors (MathTypeMapper), for arguments of unknown field type. */
  checkTypes(argTypes: readonly ValueType[]): void
  /** Applies the function; `null` for null or non-numeric arguments. Integers and unsigned are bigint. */
  call(args: readonly (Scalar | null)[]): Scalar | null
}

function asFloat(v: Scalar | null | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  return undefined
}

/** Go's math.Round-like rounding used by InfluxDB: half away from zero. */
export function roundHalfAway(x: number): number {
  const t = Math.trunc(x)
  if (Math.abs(x - t) >= 0.5) return t + (x < 0 || Object.is(x, -0) ? -1 : 1)
  return t
}

function unary(name: string, f: (x: number) => number, floatOnly = false): MathFunction {
  return {
    name,
    validate: (args) => checkCount(name, args, 1),
    outputType: (types) => {
      const t = types[0] ?? 'float'
      return isNumber(t) ? 'float' : t
    },
    checkTypes: (types) => {
      const t = types[0] ?? 'float'
      if (!(t === 'float' || (!floatOnly && (t === 'integer' || t === 'unsigned'))))
        throw badType(name, 'first', t)
    },
    call: (args) => {
      const x = asFloat(args[0])
      return x === undefined ? null : f(x)
    },
  }
}

function sameType(name: string, f: (x: number) => number): MathFunction {
  return {
    name,
    validate: (args) => checkCount(name, args, 1),
    outputType: (types) => types[0] ?? 'float',
    checkTypes: (types) => {
      const t = types[0] ?? 'float'
      if (!isNumber(t)) throw badType(name, 'first', t)
    },
    call: (args) => {
      const x = args[0]
      if (typeof x === 'number') return f(x)
      if (typeof x === 'bigint') return x
      return null
    },
  }
}

function binary(
  name: string,
  f: (x: number, y: number) => number,
  checkSecond = true,
): MathFunction {
  return {
    name,
    validate: (args) => checkCount(name, args, 2),
    outputType: (types) => {
      const t = types[0] ?? 'float'
      return isNumber(t) ? 'float' : t
    },
    checkTypes: (types) => {
      const [a = 'float', b = 'float'] = types
      if (!isNumber(a)) throw badType(name, 'first', a)
      if (checkSecond && !isNumber(b)) throw badType(name, 'second', b)
    },
    call: (args) => {
      const x = asFloat(args[0])
      const y = asFloat(args[1])
      return x === undefined || y === undefined ? null : f(x, y)
    },
  }
}

function isNumber(t: ValueType): boolean {
  return t === 'float' || t === 'integer' || t === 'unsigned'
}

function checkCount(name: string, args: readonly Expr[], n: number): void {
  if (args.length !== n)
    throw new StatementError(
      `invalid number of arguments for ${name}, expected ${n}, got ${args.length}`,
    )
}

function badType(name: string, which: string, t: ValueType): StatementError {
  return new StatementError(`invalid argument type for the ${which} argument in ${name}(): ${t}`)
}

const MATH: ReadonlyMap<string, MathFunction> = new Map(
  [
    sameType('abs', Math.abs),
    unary('sin', goSin),
    unary('cos', goCos),
    unary('tan', goTan),
    unary('asin', goAsin, true),
    unary('acos', goAcos, true),
    unary('atan', goAtan),
    binary('atan2', goAtan2),
    unary('exp', goExp),
    binary('log', (x, b) => goLog(x) / goLog(b), false),
    unary('ln', goLog),
    unary('log2', goLog2),
    unary('log10', goLog10),
    unary('sqrt', Math.sqrt),
    binary('pow', goPow),
    sameType('floor', Math.floor),
    sameType('ceil', Math.ceil),
    sameType('round', roundHalfAway),
  ].map((f) => [f.name, f]),
)

/** The math function called `name`, or undefined. */
export function mathFunction(name: string): MathFunction | undefined {
  return MATH.get(name)
}
