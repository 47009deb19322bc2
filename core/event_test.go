package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

func TestEventsOnStateChange(t *testing.T) {
	e, p := newEngine(t)
	c := manual("db")
	c.Fall, c.Rise = 2, 1
	mustAdd(t, e, c)
	sub := e.Subscribe(8)
	p.SetState("db", core.StateUp)
	mustRun(t, e, "db") // unknown -> up
	mustRun(t, e, "db") // no change
	p.SetState("db", core.StateDown)
	mustRun(t, e, "db") // fall not reached
	mustRun(t, e, "db") // up -> down
	want := []struct{ from, to core.State }{{core.StateUnknown, core.StateUp}, {core.StateUp, core.StateDown}}
	for i, w := range want {
		select {
		case ev := <-sub.C():
			if ev.Component != "db" || ev.From != w.from || ev.To != w.to || ev.Check.State != w.to {
				t.Fatalf("event %d = %+v", i, ev)
			}
			if ev.Snapshot == nil {
				t.Fatal("event without snapshot")
			}
			healthy := ev.Snapshot.Healthy()
			if (w.to == core.StateUp) != (len(healthy) == 1) {
				t.Fatalf("healthy list %v after %v", healthy, w.to)
			}
		case <-time.After(time.Second):
			t.Fatalf("event %d missing", i)
		}
	}
	select {
	case ev := <-sub.C():
		t.Fatalf("unexpected event %+v", ev)
	default:
	}
	sub.Close()
	sub.Close()
	if _, open := <-sub.C(); open {
		t.Fatal("channel open after Close")
	}
}

func TestSlowSubscriberDoesNotStallTheEngine(t *testing.T) {
	e, p := newEngine(t)
	c := manual("flappy")
	c.Fall, c.Rise = 1, 1
	mustAdd(t, e, c)
	slow := e.Subscribe(1) // never read
	fast := e.Subscribe(100)
	for i := range 20 {
		if i%2 == 0 {
			p.SetState("flappy", core.StateDown)
		} else {
			p.SetState("flappy", core.StateUp)
		}
		mustRun(t, e, "flappy") // would block forever if delivery blocked
	}
	if slow.Dropped() != 19 {
		t.Fatalf("slow subscriber dropped %d, want 19", slow.Dropped())
	}
	if fast.Dropped() != 0 || len(fast.C()) != 20 {
		t.Fatalf("fast subscriber: dropped %d, queued %d", fast.Dropped(), len(fast.C()))
	}
}

func TestSubscriptionsClosedByStop(t *testing.T) {
	e, err := core.New()
	if err != nil {
		t.Fatal(err)
	}
	sub := e.Subscribe(0)
	if err := e.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, open := <-sub.C(); open {
		t.Fatal("subscription open after Stop")
	}
	late := e.Subscribe(0)
	if _, open := <-late.C(); open {
		t.Fatal("subscription after Stop is open")
	}
}

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
