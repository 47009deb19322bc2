package lameduck_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/core/lameduck"
)

func TestMain(m *testing.M) {
	// The signal tests send SIGUSR1/SIGUSR2 to this process. Keep them
	// caught for the whole run, so that one arriving after a Runner stopped
	// listening cannot kill the test binary. Nothing reads the channel;
	// delivery to it never blocks.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGUSR1, syscall.SIGUSR2)
	goleak.VerifyTestMain(m)
}

// waitLimit bounds every wait; the tests never measure time tightly.
const waitLimit = 20 * time.Second

// noSignals keeps a Runner away from the process's signals.
var noSignals = []os.Signal{}

// app is a real http.Server on 127.0.0.1:0 whose /ready the OnLameDuck
// hook flips, as the engine's EnterLameDuck does.
type app struct {
	t       *testing.T
	url     string
	srv     *http.Server
	adapter *lameduck.HTTPAdapter
	ln      net.Listener

	notReady    atomic.Bool
	slowEntered chan struct{} // receives when /slow starts
	release     chan struct{} // closed to let /slow finish
	handlers    sync.WaitGroup
}

func newApp(t *testing.T, wrap func(http.Handler) http.Handler) *app {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, url: "http://" + ln.Addr().String(), ln: ln,
		slowEntered: make(chan struct{}, 16), release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		if a.notReady.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		a.handlers.Add(1)
		defer a.handlers.Done()
		a.slowEntered <- struct{}{}
		select {
		case <-a.release:
			io.WriteString(w, "slow done")
		case <-r.Context().Done():
		}
	})
	var h http.Handler = mux
	if wrap != nil {
		h = wrap(mux)
	}
	a.srv = &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	a.adapter = lameduck.HTTPServer(a.srv, ln)
	t.Cleanup(func() {
		a.releaseSlow()
		a.handlers.Wait()
		_ = a.srv.Close()
	})
	return a
}

func (a *app) releaseSlow() {
	select {
	case <-a.release:
	default:
		close(a.release)
	}
}

func (a *app) enterLameDuck() { a.notReady.Store(true) }

// client returns a keep-alive client whose connections are closed at the
// end of the test.
func (a *app) client() *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	a.t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: waitLimit}
}

// freshClient never reuses connections: every request dials anew, as a
// client that was just routed to the instance does.
func (a *app) freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: waitLimit}
}

type result struct {
	status int
	body   string
	close  bool // the response said Connection: close
	reused bool // the request went on a kept-alive connection
	err    error
}

func (r result) String() string {
	if r.err != nil {
		return "error: " + r.err.Error()
	}
	return fmt.Sprintf("%d %q (Connection: close %v, reused %v)", r.status, r.body, r.close, r.reused)
}

func get(c *http.Client, url string) result {
	var reused bool
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, url, nil)
	if err != nil {
		return result{err: err}
	}
	resp, err := c.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(b), close: resp.Close, reused: reused, err: err}
}

// logBuffer collects a Runner's log records.
type logBuffer = coretest.LogBuffer

// logger returns a logger into a buffer that the test prints if it fails.
func logger(t *testing.T) (*slog.Logger, *logBuffer) {
	lb := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("runner log:\n%s", lb)
		}
	})
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}

func async(f func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	return ch
}

func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// pending reports whether ch has not delivered yet, after a short grace.
func pending[T any](ch <-chan T) bool {
	select {
	case <-ch:
		return false
	case <-time.After(200 * time.Millisecond):
		return true
	}
}

// recorder records events in order.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// plainServer runs an http.Server as a Server without the HTTPAdapter's
// Connection: close or Ready, as an arbitrary Server would, and records
// when Serve returns.
type plainServer struct {
	srv *http.Server
	ln  net.Listener
	rec *recorder
}

func (p plainServer) Serve(context.Context) error {
	err := p.srv.Serve(p.ln)
	if p.rec != nil {
		p.rec.add("serve returned")
	}
	if err == http.ErrServerClosed {
		return nil
	}
	return err
}
func (p plainServer) Shutdown(ctx context.Context) error { return p.srv.Shutdown(ctx) }
func (p plainServer) Close() error                       { return p.srv.Close() }

// running starts a Runner over a's server with cfg, runs it in the
// background until it is Ready, and returns it with what Run will return.
func running(t *testing.T, a *app, cfg lameduck.Config) (*lameduck.Runner, <-chan error) {
	t.Helper()
	r, err := lameduck.NewRunner(a.adapter, cfg)
	if err != nil {
		t.Fatal(err)
	}
	run := async(func() error { return r.Run(context.Background()) })
	wait(t, r.Ready(), "Ready")
	return r, run
}
