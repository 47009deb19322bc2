package notify_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/notify"
)

// request is what a receiver got.
type request struct {
	at     time.Time
	header http.Header
	body   []byte
}

// receiver is a local webhook endpoint answering with respond.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []request
	arrived chan struct{} // one value per request, buffered
	respond func(w http.ResponseWriter, r *http.Request)
}

func newReceiver(t *testing.T, respond func(w http.ResponseWriter, r *http.Request)) *receiver {
	t.Helper()
	rc := &receiver{arrived: make(chan struct{}, 1000), respond: respond}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, request{at: time.Now(), header: r.Header.Clone(), body: body})
		rc.mu.Unlock()
		rc.arrived <- struct{}{}
		if rc.respond != nil {
			rc.respond(w, r)
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.got...)
}

// await waits for n more requests.
func (rc *receiver) await(t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for i := range n {
		select {
		case <-rc.arrived:
		case <-deadline:
			t.Fatalf("request %d of %d did not arrive within %s", i+1, n, within)
		}
	}
}

// status answers with code.
func status(code int) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}

// newNotifier builds a notifier stopped at the end of the test (before the
// receivers close, as cleanups run last first).
func newNotifier(t *testing.T, cfg notify.Config) *notify.Notifier {
	t.Helper()
	n, err := notify.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = n.Stop(ctx)
	})
	return n
}

// follow runs n on a subscription to e until the test ends, as the
// runtime does: subscribed now, before the engine reports anything.
func follow(t *testing.T, n *notify.Notifier, e *core.Engine) {
	t.Helper()
	sub := e.Subscribe(16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = n.Run(ctx, sub) }()
	t.Cleanup(func() { cancel(); <-done; sub.Close() })
}

func event(component string, from, to core.State, msg string) core.Event {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return core.Event{Component: component, From: from, To: to,
		Check: core.Result{Component: component, State: to, Observed: to, Message: msg, Time: at}}
}
