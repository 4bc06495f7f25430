// Conversion of InfluxQL Go trees into the JSON shape of Tidemark's syntax tree (bigints as
// "<digits>n", NaN/Infinity/-0 as strings), and the typed encoding of bound parameters.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/influxdata/influxql"
)

// M is a JSON object.
type M = map[string]interface{}

func big(v int64) string   { return strconv.FormatInt(v, 10) + "n" }
func ubig(v uint64) string { return strconv.FormatUint(v, 10) + "n" }
func num(v float64) interface{} {
	if math.IsNaN(v) {
		return "NaN"
	} else if math.IsInf(v, 1) {
		return "Infinity"
	} else if math.IsInf(v, -1) {
		return "-Infinity"
	} else if v == 0 && math.Signbit(v) {
		return "-0"
	}
	return v
}

func opName(t influxql.Token) string { return t.String() }

func convExpr(e influxql.Expr) interface{} {
	if e == nil {
		return nil
	}
	switch e := e.(type) {
	case *influxql.BinaryExpr:
		return M{"kind": "BinaryExpr", "op": opName(e.Op), "lhs": convExpr(e.LHS), "rhs": convExpr(e.RHS)}
	case *influxql.ParenExpr:
		return M{"kind": "ParenExpr", "expr": convExpr(e.Expr)}
	case *influxql.Call:
		args := []interface{}{}
		for _, a := range e.Args {
			args = append(args, convExpr(a))
		}
		return M{"kind": "Call", "name": e.Name, "args": args}
	case *influxql.VarRef:
		return M{"kind": "VarRef", "name": e.Val, "dataType": e.Type.String()}
	case *influxql.Distinct:
		return M{"kind": "Distinct", "name": e.Val}
	case *influxql.Wildcard:
		var t interface{}
		switch e.Type {
		case influxql.FIELD:
			t = "field"
		case influxql.TAG:
			t = "tag"
		}
		return M{"kind": "Wildcard", "wildcardType": t}
	case *influxql.NumberLiteral:
		return M{"kind": "NumberLiteral", "value": num(e.Val)}
	case *influxql.IntegerLiteral:
		return M{"kind": "IntegerLiteral", "value": big(e.Val)}
	case *influxql.UnsignedLiteral:
		return M{"kind": "UnsignedLiteral", "value": ubig(e.Val)}
	case *influxql.StringLiteral:
		return M{"kind": "StringLiteral", "value": e.Val}
	case *influxql.BooleanLiteral:
		return M{"kind": "BooleanLiteral", "value": e.Val}
	case *influxql.DurationLiteral:
		return M{"kind": "DurationLiteral", "value": big(int64(e.Val))}
	case *influxql.TimeLiteral:
		return M{"kind": "TimeLiteral", "value": big(e.Val.UnixNano())}
	case *influxql.RegexLiteral:
		if e == nil {
			return nil
		}
		return M{"kind": "RegexLiteral", "pattern": e.Val.String()}
	case *influxql.ListLiteral:
		v := []interface{}{}
		for _, s := range e.Vals {
			v = append(v, s)
		}
		return M{"kind": "ListLiteral", "values": v}
	case *influxql.NilLiteral:
		return M{"kind": "NilLiteral"}
	case *influxql.BoundParameter:
		return M{"kind": "BoundParameter", "name": e.Name}
	}
	panic(fmt.Sprintf("unknown expr %T", e))
}

func convRegex(r *influxql.RegexLiteral) interface{} {
	if r == nil {
		return nil
	}
	return convExpr(r)
}

func convSource(s influxql.Source) interface{} {
	switch s := s.(type) {
	case *influxql.Measurement:
		return M{"kind": "Measurement", "database": s.Database, "retentionPolicy": s.RetentionPolicy, "name": s.Name, "regex": convRegex(s.Regex), "isTarget": s.IsTarget}
	case *influxql.SubQuery:
		return M{"kind": "SubQuery", "statement": convStmt(s.Statement)}
	}
	panic(fmt.Sprintf("unknown source %T", s))
}

func convSources(a influxql.Sources) []interface{} {
	out := []interface{}{}
	for _, s := range a {
		out = append(out, convSource(s))
	}
	return out
}

func convDims(a influxql.Dimensions) []interface{} {
	out := []interface{}{}
	for _, d := range a {
		out = append(out, M{"expr": convExpr(d.Expr)})
	}
	return out
}

func convSort(a influxql.SortFields) []interface{} {
	out := []interface{}{}
	for _, f := range a {
		out = append(out, M{"name": f.Name, "ascending": f.Ascending})
	}
	return out
}

