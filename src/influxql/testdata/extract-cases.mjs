// Prepares a throwaway Go test package that prints the cases of influxql's parser_test.go (the
// query texts, bound parameters and expected error strings of TestParser_ParseStatement,
// TestParser_ParseExpr and TestParseDuration) as JSON lines instead of checking them.
// Usage: node extract-cases.mjs <influxql source dir> <oracle dir> <work dir>
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [src, oracle, work] = process.argv.slice(2)
let test = readFileSync(join(src, 'parser_test.go'), 'utf8')
const edits = [
  // A fixed "now", so the generated cases do not change from run to run.
  ['now := time.Now()', 'now := time.Date(2020, 3, 4, 5, 6, 7, 123456789, time.UTC)'],
  [
    '\tfor i, tt := range tests {\n\t\tif tt.skip {',
    '\tfor i, tt := range tests {\n\t\tdumpCase("stmt", tt.s, tt.params, tt.err, tt.skip)\n\t\tif true {\n\t\t\tcontinue\n\t\t}\n\t\tif tt.skip {',
  ],
  [
    '\tfor i, tt := range tests {\n\t\texpr, err := influxql.NewParser(strings.NewReader(tt.s)).ParseExpr()',
    '\tfor i, tt := range tests {\n\t\tdumpCase("expr", tt.s, nil, tt.err, false)\n\t\tif true {\n\t\t\tcontinue\n\t\t}\n\t\texpr, err := influxql.NewParser(strings.NewReader(tt.s)).ParseExpr()',
  ],
  [
    '\tfor i, tt := range tests {\n\t\td, err := influxql.ParseDuration(tt.s)',
    '\tfor i, tt := range tests {\n\t\tdumpCase("duration", tt.s, nil, tt.err, false)\n\t\tif true {\n\t\t\tcontinue\n\t\t}\n\t\td, err := influxql.ParseDuration(tt.s)',
  ],
]
for (const [from, to] of edits) {
  if (!test.includes(from)) throw new Error(`parser_test.go has changed: cannot find ${JSON.stringify(from)}`)
  test = test.replace(from, to)
}
writeFileSync(join(work, 'cases_test.go'), test)
writeFileSync(
  join(work, 'conv_test.go'),
  readFileSync(join(oracle, 'conv.go'), 'utf8').replace(/^package main$/m, 'package influxql_test'),
)
writeFileSync(
  join(work, 'dump_test.go'),
  `package influxql_test

import (
	"encoding/json"
	"os"
)

var dumpOut = func() *json.Encoder { e := json.NewEncoder(os.Stdout); e.SetEscapeHTML(false); return e }()

func dumpCase(mode, s string, params map[string]interface{}, err string, skip bool) {
	var ps map[string]TV
	if params != nil {
		ps = map[string]TV{}
		for k, v := range params {
			ps[k] = encodeParam(v)
		}
	}
	dumpOut.Encode(map[string]interface{}{"dump": true, "mode": mode, "q": s, "params": ps, "err": err, "skip": skip})
}
`,
)
