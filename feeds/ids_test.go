package feeds

import (
	"sync"
	"testing"
	"time"
)

func TestIDsAreUniqueOrderedAndJSSafe(t *testing.T) {
	a, _ := NewIDs(0)
	b, _ := NewIDs(MaxNode)
	seen := map[int64]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, g := range []*IDs{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := int64(0)
			for range 20_000 {
				id := g.Next()
				if id <= last {
					t.Errorf("ids not increasing: %d after %d", id, last)
					return
				}
				last = id
				mu.Lock()
				if seen[id] {
					t.Errorf("duplicate id %d", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 80_000 {
		t.Fatalf("%d distinct ids, want 80000", len(seen))
	}
	if _, err := NewIDs(MaxNode + 1); err == nil {
		t.Error("node above MaxNode accepted")
	}
}

func TestIDsSurviveClockStepsAndTheLastMillisecond(t *testing.T) {
	clock := time.Date(2094, 9, 7, 15, 47, 35, 0, time.UTC) // near the end of 41 bits
	g, _ := NewIDs(5)
	g.now = func() time.Time { return clock }
	first := g.Next()
	if first > 1<<53-1 || first <= 0 {
		t.Fatalf("id %d is not in (0, 2^53)", first)
	}
	clock = clock.Add(-time.Hour) // the clock steps back
	for range 200 {
		if id := g.Next(); id <= first {
			t.Fatalf("id %d after a clock step is not above %d", id, first)
		}
	}
	now := time.Now()
	g2, _ := NewIDs(1)
	if got := IDTime(g2.Next()); got.Before(now.Add(-time.Millisecond)) || got.After(time.Now().Add(time.Millisecond)) {
		t.Errorf("IDTime = %v, want about %v", got, now)
	}
}
