package graph

import "context"

// GuestStore moves an anonymous session's activity onto an account.
type GuestStore struct{ db *DB }

// NewGuestStore returns the guest store over db.
func NewGuestStore(db *DB) *GuestStore { return &GuestStore{db: db} }

// MergeGuest moves a guest's activity onto the account userID and removes
// the guest's node; it returns how many relationships moved (0 when the
// guest left no trace).
func (s *GuestStore) MergeGuest(ctx context.Context, guestID, userID int64) (int64, error) {
	res, err := s.db.runNamed(ctx, "merge_guest", map[string]any{"guestId": guestID, "userId": userID})
	if err != nil {
		return 0, err
	}
	if len(res.Records) == 0 {
		return 0, nil
	}
	v, _ := res.Records[0].Get("moved")
	return i64(v), nil
}
