package lameduck_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/core/lameduck"
)

// The drain waits for an in-flight request, which completes.
func TestDrainWaitsForInFlight(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	log, logs := logger(t)
	r, run := running(t, a, lameduck.Config{DisablePeriod: true, Signals: noSignals, Logger: log})

	slow := make(chan result, 1)
	go func() { slow <- get(a.client(), a.url+"/slow") }()
	wait(t, a.slowEntered, "the slow request to start")

	shut := async(func() error { return r.Stop(context.Background()) })
	coretest.Eventually(t, waitLimit, "the drain starts", func() bool { return logs.Contains("waiting for in-flight requests") })
	if !pending(shut) {
		t.Fatal("Shutdown returned while a request was in flight")
	}
	if res := get(a.freshClient(), a.url+"/"); res.err == nil {
		t.Errorf("new connection while draining: %v, want refused (listener closed)", res)
	}
	a.releaseSlow()
	if res := wait(t, slow, "the slow request"); res.err != nil || res.status != 200 || res.body != "slow done" {
		t.Errorf("in-flight request: %v, want 200 slow done", res)
	}
	if err := wait(t, shut, "Stop"); err != nil {
		t.Errorf("Shutdown = %v, want nil", err)
	}
	if err := wait(t, run, "Run"); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
}

// Past the drain timeout the server is closed hard: Expired error.
func TestDrainTimeoutExpires(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	log, logs := logger(t)
	stopped := make(chan struct{})
	r, run := running(t, a, lameduck.Config{
		DisablePeriod: true, DrainTimeout: 300 * time.Millisecond, Signals: noSignals, Logger: log,
		OnStopped: []func(context.Context) error{func(context.Context) error { close(stopped); return nil }},
	})
	slow := make(chan result, 1)
	go func() { slow <- get(a.client(), a.url+"/slow") }()
	wait(t, a.slowEntered, "the slow request to start")

	err := wait(t, async(func() error { return r.Stop(context.Background()) }), "Stop")
	var lde *lameduck.LameDuckError
	if !errors.As(err, &lde) || !lde.Expired {
		t.Fatalf("Shutdown = %v, want an expired *LameDuckError", err)
	}
	if lde.Err != nil {
		t.Errorf("Close error = %v, want nil", lde.Err)
	}
	if !strings.Contains(err.Error(), "drain expired after") {
		t.Errorf("error text %q does not say it expired", err)
	}
	if res := wait(t, slow, "the slow request"); res.err == nil {
		t.Errorf("in-flight request past the drain timeout: %v, want its connection closed", res)
	}
	wait(t, stopped, "the OnStopped hook")
	if err := wait(t, run, "Run"); !errors.As(err, &lde) || !lde.Expired {
		t.Errorf("Run = %v, want the same expired error", err)
	}
	if !logs.Contains("drain expired: server closed hard") {
		t.Error("log lacks the expiry")
	}
}

// A short context clamps the period and the drain: the sequence ends by
// the deadline, and says so.
func TestContextDeadlineClamps(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	log, logs := logger(t)
	var stopCtxOK atomic.Bool
	r, run := running(t, a, lameduck.Config{
		Period: 30 * time.Second, DrainTimeout: 30 * time.Second, Signals: noSignals, Logger: log,
		OnStopped: []func(context.Context) error{func(ctx context.Context) error {
			stopCtxOK.Store(ctx.Err() == nil)
			return nil
		}},
	})

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	start := time.Now()
	err := wait(t, async(func() error { return r.Stop(ctx) }), "Stop")
	took := time.Since(start)
	if err != nil {
		t.Errorf("Shutdown = %v, want nil (nothing in flight)", err)
	}
	if took > 15*time.Second {
		t.Errorf("Shutdown took %s with a 4 s context, want the 60 s clamped", took)
	}
	if !stopCtxOK.Load() {
		t.Error("the OnStopped hook got a context that was already done: no time was kept for it")
	}
	if !logs.Contains("clamped to the context deadline") || !logs.Contains("configured_period=30s") {
		t.Errorf("log lacks the clamp and its durations")
	}
	wait(t, run, "Run")
}
