package core_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

type panicky struct{}

func (panicky) Name() string                                      { return "panicky" }
func (panicky) Check(context.Context, core.Component) core.Result { panic("boom") }

func TestProviderPanicBecomesDown(t *testing.T) {
	e, _ := newEngine(t, core.WithProviders(panicky{}))
	mustAdd(t, e, core.Component{Name: "p", Provider: "panicky", Interval: time.Hour, Fall: 1})
	got := mustRun(t, e, "p")
	if got.State != core.StateDown || !strings.Contains(got.Message, "panicked: boom") {
		t.Fatalf("got %v %q", got.State, got.Message)
	}
}

// stubborn ignores its context and returns only when released.
type stubborn struct {
	release chan struct{}
	calls   atomic.Int64
}

func (*stubborn) Name() string { return "stubborn" }
func (s *stubborn) Check(context.Context, core.Component) core.Result {
	s.calls.Add(1)
	<-s.release
	return core.Result{State: core.StateUp}
}

func TestProviderIgnoringContextDoesNotBlock(t *testing.T) {
	s := &stubborn{release: make(chan struct{})}
	e, _ := newEngine(t, core.WithProviders(s))
	mustAdd(t, e, core.Component{Name: "slow", Provider: "stubborn", Interval: time.Hour, Timeout: 50 * time.Millisecond, Fall: 1})
	mustAdd(t, e, manual("fast"))
	defer close(s.release)

	got := mustRun(t, e, "slow")
	if got.State != core.StateDown || !strings.Contains(got.Message, "timed out after 50ms") {
		t.Fatalf("first run: %v %q", got.State, got.Message)
	}
	// The abandoned call still runs: a second run must not call it again.
	got = mustRun(t, e, "slow")
	if !strings.Contains(got.Message, "still running") || s.calls.Load() != 1 {
		t.Fatalf("second run: %q, provider calls %d", got.Message, s.calls.Load())
	}
	// Other components are unaffected.
	if got := mustRun(t, e, "fast"); got.State != core.StateUp {
		t.Fatalf("fast: %v", got.State)
	}
}

func TestStopWaitsForAbandonedCalls(t *testing.T) {
	s := &stubborn{release: make(chan struct{})}
	e, err := core.New(core.WithProviders(s))
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, e, core.Component{Name: "slow", Provider: "stubborn", Interval: time.Hour, Timeout: 10 * time.Millisecond})
	mustRun(t, e, "slow")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := e.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "ignore the context") ||
		!strings.Contains(err.Error(), `slow (provider "stubborn")`) {
		t.Fatalf("stop with a stuck provider: %v", err)
	}
	close(s.release)
	if err := e.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// gauge records the highest number of concurrent calls.
type gauge struct{ inFlight }

func (*gauge) Name() string { return "gauge" }
func (g *gauge) Check(ctx context.Context, c core.Component) core.Result {
	defer g.enter(c.Name)()
	sleep(ctx, 2*time.Millisecond)
	return core.Result{State: core.StateUp}
}

func TestConcurrencyBoundAndNoOverlap(t *testing.T) {
	g := &gauge{}
	e, _ := newEngine(t, core.WithProviders(g), core.WithConcurrency(3))
	for i := range 20 {
		mustAdd(t, e, core.Component{Name: "c" + string(rune('a'+i)), Provider: "gauge", Interval: time.Millisecond})
	}
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				_ = e.ForceCheck(t.Context())
			}
		})
	}
	wg.Wait()
	all, one := g.peaks()
	if all > 3 || all < 1 {
		t.Fatalf("max concurrent calls = %d, bound 3", all)
	}
	if one > 1 {
		t.Fatal("two checks of one component ran at once")
	}
}

func TestValidationErrorsNameTheField(t *testing.T) {
	e, _ := newEngine(t)
	tests := []struct {
		c    core.Component
		want string
	}{
		{core.Component{Name: "", Provider: "scripted"}, "name:"},
		{core.Component{Name: "bad name!", Provider: "scripted"}, `name: "bad name!"`},
		{core.Component{Name: "x"}, "provider: is required"},
		{core.Component{Name: "x", Provider: "nope"}, `provider: "nope" is not registered`},
		{core.Component{Name: "x", Provider: "scripted", Interval: -time.Second}, "interval:"},
		{core.Component{Name: "x", Provider: "scripted", Fall: -1}, "fall:"},
		{core.Component{Name: "x", Provider: "scripted", Groups: []string{"a b"}}, "groups[0]:"},
	}
	for _, tt := range tests {
		err := e.Add(t.Context(), tt.c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Add(%+v) = %v, want an error containing %q", tt.c, err, tt.want)
		}
	}
	mustAdd(t, e, manual("dup"))
	if err := e.Add(t.Context(), manual("dup")); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate add: %v", err)
	}
	if err := e.Remove(t.Context(), "ghost"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("remove unknown: %v", err)
	}
	if err := e.Update(t.Context(), manual("ghost")); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("update unknown: %v", err)
	}
	if _, err := e.Check(t.Context(), "ghost"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("run unknown: %v", err)
	}
	if err := e.RegisterProvider(newScripted("scripted")); err == nil {
		t.Error("duplicate provider registered")
	}
	if _, err := core.New(core.WithConcurrency(0)); err == nil || !strings.Contains(err.Error(), "concurrency") {
		t.Errorf("bad option: %v", err)
	}
}

