package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
)

// statusOf is the one place error codes become HTTP statuses.
var statusOf = map[string]int{
	stylegraph.EINVALID:      http.StatusBadRequest,
	stylegraph.ENOTFOUND:     http.StatusNotFound,
	stylegraph.ECONFLICT:     http.StatusConflict,
	stylegraph.EUNAUTHORIZED: http.StatusUnauthorized,
	stylegraph.EFORBIDDEN:    http.StatusForbidden,
	stylegraph.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	stylegraph.ERATELIMITED:  http.StatusTooManyRequests,
	stylegraph.EUNAVAILABLE:  http.StatusServiceUnavailable,
	stylegraph.EINTERNAL:     http.StatusInternalServerError,
}

// retryAfter is the Retry-After of every 503, in seconds: about one breaker
// trial period, so that clients come back when a recovered dependency has
// been noticed.
const retryAfter = "2"

// statusClientClosed is logged for requests whose caller went away before
// the answer (nginx's 499); no body is written.
const statusClientClosed = 499

// ErrorBody is the JSON shape of every 4xx and 5xx answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong; Field names the bad input when known.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"requestId,omitempty"`
}

// writeError answers with err in the shared shape. Only internal errors are
// logged: the rest are the caller's business, not ours.
func writeError(c *gin.Context, err error) {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		err = stylegraph.Errorf(stylegraph.ETOOLARGE, "request body is over %d bytes", maxErr.Limit)
	}
	if stylegraph.ErrorCode(err) == stylegraph.EINTERNAL {
		ctx := c.Request.Context()
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			// The caller hung up: nobody reads the answer and nothing is wrong here.
			c.AbortWithStatus(statusClientClosed)
			return
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
			err = stylegraph.Errorf(stylegraph.EUNAVAILABLE, "the request ran out of time; retry later")
		}
	}
	if stylegraph.ErrorCode(err) == stylegraph.EINTERNAL {
		logger(c).ErrorContext(c.Request.Context(), "request failed", "route", c.FullPath(), "err", err.Error())
	}
	respond(c, err)
}

// reply answers v with status, or err in the shared shape: the end of most
// handlers, once their call is made.
func reply(c *gin.Context, status int, v any, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(status, v)
}

// replyEmpty answers 204 No Content, or err in the shared shape.
func replyEmpty(c *gin.Context, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// respond writes the error body without logging.
func respond(c *gin.Context, err error) {
	code := stylegraph.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", retryAfter)
	}
	c.AbortWithStatusJSON(status, ErrorBody{Error: ErrorDetail{
		Code:      code,
		Message:   stylegraph.ErrorMessage(err),
		Field:     stylegraph.ErrorField(err),
		RequestID: RequestIDFromContext(c.Request.Context()),
	}})
}

// errNoUser answers callers without a user identity (service keys) on
// endpoints about "me".
var errNoUser = stylegraph.Errorf(stylegraph.EFORBIDDEN, "this endpoint needs a user token, not a service key")
