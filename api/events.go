package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
)

// EventIngester records activity events for a caller (ingest.Ingester).
type EventIngester interface {
	Ingest(ctx context.Context, p stylegraph.Principal, raws []json.RawMessage) ([]ingest.Result, error)
}

// EventsResponse answers POST /v1/events: counts and one result per event,
// in request order.
type EventsResponse struct {
	Accepted   int             `json:"accepted"`
	Duplicates int             `json:"duplicates"`
	Rejected   int             `json:"rejected"`
	Results    []ingest.Result `json:"results"`
}

// eventHandlers serve POST /v1/events.
type eventHandlers struct{ events EventIngester }

func (h eventHandlers) register(r router) {
	r.bodyLimit("/v1/events", ingest.MaxRequestBytes)
	r.v1.POST("/events", h.post)
	r.spendWith("/v1/events", whileDecoding)
}

// post takes one event or a batch. It answers 202 only after every
// accepted event is durably appended. A lone event that is rejected gets the
// plain error shape; in a batch, rejections are per event and the rest go on.
func (h eventHandlers) post(c *gin.Context) {
	body, err := readBody(c.Request)
	if err != nil {
		writeError(c, err)
		return
	}
	raws, single, err := ingest.SplitBatch(body)
	if err != nil {
		writeError(c, err)
		return
	}
	results, err := h.events.Ingest(c.Request.Context(), principal(c), raws)
	if err != nil {
		writeError(c, err)
		return
	}
	resp := EventsResponse{Results: results}
	for _, r := range results {
		switch r.Status {
		case ingest.Accepted:
			resp.Accepted++
		case ingest.Duplicate:
			resp.Duplicates++
		case ingest.Rejected:
			resp.Rejected++
		}
	}
	if single && resp.Rejected == 1 {
		e := results[0].Error
		respond(c, &stylegraph.Error{Code: e.Code, Field: e.Field, Message: e.Message})
		return
	}
	c.JSON(http.StatusAccepted, resp)
}

// readBody reads a request body into one buffer of its declared length
// (bounded by the body limit), where io.ReadAll grew its buffer about ten
// times for a batch of 100 events.
func readBody(r *http.Request) ([]byte, error) {
	if n := r.ContentLength; n > 0 && n <= ingest.MaxRequestBytes {
		buf := bytes.NewBuffer(make([]byte, 0, n+bytes.MinRead))
		_, err := buf.ReadFrom(r.Body)
		return buf.Bytes(), err
	}
	return io.ReadAll(r.Body)
}
