package lameduck_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/core/lameduck"
)

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	srv := lameduck.HTTPServer(&http.Server{}, nil)
	cases := []struct {
		name string
		cfg  lameduck.Config
		want []string
	}{
		{"negative period", lameduck.Config{Period: -time.Second}, []string{"Period: -1s must not be negative"}},
		{"negative drain", lameduck.Config{DrainTimeout: -1}, []string{"DrainTimeout: -1ns must not be negative"}},
		{"period with DisablePeriod", lameduck.Config{Period: time.Second, DisablePeriod: true}, []string{"Period: 1s is set together with DisablePeriod"}},
		{"period with skip", lameduck.Config{Period: time.Second, SkipPeriod: true}, []string{"Period: 1s is set together with SkipPeriod"}},
		{"nil hooks", lameduck.Config{OnLameDuck: []func(){nil}, OnStopped: []func(context.Context) error{nil}},
			[]string{"OnLameDuck[0]: is nil", "OnStopped[0]: is nil"}},
		{"nil signal", lameduck.Config{Signals: []os.Signal{syscall.SIGTERM, nil}}, []string{"Signals[1]: is nil"}},
		{"all", lameduck.Config{Period: -1, DrainTimeout: -1}, []string{"Period:", "DrainTimeout:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lameduck.NewRunner(srv, tc.cfg)
			if err == nil {
				t.Fatal("NewRunner succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if fields := confkit.Fields(err); len(fields) != len(tc.want) {
				t.Errorf("%d *confkit.FieldErrors, want %d: %v", len(fields), len(tc.want), err)
			}
		})
	}
	if _, err := lameduck.NewRunner(nil, lameduck.Config{}); err == nil {
		t.Error("NewRunner(nil) succeeded")
	}
	if _, err := lameduck.NewRunner(srv, lameduck.Config{}); err != nil {
		t.Errorf("zero Config: %v", err)
	}
}

// During the period the server accepts new connections and serves them,
// while readiness already fails; keep-alive responses say Connection: close.
func TestPeriodKeepsServing(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	log, logs := logger(t)
	r, run := running(t, a, lameduck.Config{
		Period:     5 * time.Second, // long enough for the checks below on a loaded machine
		Signals:    noSignals,
		OnLameDuck: []func(){a.enterLameDuck},
		Logger:     log,
	})

	ka := a.client()
	if res := get(ka, a.url+"/"); res.err != nil || res.status != 200 || res.close {
		t.Fatalf("before lame duck: %v, want 200 keeping the connection", res)
	}
	if res := get(a.freshClient(), a.url+"/ready"); res.status != 200 {
		t.Fatalf("before lame duck: /ready = %v, want 200", res)
	}

	shut := async(func() error { return r.Stop(context.Background()) })
	coretest.Eventually(t, waitLimit, "the lame duck starts", r.InLameDuck)

	if res := get(a.freshClient(), a.url+"/ready"); res.status != http.StatusServiceUnavailable {
		t.Errorf("in lame duck: /ready = %v, want 503", res)
	}
	for i := range 3 {
		if res := get(a.freshClient(), a.url+"/"); res.err != nil || res.status != 200 || res.body != "ok" {
			t.Errorf("in lame duck: new connection %d: %v, want 200 ok", i, res)
		}
	}
	res := get(ka, a.url+"/")
	if res.err != nil || res.status != 200 {
		t.Errorf("in lame duck: keep-alive request: %v, want 200", res)
	}
	if !res.reused {
		t.Error("in lame duck: the idle keep-alive connection was closed (a proxy reusing it would fail)")
	}
	if !res.close {
		t.Error("in lame duck: keep-alive response does not say Connection: close")
	}
	if res := get(ka, a.url+"/"); res.err != nil || res.status != 200 || res.reused {
		t.Errorf("in lame duck: next keep-alive request: %v, want 200 on a new connection", res)
	}
	if !pending(shut) {
		t.Fatal("Shutdown returned during the period")
	}

	if err := wait(t, shut, "Stop"); err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if err := wait(t, run, "Run"); err != nil {
		t.Errorf("Run = %v", err)
	}
	if res := get(a.freshClient(), a.url+"/"); res.err == nil {
		t.Errorf("after shutdown: %v, want a connection error", res)
	}
	for _, step := range []string{"lame duck started", "OnLameDuck hooks ran", "responses now say Connection: close",
		"serving through the lame-duck period", "period over", "reason=elapsed", "drained", "lame duck over"} {
		if !logs.Contains(step) {
			t.Errorf("log lacks %q", step)
		}
	}
}

