// Package stylegraph holds the domain types shared by every layer: the error
// model, principals and roles. Subpackages import it; it imports none of them.
package stylegraph

import (
	"errors"
	"fmt"
)

// Error codes. The api package maps each to one HTTP status; domain code only
// picks the code.
const (
	EINVALID      = "invalid"      // the caller sent something wrong
	ENOTFOUND     = "not_found"    // the thing does not exist
	ECONFLICT     = "conflict"     // the thing exists or changed meanwhile
	EUNAUTHORIZED = "unauthorized" // who is calling is unknown
	EFORBIDDEN    = "forbidden"    // the caller may not do this
	ETOOLARGE     = "too_large"    // the payload is over a limit
	ERATELIMITED  = "rate_limited" // the caller is over a rate limit
	EUNAVAILABLE  = "unavailable"  // a dependency is down; retry later
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// Error is the one error type the domain returns to the edge. Message is safe
// to show to the caller; Field names the offending input when there is one.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("stylegraph error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("stylegraph error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns a coded error with a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the field and the problem.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the caller-safe message of err; internal errors get a
// generic text so that nothing about the system leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorField returns the input field an error names, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
