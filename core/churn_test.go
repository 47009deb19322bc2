package core_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// hung is a stubborn provider (it ignores its context and returns only
// when released) that records the most calls of one component name that
// were ever running at once.
type hung struct {
	stubborn
	inFlight
}

func (*hung) Name() string { return "hung" }
func (h *hung) Check(ctx context.Context, c core.Component) core.Result {
	defer h.enter(c.Name)()
	return h.stubborn.Check(ctx, c)
}

// Removing and adding a component again while its provider hangs must not
// start a second call of that name: the hung calls are bounded by the
// number of names, not by the number of re-adds.
func TestChurnKeepsOneHungCallPerName(t *testing.T) {
	const names, rounds = 5, 40
	h := &hung{stubborn: stubborn{release: make(chan struct{})}}
	e, err := core.New(core.WithProviders(h), core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	notBusy := "" // the first re-added component's check that was not "still running"
	ctx := context.Background()
	for round := range rounds {
		for i := range names {
			c := core.Component{Name: fmt.Sprintf("db%d", i), Provider: "hung", Interval: time.Hour, Timeout: 5 * time.Millisecond, Fall: 1}
			mustAdd(t, e, c)
			got := mustRun(t, e, c.Name)
			if got.State != core.StateDown {
				t.Fatalf("round %d %s: %v %q", round, c.Name, got.State, got.Message)
			}
			if round > 0 && !strings.Contains(got.Message, `previous check is still running`) && notBusy == "" {
				notBusy = fmt.Sprintf("round %d %s: %q", round, c.Name, got.Message)
			}
			if err := e.Remove(ctx, c.Name); err != nil {
				t.Fatal(err)
			}
		}
	}
	if notBusy != "" {
		t.Errorf("a re-added component's check did not find its hung call: %s", notBusy)
	}
	_, most := h.peaks()
	if n := h.calls.Load(); n != names || most != 1 {
		t.Errorf("%d provider calls for %d names over %d re-adds (most at once for one name: %d), want %d and 1", n, names, rounds, most, names)
	}
	if grown := runtime.NumGoroutine() - before; grown > names+5 {
		t.Errorf("goroutines grew by %d for %d hung names", grown, names)
	}
	// Stop still names each abandoned call, once.
	sctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	err = e.Stop(sctx)
	if !errors.Is(err, context.DeadlineExceeded) || strings.Count(err.Error(), `db0 (provider "hung")`) != 1 {
		t.Errorf("stop with hung calls: %v", err)
	}
	close(h.release)
	if err := e.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}
