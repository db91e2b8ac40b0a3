package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/ingest"
	"github.com/stylegraph/stylegraph/internal/wiring"
	"github.com/stylegraph/stylegraph/lake"
)

func runReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("replay", stderr)
	from := fs.String("from", "", "archive to read: a folder, or s3://bucket/prefix (default: the configured archive)")
	sinceFlag := fs.String("since", "", "only events that occurred at or after this RFC 3339 time or date (YYYY-MM-DD, UTC)")
	batch := fs.Int("batch", 500, "events per graph transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	since, err := parseSince(*sinceFlag)
	if err != nil {
		return err
	}
	if *batch < 1 || *batch > 5000 {
		return fmt.Errorf("--batch must be between 1 and 5000")
	}
	d, err := open(ctx, stderr, graphSchema)
	if err != nil {
		return err
	}
	defer d.Close()
	store := d.Lake
	if *from != "" {
		if store, err = wiring.OpenLakeFrom(ctx, d.Cfg.Archive, *from); err != nil {
			return err
		}
	}
	_, err = replay(ctx, store, d.GraphWriter(), lake.ReadOptions{Since: since, Batch: *batch}, stdout)
	return err
}

// parseSince reads --since: empty, an RFC 3339 time or a UTC date.
func parseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want an RFC 3339 time (2026-11-25T14:00:00Z) or a date (2026-11-25)", s)
}

// replayStats is what a replay did.
type replayStats struct {
	lake.ReadStats
	Failed int
}

// replay applies the archive's events through h in time order. Handlers are
// idempotent, so replaying onto a graph that already holds some of the
// events changes nothing for those. A batch that fails is retried event by
// event, as the live consumer does; events that still fail are reported and
// skipped, while an unavailable graph stops the replay (run it again).
func replay(ctx context.Context, store lake.Store, h ingest.Handler, o lake.ReadOptions, out io.Writer) (replayStats, error) {
	var st replayStats
	start := time.Now()
	lastReport := start
	applied := 0
	rs, err := lake.Read(ctx, store, o, func(ctx context.Context, events []stylegraph.Event) error {
		if err := h.Handle(ctx, events); err != nil {
			if stylegraph.ErrorCode(err) == stylegraph.EUNAVAILABLE || ctx.Err() != nil {
				return err
			}
			for _, e := range events {
				if err := h.Handle(ctx, []stylegraph.Event{e}); err != nil {
					if stylegraph.ErrorCode(err) == stylegraph.EUNAVAILABLE || ctx.Err() != nil {
						return err
					}
					st.Failed++
					fmt.Fprintf(out, "  event %s (%s) failed: %v\n", e.ID, e.Type, err)
				}
			}
		}
		applied += len(events)
		if time.Since(lastReport) > 5*time.Second {
			lastReport = time.Now()
			fmt.Fprintf(out, "  %d events replayed, up to %s\n", applied, events[len(events)-1].OccurredAt.Format(time.RFC3339))
		}
		return nil
	})
	st.ReadStats = rs
	if err != nil {
		return st, fmt.Errorf("replay: %w", err)
	}
	fmt.Fprintf(out, "replayed %d events from %d objects in %s; %d duplicates skipped, %d events failed\n",
		st.Events, st.Objects, time.Since(start).Round(time.Millisecond), st.Duplicates, st.Failed)
	return st, nil
}