func dur(d time.Duration) string { return big(int64(d)) }
func durp(d *time.Duration) interface{} {
	if d == nil {
		return nil
	}
	return dur(*d)
}
func intp(v *int) interface{} {
	if v == nil {
		return nil
	}
	return *v
}

func fillName(f influxql.FillOption) string {
	switch f {
	case influxql.NullFill:
		return "null"
	case influxql.NoFill:
		return "none"
	case influxql.NumberFill:
		return "number"
	case influxql.PreviousFill:
		return "previous"
	case influxql.LinearFill:
		return "linear"
	}
	return "?"
}

func priv(p influxql.Privilege) string { return p.String() }

func lit(l influxql.Literal) interface{} {
	if l == nil {
		return nil
	}
	return convExpr(l.(influxql.Expr))
}

func convStmt(st influxql.Statement) interface{} {
	switch s := st.(type) {
	case *influxql.SelectStatement:
		fields := []interface{}{}
		for _, f := range s.Fields {
			fields = append(fields, M{"expr": convExpr(f.Expr), "alias": f.Alias})
		}
		var target interface{}
		if s.Target != nil {
			target = M{"measurement": convSource(s.Target.Measurement)}
		}
		var fv interface{}
		switch v := s.FillValue.(type) {
		case int64:
			fv = big(v)
		case float64:
			fv = num(v)
		case nil:
		default:
			panic(fmt.Sprintf("fill %T", v))
		}
		var loc interface{}
		if s.Location != nil {
			loc = s.Location.String()
		}
		return M{"kind": "SelectStatement", "fields": fields, "target": target, "sources": convSources(s.Sources),
			"condition": convExpr(s.Condition), "dimensions": convDims(s.Dimensions), "fill": fillName(s.Fill), "fillValue": fv,
			"sortFields": convSort(s.SortFields), "limit": s.Limit, "offset": s.Offset, "sLimit": s.SLimit, "sOffset": s.SOffset,
			"location": loc, "isRawQuery": s.IsRawQuery}
	case *influxql.DeleteSeriesStatement:
		return M{"kind": "DeleteSeriesStatement", "sources": convSources(s.Sources), "condition": convExpr(s.Condition)}
	case *influxql.DropSeriesStatement:
		return M{"kind": "DropSeriesStatement", "sources": convSources(s.Sources), "condition": convExpr(s.Condition)}
	case *influxql.DropMeasurementStatement:
		return M{"kind": "DropMeasurementStatement", "name": s.Name}
	case *influxql.DropShardStatement:
		return M{"kind": "DropShardStatement", "id": ubig(s.ID)}
	case *influxql.CreateDatabaseStatement:
		return M{"kind": "CreateDatabaseStatement", "name": s.Name, "retentionPolicyCreate": s.RetentionPolicyCreate,
			"retentionPolicyDuration": durp(s.RetentionPolicyDuration), "retentionPolicyReplication": intp(s.RetentionPolicyReplication),
			"retentionPolicyName": s.RetentionPolicyName, "retentionPolicyShardGroupDuration": dur(s.RetentionPolicyShardGroupDuration)}
	case *influxql.DropDatabaseStatement:
		return M{"kind": "DropDatabaseStatement", "name": s.Name}
	case *influxql.CreateRetentionPolicyStatement:
		return M{"kind": "CreateRetentionPolicyStatement", "name": s.Name, "database": s.Database, "duration": dur(s.Duration),
			"replication": s.Replication, "default": s.Default, "shardGroupDuration": dur(s.ShardGroupDuration)}
	case *influxql.AlterRetentionPolicyStatement:
		return M{"kind": "AlterRetentionPolicyStatement", "name": s.Name, "database": s.Database, "duration": durp(s.Duration),
			"replication": intp(s.Replication), "default": s.Default, "shardGroupDuration": durp(s.ShardGroupDuration)}
	case *influxql.DropRetentionPolicyStatement:
		return M{"kind": "DropRetentionPolicyStatement", "name": s.Name, "database": s.Database}
	case *influxql.CreateUserStatement:
		return M{"kind": "CreateUserStatement", "name": s.Name, "password": s.Password, "admin": s.Admin}
	case *influxql.DropUserStatement:
		return M{"kind": "DropUserStatement", "name": s.Name}
	case *influxql.SetPasswordUserStatement:
		return M{"kind": "SetPasswordUserStatement", "name": s.Name, "password": s.Password}
	case *influxql.GrantStatement:
		return M{"kind": "GrantStatement", "privilege": priv(s.Privilege), "on": s.On, "user": s.User}
	case *influxql.GrantAdminStatement:
		return M{"kind": "GrantAdminStatement", "user": s.User}
	case *influxql.RevokeStatement:
		return M{"kind": "RevokeStatement", "privilege": priv(s.Privilege), "on": s.On, "user": s.User}
	case *influxql.RevokeAdminStatement:
		return M{"kind": "RevokeAdminStatement", "user": s.User}
	case *influxql.CreateContinuousQueryStatement:
		return M{"kind": "CreateContinuousQueryStatement", "name": s.Name, "database": s.Database, "source": convStmt(s.Source),
			"resampleEvery": dur(s.ResampleEvery), "resampleFor": dur(s.ResampleFor)}
	case *influxql.DropContinuousQueryStatement:
		return M{"kind": "DropContinuousQueryStatement", "name": s.Name, "database": s.Database}
	case *influxql.CreateSubscriptionStatement:
		d := []interface{}{}
		for _, x := range s.Destinations {
			d = append(d, x)
		}
		return M{"kind": "CreateSubscriptionStatement", "name": s.Name, "database": s.Database, "retentionPolicy": s.RetentionPolicy, "destinations": d, "mode": s.Mode}
	case *influxql.DropSubscriptionStatement:
		return M{"kind": "DropSubscriptionStatement", "name": s.Name, "database": s.Database, "retentionPolicy": s.RetentionPolicy}
	case *influxql.ShowDatabasesStatement:
		return M{"kind": "ShowDatabasesStatement"}
	case *influxql.ShowRetentionPoliciesStatement:
		return M{"kind": "ShowRetentionPoliciesStatement", "database": s.Database}
	case *influxql.ShowMeasurementsStatement:
		var src interface{}
		if s.Source != nil {
			src = convSource(s.Source)
		}
		return M{"kind": "ShowMeasurementsStatement", "database": s.Database, "source": src, "condition": convExpr(s.Condition),
			"sortFields": convSort(s.SortFields), "limit": s.Limit, "offset": s.Offset}
	case *influxql.ShowMeasurementCardinalityStatement:
		return M{"kind": "ShowMeasurementCardinalityStatement", "exact": s.Exact, "database": s.Database, "sources": convSources(s.Sources),
			"condition": convExpr(s.Condition), "dimensions": convDims(s.Dimensions), "limit": s.Limit, "offset": s.Offset}
	case *influxql.ShowSeriesStatement:
		return M{"kind": "ShowSeriesStatement", "database": s.Database, "sources": convSources(s.Sources), "condition": convExpr(s.Condition),
			"sortFields": convSort(s.SortFields), "limit": s.Limit, "offset": s.Offset}
	case *influxql.ShowSeriesCardinalityStatement:
		return M{"kind": "ShowSeriesCardinalityStatement", "exact": s.Exact, "database": s.Database, "sources": convSources(s.Sources),
			"condition": convExpr(s.Condition), "dimensions": convDims(s.Dimensions), "limit": s.Limit, "offset": s.Offset}
	case *influxql.ShowTagKeysStatement:
		return M{"kind": "ShowTagKeysStatement", "database": s.Database, "sources": convSources(s.Sources), "condition": convExpr(s.Condition),
			"sortFields": convSort(s.SortFields), "limit": s.Limit, "offset": s.Offset, "sLimit": s.SLimit, "sOffset": s.SOffset}
	case *influxql.ShowTagKeyCardinalityStatement:
		return M{"kind": "ShowTagKeyCardinalityStatement", "exact": s.Exact, "database": s.Database, "sources": convSources(s.Sources),
			"condition": convExpr(s.Condition), "dimensions": convDims(s.Dimensions), "limit": s.Limit, "offset": s.Offset}
	case *influxql.ShowTagValuesStatement:
		return M{"kind": "ShowTagValuesStatement", "database": s.Database, "sources": convSources(s.Sources), "op": s.Op.String(),
			"tagKeyExpr": lit(s.TagKeyExpr), "condition": convExpr(s.Condition),
			"sortFields": convSort(s.SortFields), "limit": s.Limit, "offset": s.Offset}
	case *influxql.ShowTagValuesCardinalityStatement:
		return M{"kind": "ShowTagValuesCardinalityStatement", "exact": s.Exact, "database": s.Database, "sources": convSources(s.Sources),
			"op": s.Op.String(), "tagKeyExpr": lit(s.TagKeyExpr),
			"condition": convExpr(s.Condition), "dimensions": convDims(s.Dimensions), "limit": s.Limit, "offset": s.Offset}
	case *influxql.ShowFieldKeysStatement:
		return M{"kind": "ShowFieldKeysStatement", "database": s.Database, "sources": convSources(s.Sources),
			"sortFields": convSort(s.SortFields), "limit": s.Limit, "offset": s.Offset}
	case *influxql.ShowFieldKeyCardinalityStatement:
		return M{"kind": "ShowFieldKeyCardinalityStatement", "exact": s.Exact, "database": s.Database, "sources": convSources(s.Sources),
			"condition": convExpr(s.Condition), "dimensions": convDims(s.Dimensions), "limit": s.Limit, "offset": s.Offset}
	case *influxql.ShowShardsStatement:
		return M{"kind": "ShowShardsStatement"}
	case *influxql.ShowShardGroupsStatement:
		return M{"kind": "ShowShardGroupsStatement"}
	case *influxql.ShowUsersStatement:
		return M{"kind": "ShowUsersStatement"}
	case *influxql.ShowGrantsForUserStatement:
		return M{"kind": "ShowGrantsForUserStatement", "name": s.Name}
	case *influxql.ShowContinuousQueriesStatement:
		return M{"kind": "ShowContinuousQueriesStatement"}
	case *influxql.ShowSubscriptionsStatement:
		return M{"kind": "ShowSubscriptionsStatement"}
	case *influxql.ShowQueriesStatement:
		return M{"kind": "ShowQueriesStatement"}
	case *influxql.ShowDiagnosticsStatement:
		return M{"kind": "ShowDiagnosticsStatement", "module": s.Module}
	case *influxql.ShowStatsStatement:
		return M{"kind": "ShowStatsStatement", "module": s.Module}
	case *influxql.KillQueryStatement:
		return M{"kind": "KillQueryStatement", "queryID": ubig(s.QueryID), "host": s.Host}
	case *influxql.ExplainStatement:
		return M{"kind": "ExplainStatement", "statement": convStmt(s.Statement), "analyze": s.Analyze}
	}
	panic(fmt.Sprintf("unknown statement %T", st))
}

