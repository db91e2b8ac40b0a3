package stylegraph

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what one text may tag or mention; the rest is plain text.
const (
	MaxHashtags     = 20
	MaxHashtagRunes = 64
	MaxMentions     = 20
)

// Hashtags returns the distinct hashtags in the texts, folded to lower case,
// in order of first appearance: "#" at the start or after a character that
// is not part of a word, then letters, digits or "_" with at least one
// letter ("#1" is a number, not a tag). At most MaxHashtags.
func Hashtags(texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range texts {
		for _, w := range marked(t, '#') {
			w = strings.ToLower(w)
			if utf8.RuneCountInString(w) > MaxHashtagRunes || !strings.ContainsFunc(w, unicode.IsLetter) || seen[w] {
				continue
			}
			seen[w] = true
			if out = append(out, w); len(out) == MaxHashtags {
				return out
			}
		}
	}
	return out
}

// Mentions returns the distinct user IDs mentioned in the texts, in order of
// first appearance. Users have names, not unique handles, so a mention is
// "@" and the user's ID ("with @42"); apps insert it when the writer picks
// someone and render it with the mentioned user's name. An "@" inside a
// word (an e-mail address) is no mention. At most MaxMentions.
func Mentions(texts ...string) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, t := range texts {
		for _, w := range marked(t, '@') {
			id, err := strconv.ParseInt(w, 10, 64)
			if err != nil || id <= 0 || id > 1<<53-1 || seen[id] {
				continue
			}
			seen[id] = true
			if out = append(out, id); len(out) == MaxMentions {
				return out
			}
		}
	}
	return out
}

func wordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// marked returns the words that follow mark where mark starts a word.
func marked(t string, mark rune) []string {
	var out []string
	prev := ' '
	for i, r := range t {
		if r == mark && !wordRune(prev) && prev != mark {
			rest := t[i+utf8.RuneLen(r):]
			end := strings.IndexFunc(rest, func(r rune) bool { return !wordRune(r) })
			if end < 0 {
				end = len(rest)
			}
			if end > 0 {
				out = append(out, rest[:end])
			}
		}
		prev = r
	}
	return out
}
