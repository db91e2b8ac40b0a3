// Package learn trains the offline recommendation models on an in-memory
// user × item interaction matrix: popularity, item-kNN (cosine with
// shrinkage and inverse user frequency), implicit-feedback ALS, EASE on the
// head of the catalogue, a follow-graph source, and a blend whose weights,
// half-life and caps are tuned on a validation split carved from the
// training data. It knows nothing of Neo4j or Redis: the batch job
// (recommend) and the evaluation (receval) feed it. It must not import
// graph, recommend, api, feeds, search or ingest.
package learn

import (
	"sort"
)

// Interaction is one user's engagement with one item, in dense indices.
type Interaction struct {
	User, Item int32
	// Weight is the engagement's strength (e.g. like 1, view 0.3).
	Weight float32
	// At is when it happened, Unix seconds (0: unknown).
	At int64
}

// Matrix is a user × item interaction matrix in compressed sparse rows, with
// a column index built alongside. Rows are sorted by item.
type Matrix struct {
	Users, Items int
	rowPtr       []int
	items        []int32
	weights      []float32
	ats          []int64
	colPtr       []int
	colUsers     []int32
	colWeights   []float32
}

// NewMatrix builds a matrix of users × items from interactions; a repeated
// (user, item) keeps the largest weight and the latest time.
func NewMatrix(users, items int, xs []Interaction) *Matrix {
	sorted := make([]Interaction, len(xs))
	copy(sorted, xs)
	sort.Slice(sorted, func(a, b int) bool {
		if sorted[a].User != sorted[b].User {
			return sorted[a].User < sorted[b].User
		}
		return sorted[a].Item < sorted[b].Item
	})
	m := &Matrix{Users: users, Items: items, rowPtr: make([]int, users+1)}
	for k, x := range sorted {
		if k > 0 && sorted[k-1].User == x.User && sorted[k-1].Item == x.Item {
			last := len(m.items) - 1
			m.weights[last] = max(m.weights[last], x.Weight)
			m.ats[last] = max(m.ats[last], x.At)
			continue
		}
		m.items = append(m.items, x.Item)
		m.weights = append(m.weights, x.Weight)
		m.ats = append(m.ats, x.At)
		m.rowPtr[x.User+1]++
	}
	for u := 0; u < users; u++ {
		m.rowPtr[u+1] += m.rowPtr[u]
	}
	m.colPtr = make([]int, items+1)
	for _, i := range m.items {
		m.colPtr[i+1]++
	}
	for i := 0; i < items; i++ {
		m.colPtr[i+1] += m.colPtr[i]
	}
	m.colUsers = make([]int32, len(m.items))
	m.colWeights = make([]float32, len(m.items))
	fill := make([]int, items)
	for u := 0; u < users; u++ {
		for k := m.rowPtr[u]; k < m.rowPtr[u+1]; k++ {
			i := m.items[k]
			m.colUsers[m.colPtr[i]+fill[i]] = int32(u)
			m.colWeights[m.colPtr[i]+fill[i]] = m.weights[k]
			fill[i]++
		}
	}
	return m
}

// Row returns user u's items (ascending), weights and times; callers must not
// modify them.
func (m *Matrix) Row(u int) ([]int32, []float32, []int64) {
	a, b := m.rowPtr[u], m.rowPtr[u+1]
	return m.items[a:b], m.weights[a:b], m.ats[a:b]
}

// Col returns the users who engaged with item i (ascending) and their
// weights; callers must not modify them.
func (m *Matrix) Col(i int) ([]int32, []float32) {
	a, b := m.colPtr[i], m.colPtr[i+1]
	return m.colUsers[a:b], m.colWeights[a:b]
}

// NNZ is the number of stored interactions.
func (m *Matrix) NNZ() int { return len(m.items) }

// Has says whether user u engaged with item i.
func (m *Matrix) Has(u int, i int32) bool {
	row, _, _ := m.Row(u)
	k := sort.Search(len(row), func(k int) bool { return row[k] >= i })
	return k < len(row) && row[k] == i
}
