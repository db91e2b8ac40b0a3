package feeds_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/feeds"
)

// FuzzNormalizeDraft checks that any draft either fails with a field-naming
// EINVALID error or comes out within every limit.
func FuzzNormalizeDraft(f *testing.F) {
	f.Add([]byte(`{"title":"Summer look","text":"linen","images":[{"imageURL":"https://img.example/a.jpg","caption":"a"}],"tags":["Linen"," summer "],"productIds":[1,2,2]}`))
	f.Add([]byte(`{"title":"","text":""}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var d stylegraph.PostDraft
		if json.Unmarshal(raw, &d) != nil {
			return
		}
		err := feeds.NormalizeDraft(&d)
		if err != nil {
			if stylegraph.ErrorCode(err) != stylegraph.EINVALID || stylegraph.ErrorField(err) == "" {
				t.Fatalf("error %v is not a field-naming EINVALID", err)
			}
			return
		}
		if d.Title == "" && d.Text == "" {
			t.Fatal("accepted an empty post")
		}
		if utf8.RuneCountInString(d.Title) > feeds.MaxTitleRunes || utf8.RuneCountInString(d.Text) > feeds.MaxTextRunes ||
			len(d.Images) > feeds.MaxImages || len(d.Tags) > feeds.MaxTags || len(d.ProductIDs) > feeds.MaxProducts {
			t.Fatalf("accepted a draft over the limits: %+v", d)
		}
		seen := map[string]bool{}
		for _, tag := range d.Tags {
			if tag == "" || tag != strings.ToLower(strings.TrimSpace(tag)) || seen[tag] {
				t.Fatalf("tag %q not normalised or repeated", tag)
			}
			seen[tag] = true
		}
		for _, id := range d.ProductIDs {
			if id <= 0 || id > 1<<53-1 {
				t.Fatalf("accepted product id %d", id)
			}
		}
		for _, im := range d.Images {
			if !strings.HasPrefix(im.ImageURL, "http://") && !strings.HasPrefix(im.ImageURL, "https://") {
				t.Fatalf("accepted image URL %q", im.ImageURL)
			}
		}
	})
}

// FuzzDecodeCursor checks that any cursor string either decodes to an ID in
// range or fails naming "cursor", and that encoded cursors round-trip.
func FuzzDecodeCursor(f *testing.F) {
	f.Add("")
	f.Add(feeds.EncodeCursor(245478193930241))
	f.Add("djE6MA")
	f.Fuzz(func(t *testing.T, c string) {
		id, err := feeds.DecodeCursor(c)
		if err != nil {
			if stylegraph.ErrorField(err) != "cursor" {
				t.Fatalf("error %v does not name cursor", err)
			}
			return
		}
		if id <= 0 || id > 1<<53 {
			t.Fatalf("cursor %q decoded to %d", c, id)
		}
		if c != "" {
			back, err := feeds.DecodeCursor(feeds.EncodeCursor(id))
			if err != nil || back != id {
				t.Fatalf("round trip of %d: %d, %v", id, back, err)
			}
		}
	})
}
