// Conversion of Tidemark's JSON syntax tree back into InfluxQL Go trees, to print with String().
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/influxdata/influxql"
)

func jbig(v interface{}) int64 {
	s := strings.TrimSuffix(v.(string), "n")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}
func jubig(v interface{}) uint64 {
	s := strings.TrimSuffix(v.(string), "n")
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}
func jnum(v interface{}) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case json.Number:
		f, _ := x.Float64()
		return f
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
	panic(fmt.Sprintf("num %v", v))
}
func jint(v interface{}) int {
	f := jnum(v)
	return int(f)
}
func jstr(v interface{}) string { return v.(string) }

var opTok = map[string]influxql.Token{}

func init() {
	for t := influxql.Token(0); t < 200; t++ {
		if s := t.String(); s != "" {
			if _, ok := opTok[s]; !ok {
				opTok[s] = t
			}
		}
	}
}

func revExpr(v interface{}) influxql.Expr {
	if v == nil {
		return nil
	}
	m := v.(map[string]interface{})
	switch m["kind"] {
	case "BinaryExpr":
		return &influxql.BinaryExpr{Op: opTok[jstr(m["op"])], LHS: revExpr(m["lhs"]), RHS: revExpr(m["rhs"])}
	case "ParenExpr":
		return &influxql.ParenExpr{Expr: revExpr(m["expr"])}
	case "Call":
		var args []influxql.Expr
		for _, a := range m["args"].([]interface{}) {
			args = append(args, revExpr(a))
		}
		return &influxql.Call{Name: jstr(m["name"]), Args: args}
	case "VarRef":
		dt := influxql.DataTypeFromString(jstr(m["dataType"]))
		return &influxql.VarRef{Val: jstr(m["name"]), Type: dt}
	case "Distinct":
		return &influxql.Distinct{Val: jstr(m["name"])}
	case "Wildcard":
		w := &influxql.Wildcard{}
		switch m["wildcardType"] {
		case "field":
			w.Type = influxql.FIELD
		case "tag":
			w.Type = influxql.TAG
		}
		return w
	case "NumberLiteral":
		return &influxql.NumberLiteral{Val: jnum(m["value"])}
	case "IntegerLiteral":
		return &influxql.IntegerLiteral{Val: jbig(m["value"])}
	case "UnsignedLiteral":
		return &influxql.UnsignedLiteral{Val: jubig(m["value"])}
	case "StringLiteral":
		return &influxql.StringLiteral{Val: jstr(m["value"])}
	case "BooleanLiteral":
		return &influxql.BooleanLiteral{Val: m["value"].(bool)}
	case "DurationLiteral":
		return &influxql.DurationLiteral{Val: time.Duration(jbig(m["value"]))}
	case "TimeLiteral":
		return &influxql.TimeLiteral{Val: time.Unix(0, jbig(m["value"])).UTC()}
	case "RegexLiteral":
		return &influxql.RegexLiteral{Val: regexp.MustCompile(jstr(m["pattern"]))}
	case "ListLiteral":
		var vals []string
		for _, x := range m["values"].([]interface{}) {
			vals = append(vals, jstr(x))
		}
		return &influxql.ListLiteral{Vals: vals}
	case "NilLiteral":
		return &influxql.NilLiteral{}
	case "BoundParameter":
		return &influxql.BoundParameter{Name: jstr(m["name"])}
	}
	panic(fmt.Sprintf("expr kind %v", m["kind"]))
}

func revRegex(v interface{}) *influxql.RegexLiteral {
	if v == nil {
		return nil
	}
	return revExpr(v).(*influxql.RegexLiteral)
}

func revSource(v interface{}) influxql.Source {
	m := v.(map[string]interface{})
	if m["kind"] == "SubQuery" {
		return &influxql.SubQuery{Statement: revStmt(m["statement"]).(*influxql.SelectStatement)}
	}
	return &influxql.Measurement{Database: jstr(m["database"]), RetentionPolicy: jstr(m["retentionPolicy"]), Name: jstr(m["name"]), Regex: revRegex(m["regex"]), IsTarget: m["isTarget"].(bool)}
}

func revSources(v interface{}) influxql.Sources {
	var out influxql.Sources
	for _, s := range v.([]interface{}) {
		out = append(out, revSource(s))
	}
	return out
}

