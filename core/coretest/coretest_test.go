package coretest_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

// The provider answers queued results first, then the one set, then the
// default; a held component answers when its context ends.
func TestProviderScript(t *testing.T) {
	p := coretest.NewProvider("fake")
	ctx := context.Background()
	c := core.Component{Name: "db"}
	check := func() string {
		r := p.Check(ctx, c)
		return fmt.Sprintf("%s %q", r.State, r.Message)
	}
	if got := check(); got != `up "scripted up"` {
		t.Fatalf("default: %s", got)
	}
	p.SetState("db", core.StateDown)
	p.Push("db", core.Result{State: core.StateDegraded, Message: "one"}, core.Result{State: core.StateUp, Message: "two"})
	for _, want := range []string{`degraded "one"`, `up "two"`, `down "scripted down"`, `down "scripted down"`} {
		if got := check(); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
	p.SetDefault(core.Result{State: core.StateUnknown})
	if r := p.Check(ctx, core.Component{Name: "other"}); r.State != core.StateUnknown || r.Message != "" {
		t.Fatalf("new default: %v", r)
	}
	p.Hold("db")
	hctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if r := p.Check(hctx, c); r.State != core.StateDown || r.Message != "held" || r.Err == nil || !p.Held("db") {
		t.Fatalf("held: %v", r)
	}
	if p.Calls() != 7 || p.CallsOf("db") != 6 || p.CallsOf("other") != 1 {
		t.Fatalf("calls %d, db %d, other %d", p.Calls(), p.CallsOf("db"), p.CallsOf("other"))
	}
}

// NewEngine's engine is stopped by the test's cleanup: after it, the
// engine refuses to start again.
func TestNewEngineStops(t *testing.T) {
	var e *core.Engine
	t.Run("inner", func(t *testing.T) {
		var p *coretest.Provider
		e, p = coretest.NewEngine(t)
		if err := e.Add(context.Background(), coretest.Manual("db")); err != nil {
			t.Fatal(err)
		}
		if err := e.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		coretest.Eventually(t, 5*time.Second, "the first check", func() bool { return p.CallsOf("db") > 0 })
	})
	if e.Phase() != core.PhaseStopped {
		t.Fatalf("phase after the test: %s", e.Phase())
	}
}

func TestLogBuffer(t *testing.T) {
	var buf coretest.LogBuffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("hello", "k", 1)
	if !buf.Contains("msg=hello k=1") {
		t.Fatalf("log: %q", buf.String())
	}
	buf.Reset()
	if buf.String() != "" {
		t.Fatalf("after Reset: %q", buf.String())
	}
}
