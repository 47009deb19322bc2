package wasmprobe

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// acceptCounter is a loopback listener that counts the connections it
// accepts, closed at the end of the test.
type acceptCounter struct {
	l        net.Listener
	mu       sync.Mutex
	accepted int
	sentinel chan struct{} // a sentinel connection was accepted
}

func newAcceptCounter(t *testing.T) *acceptCounter {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &acceptCounter{l: l, sentinel: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			// A probe's connection is closed at once (EOF); the sentinel
			// sends one byte.
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			var b [1]byte
			n, _ := c.Read(b[:])
			_ = c.Close()
			if n == 1 {
				a.sentinel <- struct{}{}
				continue
			}
			a.mu.Lock()
			a.accepted++
			a.mu.Unlock()
		}
	}()
	t.Cleanup(func() { _ = l.Close(); <-done })
	return a
}

// count returns the connections accepted so far, once every connection
// made before the call has been accepted: it sends a sentinel connection
// and waits for it, the accept queue being first in, first out.
func (a *acceptCounter) count(t *testing.T) int {
	t.Helper()
	c, err := net.Dial("tcp", a.l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("S")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.sentinel:
	case <-time.After(10 * time.Second):
		t.Fatal("the sentinel connection was not accepted")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.accepted
}

// TestNetBudget checks that a probe flooding tcp_connect or http_request
// reaches the network at most max_net_calls times per check, and opens at
// most max_sockets sockets; past the budget the calls return -6 (CodeBudget)
// and the host logs it once per check.
func TestNetBudget(t *testing.T) {
	p, sink := newProvider(t, Options{})
	acc := newAcceptCounter(t)
	addr := acc.l.Addr().String()
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { hits.Add(1); fmt.Fprint(w, "ok") })
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "/ok", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, tc := range []struct {
		name    string
		kv      []any
		ok      int // successful calls, as the probe counted them
		network func() int
		want    int // connections or requests that reached the servers
		key     string
	}{
		{"tcp default", []any{"addr", addr, KeyAllow, []any{addr}}, DefaultMaxNetCalls, func() int { return acc.count(t) }, DefaultMaxNetCalls, KeyMaxNetCalls},
		{"tcp max_net_calls", []any{"addr", addr, KeyAllow, []any{addr}, KeyMaxNetCalls, 3}, 3, func() int { return acc.count(t) }, 3, KeyMaxNetCalls},
		{"tcp max_sockets", []any{"addr", addr, KeyAllow, []any{addr}, KeyMaxSockets, 5}, 5, func() int { return acc.count(t) }, 5, KeyMaxSockets},
		{"tcp none", []any{"addr", addr, KeyAllow, []any{addr}, KeyMaxNetCalls, 0}, 0, func() int { return acc.count(t) }, 0, KeyMaxNetCalls},
		{"http default", []any{"request", map[string]any{"url": srv.URL + "/ok"}, KeyAllow, []any{srv.URL + "/"}}, DefaultMaxNetCalls, func() int { return int(hits.Swap(0)) }, DefaultMaxNetCalls, KeyMaxNetCalls},
		// Each call follows a redirect: two sockets, two requests.
		{"http redirects and max_sockets", []any{"request", map[string]any{"url": srv.URL + "/hop"}, KeyAllow, []any{srv.URL + "/"}, KeyMaxSockets, 10}, 5, func() int { return int(hits.Swap(0)) }, 10, KeyMaxSockets},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acc.count(t)
			hits.Store(0)
			c := component("flood-"+strings.ReplaceAll(tc.name, " ", "-"), "netloop", 20*time.Second, tc.kv...)
			for round := range 2 { // the budget is per check: the second check gets a fresh one
				before := acc.count(t)
				sink.reset()
				res := run(t, p, c)
				if res.State != core.StateDown || res.Message != "netloop" ||
					fmt.Sprint(res.Details["ok"]) != fmt.Sprint(tc.ok) || fmt.Sprint(res.Details["code"]) != fmt.Sprint(CodeBudget) {
					t.Fatalf("round %d: got %s %q details %v, want ok %d and last code %d", round, res.State, res.Message, res.Details, tc.ok, CodeBudget)
				}
				got := tc.network()
				if strings.HasPrefix(tc.name, "tcp") {
					got -= before
				}
				if got != tc.want {
					t.Fatalf("round %d: %d connections or requests reached the network, want %d", round, got, tc.want)
				}
				logs := sink.records(t, "wasm probe network budget spent")
				if len(logs) != 1 || logs[0]["limit"] != tc.key || logs[0]["probe"] != c.Name {
					t.Fatalf("round %d: budget log lines %v, want one naming %s", round, logs, tc.key)
				}
			}
		})
	}
	assertServing(t, p)
}

