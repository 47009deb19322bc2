package lifecycle_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/fxmodule/lifecycle"
	"github.com/vitals-go/vitals/internal/testfile"
	"github.com/vitals-go/vitals/internal/testnet"
)

// load loads a YAML config file holding body, as a net/http app would.
func load(t *testing.T, body string) *config.Config {
	t.Helper()
	cfg, err := config.Load(config.LoadOptions{File: testfile.Write(t, "vitals.yaml", body)})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// app builds what a net/http app builds from cfg: the engine with one app
// check, the health handler and the runtime, and a mux with the app's
// /hello beside the health routes.
func app(t *testing.T, cfg *config.Config, opts ...lifecycle.Option) (*lifecycle.Runtime, *http.ServeMux) {
	t.Helper()
	eng, err := assemble.NewEngine(cfg, nil, nil, []assemble.Check{{
		Component: core.Component{Name: "db"}, Func: func(context.Context) error { return nil },
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := echomw.New(eng, assemble.HandlerConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	rt, err := lifecycle.New(cfg, eng, opts...)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("/hello", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) })
	return rt, mux
}

// get GETs url on a keep-alive client and reports the status and whether
// the answer said "Connection: close".
func get(t *testing.T, c *http.Client, url string) (int, bool) {
	t.Helper()
	return testnet.GetConnClose(t, c, url)
}

// returned waits for Run's result: nil, within 10s; what says what did
// not happen otherwise.
func returned(t *testing.T, done <-chan error, what string) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal(what)
	}
}

// A net/http app that runs its own server, configured from YAML, without
// fx: readiness opens at Start; Stop makes it fail at once and, with
// health.lameduck.connection_close on (the default), the app's other
// routes answer "Connection: close" through the period, served all along.
func TestNetHTTPAppConnectionClose(t *testing.T) {
	cfg := load(t, "health:\n  lameduck: {period: 1s, drain_timeout: 1s, signals: []}\n")
	var logs syncBuffer
	rt, mux := app(t, cfg, lifecycle.WithLogger(logs.Logger()))
	srv := httptest.NewServer(rt.ConnectionClose(mux))
	defer srv.Close()
	c := srv.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	coretest.Eventually(t, 5*time.Second, "/ready 200", func() bool { code, _ := get(t, c, srv.URL+"/ready"); return code == http.StatusOK })
	if code, closed := get(t, c, srv.URL+"/hello"); code != http.StatusOK || closed {
		t.Fatalf("/hello before the lame duck = %d, Connection: close %v; want 200 and keep-alive", code, closed)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- rt.Stop(ctx) }()
	coretest.Eventually(t, 5*time.Second, "/ready 503", func() bool { code, _ := get(t, c, srv.URL+"/ready"); return code == http.StatusServiceUnavailable })
	if code, closed := get(t, c, srv.URL+"/hello"); code != http.StatusOK || !closed {
		t.Errorf("/hello in the lame duck = %d, Connection: close %v; want 200 and close", code, closed)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("a net/http app gets a warning:\n%s", logs.String())
	}
}

// syncBuffer is a log sink safe for the runtime's goroutines.
type syncBuffer = coretest.LogBuffer

// connection_close off: the middleware is the app's handler itself.
func TestNetHTTPAppConnectionCloseOff(t *testing.T) {
	cfg := load(t, "health:\n  lameduck: {period: 0s, connection_close: false, signals: []}\n")
	rt, mux := app(t, cfg)
	if rt.ClosesConnections() {
		t.Fatal("ClosesConnections with connection_close off")
	}
	if h := rt.ConnectionClose(mux); h != http.Handler(mux) {
		t.Errorf("ConnectionClose wrapped the handler with connection_close off")
	}
}

// With server.address, Run runs the app's *http.Server itself and stops
// it, lame-duck sequence and all, when ctx ends.
func TestNetHTTPRun(t *testing.T) {
	cfg := load(t, "server: {address: \"127.0.0.1:0\"}\nhealth:\n  lameduck: {period: 0s, drain_timeout: 1s, signals: []}\n")
	srv := &http.Server{}
	rt, mux := app(t, cfg, lifecycle.WithServer(srv, nil))
	srv.Handler = mux
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	coretest.Eventually(t, 5*time.Second, "listening", func() bool { return rt.Addr() != nil })
	c := &http.Client{Timeout: 3 * time.Second}
	defer c.CloseIdleConnections()
	url := "http://" + rt.Addr().String()
	coretest.Eventually(t, 5*time.Second, "/ready 200", func() bool { code, _ := get(t, c, url+"/ready"); return code == http.StatusOK })
	if srv.ReadHeaderTimeout != cfg.Server.ReadHeaderTimeout {
		t.Errorf("ReadHeaderTimeout = %s, want server.read_header_timeout %s", srv.ReadHeaderTimeout, cfg.Server.ReadHeaderTimeout)
	}
	cancel()
	returned(t, done, "Run did not return after its context ended")
	if _, err := c.Get(url + "/hello"); err == nil {
		t.Error("the server still answers after Run returned")
	}
}

// New refuses server.address without a server to run there, naming the key.
func TestNewNeedsServer(t *testing.T) {
	cfg := load(t, "server: {address: \"127.0.0.1:0\"}\n")
	eng, err := core.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lifecycle.New(cfg, eng); err == nil || !strings.HasPrefix(err.Error(), "server.address:") {
		t.Errorf("New = %v, want an error naming server.address", err)
	}
}

// A net/http app's Run returns once a lame-duck signal has run its course:
// readiness fails at the signal, the app's server keeps serving (with
// "Connection: close") through the period, then Run stops and returns, and
// the app shuts its server down.
func TestNetHTTPRunUntilSignal(t *testing.T) {
	cfg := load(t, "health:\n  lameduck: {period: 1500ms, drain_timeout: 1s, signals: [SIGUSR2]}\n")
	rt, mux := app(t, cfg)
	srv := httptest.NewServer(rt.ConnectionClose(mux))
	defer srv.Close()
	c := srv.Client()
	done := make(chan error, 1)
	go func() { done <- rt.Run(context.Background()) }()
	coretest.Eventually(t, 5*time.Second, "/ready 200", func() bool { code, _ := get(t, c, srv.URL+"/ready"); return code == http.StatusOK })
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR2); err != nil {
		t.Fatal(err)
	}
	coretest.Eventually(t, 5*time.Second, "/ready 503", func() bool { code, _ := get(t, c, srv.URL+"/ready"); return code == http.StatusServiceUnavailable })
	select {
	case err := <-done:
		t.Fatalf("Run returned before the period was over: %v", err)
	default:
	}
	if code, closed := get(t, c, srv.URL+"/hello"); code != http.StatusOK || !closed {
		t.Errorf("/hello in the period = %d, Connection: close %v; want 200 and close", code, closed)
	}
	returned(t, done, "Run did not return after the signal's period")
}