// During the lame duck the HTTPAdapter, or Middleware for another Server,
// says Connection: close on a kept-alive connection, which stays open until
// then; with DisableConnectionClose (or the deprecated ConnectionClose
// set to false) nothing does.
func TestConnectionClose(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		plain     bool // a Server other than the HTTPAdapter
		off       bool // DisableConnectionClose
		legacyOn  bool // the deprecated ConnectionClose: new(true)
		legacyOff bool // the deprecated ConnectionClose: new(false)
		wantClose bool
	}{
		{name: "http adapter", wantClose: true},
		{name: "middleware", plain: true, wantClose: true},
		{name: "deprecated on", legacyOn: true, wantClose: true},
		{name: "off", off: true},
		{name: "off with middleware", plain: true, off: true},
		{name: "deprecated off", legacyOff: true},
		{name: "deprecated off with middleware", plain: true, legacyOff: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var r *lameduck.Runner
			mw := func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { r.Middleware(h).ServeHTTP(w, req) })
			}
			a := newApp(t, mw)
			var srv lameduck.Server = a.adapter
			if tc.plain {
				srv = plainServer{srv: a.srv, ln: a.ln}
			}
			log, _ := logger(t)
			cfg := lameduck.Config{Period: 30 * time.Second, Signals: noSignals, DisableConnectionClose: tc.off, Logger: log}
			if tc.legacyOn || tc.legacyOff {
				cfg.ConnectionClose = new(tc.legacyOn)
			}
			var err error
			r, err = lameduck.NewRunner(srv, cfg)
			if err != nil {
				t.Fatal(err)
			}
			run := async(func() error { return r.Run(context.Background()) })
			wait(t, r.Ready(), "Ready")
			ka := a.client()
			if res := get(ka, a.url+"/"); res.err != nil || res.close {
				t.Fatalf("before lame duck: %v, want the connection kept", res)
			}
			ctx, cancel := context.WithCancel(context.Background())
			shut := async(func() error { return r.Stop(ctx) })
			coretest.Eventually(t, waitLimit, "the lame duck starts", r.InLameDuck)
			res := get(ka, a.url+"/")
			if res.err != nil || res.status != 200 {
				t.Errorf("in lame duck: %v, want 200", res)
			}
			if res.close != tc.wantClose {
				t.Errorf("in lame duck: Connection: close = %v, want %v", res.close, tc.wantClose)
			}
			if !res.reused {
				t.Error("in lame duck: the idle keep-alive connection was closed, want it served")
			}
			cancel() // cut the 30 s period short
			wait(t, shut, "Stop")
			wait(t, run, "Run")
		})
	}
}

