package recommend

import (
	"fmt"
	"strings"

	"github.com/stylegraph/stylegraph"
)

// reasonFor writes the readable reason a source gives for a candidate, as
// the source registered it (recommenders.go).
func reasonFor(source string, c stylegraph.Candidate) stylegraph.Reason {
	if r, ok := recommenders[source]; ok && r.reason != nil {
		reason := r.reason(c)
		reason.Kind = source
		return reason
	}
	return stylegraph.Reason{Kind: source, Text: "recommended for you"}
}

func collaborativeReason(c stylegraph.Candidate) string {
	if c.Because != nil {
		return fmt.Sprintf("because you liked %s", c.Because.Title)
	}
	if c.Count <= 1 {
		return "liked by a shopper with similar taste"
	}
	return fmt.Sprintf("liked by %d shoppers with similar taste", c.Count)
}

func interestReason(c stylegraph.Candidate) string {
	if len(c.Matched) == 0 {
		return "matches your interests"
	}
	m := c.Matched[0]
	switch m.Kind {
	case "brand":
		return fmt.Sprintf("from %s, a brand you like", m.Name)
	case "category":
		return fmt.Sprintf("in %s, a category you like", m.Name)
	default:
		return fmt.Sprintf("because you like %s", m.Name)
	}
}

func trendingReason(c stylegraph.Candidate) string {
	if c.Category != "" {
		return "trending in " + leaf(c.Category)
	}
	return "trending now"
}

var verbs = map[string]string{"liked": "liked by", "bought": "bought by", "posted": "in a post by"}

func socialReason(c stylegraph.Candidate) stylegraph.Reason {
	r := stylegraph.Reason{Kind: stylegraph.ReasonSocial}
	var parts []string
	seen := map[int64]bool{}
	for _, a := range c.Actions {
		if a.Action == "new" {
			parts = append(parts, "new from "+a.Brand)
			continue
		}
		for _, u := range a.Via {
			if !seen[u.ID] && len(r.Via) < 3 {
				seen[u.ID] = true
				r.Via = append(r.Via, u)
			}
		}
		parts = append(parts, verbs[a.Action]+" "+people(a))
	}
	r.Text = strings.Join(parts, "; ")
	return r
}

// people names one or two followed users and counts three or more.
func people(a stylegraph.SocialAction) string {
	switch {
	case a.Count >= 3 || len(a.Via) == 0:
		return fmt.Sprintf("%d people you follow", a.Count)
	case a.Count == 2 && len(a.Via) == 2:
		return a.Via[0].Name + " and " + a.Via[1].Name
	default:
		return a.Via[0].Name
	}
}

func similarText(e *stylegraph.SimilarEvidence) string {
	if e == nil {
		return "similar to this product"
	}
	var parts []string
	if e.SameBrand {
		parts = append(parts, "same brand")
	}
	if e.SameCategory {
		parts = append(parts, "same category")
	}
	if len(e.Tags) > 0 {
		tags := e.Tags
		if len(tags) > 3 {
			tags = tags[:3]
		}
		parts = append(parts, "also "+strings.Join(tags, ", "))
	}
	switch {
	case e.Together == 1:
		parts = append(parts, "liked together by a shopper")
	case e.Together > 1:
		parts = append(parts, fmt.Sprintf("liked together by %d shoppers", e.Together))
	}
	if len(parts) == 0 {
		return "often liked together"
	}
	return strings.Join(parts, ", ")
}

func leaf(path string) string {
	if i := strings.LastIndex(path, " > "); i >= 0 {
		return path[i+3:]
	}
	return path
}
