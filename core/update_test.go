package core_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// slowProvider takes delay per check and records how many of its calls
// overlap at most.
type slowProvider struct {
	inFlight
	delay time.Duration
	calls atomic.Int64
}

func (p *slowProvider) Name() string { return "slow" }

func (p *slowProvider) Check(ctx context.Context, c core.Component) core.Result {
	p.calls.Add(1)
	defer p.enter(c.Name)()
	sleep(ctx, p.delay)
	return core.Result{State: core.StateUp}
}

// Update while a check is in flight must not start a second provider call
// of the same component next to it.
func TestUpdateDuringSlowCheckDoesNotOverlap(t *testing.T) {
	p := &slowProvider{delay: 50 * time.Millisecond}
	e, err := core.New(core.WithProviders(p), core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	c := core.Component{Name: "db", Provider: "slow", Interval: time.Hour, Timeout: time.Second}
	if err := e.Add(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			if _, err := e.Check(t.Context(), "db"); err != nil {
				t.Error(err)
			}
		})
		time.Sleep(5 * time.Millisecond)
		u := c
		u.Timeout = time.Second + time.Duration(i+1)*time.Millisecond
		if err := e.Update(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if _, err := e.Check(t.Context(), "db"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := e.ForceCheck(t.Context()); err != nil {
		t.Fatal(err)
	}
	if m, _ := p.peaks(); m != 1 {
		t.Fatalf("%d provider calls of one component overlapped (%d calls)", m, p.calls.Load())
	}
	cs, _ := e.Snapshot().Get("db")
	if cs.Component.Timeout != time.Second+4*time.Millisecond || cs.Result.State != core.StateUp {
		t.Fatalf("latest definition not checked: %+v", cs)
	}
}

// AddFunc after Remove checks with the new function; Remove unregisters the
// func provider.
func TestAddFuncAfterRemoveReplacesTheFunc(t *testing.T) {
	e, _ := newEngine(t)
	c := core.Component{Name: "fn", Interval: time.Hour, Timeout: time.Second, Fall: 1, Rise: 1}
	fn := func(err error) core.CheckerFunc {
		return func(context.Context) error { return err }
	}
	if err := e.AddFunc(t.Context(), c, fn(nil)); err != nil {
		t.Fatal(err)
	}
	if got := mustRun(t, e, "fn"); got.State != core.StateUp {
		t.Fatalf("first func: %v", got.State)
	}
	if err := e.AddFunc(t.Context(), c, fn(errors.New("second"))); err == nil {
		t.Fatal("AddFunc of an existing component succeeded")
	}
	if got := mustRun(t, e, "fn"); got.State != core.StateUp {
		t.Fatalf("a failed AddFunc replaced the func: %v", got.State)
	}
	if err := e.Remove(t.Context(), "fn"); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Provider("func:fn"); ok {
		t.Fatal("Remove left the func provider registered")
	}
	if err := e.AddFunc(t.Context(), c, fn(errors.New("new func"))); err != nil {
		t.Fatal(err)
	}
	if got := mustRun(t, e, "fn"); got.State != core.StateDown {
		t.Fatalf("AddFunc after Remove kept the old func: %v", got.State)
	}
}

// blocking answers Up, or when block is set waits for its context and
// answers Down.
type blocking struct{ block atomic.Bool }

func (p *blocking) Name() string { return "blocking" }

func (p *blocking) Check(ctx context.Context, _ core.Component) core.Result {
	if !p.block.Load() {
		return core.Result{State: core.StateUp}
	}
	<-ctx.Done()
	return core.Result{State: core.StateDown, Message: "gave up", Err: ctx.Err()}
}

// A caller that cancels Run or ForceCheck gets an interrupted result, but
// it is not recorded: the published state and the history stay as they
// were.
func TestCallerCancellationIsNotRecorded(t *testing.T) {
	p := &blocking{}
	e, err := core.New(core.WithProviders(p), core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	c := core.Component{Name: "db", Provider: "blocking", Interval: time.Hour, Timeout: time.Minute, Fall: 1, Rise: 1}
	if err := e.Add(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if got := mustRun(t, e, "db"); got.State != core.StateUp {
		t.Fatalf("first run: %v", got.State)
	}
	p.block.Store(true)
	events := e.Subscribe(8)
	defer events.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	got, err := e.Check(ctx, "db")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Failed() {
		t.Fatalf("interrupted run returned %+v", got)
	}
	ctx2, cancel2 := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel2)
	if err := e.ForceCheck(ctx2); !errors.Is(err, context.Canceled) {
		t.Fatalf("ForceCheck = %v", err)
	}

	cs, _ := e.Snapshot().Get("db")
	if cs.Result.State != core.StateUp {
		t.Fatalf("published %v after a caller's cancellation: %s", cs.Result.State, cs.Result.Message)
	}
	h, err := e.History(t.Context(), "db", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 {
		t.Fatalf("history has %d entries, want the first result only: %+v", len(h), h)
	}
	select {
	case ev := <-events.C():
		t.Fatalf("event after a caller's cancellation: %+v", ev)
	default:
	}
	// The component's own timeout still counts as a failure.
	c.Timeout = 10 * time.Millisecond
	if err := e.Update(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if got := mustRun(t, e, "db"); got.State != core.StateDown {
		t.Fatalf("own timeout published %v", got.State)
	}
}
