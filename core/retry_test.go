package core_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

func TestStartupRetryWithBackoff(t *testing.T) {
	type retry struct {
		attempt int
		backoff time.Duration
	}
	var mu sync.Mutex
	var retries []retry
	var p *scripted
	e, p := newEngine(t, core.WithStartupRetry(core.RetryConfig{
		MaxRetries:     4,
		InitialBackoff: time.Millisecond,
		MaxBackoff:     4 * time.Millisecond,
		OnRetry: func(component string, attempt int, backoff time.Duration, last core.Result) {
			mu.Lock()
			defer mu.Unlock()
			retries = append(retries, retry{attempt, backoff})
			if attempt == 3 {
				p.SetState(component, core.StateUp) // the container came up
			}
		},
	}))
	p.SetState("slowstart", core.StateDown)
	mustAdd(t, e, manual("slowstart"))
	sub := e.Subscribe(4)
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := e.WaitForReady(ctx, core.GroupReadiness); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []retry{{1, time.Millisecond}, {2, 2 * time.Millisecond}, {3, 4 * time.Millisecond}}
	if len(retries) != len(want) {
		t.Fatalf("retries = %v, want %v", retries, want)
	}
	for i := range want {
		if retries[i] != want[i] {
			t.Fatalf("retry %d = %v, want %v", i, retries[i], want[i])
		}
	}
	// The failures during start-up were not published: the first event is up.
	if ev := <-sub.C(); ev.From != core.StateUnknown || ev.To != core.StateUp {
		t.Fatalf("first event %v -> %v", ev.From, ev.To)
	}
}

func TestStartupRetryGivesUp(t *testing.T) {
	var calls int
	e, p := newEngine(t, core.WithStartupRetry(core.RetryConfig{
		MaxRetries: 2, InitialBackoff: time.Millisecond,
		OnRetry: func(string, int, time.Duration, core.Result) { calls++ },
	}))
	p.SetState("dead", core.StateDown)
	mustAdd(t, e, manual("dead"))
	sub := e.Subscribe(4)
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-sub.C():
		if ev.To != core.StateDown || calls != 2 {
			t.Fatalf("after giving up: %v, %d retries", ev.To, calls)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("never published the failure")
	}
}
