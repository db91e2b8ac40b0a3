package graph

import (
	"context"

	"github.com/stylegraph/stylegraph"
)

// DeleteProduct removes a product and its relationships (likes, views, cart
// and purchase edges included); its brand, categories and tags stay. It
// reports whether the product existed.
func (s *Store) DeleteProduct(ctx context.Context, id int64) (bool, error) {
	res, err := s.runNamed(ctx, "delete_product", map[string]any{"id": id})
	if err != nil {
		return false, err
	}
	if len(res.Records) == 0 {
		return false, nil
	}
	existed, _ := res.Records[0].Get("existed")
	b, _ := existed.(bool)
	return b, nil
}

// User returns one user's profile or ENOTFOUND.
func (s *Store) User(ctx context.Context, id int64) (stylegraph.User, error) {
	res, err := s.runNamed(ctx, "get_user", map[string]any{"id": id})
	if err != nil {
		return stylegraph.User{}, err
	}
	if len(res.Records) == 0 {
		return stylegraph.User{}, stylegraph.Errorf(stylegraph.ENOTFOUND, "user %d not found", id)
	}
	r := res.Records[0]
	name, _ := r.Get("name")
	img, _ := r.Get("imageURL")
	home, _ := r.Get("home")
	return stylegraph.User{ID: id, Name: str(name), ImageURL: str(img), Home: str(home)}, nil
}
