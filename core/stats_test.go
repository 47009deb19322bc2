package core_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

func TestStats(t *testing.T) {
	e, p := newEngine(t)
	for _, n := range []string{"a", "b", "c", "d"} {
		c := manual(n)
		c.Fall, c.Rise = 1, 1
		mustAdd(t, e, c)
	}
	if s := e.Stats(); s.Components != 4 || s.Unknown != 4 || s.Checks != 0 || s.LastRound != 0 {
		t.Fatalf("before any check: %+v", s)
	}
	p.SetState("b", core.StateDegraded)
	p.SetState("c", core.StateDown)
	before := time.Now()
	e.CheckAll(context.Background())
	if _, err := e.RecordResult("d", core.Result{State: core.StateDown}); err != nil {
		t.Fatal(err)
	}
	s := e.Stats()
	want := core.Stats{Components: 4, Up: 1, Degraded: 1, Down: 2, Checks: 5, Failures: 2, Pushed: 1}
	if s.Components != want.Components || s.Up != want.Up || s.Degraded != want.Degraded || s.Down != want.Down || s.Unknown != 0 ||
		s.Checks != want.Checks || s.Failures != want.Failures || s.Pushed != want.Pushed {
		t.Fatalf("stats %+v, want %+v", s, want)
	}
	if s.Healthy() != 2 || s.Unhealthy() != 2 {
		t.Fatalf("healthy %d unhealthy %d", s.Healthy(), s.Unhealthy())
	}
	if s.LastRound <= 0 || s.LastRoundAt.Before(before) || s.Publications == 0 {
		t.Fatalf("round %s at %s, publications %d", s.LastRound, s.LastRoundAt, s.Publications)
	}
	e.CheckAll(context.Background()) // publishes what RecordResult coalesced
	if got := e.Snapshot().Unhealthy(); !slices.Equal(got, []string{"c"}) {
		// d: the scheduled check (Up) after the pushed Down.
		t.Fatalf("unhealthy %v", got)
	}
}
