package graph

import (
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/stylegraph/stylegraph"
)

// Decoding the driver's values and shaping parameters, shared by every store.

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilMaps(m []map[string]any) []map[string]any {
	if m == nil {
		return []map[string]any{}
	}
	return m
}

func str(v any) string { s, _ := v.(string); return s }

func num(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	}
	return 0
}

func strs(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func nonNilIDs(xs []int64) []int64 {
	if xs == nil {
		return []int64{}
	}
	return xs
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func i64(v any) int64 { n, _ := v.(int64); return n }

// single returns the int64 column of the first record, or ENOTFOUND.
func single(res *neo4j.EagerResult, col, format string, args ...any) (int64, error) {
	if len(res.Records) == 0 {
		return 0, stylegraph.Errorf(stylegraph.ENOTFOUND, format, args...)
	}
	v, _ := res.Records[0].Get(col)
	return i64(v), nil
}

func anys(v any) []any { xs, _ := v.([]any); return xs }

// int64s reads one int64 column of every record.
func int64s(res *neo4j.EagerResult, col string) []int64 {
	out := make([]int64, 0, len(res.Records))
	for _, r := range res.Records {
		v, _ := r.Get(col)
		out = append(out, i64(v))
	}
	return out
}
