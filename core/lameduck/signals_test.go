package lameduck_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/core/lameduck"
)

// With a 30 s period, the first signal starts the lame duck and a second
// one ends the period at once.
func TestSecondSignalEndsPeriod(t *testing.T) {
	a := newApp(t, nil)
	log, logs := logger(t)
	r, run := running(t, a, lameduck.Config{
		Period:     30 * time.Second,
		Signals:    []os.Signal{syscall.SIGUSR1, syscall.SIGUSR2},
		OnLameDuck: []func(){a.enterLameDuck},
		Logger:     log,
	})

	kill(t, syscall.SIGUSR1)
	coretest.Eventually(t, waitLimit, "the signal starts the lame duck", r.InLameDuck)
	coretest.Eventually(t, waitLimit, "the period starts", func() bool { return logs.Contains("serving through the lame-duck period") })
	if res := get(a.freshClient(), a.url+"/ready"); res.status != http.StatusServiceUnavailable {
		t.Errorf("/ready after the first signal = %v, want 503", res)
	}
	if res := get(a.freshClient(), a.url+"/"); res.status != 200 {
		t.Errorf("/ after the first signal = %v, want 200 (still serving)", res)
	}
	if !pending(run) {
		t.Fatal("Run returned after the first signal")
	}
	signalEndsPeriod(t, syscall.SIGUSR2, run, "Run")
	for _, want := range []string{"reason=\"signal user defined signal 1\"", "second signal: ending the lame-duck period now", "reason=\"second signal\""} {
		if !logs.Contains(want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

// A Shutdown during a signal-started lame duck waits for it, and its
// earlier deadline clamps what is left of the period.
func TestShutdownJoinsSignal(t *testing.T) {
	a := newApp(t, nil)
	log, logs := logger(t)
	var lameDucks, stops atomic.Int32
	r, run := running(t, a, lameduck.Config{
		Period:     30 * time.Second,
		Signals:    []os.Signal{syscall.SIGUSR1},
		OnLameDuck: []func(){func() { lameDucks.Add(1) }},
		OnStopped:  []func(context.Context) error{func(context.Context) error { stops.Add(1); return errors.New("engine stop failed") }},
		Logger:     log,
	})
	kill(t, syscall.SIGUSR1)
	coretest.Eventually(t, waitLimit, "the period starts", func() bool { return logs.Contains("serving through the lame-duck period") })

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	shut1 := async(func() error { return r.Stop(ctx) })
	shut2 := async(func() error { return r.Stop(ctx) })
	runErr := wait(t, run, "Run")
	for i, err := range []error{wait(t, shut1, "Shutdown 1"), wait(t, shut2, "Shutdown 2"), runErr} {
		if err == nil || !strings.Contains(err.Error(), "OnStopped[0]: engine stop failed") {
			t.Errorf("result %d = %v, want the hook's error", i, err)
		}
	}
	if lameDucks.Load() != 1 || stops.Load() != 1 {
		t.Errorf("hooks ran %d and %d times, want once each", lameDucks.Load(), stops.Load())
	}
	if !logs.Contains("clamped to the context deadline") {
		t.Error("the joining Shutdown's deadline did not clamp the period")
	}
}

// A signal right after Shutdown is taken for the one that made the caller
// call it (fx receives SIGTERM too) and does not end the period; a second
// one does.
func TestShutdownThenTwoSignalsEndPeriod(t *testing.T) {
	run, shut, logs := stoppingOnSIGUSR1(t)
	kill(t, syscall.SIGUSR1)
	coretest.Eventually(t, waitLimit, "the first signal is seen", func() bool { return logs.Contains("taken for the one that caused it") })
	time.Sleep(200 * time.Millisecond)
	if !pending(shut) {
		t.Fatal("the signal that caused Shutdown ended the period")
	}
	signalEndsPeriod(t, syscall.SIGUSR1, shut, "Shutdown")
	wait(t, run, "Run")
}

// A first signal later than SameSignalWindow after Shutdown is not the one
// that caused it: it ends the period at once.
func TestShutdownThenLateSignalEndsPeriod(t *testing.T) {
	run, shut, logs := stoppingOnSIGUSR1(t)
	time.Sleep(lameduck.SameSignalWindow + 100*time.Millisecond)
	kill(t, syscall.SIGUSR1)
	if err := wait(t, shut, "Shutdown after a late signal"); err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if !logs.Contains("second signal: ending the lame-duck period now") {
		t.Error("log lacks the end of the period")
	}
	wait(t, run, "Run")
}

// stoppingOnSIGUSR1 runs a Runner over a new app, with a 30 s period and
// SIGUSR1 as its signal, until it is Ready, then calls Stop in the
// background and waits until the period starts. It returns what Run and
// Stop return, and the runner's logs.
func stoppingOnSIGUSR1(t *testing.T) (run, shut <-chan error, logs *logBuffer) {
	t.Helper()
	a := newApp(t, nil)
	log, logs := logger(t)
	var r *lameduck.Runner
	r, run = running(t, a, lameduck.Config{
		Period:  30 * time.Second,
		Signals: []os.Signal{syscall.SIGUSR1},
		Logger:  log,
	})
	shut = async(func() error { return r.Stop(context.Background()) })
	coretest.Eventually(t, waitLimit, "the period starts", func() bool { return logs.Contains("serving through the lame-duck period") })
	return run, shut, logs
}

// kill sends sig to this process.
func kill(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), sig); err != nil {
		t.Fatal(err)
	}
}

// signalEndsPeriod sends sig, a second signal, and fails the test unless
// done (what: a pending Run or Shutdown) then returns nil within 15 s,
// well before the 30 s period ends.
func signalEndsPeriod(t *testing.T, sig syscall.Signal, done <-chan error, what string) {
	t.Helper()
	start := time.Now()
	kill(t, sig)
	if err := wait(t, done, what+" after the second signal"); err != nil {
		t.Errorf("%s = %v", what, err)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("%s took %s after the second signal, want the 30 s period cut short", what, took)
	}
}