func revDims(v interface{}) influxql.Dimensions {
	var out influxql.Dimensions
	for _, d := range v.([]interface{}) {
		out = append(out, &influxql.Dimension{Expr: revExpr(d.(map[string]interface{})["expr"])})
	}
	return out
}

func revSort(v interface{}) influxql.SortFields {
	var out influxql.SortFields
	for _, d := range v.([]interface{}) {
		m := d.(map[string]interface{})
		out = append(out, &influxql.SortField{Name: jstr(m["name"]), Ascending: m["ascending"].(bool)})
	}
	return out
}

func durp2(v interface{}) *time.Duration {
	if v == nil {
		return nil
	}
	d := time.Duration(jbig(v))
	return &d
}
func intp2(v interface{}) *int {
	if v == nil {
		return nil
	}
	n := jint(v)
	return &n
}
func privOf(s string) influxql.Privilege {
	switch s {
	case "READ":
		return influxql.ReadPrivilege
	case "WRITE":
		return influxql.WritePrivilege
	case "ALL PRIVILEGES":
		return influxql.AllPrivileges
	}
	return influxql.NoPrivileges
}

func revStmt(v interface{}) influxql.Statement {
	m := v.(map[string]interface{})
	switch m["kind"] {
	case "SelectStatement":
		s := &influxql.SelectStatement{}
		for _, f := range m["fields"].([]interface{}) {
			fm := f.(map[string]interface{})
			s.Fields = append(s.Fields, &influxql.Field{Expr: revExpr(fm["expr"]), Alias: jstr(fm["alias"])})
		}
		if t := m["target"]; t != nil {
			s.Target = &influxql.Target{Measurement: revSource(t.(map[string]interface{})["measurement"]).(*influxql.Measurement)}
		}
		s.Sources = revSources(m["sources"])
		s.Condition = revExpr(m["condition"])
		s.Dimensions = revDims(m["dimensions"])
		switch m["fill"] {
		case "null":
			s.Fill = influxql.NullFill
		case "none":
			s.Fill = influxql.NoFill
		case "number":
			s.Fill = influxql.NumberFill
		case "previous":
			s.Fill = influxql.PreviousFill
		case "linear":
			s.Fill = influxql.LinearFill
		}
		switch fv := m["fillValue"].(type) {
		case nil:
		case string:
			if strings.HasSuffix(fv, "n") {
				s.FillValue = jbig(fv)
			} else {
				s.FillValue = jnum(fv)
			}
		default:
			s.FillValue = jnum(fv)
		}
		s.SortFields = revSort(m["sortFields"])
		s.Limit, s.Offset, s.SLimit, s.SOffset = jint(m["limit"]), jint(m["offset"]), jint(m["sLimit"]), jint(m["sOffset"])
		if l := m["location"]; l != nil {
			loc, err := time.LoadLocation(jstr(l))
			if err != nil {
				panic(err)
			}
			s.Location = loc
		}
		s.IsRawQuery = m["isRawQuery"].(bool)
		return s
	case "DeleteSeriesStatement":
		return &influxql.DeleteSeriesStatement{Sources: revSources(m["sources"]), Condition: revExpr(m["condition"])}
	case "DropSeriesStatement":
		return &influxql.DropSeriesStatement{Sources: revSources(m["sources"]), Condition: revExpr(m["condition"])}
	case "DropMeasurementStatement":
		return &influxql.DropMeasurementStatement{Name: jstr(m["name"])}
	case "DropShardStatement":
		return &influxql.DropShardStatement{ID: jubig(m["id"])}
	case "CreateDatabaseStatement":
		return &influxql.CreateDatabaseStatement{Name: jstr(m["name"]), RetentionPolicyCreate: m["retentionPolicyCreate"].(bool),
			RetentionPolicyDuration: durp2(m["retentionPolicyDuration"]), RetentionPolicyReplication: intp2(m["retentionPolicyReplication"]),
			RetentionPolicyName: jstr(m["retentionPolicyName"]), RetentionPolicyShardGroupDuration: time.Duration(jbig(m["retentionPolicyShardGroupDuration"]))}
	case "DropDatabaseStatement":
		return &influxql.DropDatabaseStatement{Name: jstr(m["name"])}
	case "CreateRetentionPolicyStatement":
		return &influxql.CreateRetentionPolicyStatement{Name: jstr(m["name"]), Database: jstr(m["database"]), Duration: time.Duration(jbig(m["duration"])),
			Replication: jint(m["replication"]), Default: m["default"].(bool), ShardGroupDuration: time.Duration(jbig(m["shardGroupDuration"]))}
	case "AlterRetentionPolicyStatement":
		return &influxql.AlterRetentionPolicyStatement{Name: jstr(m["name"]), Database: jstr(m["database"]), Duration: durp2(m["duration"]),
			Replication: intp2(m["replication"]), Default: m["default"].(bool), ShardGroupDuration: durp2(m["shardGroupDuration"])}
	case "DropRetentionPolicyStatement":
		return &influxql.DropRetentionPolicyStatement{Name: jstr(m["name"]), Database: jstr(m["database"])}
	case "CreateUserStatement":
		return &influxql.CreateUserStatement{Name: jstr(m["name"]), Password: jstr(m["password"]), Admin: m["admin"].(bool)}
	case "DropUserStatement":
		return &influxql.DropUserStatement{Name: jstr(m["name"])}
	case "SetPasswordUserStatement":
		return &influxql.SetPasswordUserStatement{Name: jstr(m["name"]), Password: jstr(m["password"])}
	case "GrantStatement":
		return &influxql.GrantStatement{Privilege: privOf(jstr(m["privilege"])), On: jstr(m["on"]), User: jstr(m["user"])}
	case "GrantAdminStatement":
		return &influxql.GrantAdminStatement{User: jstr(m["user"])}
	case "RevokeStatement":
		return &influxql.RevokeStatement{Privilege: privOf(jstr(m["privilege"])), On: jstr(m["on"]), User: jstr(m["user"])}
	case "RevokeAdminStatement":
		return &influxql.RevokeAdminStatement{User: jstr(m["user"])}
	case "CreateContinuousQueryStatement":
		return &influxql.CreateContinuousQueryStatement{Name: jstr(m["name"]), Database: jstr(m["database"]), Source: revStmt(m["source"]).(*influxql.SelectStatement),
			ResampleEvery: time.Duration(jbig(m["resampleEvery"])), ResampleFor: time.Duration(jbig(m["resampleFor"]))}
	case "DropContinuousQueryStatement":
		return &influxql.DropContinuousQueryStatement{Name: jstr(m["name"]), Database: jstr(m["database"])}
	case "CreateSubscriptionStatement":
		var d []string
		for _, x := range m["destinations"].([]interface{}) {
			d = append(d, jstr(x))
		}
		return &influxql.CreateSubscriptionStatement{Name: jstr(m["name"]), Database: jstr(m["database"]), RetentionPolicy: jstr(m["retentionPolicy"]), Destinations: d, Mode: jstr(m["mode"])}
	case "DropSubscriptionStatement":
		return &influxql.DropSubscriptionStatement{Name: jstr(m["name"]), Database: jstr(m["database"]), RetentionPolicy: jstr(m["retentionPolicy"])}
	case "ShowDatabasesStatement":
		return &influxql.ShowDatabasesStatement{}
	case "ShowRetentionPoliciesStatement":
		return &influxql.ShowRetentionPoliciesStatement{Database: jstr(m["database"])}
	case "ShowMeasurementsStatement":
		s := &influxql.ShowMeasurementsStatement{Database: jstr(m["database"]), Condition: revExpr(m["condition"]), SortFields: revSort(m["sortFields"]), Limit: jint(m["limit"]), Offset: jint(m["offset"])}
		if src := m["source"]; src != nil {
			s.Source = revSource(src)
		}
		return s
	case "ShowMeasurementCardinalityStatement":
		return &influxql.ShowMeasurementCardinalityStatement{Exact: m["exact"].(bool), Database: jstr(m["database"]), Sources: nz(revSources(m["sources"])), Condition: revExpr(m["condition"]), Dimensions: revDims(m["dimensions"]), Limit: jint(m["limit"]), Offset: jint(m["offset"])}
	case "ShowSeriesStatement":
		return &influxql.ShowSeriesStatement{Database: jstr(m["database"]), Sources: nz(revSources(m["sources"])), Condition: revExpr(m["condition"]), SortFields: revSort(m["sortFields"]), Limit: jint(m["limit"]), Offset: jint(m["offset"])}
	case "ShowSeriesCardinalityStatement":
		return &influxql.ShowSeriesCardinalityStatement{Exact: m["exact"].(bool), Database: jstr(m["database"]), Sources: nz(revSources(m["sources"])), Condition: revExpr(m["condition"]), Dimensions: revDims(m["dimensions"]), Limit: jint(m["limit"]), Offset: jint(m["offset"])}
	case "ShowTagKeysStatement":
		return &influxql.ShowTagKeysStatement{Database: jstr(m["database"]), Sources: nz(revSources(m["sources"])), Condition: revExpr(m["condition"]), SortFields: revSort(m["sortFields"]), Limit: jint(m["limit"]), Offset: jint(m["offset"]), SLimit: jint(m["sLimit"]), SOffset: jint(m["sOffset"])}
	case "ShowTagKeyCardinalityStatement":
		return &influxql.ShowTagKeyCardinalityStatement{Exact: m["exact"].(bool), Database: jstr(m["database"]), Sources: nz(revSources(m["sources"])), Condition: revExpr(m["condition"]), Dimensions: revDims(m["dimensions"]), Limit: jint(m["limit"]), Offset: jint(m["offset"])}
	case "ShowTagValuesStatement":
		return &influxql.ShowTagValuesStatement{Database: jstr(m["database"]), Sources: nz(revSources(m["sources"])), Op: opTok[jstr(m["op"])], TagKeyExpr: revExpr(m["tagKeyExpr"]).(influxql.Literal), Condition: revExpr(m["condition"]), SortFields: revSort(m["sortFields"]), Limit: jint(m["limit"]), Offset: jint(m["offset"])}
	case "ShowTagValuesCardinalityStatement":
		return &influxql.ShowTagValuesCardinalityStatement{Exact: m["exact"].(bool), Database: jstr(m["database"]), Sources: nz(revSources(m["sources"])), Op: opTok[jstr(m["op"])], TagKeyExpr: revExpr(m["tagKeyExpr"]).(influxql.Literal), Condition: revExpr(m["condition"]), Dimensions: revDims(m["dimensions"]), Limit: jint(m["limit"]), Offset: jint(m["offset"])}
	case "ShowFieldKeysStatement":
		return &influxql.ShowFieldKeysStatement{Database: jstr(m["database"]), Sources: nz(revSources(m["sources"])), SortFields: revSort(m["sortFields"]), Limit: jint(m["limit"]), Offset: jint(m["offset"])}
	case "ShowFieldKeyCardinalityStatement":
		return &influxql.ShowFieldKeyCardinalityStatement{Exact: m["exact"].(bool), Database: jstr(m["database"]), Sources: nz(revSources(m["sources"])), Condition: revExpr(m["condition"]), Dimensions: revDims(m["dimensions"]), Limit: jint(m["limit"]), Offset: jint(m["offset"])}
	case "ShowShardsStatement":
		return &influxql.ShowShardsStatement{}
	case "ShowShardGroupsStatement":
		return &influxql.ShowShardGroupsStatement{}
	case "ShowUsersStatement":
		return &influxql.ShowUsersStatement{}
	case "ShowGrantsForUserStatement":
		return &influxql.ShowGrantsForUserStatement{Name: jstr(m["name"])}
	case "ShowContinuousQueriesStatement":
		return &influxql.ShowContinuousQueriesStatement{}
	case "ShowSubscriptionsStatement":
		return &influxql.ShowSubscriptionsStatement{}
	case "ShowQueriesStatement":
		return &influxql.ShowQueriesStatement{}
	case "ShowDiagnosticsStatement":
		return &influxql.ShowDiagnosticsStatement{Module: jstr(m["module"])}
	case "ShowStatsStatement":
		return &influxql.ShowStatsStatement{Module: jstr(m["module"])}
	case "KillQueryStatement":
		return &influxql.KillQueryStatement{QueryID: jubig(m["queryID"]), Host: jstr(m["host"])}
	case "ExplainStatement":
		return &influxql.ExplainStatement{Statement: revStmt(m["statement"]).(*influxql.SelectStatement), Analyze: m["analyze"].(bool)}
	}
	panic(fmt.Sprintf("stmt kind %v", m["kind"]))
}

// nz maps empty source lists to nil as the parser produces them.
func nz(s influxql.Sources) influxql.Sources {
	if len(s) == 0 {
		return nil
	}
	return s
}