// Typed parameter encoding shared with the TypeScript tests.
type TV struct {
	T string          `json:"t"`
	V json.RawMessage `json:"v,omitempty"`
}

func encodeParam(v interface{}) TV {
	raw := func(x interface{}) json.RawMessage { b, _ := json.Marshal(x); return b }
	switch v := v.(type) {
	case nil:
		return TV{T: "null"}
	case float64:
		return TV{T: "float", V: raw(num(v))}
	case int64:
		return TV{T: "int", V: raw(strconv.FormatInt(v, 10))}
	case int:
		return TV{T: "goint", V: raw(strconv.Itoa(v))}
	case string:
		return TV{T: "string", V: raw(v)}
	case bool:
		return TV{T: "bool", V: raw(v)}
	case json.Number:
		return TV{T: "jsonnum", V: raw(string(v))}
	case map[string]interface{}:
		m := map[string]TV{}
		for k, x := range v {
			m[k] = encodeParam(x)
		}
		return TV{T: "object", V: raw(m)}
	case []interface{}:
		a := []TV{}
		for _, x := range v {
			a = append(a, encodeParam(x))
		}
		return TV{T: "array", V: raw(a)}
	}
	panic(fmt.Sprintf("param %T", v))
}

func decodeParam(tv TV) interface{} {
	switch tv.T {
	case "null":
		return nil
	case "float":
		var x interface{}
		json.Unmarshal(tv.V, &x)
		switch x := x.(type) {
		case float64:
			return x
		case string:
			switch x {
			case "NaN":
				return math.NaN()
			case "Infinity":
				return math.Inf(1)
			case "-Infinity":
				return math.Inf(-1)
			case "-0":
				return math.Copysign(0, -1)
			}
		}
		panic("bad float")
	case "int":
		var s string
		json.Unmarshal(tv.V, &s)
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			panic(err)
		}
		return n
	case "goint":
		var s string
		json.Unmarshal(tv.V, &s)
		n, _ := strconv.Atoi(s)
		return n
	case "string":
		var s string
		json.Unmarshal(tv.V, &s)
		return s
	case "bool":
		var b bool
		json.Unmarshal(tv.V, &b)
		return b
	case "jsonnum":
		var s string
		json.Unmarshal(tv.V, &s)
		return json.Number(s)
	case "object":
		var m map[string]TV
		json.Unmarshal(tv.V, &m)
		out := map[string]interface{}{}
		for k, x := range m {
			out[k] = decodeParam(x)
		}
		return out
	case "array":
		var a []TV
		json.Unmarshal(tv.V, &a)
		out := []interface{}{}
		for _, x := range a {
			out = append(out, decodeParam(x))
		}
		return out
	}
	panic("bad param type " + tv.T)
}
