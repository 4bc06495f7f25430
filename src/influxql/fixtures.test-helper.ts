// Loading the reference fixtures of testdata/ (generated from InfluxDB's own InfluxQL package by
// testdata/generate.sh) and putting syntax trees into the fixtures' JSON shape for comparison.

import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { JSONNumber } from './index.js'
import type { QueryParam } from './index.js'

/** A parameter in the fixtures' typed encoding ({t: 'int', v: '10'}, ...). */
export interface TypedParam {
  readonly t:
    'null' | 'float' | 'int' | 'goint' | 'string' | 'bool' | 'jsonnum' | 'object' | 'array'
  readonly v?: unknown
}

/** One fixture case: a text, how to parse it, and the reference answer. */
export interface FixtureCase {
  readonly mode: 'query' | 'stmt' | 'expr' | 'duration'
  readonly q: string
  readonly params?: Readonly<Record<string, TypedParam>>
  readonly err?: string
  readonly out?: string
  readonly ast?: unknown
}

const here = dirname(fileURLToPath(import.meta.url))
/** The source directory of the fixtures (tests run from dist/, the fixtures stay in src/). */
const testdata = resolve(here, '../../../src/influxql/testdata')

/** Reads a JSON-lines fixture file from src/influxql/testdata. */
export function loadFixture(name: string): FixtureCase[] {
  return readFileSync(join(testdata, name), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as FixtureCase)
}

const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-0': -0,
}

/** Decodes one typed parameter into the QueryParam the parser takes. */
export function decodeParam(p: TypedParam): QueryParam {
  switch (p.t) {
    case 'null':
      return null
    case 'float':
      return typeof p.v === 'string' ? (SPECIAL_FLOATS[p.v] ?? Number.NaN) : Number(p.v)
    case 'int':
    case 'goint':
      return BigInt(String(p.v))
    case 'string':
      return String(p.v)
    case 'bool':
      return p.v === true
    case 'jsonnum':
      return new JSONNumber(String(p.v))
    case 'object':
      return Object.fromEntries(
        Object.entries(p.v as Record<string, TypedParam>).map(([k, v]) => [k, decodeParam(v)]),
      )
    case 'array':
      return (p.v as TypedParam[]).map(decodeParam)
  }
}

/** Decodes a case's parameters, if it has any. */
export function decodeParams(c: FixtureCase): Record<string, QueryParam> | undefined {
  if (c.params === undefined) return undefined
  return Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, decodeParam(v)]))
}

/** A tree in the fixtures' JSON shape: bigints as "<digits>n", NaN/±Infinity/-0 as strings. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN'
    if (value === Number.POSITIVE_INFINITY) return 'Infinity'
    if (value === Number.NEGATIVE_INFINITY) return '-Infinity'
    if (Object.is(value, -0)) return '-0'
    return value
  }
  if (Array.isArray(value)) return value.map(plain)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  }
  return value
}
