package core

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is the clock of TTL components in these tests: it moves only
// when the test says so.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newTTLEngine(t *testing.T) (*Engine, *fakeClock) {
	t.Helper()
	clk := &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	e, err := New(WithJitter(0), func(s *settings) error { s.now = clk.Now; return nil })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	return e, clk
}

func mustRunTTL(t *testing.T, e *Engine, name string) Result {
	t.Helper()
	res, err := e.Check(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestTTLExpiryWithFakeClock(t *testing.T) {
	e, clk := newTTLEngine(t)
	ctx := context.Background()
	c := TTLConfig{TTL: 30 * time.Second}.Component("batch")
	if c.Interval != 3*time.Second {
		t.Fatalf("interval %s, want a tenth of the ttl", c.Interval)
	}
	if err := e.Add(ctx, c); err != nil {
		t.Fatal(err)
	}
	sub := e.Subscribe(16)
	// Within the ttl of its addition: nothing is recorded, it waits.
	clk.advance(29 * time.Second)
	if res := mustRunTTL(t, e, "batch"); res.State != StateUnknown || e.Stats().Checks != 0 {
		t.Fatalf("before any report: %+v, %d checks", res, e.Stats().Checks)
	}
	res, err := e.RecordResult("batch", Result{State: StateUp, Message: "run ok"})
	if err != nil || res.State != StateUp {
		t.Fatalf("RecordResult: %+v %v", res, err)
	}
	clk.advance(29 * time.Second)
	if res := mustRunTTL(t, e, "batch"); res.State != StateUp || res.Message != "run ok" {
		t.Fatalf("within the ttl: %+v", res)
	}
	if s := e.Stats(); s.Checks != 1 || s.Pushed != 1 {
		t.Fatalf("a fresh TTL check was recorded: %+v", s)
	}
	clk.advance(2 * time.Second)
	res = mustRunTTL(t, e, "batch")
	// Down at once, though fall is 3.
	if res.State != StateDown || res.Message != "last report 31s ago (ttl 30s)" || !errors.Is(res.Err, ErrTTLExpired) {
		t.Fatalf("after the ttl: %+v", res)
	}
	if cs, _ := e.Snapshot().Get("batch"); cs.Result.State != StateDown {
		t.Fatalf("snapshot: %s", cs.Result.State)
	}
	if s := e.Stats(); s.Expired != 1 || s.Down != 1 || s.Failures != 1 {
		t.Fatalf("stats: %+v", s)
	}
	for _, want := range []State{StateUp, StateDown} {
		select {
		case ev := <-sub.C():
			if ev.To != want {
				t.Fatalf("event to %s, want %s", ev.To, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no event to %s", want)
		}
	}
	// Reports bring it back through rise (2).
	for i, want := range []State{StateDown, StateUp} {
		if res, _ := e.RecordResult("batch", Result{State: StateUp}); res.State != want {
			t.Fatalf("report %d: %s, want %s", i+1, res.State, want)
		}
	}
	// Never reported: the ttl runs from the addition.
	if err := e.Add(ctx, TTLConfig{TTL: time.Minute}.Component("never")); err != nil {
		t.Fatal(err)
	}
	clk.advance(61 * time.Second)
	if res := mustRunTTL(t, e, "never"); res.State != StateDown || res.Message != "no report in the 1m1s since it was added (ttl 1m0s)" {
		t.Fatalf("never reported: %+v", res)
	}
}

func TestTTLConfigErrors(t *testing.T) {
	e, _ := newTTLEngine(t)
	for want, cfg := range map[string]map[string]any{
		`component "x": config.ttl: is required`:             nil,
		`config.ttl: "0s" is out of range [1ms, 168h0m0s]`:   {"ttl": "0s"},
		`config.ttl: "200h" is out of range [1ms, 168h0m0s]`: {"ttl": "200h"},
		`config.ttl2: unknown key (known keys: ttl)`:         {"ttl": "1s", "ttl2": 1},
	} {
		err := e.Add(context.Background(), Component{Name: "x", Provider: TTLProviderName, Config: cfg})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config %v: error %v, want %q", cfg, err, want)
		}
	}
}

func TestRecordResult(t *testing.T) {
	e, _ := newTTLEngine(t)
	if err := e.AddFunc(context.Background(), Component{Name: "api", Interval: time.Hour}, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	// Fall (3) applies to pushed results of any component.
	for i, want := range []State{StateUnknown, StateUnknown, StateDown} {
		res, err := e.RecordResult("api", Result{State: StateDown, Message: strings.Repeat("x", 5000)})
		if err != nil || res.State != want || res.Consecutive != i+1 {
			t.Fatalf("push %d: %+v %v", i+1, res, err)
		}
		if len(res.Message) > MaxPushedMessage+64 || !strings.Contains(res.Message, "cut at 1024 bytes") {
			t.Fatalf("message of %d bytes not cut", len(res.Message))
		}
	}
	if h, err := e.History(context.Background(), "api", 10); err != nil || len(h) != 3 {
		t.Fatalf("history %d %v", len(h), err)
	}
	if _, err := e.RecordResult("nope", Result{State: StateUp}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown component: %v", err)
	}
	if _, err := e.RecordResult("api", Result{State: State(9)}); err == nil || !strings.Contains(err.Error(), "state 9 is not a State") {
		t.Fatalf("bad state: %v", err)
	}
}