// TestMaxConcurrentCalls checks the host-wide cap on guest calls: with one
// slot, a check of another component waits for it, and one whose deadline
// comes first is Down with a message naming the option to raise.
func TestMaxConcurrentCalls(t *testing.T) {
	p, _ := newProvider(t, Options{MaxConcurrentCalls: 1})
	spin := component("hog", "spin", 400*time.Millisecond)
	load(t, p, spin)
	waiter := component("waiter", "noop", 5*time.Second)
	late := component("late", "noop", 100*time.Millisecond)
	load(t, p, waiter, late)

	hogging := make(chan core.Result)
	go func() { hogging <- run(t, p, spin) }()
	waitCalls(p, 1) // the spinning call holds the only slot
	var wg sync.WaitGroup
	var waited, timedOut core.Result
	var lateTook time.Duration
	wg.Go(func() { waited = run(t, p, waiter) })
	wg.Go(func() {
		start := time.Now()
		timedOut = run(t, p, late)
		lateTook = time.Since(start)
	})
	wg.Wait()
	if res := <-hogging; res.State != core.StateDown || !strings.Contains(res.Message, "deadline") {
		t.Fatalf("spinning probe: %s %q", res.State, res.Message)
	}
	if waited.State != core.StateUp {
		t.Errorf("a check that waited for the slot within its deadline: %s %q, want up", waited.State, waited.Message)
	}
	if timedOut.State != core.StateDown || !strings.Contains(timedOut.Message, "all 1 wasm call slots of the host stayed busy until the deadline") ||
		!strings.Contains(timedOut.Message, "health.wasm.max_concurrent_calls") || timedOut.Err == nil {
		t.Errorf("a check past the cap: %s %q (%v)", timedOut.State, timedOut.Message, timedOut.Err)
	}
	if lateTook < late.Timeout {
		t.Errorf("a check past the cap returned after %s, before its deadline %s: it must wait", lateTook, late.Timeout)
	}
	if n := p.calls.inUse(); n != 0 {
		t.Errorf("%d call slots still taken after every check returned", n)
	}
	assertServing(t, p)
	// The default.
	d, _ := newProvider(t, Options{})
	if d.calls.capacity() != DefaultMaxConcurrentCalls {
		t.Errorf("default cap %d, want %d", d.calls.capacity(), DefaultMaxConcurrentCalls)
	}
}

// TestCloseWakesCallWaiters checks that a check waiting for a host call
// slot returns as soon as the provider closes, while the call holding the
// slot still spins to its own deadline.
func TestCloseWakesCallWaiters(t *testing.T) {
	p, err := NewProvider(context.Background(), Options{CacheDir: "-", MaxConcurrentCalls: 1})
	if err != nil {
		t.Fatal(err)
	}
	spinner := component("spinner", "spin", 3*time.Second)
	waiter := component("waiter", "noop", 10*time.Second)
	load(t, p, spinner, waiter)
	var wg sync.WaitGroup
	wg.Go(func() { run(t, p, spinner) })
	waitCalls(p, 1)
	done := make(chan core.Result)
	go func() { done <- run(t, p, waiter) }()
	time.Sleep(100 * time.Millisecond) // let it queue for the slot
	start := time.Now()
	wg.Go(func() {
		if err := p.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	res := <-done
	if d := time.Since(start); d > time.Second || res.State != core.StateUnknown || res.Err != ErrClosed {
		t.Errorf("a check waiting for a call slot returned %s after Close (the slot's holder runs 3s): %s %q", d, res.State, res.Message)
	}
	wg.Wait()
}

// waitCalls waits until n guest calls hold a host call slot.
func waitCalls(p *Provider, n int) {
	for p.calls.inUse() < n {
		time.Sleep(time.Millisecond)
	}
}

// TestHostWideCapDefault checks the default cap across components: with
// DefaultMaxConcurrentCalls components spinning, each within its own pool,
// checks of other components wait and report the cap rather than add
// their calls (and stacks) to the host.
func TestHostWideCapDefault(t *testing.T) {
	p, _ := newProvider(t, Options{})
	const holders, waiters = 16, 3
	var comps []core.Component
	for i := range holders {
		comps = append(comps, component(fmt.Sprintf("hog-%d", i), "spin", time.Second))
	}
	for i := range waiters {
		comps = append(comps, component(fmt.Sprintf("wait-%d", i), "noop", 200*time.Millisecond))
	}
	load(t, p, comps...)
	var wg sync.WaitGroup
	for _, c := range comps[:holders] {
		wg.Go(func() { run(t, p, c) })
	}
	waitCalls(p, holders)
	results := make([]core.Result, waiters)
	for i, c := range comps[holders:] {
		wg.Go(func() { results[i] = run(t, p, c) })
	}
	wg.Wait()
	for i, res := range results {
		if res.State != core.StateDown || !strings.Contains(res.Message, "wasm call slots of the host stayed busy until the deadline") {
			t.Errorf("check %d past the default cap: %s %q, want down waiting for a call slot", i, res.State, res.Message)
		}
	}
	assertServing(t, p)
}

// TestLoadWhileCallSlotsBusy checks that loading a component while the
// host's call slots are busy does not fail it: its first instance is
// started by its first check instead.
func TestLoadWhileCallSlotsBusy(t *testing.T) {
	p, sink := newProvider(t, Options{MaxConcurrentCalls: 1})
	spin := component("hog", "spin", 500*time.Millisecond)
	load(t, p, spin)
	var wg sync.WaitGroup
	wg.Go(func() { run(t, p, spin) })
	waitCalls(p, 1)
	c := component("late-load", "noop", 100*time.Millisecond)
	if err := p.ValidateConfig(c); err != nil {
		t.Fatalf("load while the call slots are busy: %v", err)
	}
	wg.Wait()
	if recs := sink.records(t, "wasm probe not started at load"); len(recs) != 1 || recs[0]["probe"] != "late-load" {
		t.Errorf("log: %v", recs)
	}
	c.Timeout = 2 * time.Second
	if res := run(t, p, c); res.State != core.StateUp {
		t.Fatalf("first check after a load without a started instance: %s %q", res.State, res.Message)
	}
}
