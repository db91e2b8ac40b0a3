// Package ingest owns the activity pipeline: the Log interface of the durable
// activity stream (adapters in ingest/redisstream and ingest/sqsstream), the
// batch envelope and admission of events, and the consumer framework that
// applies events elsewhere (graph writer, archiver, feeds and search register
// their own handlers). The event model itself is the root package's Event.
// ingest must not import api, graph or its own adapters.
package ingest

// MaxBatch is how many events one request may carry.
const MaxBatch = 500
