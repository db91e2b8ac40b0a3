package graph

import "context"

// NewProductIDs returns which of ids the graph does not hold yet.
func (s *Store) NewProductIDs(ctx context.Context, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	res, err := s.runNamed(ctx, "new_products", map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	return int64s(res, "id"), nil
}

// BrandFollowersCapped returns up to limit followers of a brand, the most
// recent followers first.
func (s *Store) BrandFollowersCapped(ctx context.Context, brandID int64, limit int) ([]int64, error) {
	res, err := s.runNamed(ctx, "brand_followers_capped", map[string]any{"brand": brandID, "limit": limit})
	if err != nil {
		return nil, err
	}
	return int64s(res, "id"), nil
}
