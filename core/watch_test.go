package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// TestWatch: Watch calls f with the current snapshot, again after a
// publication, and returns when its context ends.
func TestWatch(t *testing.T) {
	e, p := newEngine(t)
	db := manual("db")
	db.Fall = 1
	mustAdd(t, e, db)
	ctx, cancel := context.WithCancel(context.Background())
	seen := make(chan *core.Snapshot, 16)
	done := make(chan struct{})
	go func() { defer close(done); e.Watch(ctx, func(s *core.Snapshot) { seen <- s }) }()
	if s := <-seen; s.State != core.StateUnknown {
		t.Fatalf("first call: %s, want the current snapshot (unknown)", s.State)
	}
	p.SetState("db", core.StateDown)
	mustRun(t, e, "db")
	deadline := time.After(5 * time.Second)
	for s := (*core.Snapshot)(nil); s == nil || s.State != core.StateDown; {
		select {
		case s = <-seen:
		case <-deadline:
			t.Fatal("no call with the published down state")
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not return when its context ended")
	}
}
