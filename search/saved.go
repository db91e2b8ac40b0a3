package search

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/redis/go-redis/v9"

	"github.com/stylegraph/stylegraph"
)

// SavedSuggestions keeps in Redis the autocomplete entries OpenSearch
// answered with, so that autocomplete can still answer, marked degraded,
// while OpenSearch is down or hung. Each entry is stored once per word it
// holds, in one sorted set read by lexical range: "linen" finds "Blue Linen
// Shirt" as OpenSearch's word-prefix match would. Entries are never updated:
// a renamed product's old title may be suggested until the set is rebuilt,
// which happens when it outgrows its cap.
type SavedSuggestions struct {
	r   redis.UniversalClient
	key string
	max int64
	log *slog.Logger

	mu   sync.Mutex
	seen map[string]bool // entries saved by this process, so hot ones are not written again
}

const (
	// suggestionWords is how many of an entry's words it is found by.
	suggestionWords = 6
	// DefaultSavedSuggestions caps the set (members, each entry counting
	// once per word); past it the set is dropped and refilled from answers.
	DefaultSavedSuggestions = 200_000
	seenCap                 = 20_000
)

// NewSavedSuggestions returns a store under key holding at most max members
// (DefaultSavedSuggestions when max <= 0).
func NewSavedSuggestions(r redis.UniversalClient, key string, max int64, log *slog.Logger) *SavedSuggestions {
	if max <= 0 {
		max = DefaultSavedSuggestions
	}
	if log == nil {
		log = slog.Default()
	}
	return &SavedSuggestions{r: r, key: key, max: max, log: log, seen: map[string]bool{}}
}

// Save adds the entries not yet saved by this process.
func (s *SavedSuggestions) Save(ctx context.Context, out []stylegraph.Suggestion) error {
	var members []redis.Z
	s.mu.Lock()
	if len(s.seen) > seenCap {
		s.seen = map[string]bool{}
	}
	for _, sg := range out {
		id := sg.Kind + "\x00" + strconv.FormatInt(sg.ID, 10) + "\x00" + sg.Text
		if s.seen[id] {
			continue
		}
		s.seen[id] = true
		for _, w := range wordStarts(sg.Text) {
			members = append(members, redis.Z{Member: w + "\x00" + id})
		}
	}
	s.mu.Unlock()
	if len(members) == 0 {
		return nil
	}
	n, err := s.r.ZCard(ctx, s.key).Result()
	if err != nil {
		return fmt.Errorf("count saved suggestions: %w", err)
	}
	pipe := s.r.TxPipeline()
	if n+int64(len(members)) > s.max {
		pipe.Del(ctx, s.key)
	}
	pipe.ZAdd(ctx, s.key, members...)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("save suggestions: %w", err)
	}
	return nil
}

// Suggest answers like Engine.Suggest from the saved entries: brands and
// categories whose words start with prefix, then product titles.
func (s *SavedSuggestions) Suggest(ctx context.Context, prefix string, limit int) ([]stylegraph.Suggestion, error) {
	p := normalizeWords(prefix)
	if p == "" {
		return []stylegraph.Suggestion{}, nil
	}
	// Several members may name one entry (one per word); read enough to
	// fill the page after dropping repeats.
	ms, err := s.r.ZRangeArgs(ctx, redis.ZRangeArgs{
		Key: s.key, ByLex: true, Start: "[" + p, Stop: "[" + p + "\xff", Count: int64(limit) * 8,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("read saved suggestions: %w", err)
	}
	var groups [3][]stylegraph.Suggestion
	seen := map[string]bool{}
	for _, m := range ms {
		parts := strings.SplitN(m, "\x00", 4)
		if len(parts) != 4 {
			continue
		}
		id, _ := strconv.ParseInt(parts[2], 10, 64)
		sg := stylegraph.Suggestion{Kind: parts[1], ID: id, Text: parts[3]}
		k := strings.ToLower(sg.Text)
		if seen[k] {
			continue
		}
		seen[k] = true
		switch sg.Kind {
		case "brand":
			groups[0] = append(groups[0], sg)
		case "category":
			groups[1] = append(groups[1], sg)
		default:
			groups[2] = append(groups[2], sg)
		}
	}
	out := []stylegraph.Suggestion{}
	for _, g := range groups {
		for _, sg := range g {
			if len(out) < limit {
				out = append(out, sg)
			}
		}
	}
	return out, nil
}

// saveLater saves an answer in the background: autocomplete does not wait
// for the copy.
func (s *SavedSuggestions) saveLater(ctx context.Context, out []stylegraph.Suggestion) {
	go func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := s.Save(sctx, out); err != nil {
			s.log.WarnContext(sctx, "suggestions not saved", "err", err.Error())
		}
	}()
}

// normalizeWords lowercases text and keeps its words separated by one space.
func normalizeWords(text string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(text), isSeparator), " ")
}

// wordStarts returns text normalized from each of its first words on:
// "Blue Linen Shirt" gives "blue linen shirt", "linen shirt", "shirt".
func wordStarts(text string) []string {
	ws := strings.FieldsFunc(strings.ToLower(text), isSeparator)
	var out []string
	for i := range ws {
		if i == suggestionWords {
			break
		}
		out = append(out, strings.Join(ws[i:], " "))
	}
	return out
}

func isSeparator(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }
