package config

import "time"

// Reliability bounds how long requests may take and how a dependency that is
// down is treated.
type Reliability struct {
	// ReadBudget is a GET request's time budget (REQUEST_BUDGET).
	ReadBudget time.Duration
	// WriteBudget is the budget of requests that change something
	// (REQUEST_BUDGET_WRITE).
	WriteBudget time.Duration
	// AdminBudget is the budget of admin reports, exports and erasure
	// (REQUEST_BUDGET_ADMIN).
	AdminBudget time.Duration
	// BreakerFailures unavailable answers in a row open a dependency's
	// circuit breaker (BREAKER_FAILURES) for BreakerOpenFor
	// (BREAKER_OPEN_FOR), after which one trial call decides.
	BreakerFailures int
	BreakerOpenFor  time.Duration
	// IdempotencyTTL is how long an Idempotency-Key is remembered
	// (IDEMPOTENCY_TTL).
	IdempotencyTTL time.Duration
}

func (r *reader) reliability() Reliability {
	c := Reliability{
		ReadBudget:      r.duration("REQUEST_BUDGET", 2*time.Second),
		WriteBudget:     r.duration("REQUEST_BUDGET_WRITE", 3*time.Second),
		AdminBudget:     r.duration("REQUEST_BUDGET_ADMIN", 20*time.Second),
		BreakerFailures: r.int("BREAKER_FAILURES", 5),
		BreakerOpenFor:  r.duration("BREAKER_OPEN_FOR", 5*time.Second),
		IdempotencyTTL:  r.duration("IDEMPOTENCY_TTL", 24*time.Hour),
	}
	r.between("BREAKER_FAILURES", c.BreakerFailures, 1, 1000)
	return c
}
