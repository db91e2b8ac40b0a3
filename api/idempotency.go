package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/idempotency"
)

// Idempotency remembers answers by Idempotency-Key (idempotency.Store).
type Idempotency interface {
	Begin(ctx context.Context, key, fingerprint string) (*idempotency.Reply, error)
	Finish(ctx context.Context, key string, r idempotency.Reply) error
	Abort(ctx context.Context, key string) error
}

// detach lets a write run to its end when the caller hangs up (its deadline
// still holds), so that a write that reached one store reaches the others
// and a retry finds the first answer.
func detach(c *gin.Context) {
	ctx := c.Request.Context()
	dctx := context.WithoutCancel(ctx)
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		dctx, cancel = context.WithDeadline(dctx, dl)
		defer cancel()
	}
	c.Request = c.Request.WithContext(dctx)
	c.Next()
}

// idempotent answers a request sent again with the same Idempotency-Key and
// body with the first answer (for IdempotencyTTL), refuses the key with a
// different body (409) or while the first is still running (409,
// Retry-After), and runs it otherwise. Keys are per caller. Answers worth a
// retry (5xx, 409, 429) are not kept.
func (s *Server) idempotent(c *gin.Context) {
	key := c.GetHeader("Idempotency-Key")
	if key == "" || s.idem == nil {
		c.Next()
		return
	}
	if !validIdempotencyKey(key) {
		writeError(c, stylegraph.Invalid("Idempotency-Key", "must be 1-255 visible ASCII characters"))
		return
	}
	fp, err := fingerprint(c)
	if err != nil {
		writeError(c, err)
		return
	}
	scoped := strconv.FormatInt(principal(c).UserID, 10) + ":" + key
	ctx := c.Request.Context()
	prev, err := s.idem.Begin(ctx, scoped, fp)
	if err != nil {
		writeError(c, err)
		return
	}
	if prev != nil {
		answerPrevious(c, prev, fp)
		return
	}
	rec := &recorder{ResponseWriter: c.Writer}
	c.Writer = rec
	// A first attempt that wrote and then failed (a store down after the
	// commit) is not kept, so the retry runs again: it must write the same
	// thing, not a second one. The handler finds the key in its context.
	c.Request = c.Request.WithContext(idempotency.NewContext(ctx, scoped+":"+fp))
	c.Next()
	s.settle(ctx, scoped, fp, rec)
}

// fingerprint reads the body (putting it back for the handler) and hashes
// it with the method and path.
func fingerprint(c *gin.Context) (string, error) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return "", err
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	h.Write([]byte(c.Request.Method + " " + c.Request.URL.Path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// answerPrevious answers a key seen before: a conflict when the body
// differs or the first request still runs, else the first answer again.
func answerPrevious(c *gin.Context, prev *idempotency.Reply, fp string) {
	switch {
	case prev.Fingerprint != fp:
		writeError(c, &stylegraph.Error{Code: stylegraph.ECONFLICT, Field: "Idempotency-Key",
			Message: "this Idempotency-Key was used for a different request; send a new key with a new request"})
	case !prev.Done:
		c.Header("Retry-After", "1")
		writeError(c, &stylegraph.Error{Code: stylegraph.ECONFLICT, Field: "Idempotency-Key",
			Message: "a request with this Idempotency-Key is still running; retry later"})
	default:
		c.Header("Idempotent-Replayed", "true")
		c.Data(prev.Status, prev.ContentType, prev.Body)
		c.Abort()
	}
}

// settle keeps the answer under the key, or releases the key when the
// answer is worth a retry (5xx, 409, 429, a caller gone).
func (s *Server) settle(ctx context.Context, scoped, fp string, rec *recorder) {
	status := rec.Status()
	keep := status >= 200 && status < 300 ||
		status >= 400 && status < statusClientClosed && status != http.StatusConflict && status != http.StatusTooManyRequests
	var err error
	if keep {
		err = s.idem.Finish(ctx, scoped, idempotency.Reply{Fingerprint: fp, Status: status, ContentType: rec.Header().Get("Content-Type"), Body: rec.body.Bytes()})
	} else {
		err = s.idem.Abort(ctx, scoped)
	}
	if err != nil {
		// The answer is out; a retry may run the request again.
		s.log.WarnContext(ctx, "idempotency key not updated", "err", err.Error())
	}
}

func validIdempotencyKey(k string) bool {
	if len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// recorder keeps a copy of the body written.
type recorder struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) WriteString(s string) (int, error) {
	r.body.WriteString(s)
	return r.ResponseWriter.WriteString(s)
}
