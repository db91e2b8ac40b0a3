package ingest

import (
	"context"
	"errors"
	"fmt"

	"github.com/stylegraph/stylegraph"
)

// Unavailable wraps a stream failure as EUNAVAILABLE so that the API answers
// 503 and consumers retry instead of dead-lettering.
func Unavailable(what string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("%s: %w", what, &unavailableError{err: err})
}

// unavailableError is a dependency failure the caller should retry. It
// carries the code EUNAVAILABLE through errors.As on *stylegraph.Error via
// its Unwrap chain.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return "activity stream unavailable: " + e.err.Error() }

func (e *unavailableError) Unwrap() []error {
	return []error{&stylegraph.Error{Code: stylegraph.EUNAVAILABLE, Message: "activity stream unavailable; retry later"}, e.err}
}
