// Command oracle runs InfluxDB's own InfluxQL package (github.com/influxdata/influxql, the copy
// installed with InfluxDB 1.6.7) on requests read as JSON lines from stdin, and answers each with
// a JSON line: {"err": "..."} or {"out": "<String()>", "ast": <tree in Tidemark's shape>}.
// It is the reference the fixtures in ../ are generated from (see ../generate.sh).
//
// Modes: "query" (ParseQuery), "stmt" (ParseStatement), "expr" (ParseExpr), "duration"
// (ParseDuration), "printstmt" / "printexpr" (build the Go tree from Tidemark's JSON tree in
// "q" and print it with String()).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/influxdata/influxql"
)

type req struct {
	Q      string        `json:"q"`
	Mode   string        `json:"mode"`
	Params map[string]TV `json:"params"`
}

func decodeTree(text string) interface{} {
	var v interface{}
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		panic(err)
	}
	return v
}

func answer(r req) (res map[string]interface{}) {
	res = map[string]interface{}{}
	defer func() {
		if x := recover(); x != nil {
			res = map[string]interface{}{"panic": fmt.Sprint(x)}
		}
	}()
	p := influxql.NewParser(strings.NewReader(r.Q))
	if r.Params != nil {
		m := map[string]interface{}{}
		for k, v := range r.Params {
			m[k] = decodeParam(v)
		}
		p.SetParams(m)
	}
	switch r.Mode {
	case "expr":
		if e, err := p.ParseExpr(); err != nil {
			res["err"] = err.Error()
		} else {
			res["out"], res["ast"] = e.String(), convExpr(e)
		}
	case "stmt":
		if s, err := p.ParseStatement(); err != nil {
			res["err"] = err.Error()
		} else {
			res["out"], res["ast"] = s.String(), convStmt(s)
		}
	case "duration":
		if d, err := influxql.ParseDuration(r.Q); err != nil {
			res["err"] = err.Error()
		} else {
			res["out"] = big(int64(d))
		}
	case "printexpr":
		res["out"] = revExpr(decodeTree(r.Q)).String()
	case "printstmt":
		res["out"] = revStmt(decodeTree(r.Q)).String()
	default:
		if q, err := p.ParseQuery(); err != nil {
			res["err"] = err.Error()
		} else {
			st := []interface{}{}
			for _, s := range q.Statements {
				st = append(st, convStmt(s))
			}
			res["out"], res["ast"] = q.String(), st
		}
	}
	return res
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<28)
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	for sc.Scan() {
		var r req
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			panic(err)
		}
		if err := out.Encode(answer(r)); err != nil {
			panic(err)
		}
	}
}
