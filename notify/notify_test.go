package notify

import (
	"testing"

	"github.com/stylegraph/stylegraph"
)

func TestText(t *testing.T) {
	ana, jun := stylegraph.User{ID: 1, Name: "Ana"}, stylegraph.User{ID: 2, Name: "Jun"}
	tests := []struct {
		n    stylegraph.Notification
		want string
	}{
		{stylegraph.Notification{Type: stylegraph.NotifyLike, Actors: []stylegraph.User{ana}, ActorCount: 1}, "Ana liked your post"},
		{stylegraph.Notification{Type: stylegraph.NotifyLike, Actors: []stylegraph.User{ana, jun}, ActorCount: 2}, "Ana and Jun liked your post"},
		{stylegraph.Notification{Type: stylegraph.NotifyComment, Actors: []stylegraph.User{ana, jun}, ActorCount: 5}, "Ana and 4 others commented on your post"},
		{stylegraph.Notification{Type: stylegraph.NotifyFollow, Actors: []stylegraph.User{{ID: 3}}, ActorCount: 1}, "Someone started following you"},
		{stylegraph.Notification{Type: stylegraph.NotifyFollow, Actors: []stylegraph.User{ana}, ActorCount: 2}, "Ana and 1 other started following you"},
	}
	for _, tt := range tests {
		if got := Text(tt.n); got != tt.want {
			t.Errorf("Text(%+v) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
