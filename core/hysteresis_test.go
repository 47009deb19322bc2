package core_test

import (
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
)

func TestFallRise(t *testing.T) {
	tests := []struct {
		name       string
		fall, rise int
		startUp    bool
		observed   []core.State
		published  []core.State
	}{
		{"first success published at once", 3, 2, false, []core.State{Up}, []core.State{Up}},
		{"down from the start only after fall failures", 3, 2, false,
			[]core.State{Down, Down, Down, Up},
			[]core.State{U, U, Down, Down}},
		{"a success before fall failures publishes it", 3, 2, false,
			[]core.State{Down, Deg},
			[]core.State{U, Deg}},
		{"down after fall failures", 3, 2, false,
			[]core.State{Up, Down, Down, Down, Down},
			[]core.State{Up, Up, Up, Down, Down}},
		{"a success resets the fall count", 2, 2, false,
			[]core.State{Up, Down, Up, Down, Down},
			[]core.State{Up, Up, Up, Up, Down}},
		{"up after rise successes", 1, 3, false,
			[]core.State{Down, Up, Up, Up},
			[]core.State{Down, Down, Down, Up}},
		{"a failure resets the rise count", 1, 2, false,
			[]core.State{Down, Up, Down, Up, Up},
			[]core.State{Down, Down, Down, Down, Up}},
		{"up and degraded switch freely", 3, 3, false,
			[]core.State{Up, Deg, Up, Deg},
			[]core.State{Up, Deg, Up, Deg}},
		{"recovery publishes degraded if that is what rose", 1, 2, false,
			[]core.State{Down, Deg, Deg},
			[]core.State{Down, Down, Deg}},
		{"unknown counts as failure", 2, 1, false,
			[]core.State{Up, U, U},
			[]core.State{Up, Up, U}},
		{"start up: failures still need fall", 2, 1, true,
			[]core.State{Down, Down},
			[]core.State{Up, Down}},
		{"fall 1 rise 1 follows every result", 1, 1, false,
			[]core.State{Up, Down, Up, Down},
			[]core.State{Up, Down, Up, Down}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, p := newEngine(t)
			c := manual("c")
			c.Fall, c.Rise, c.StartUp = tt.fall, tt.rise, tt.startUp
			mustAdd(t, e, c)
			if tt.startUp {
				if got := e.Snapshot().Components[0].Result.State; got != Up {
					t.Fatalf("start-up state = %v, want up", got)
				}
			}
			for i, obs := range tt.observed {
				p.SetState("c", obs)
				got := mustRun(t, e, "c")
				if got.Observed != obs || got.State != tt.published[i] {
					t.Fatalf("step %d: observed %v published %v, want %v %v", i, got.Observed, got.State, obs, tt.published[i])
				}
				if snap, _ := e.Snapshot().Get("c"); snap.Result.State != got.State {
					t.Fatalf("step %d: snapshot has %v, run returned %v", i, snap.Result.State, got.State)
				}
			}
		})
	}
}

func TestConsecutiveCount(t *testing.T) {
	e, p := newEngine(t)
	mustAdd(t, e, manual("c"))
	p.SetState("c", core.StateDown)
	for i := 1; i <= 3; i++ {
		if got := mustRun(t, e, "c").Consecutive; got != i {
			t.Fatalf("failure %d: consecutive = %d", i, got)
		}
	}
	p.SetState("c", core.StateUp)
	if got := mustRun(t, e, "c"); got.Consecutive != 1 || !strings.Contains(got.Message, "up") {
		t.Fatalf("after recovery: %+v", got)
	}
}