type validating struct{ scripted }

func (*validating) Name() string { return "validating" }
func (*validating) ValidateConfig(c core.Component) error {
	if _, ok := c.Config["url"]; !ok {
		return errors.New("config.url: is required")
	}
	return nil
}

func TestProviderConfigValidatedOnAdd(t *testing.T) {
	e, _ := newEngine(t, core.WithProviders(&validating{}))
	err := e.Add(t.Context(), core.Component{Name: "x", Provider: "validating"})
	if err == nil || !strings.Contains(err.Error(), `component "x": config: config.url: is required`) {
		t.Fatalf("got %v", err)
	}
}

func TestBackgroundChecksRunAndStop(t *testing.T) {
	e, p := newEngine(t)
	c := manual("bg")
	c.Interval = 5 * time.Millisecond
	mustAdd(t, e, c)
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(t.Context()); err == nil {
		t.Fatal("second Start succeeded")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := e.WaitForReady(ctx, core.GroupReadiness); err != nil {
		t.Fatal(err)
	}
	for p.Calls() < 3 {
		select {
		case <-ctx.Done():
			t.Fatalf("background checks: %d calls", p.Calls())
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := e.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	n := p.Calls()
	time.Sleep(30 * time.Millisecond)
	if p.Calls() != n {
		t.Fatal("checks ran after Stop")
	}
	if e.Snapshot().Phase != core.PhaseStopped {
		t.Fatal("phase after stop")
	}
}

func TestWaitForReadyNamesTheLaggards(t *testing.T) {
	e, p := newEngine(t)
	mustAdd(t, e, manual("ok"))
	bad := manual("bad")
	bad.Fall = 1
	mustAdd(t, e, bad)
	mustAdd(t, e, manual("never"))
	p.SetState("bad", core.StateDown)
	mustRun(t, e, "ok")
	mustRun(t, e, "bad")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	err := e.WaitForReady(ctx, core.GroupReadiness)
	var nr *core.NotReadyError
	if !errors.As(err, &nr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if len(nr.NotReady) != 2 || nr.NotReady["bad"] != core.StateDown || !strings.Contains(err.Error(), "never (unknown)") {
		t.Fatalf("not ready = %v (%v)", nr.NotReady, err)
	}
	// It returns as soon as the group becomes ready.
	done := make(chan error, 1)
	wctx, wcancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer wcancel()
	go func() { done <- e.WaitForReady(wctx, core.GroupReadiness) }()
	p.SetState("bad", core.StateUp)
	mustRun(t, e, "never")
	mustRun(t, e, "bad")
	mustRun(t, e, "bad") // rise 2
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := e.WaitForReady(t.Context(), "empty-group"); err != nil {
		t.Fatalf("empty group: %v", err)
	}
}

func TestAddUpdateRemoveWhileRunning(t *testing.T) {
	e, p := newEngine(t)
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	c := manual("dyn")
	c.Interval = 2 * time.Millisecond
	mustAdd(t, e, c)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := e.WaitForReady(ctx, core.GroupReadiness); err != nil {
		t.Fatal(err)
	}
	c.Groups = []string{"edge"}
	if err := e.Update(ctx, c); err != nil {
		t.Fatal(err)
	}
	if g := e.Snapshot().Group("edge"); len(g.Components) != 1 {
		t.Fatalf("edge group after update: %+v", g)
	}
	if err := e.Remove(ctx, "dyn"); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Snapshot().Get("dyn"); ok {
		t.Fatal("removed component still in the snapshot")
	}
	time.Sleep(10 * time.Millisecond) // let an in-flight run finish
	n := p.Calls()
	time.Sleep(30 * time.Millisecond)
	if p.Calls() != n {
		t.Fatal("removed component still checked")
	}
	if h, _ := e.History(ctx, "dyn", 0); len(h) != 0 {
		t.Fatalf("history kept after remove: %d", len(h))
	}
}

func TestAddFunc(t *testing.T) {
	e, _ := newEngine(t)
	var fail atomic.Int32
	err := e.AddFunc(t.Context(), core.Component{Name: "fn", Interval: time.Hour, Fall: 1}, func(context.Context) error {
		switch fail.Load() {
		case 1:
			return core.Degraded(errors.New("slow"))
		case 2:
			return errors.New("broken")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []core.State{core.StateUp, core.StateDegraded, core.StateDown}
	for i, st := range want {
		fail.Store(int32(i))
		if got := mustRun(t, e, "fn"); got.State != st {
			t.Fatalf("step %d: %v, want %v (%s)", i, got.State, st, got.Message)
		}
	}
}

// A run straight after another on the same component must not find it
// still busy: the busy mark is cleared before the result is handed over.
func TestBackToBackRunsAreNotBusy(t *testing.T) {
	// Several Ps make the old ordering bug (mark cleared after the hand-over)
	// show within a few hundred runs.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	e, _ := newEngine(t)
	mustAdd(t, e, core.Component{Name: "quick", Provider: "scripted", Interval: time.Hour, Fall: 1, Rise: 1})
	for i := range 300 {
		if got := mustRun(t, e, "quick"); got.Observed == core.StateDown {
			t.Fatalf("run %d: %v %q", i, got.Observed, got.Message)
		}
	}
}
