package search_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"
)

// frozenSynonyms is the SHA-256 of synonyms.txt when it was frozen
// (2026-12-03). The held-out judged queries (testdata/relevance_heldout.tsv)
// were written after this freeze by someone who had not read the list, so
// they grade the synonyms instead of echoing them. Changing the list means
// the held-out set no longer measures anything unseen: write a new held-out
// set after the change, then update this hash and say so in
// docs/operations.md.
const frozenSynonyms = "99fd0325c1767559b32709042a40cfdac48b00878ae455f21edf3685ba796563"

func TestSynonymsFrozen(t *testing.T) {
	b, err := os.ReadFile("synonyms.txt")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != frozenSynonyms {
		t.Fatalf("synonyms.txt changed (sha256 %s, frozen %s): the held-out queries were written against the frozen list; write a new held-out set before changing it", got, frozenSynonyms)
	}
}
