#!/usr/bin/env bash
# Regenerates the InfluxQL parser fixtures in this directory from InfluxDB's own InfluxQL package
# (the copy installed with InfluxDB 1.6.7 under $GOPATH/src/github.com/influxdata/influxql):
#   parser-cases.jsonl  every case of influxql's parser_test.go, answered by the real parser
#   corpus.jsonl        a sample of prefixes, mutations, random regexes and parameter bindings
# Needs go and node. Usage: src/influxql/testdata/generate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export GOPATH="${GOPATH:-/usr/share/gocode}" GO111MODULE=off
src="$GOPATH/src/github.com/influxdata/influxql"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$here/oracle" && go build -o "$work/oracle" .)
mkdir "$work/cases"
node "$here/extract-cases.mjs" "$src" "$here/oracle" "$work/cases"
(cd "$work/cases" && go test -count=1 -v -run 'TestParser_ParseStatement|TestParser_ParseExpr|TestParseDuration' .) |
  grep '^{"dump":true' > "$work/cases.jsonl"
"$work/oracle" < "$work/cases.jsonl" > "$work/cases.answers.jsonl"
node "$here/build-fixtures.mjs" candidates "$work/cases.jsonl" "$work/corpus.jsonl"
"$work/oracle" < "$work/corpus.jsonl" > "$work/corpus.answers.jsonl"
node "$here/build-fixtures.mjs" assemble "$work/cases.jsonl" "$work/cases.answers.jsonl" \
  "$work/corpus.jsonl" "$work/corpus.answers.jsonl" "$here"