// Hooks run in order: OnLameDuck at once, OnStopped after Serve returned.
func TestHooksOrder(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	rec := &recorder{}
	log, _ := logger(t)
	hook := func(name string) func() { return func() { rec.add(name) } }
	stop := func(name string) func(context.Context) error {
		return func(context.Context) error { rec.add(name); return nil }
	}
	r, err := lameduck.NewRunner(plainServer{srv: a.srv, ln: a.ln, rec: rec}, lameduck.Config{
		Period:     100 * time.Millisecond,
		Signals:    noSignals,
		OnLameDuck: []func(){hook("lameduck 1"), hook("lameduck 2")},
		OnStopped:  []func(context.Context) error{stop("stopped 1"), stop("stopped 2")},
		Logger:     log,
	})
	if err != nil {
		t.Fatal(err)
	}
	run := async(func() error { return r.Run(context.Background()) })
	wait(t, r.Ready(), "Ready")
	if err := wait(t, async(func() error { return r.Stop(context.Background()) }), "Stop"); err != nil {
		t.Fatal(err)
	}
	wait(t, run, "Run")
	want := []string{"lameduck 1", "lameduck 2", "serve returned", "stopped 1", "stopped 2"}
	if got := rec.list(); !slices.Equal(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
}

// Ready closes only once the adapter has bound its address.
func TestReadyAfterBind(t *testing.T) {
	t.Parallel()
	ad := lameduck.HTTPServer(&http.Server{Addr: "127.0.0.1:0", Handler: http.NotFoundHandler()}, nil)
	r, err := lameduck.NewRunner(ad, lameduck.Config{DisablePeriod: true, Signals: noSignals})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.Ready():
		t.Fatal("Ready closed before Run")
	default:
	}
	if ad.Addr() != nil {
		t.Fatal("Addr set before Serve")
	}
	run := async(func() error { return r.Run(context.Background()) })
	wait(t, r.Ready(), "Ready")
	addr := ad.Addr()
	if addr == nil {
		t.Fatal("Addr nil after Ready")
	}
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatalf("dial right after Ready: %v", err)
	}
	c.Close()
	if err := r.Stop(context.Background()); err != nil {
		t.Error(err)
	}
	if err := wait(t, run, "Run"); err != nil {
		t.Error(err)
	}
	if err := wait(t, r.Done(), "Done"); err != struct{}{} {
		t.Error("Done delivered a value")
	}
}

// A Serve error ends Run with it, without a lame duck.
func TestServeError(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var hooks atomic.Int32
	ad := lameduck.HTTPServer(&http.Server{Addr: ln.Addr().String()}, nil) // address in use
	r, err := lameduck.NewRunner(ad, lameduck.Config{Signals: noSignals,
		OnLameDuck: []func(){func() { hooks.Add(1) }}})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "lameduck: serve:") {
		t.Errorf("Run = %v, want the listen error", err)
	}
	if hooks.Load() != 0 {
		t.Error("OnLameDuck ran after a Serve error")
	}
	if r.Err() != err {
		t.Errorf("Err() = %v, want Run's error", r.Err())
	}
	if err := r.Start(context.Background()); err == nil {
		t.Error("Start after Run succeeded")
	}
}

// Cancelling Run's context runs the sequence with no time left.
func TestRunContextCancelled(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	log, logs := logger(t)
	var hooks atomic.Int32
	r, err := lameduck.NewRunner(a.adapter, lameduck.Config{Signals: noSignals, Logger: log,
		OnLameDuck: []func(){func() { hooks.Add(1) }}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := async(func() error { return r.Run(ctx) })
	wait(t, r.Ready(), "Ready")
	cancel()
	if err := wait(t, run, "Run"); err != nil {
		t.Errorf("Run = %v, want nil (nothing in flight)", err)
	}
	if hooks.Load() != 1 || !logs.Contains("context done") {
		t.Errorf("hooks ran %d times; log: context done = %v", hooks.Load(), logs.Contains("context done"))
	}
}

// Start returns once the server is ready; Shutdown stops it; Run after
// Shutdown is refused.
func TestStartShutdown(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	r, err := lameduck.NewRunner(a.adapter, lameduck.Config{DisablePeriod: true, Signals: noSignals})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res := get(a.freshClient(), a.url+"/"); res.status != 200 {
		t.Errorf("after Start: %v", res)
	}
	if err := r.Stop(context.Background()); err != nil {
		t.Error(err)
	}
	wait(t, r.Done(), "Done")
	if r.Err() != nil {
		t.Errorf("Err() = %v", r.Err())
	}
	if err := r.Run(context.Background()); err == nil {
		t.Error("second Run succeeded")
	}

	r2, err := lameduck.NewRunner(lameduck.HTTPServer(&http.Server{}, nil), lameduck.Config{Signals: noSignals})
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Stop(context.Background()); err != nil {
		t.Errorf("Shutdown before Run = %v", err)
	}
	if err := r2.Run(context.Background()); !errors.Is(err, lameduck.ErrClosed) {
		t.Errorf("Run after Shutdown = %v, want ErrClosed", err)
	}
}
