package wiring

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stylegraph/stylegraph/api"
	"github.com/stylegraph/stylegraph/budget"
)

// guard puts a circuit breaker in front of each store: Neo4j and OpenSearch
// calls keep a fifth of the request's remaining budget for a fallback and
// the answer; Redis calls may use nearly all of it.
func (d *Deps) guard() {
	r := d.Cfg.Reliability
	opts := func(share float64) budget.BreakerOptions {
		return budget.BreakerOptions{
			Share: share, Failures: uint32(r.BreakerFailures), OpenFor: r.BreakerOpenFor,
			OnStateChange: func(name, from, to string) {
				d.Log.Warn("circuit breaker", "dependency", name, "from", from, "to", to)
			},
		}
	}
	neo := budget.NewBreaker("neo4j", opts(0.8))
	os := budget.NewBreaker("opensearch", opts(0.8))
	rd := budget.NewBreaker("redis", opts(0.9))
	d.Graph.SetGuard(neo)
	d.Search.SetGuard(os)
	d.Redis.AddHook(budget.RedisHook{B: rd})
	d.Breakers = []*budget.Breaker{neo, os, rd}
}

// Budgets are the API's request budgets from the configuration.
func (d *Deps) Budgets() api.Budgets {
	r := d.Cfg.Reliability
	return api.Budgets{Read: r.ReadBudget, Write: r.WriteBudget, Admin: r.AdminBudget}
}

// RegisterBreakers exports stylegraph_breaker_state{dependency}: 0 closed,
// 1 half-open, 2 open.
func (d *Deps) RegisterBreakers(reg prometheus.Registerer) {
	for _, b := range d.Breakers {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "stylegraph_breaker_state",
			Help:        "Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open.",
			ConstLabels: prometheus.Labels{"dependency": b.Name()},
		}, func() float64 {
			switch b.State() {
			case "open":
				return 2
			case "half-open":
				return 1
			}
			return 0
		}))
	}
}
