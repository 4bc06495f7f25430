// Go-style command-line flags, as InfluxDB's tools parse them: `-name value`, `-name=value`,
// `--name value`; booleans as `-name` or `-name=true|false`; parsing stops at the first argument
// that is not a flag, or after `--` (with `interspersed`, flags may also follow the arguments, as
// users write `backup -db x ./dir -start …`). Unknown flags and missing values are errors naming
// the flag.

import { TidemarkError } from '../util/index.js'

/** A bad command line: unknown flag, missing or malformed value. Exit code 2 in Go; 1 here. */
export class FlagError extends TidemarkError {
  constructor(message: string, flag: string) {
    super('ERR_CLI_FLAG', message, { flag })
  }
}

/** The declaration of one flag. */
export type FlagSpec =
  | { readonly kind: 'string'; readonly default?: string; readonly usage: string }
  | { readonly kind: 'boolean'; readonly default?: boolean; readonly usage: string }
  | { readonly kind: 'integer'; readonly default?: number; readonly usage: string }

type ValueOf<S extends FlagSpec> = S extends { kind: 'string' }
  ? string
  : S extends { kind: 'boolean' }
    ? boolean
    : number

/** The parsed flags: declared defaults filled in, `set` telling which were given. */
export type ParsedFlags<T extends Record<string, FlagSpec>> = {
  readonly values: {
    [K in keyof T]: T[K]['default'] extends undefined ? ValueOf<T[K]> | undefined : ValueOf<T[K]>
  }
  readonly set: ReadonlySet<string>
  readonly args: readonly string[]
}

/** Options of parseFlags. */
export interface ParseFlagsOptions {
  /** Keep parsing flags after the first non-flag argument (until `--`). */
  readonly interspersed?: boolean
}

/** Parses `argv` against `specs`. Throws FlagError for anything Go's flag package would refuse. */
export function parseFlags<T extends Record<string, FlagSpec>>(
  specs: T,
  argv: readonly string[],
  options: ParseFlagsOptions = {},
): ParsedFlags<T> {
  const values: Record<string, string | boolean | number | undefined> = {}
  for (const [name, spec] of Object.entries(specs)) values[name] = spec.default
  const set = new Set<string>()
  const positional: string[] = []
  let i = 0
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') {
      i++
      break
    }
    if (arg.length < 2 || arg[0] !== '-') {
      if (!options.interspersed) break
      positional.push(arg)
      continue
    }
    let body = arg.slice(arg[1] === '-' ? 2 : 1)
    if (body.length === 0 || body[0] === '-' || body[0] === '=') {
      throw new FlagError(`bad flag syntax: ${arg}`, arg)
    }
    let inline: string | undefined
    const eq = body.indexOf('=')
    if (eq >= 0) {
      inline = body.slice(eq + 1)
      body = body.slice(0, eq)
    }
    const spec = specs[body]
    if (spec === undefined) throw new FlagError(`flag provided but not defined: -${body}`, body)
    set.add(body)
    if (spec.kind === 'boolean') {
      if (inline === undefined) values[body] = true
      else if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(inline)) values[body] = true
      else if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(inline)) values[body] = false
      else throw new FlagError(`invalid boolean value "${inline}" for -${body}`, body)
      continue
    }
    let raw = inline
    if (raw === undefined) {
      i++
      if (i >= argv.length) throw new FlagError(`flag needs an argument: -${body}`, body)
      raw = argv[i] ?? ''
    }
    if (spec.kind === 'integer') {
      if (!/^[+-]?\d+$/.test(raw))
        throw new FlagError(`invalid value "${raw}" for flag -${body}: parse error`, body)
      values[body] = Number(raw)
    } else {
      values[body] = raw
    }
  }
  return {
    values: values as ParsedFlags<T>['values'],
    set,
    args: [...positional, ...argv.slice(i)],
  }
}

/** The usage lines of `specs`, in Go's `flag.PrintDefaults` layout. */
export function formatUsage(specs: Record<string, FlagSpec>): string {
  const lines: string[] = []
  for (const [name, spec] of Object.entries(specs)) {
    const arg = spec.kind === 'boolean' ? '' : spec.kind === 'integer' ? ' int' : ' string'
    lines.push(`  -${name}${arg}`)
    const def =
      spec.default === undefined ||
      spec.default === '' ||
      spec.default === false ||
      spec.default === 0
        ? '' // Go leaves out a zero default
        : ` (default ${JSON.stringify(spec.default)})`
    lines.push(`    \t${spec.usage}${def}`)
  }
  return lines.join('\n') + '\n'
}
