// Argument checks shared by the functions' validate(): InfluxDB 1.6's query compiler texts for a
// call's argument list (count, kinds of literals), and readers for literal arguments that
// validate() has already accepted.

import type { Expr } from '../../influxql/index.js'
import { StatementError } from '../errors.js'

/**
 * Checks that a call's field argument is a field reference, as InfluxDB's compiler does. A
 * wildcard or regex is accepted (the engine expands `fn(*)` and `fn(/re/)` before running) unless
 * `allowWildcard` is false, then it is `unsupported expression with wildcard: name()`.
 */
export function checkFieldArg(name: string, arg: Expr | undefined, allowWildcard = true): void {
  switch (arg?.kind) {
    case 'VarRef':
      return
    case 'Wildcard':
      if (!allowWildcard)
        throw new StatementError(`unsupported expression with wildcard: ${name}()`)
      return
    case 'RegexLiteral':
      if (!allowWildcard)
        throw new StatementError(`unsupported expression with regex field: ${name}()`)
      return
    default:
      throw new StatementError(`expected field argument in ${name}()`)
  }
}

/** Throws `invalid number of arguments for <name>, expected <n>, got <got>` unless exactly n. */
export function checkArgCount(name: string, args: readonly Expr[], n: number): void {
  if (args.length !== n)
    throw new StatementError(
      `invalid number of arguments for ${name}, expected ${n}, got ${args.length}`,
    )
}

/** Throws `…expected at least <min> but no more than <max>, got <got>` when out of range. */
export function checkArgRange(name: string, args: readonly Expr[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    throw new StatementError(
      `invalid number of arguments for ${name}, expected at least ${min} but no more than ${max}, got ${args.length}`,
    )
  }
}

/** Go's `%T` of an argument expression, as InfluxDB prints it in argument errors. */
export function goTypeName(e: Expr | undefined): string {
  return e === undefined ? '<nil>' : `*influxql.${e.kind}`
}

/** The value of an integer literal argument (validated before), or `fallback`. */
export function intArg(args: readonly Expr[], i: number, fallback: bigint): bigint {
  const a = args[i]
  return a?.kind === 'IntegerLiteral' ? a.value : fallback
}

/** The value of a duration literal argument in ns (validated before), or `fallback`. */
export function durationArg(args: readonly Expr[], i: number, fallback: bigint): bigint {
  const a = args[i]
  return a?.kind === 'DurationLiteral' ? a.value : fallback
}

/** The value of a numeric literal (integer or float) as float64, or `fallback`. */
export function numberArg(args: readonly Expr[], i: number, fallback: number): number {
  const a = args[i]
  if (a?.kind === 'NumberLiteral') return a.value
  if (a?.kind === 'IntegerLiteral') return Number(a.value)
  return fallback
}
