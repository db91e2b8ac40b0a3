package graph

import "context"

// Inspect runs a read query given by the caller and returns its rows as
// maps. It exists for tests and benchmarks that check what was written; the
// service itself runs only the statements in cypher/.
func (db *DB) Inspect(ctx context.Context, query string, params map[string]any) ([]map[string]any, error) {
	res, err := db.run(ctx, query, params)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		out[i] = r.AsMap()
	}
	return out, nil
}
