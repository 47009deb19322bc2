package core_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

// TestSchedulerGoroutinesBounded: the scheduled checks of 2,000 components
// run on the scheduler's goroutines, at most the concurrency bound of
// workers and a dispatcher, not one goroutine and timer per component; and
// every component keeps being checked.
func TestSchedulerGoroutinesBounded(t *testing.T) {
	const n, bound = 2000, 4
	e, p := newEngine(t, core.WithConcurrency(bound))
	comps := make([]core.Component, n)
	for i := range comps {
		comps[i] = core.Component{Name: fmt.Sprintf("c%04d", i), Provider: coretest.ProviderName, Interval: 100 * time.Millisecond, Timeout: time.Second}
	}
	if errs := e.AddAll(context.Background(), comps); errs != nil {
		t.Fatal(errs)
	}
	before := runtime.NumGoroutine()
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	most := 0
	coretest.Eventually(t, 10*time.Second, "every component checked three times", func() bool {
		most = max(most, runtime.NumGoroutine()-before)
		for _, c := range comps {
			if p.CallsOf(c.Name) < 3 {
				return false
			}
		}
		return true
	})
	// The dispatcher, the workers and a provider call each, the check
	// store's writer and a publication timer at most (one per component
	// before the scheduler).
	if limit := 3 + 2*bound; most > limit {
		t.Fatalf("%d goroutines more while checking %d components, want at most %d", most, n, limit)
	}
}

// TestScheduledChecksKeepTheirInterval: a component's scheduled checks
// start an interval apart (after the second, which spreads them),
// and a removed component is not checked again.
func TestScheduledChecksKeepTheirInterval(t *testing.T) {
	const iv = 60 * time.Millisecond
	var starts []time.Time
	var removed atomic.Bool
	calls := make(chan time.Time, 64)
	e, _ := newEngine(t)
	if err := e.AddFunc(context.Background(), core.Component{Name: "c", Interval: iv, Timeout: time.Second}, func(context.Context) error {
		if removed.Load() {
			t.Error("a removed component was checked")
		}
		calls <- time.Now()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for len(starts) < 6 {
		starts = append(starts, <-calls)
	}
	removed.Store(true)
	if err := e.Remove(context.Background(), "c"); err != nil {
		t.Fatal(err)
	}
	if gap := starts[1].Sub(starts[0]); gap < iv/2-5*time.Millisecond || gap > iv*3/2+iv {
		t.Errorf("second check %v after the first, want about [%v, %v)", gap, iv/2, iv*3/2)
	}
	// Fixed rate: the later starts are on a grid an interval apart, so
	// their mean gap is the interval even when one of them started late.
	if mean := starts[5].Sub(starts[1]) / 4; mean < iv-10*time.Millisecond || mean > iv+10*time.Millisecond {
		t.Errorf("mean gap %v between scheduled checks, want %v", mean, iv)
	}
	time.Sleep(3 * iv)
}

// TestCheckDoesNotJoinAnEarlierRun: a Check called while a check that
// started before it is running waits for that one and checks again, so
// that it sees what changed since it was called (here: the dependency came
// back); two Checks called together share one run.
func TestCheckDoesNotJoinAnEarlierRun(t *testing.T) {
	var up atomic.Bool
	var calls atomic.Int32
	release := make(chan struct{})
	e, _ := newEngine(t)
	ctx := context.Background()
	if err := e.AddFunc(ctx, core.Component{Name: "dep", Interval: time.Hour, Timeout: 5 * time.Second, Fall: 1, Rise: 1}, func(context.Context) error {
		if calls.Add(1) == 1 {
			<-release // the first run started while the dependency was down
			return fmt.Errorf("down")
		}
		if !up.Load() {
			return fmt.Errorf("down")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	first := make(chan core.Result)
	go func() { r, _ := e.Check(ctx, "dep"); first <- r }()
	coretest.Eventually(t, 5*time.Second, "the first run started", func() bool { return calls.Load() == 1 })
	up.Store(true)
	second := make(chan core.Result, 2)
	for range 2 {
		go func() { r, _ := e.Check(ctx, "dep"); second <- r }()
	}
	time.Sleep(20 * time.Millisecond) // both wait for the first run
	close(release)
	if r := <-first; r.Observed != core.StateDown {
		t.Fatalf("first Check: %s, want down", r.Observed)
	}
	for range 2 {
		if r := <-second; r.Observed != core.StateUp {
			t.Fatalf("Check called after the dependency came back: %s %q, want up", r.Observed, r.Message)
		}
	}
	if got := calls.Load(); got != 2 {
		t.Fatalf("%d provider calls, want 2 (the two later Checks share one)", got)
	}
}

// TestScheduledHungCallIsAbandoned: a scheduled check whose provider
// ignores its context is abandoned at its timeout (Down, and the worker
// goes on with another goroutine for its calls), so that with one worker
// the other components keep being checked; Stop names the hung call.
func TestScheduledHungCallIsAbandoned(t *testing.T) {
	h := &hung{stubborn: stubborn{release: make(chan struct{})}}
	p := newScripted("scripted")
	e, err := core.New(core.WithProviders(h, p), core.WithJitter(0), core.WithConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mustAdd(t, e, core.Component{Name: "stuck", Provider: "hung", Interval: 50 * time.Millisecond, Timeout: 20 * time.Millisecond, Fall: 1})
	mustAdd(t, e, core.Component{Name: "fine", Provider: "scripted", Interval: 50 * time.Millisecond, Timeout: time.Second})
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	coretest.Eventually(t, 10*time.Second, "stuck down, fine checked 5 times past it", func() bool {
		cs, ok := e.Snapshot().Get("stuck")
		return ok && cs.Result.State == core.StateDown && p.CallsOf("fine") >= 5
	})
	cs, _ := e.Snapshot().Get("stuck")
	if n := h.calls.Load(); n != 1 {
		t.Errorf("%d calls of the hung provider, want 1 (later checks find it still running: %q)", n, cs.Result.Message)
	}
	sctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := e.Stop(sctx); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `stuck (provider "hung")`) {
		t.Errorf("stop with a hung call: %v", err)
	}
	close(h.release)
	if err := e.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}
