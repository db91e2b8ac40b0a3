// Package privacy answers a shopper's data-access and erasure requests across
// every store that holds data about them: the graph first, then each
// registered part (feeds, caches, search personalisation).
package privacy

import (
	"context"
	"errors"
	"fmt"
)

// Graph is what privacy needs from the graph store.
type Graph interface {
	ExportUser(ctx context.Context, id int64) (map[string]any, error)
	DeleteUser(ctx context.Context, id int64) ([]int64, error)
}

// Part is another store holding data about users. Erase receives the feed
// IDs of the user's posts, already gone from the graph, so it can drop them
// too.
type Part interface {
	Name() string
	ExportUser(ctx context.Context, id int64) (any, error)
	EraseUser(ctx context.Context, id int64, feedIDs []int64) error
}

// Service runs export and erasure.
type Service struct {
	graph Graph
	parts []Part
}

// New returns a service over the graph and the other parts.
func New(g Graph, parts ...Part) *Service { return &Service{graph: g, parts: parts} }

// Export gathers everything held about user id.
func (s *Service) Export(ctx context.Context, id int64) (map[string]any, error) {
	out, err := s.graph.ExportUser(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, p := range s.parts {
		v, err := p.ExportUser(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", p.Name(), err)
		}
		out[p.Name()] = v
	}
	return out, nil
}

// Erase removes user id everywhere. The graph goes first so nothing new is
// fanned out or cached for the user meanwhile; every part is tried even when
// one fails, and the errors are joined, so a retry finishes the job.
func (s *Service) Erase(ctx context.Context, id int64) error {
	posts, err := s.graph.DeleteUser(ctx, id)
	if err != nil {
		return fmt.Errorf("erase user from graph: %w", err)
	}
	var errs []error
	for _, p := range s.parts {
		if err := p.EraseUser(ctx, id, posts); err != nil {
			errs = append(errs, fmt.Errorf("erase %s: %w", p.Name(), err))
		}
	}
	return errors.Join(errs...)
}
