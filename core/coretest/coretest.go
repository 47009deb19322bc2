// Package coretest helps test code that uses the check engine, in the
// spirit of net/http/httptest: a provider whose results the test scripts,
// an engine bound to a testing.TB (stopped when the test ends), waiting
// for a condition, a concurrency-safe log buffer, and MemoryJobs, an
// in-memory jobs source.
//
//	e, p := coretest.NewEngine(t)
//	_ = e.Add(ctx, coretest.Manual("db"))
//	p.SetState("db", core.StateDown)
//	res, _ := e.Check(ctx, "db") // down, "scripted down"
//
// It imports the standard library and core only.
package coretest

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// ProviderName is the name of the Provider NewEngine registers, and the
// provider of the components Manual returns.
const ProviderName = "scripted"

// StopTimeout bounds the Stop that NewEngine's cleanup calls.
const StopTimeout = 5 * time.Second

// NewEngine returns an engine, not started, with a Provider registered
// under ProviderName, no jitter (WithJitter(0)) and then opts. The engine
// is stopped when the test ends; a Stop that fails (a provider still
// running after StopTimeout) fails the test.
func NewEngine(t testing.TB, opts ...core.Option) (*core.Engine, *Provider) {
	t.Helper()
	p := NewProvider(ProviderName)
	e, err := core.New(append([]core.Option{core.WithProviders(p), core.WithJitter(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), StopTimeout)
		defer cancel()
		if err := e.Stop(ctx); err != nil {
			t.Errorf("coretest: engine stop: %v", err)
		}
	})
	return e, p
}

// Manual returns a component of the scripted provider that does not run on
// its own within a test (an hour's interval, a second's timeout): the test
// drives its checks with Engine.Check or ForceCheck. Fall and rise are left
// to the engine's defaults.
func Manual(name string, groups ...string) core.Component {
	return core.Component{Name: name, Provider: ProviderName, Interval: time.Hour, Timeout: time.Second, Groups: groups}
}

// Eventually calls cond every 5 ms until it returns true, and fails the
// test (t.Fatalf, naming what) when timeout passes first.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting until %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// LogBuffer is an io.Writer for a logger (slog.NewTextHandler(buf, nil))
// that a test may read while the logger writes.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns what was written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Contains reports whether what was written so far contains s.
func (l *LogBuffer) Contains(s string) bool { return strings.Contains(l.String(), s) }

// Reset forgets what was written.
func (l *LogBuffer) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
}
