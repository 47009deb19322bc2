package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/core/notify"
)

func TestDeliversJSONAndSlack(t *testing.T) {
	js := newReceiver(t, status(http.StatusNoContent))
	sl := newReceiver(t, status(http.StatusOK))
	n := newNotifier(t, notify.Config{
		ServiceID: "orders",
		Webhooks: []notify.Webhook{
			{URL: js.URL + "/hook", Headers: map[string]string{"Authorization": "Bearer s3cret"}},
			{URL: sl.URL, Format: "slack"},
		},
	})
	ev := event("db", core.StateUp, core.StateDown, "HTTP 503 <b>&</b>")
	n.Notify(ev)
	js.await(t, 1, 5*time.Second)
	sl.await(t, 1, 5*time.Second)

	r := js.requests()[0]
	if ct, auth := r.header.Get("Content-Type"), r.header.Get("Authorization"); ct != "application/json" || auth != "Bearer s3cret" {
		t.Fatalf("headers: Content-Type %q, Authorization %q", ct, auth)
	}
	var got map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"service": "orders", "component": "db", "from": "up", "to": "down",
		"time": "2026-03-01T12:00:00Z", "message": "HTTP 503 <b>&</b>"}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("json payload (-want +got):\n%s", d)
	}

	var slack map[string]string
	if err := json.Unmarshal(sl.requests()[0].body, &slack); err != nil {
		t.Fatal(err)
	}
	wantSlack := map[string]string{"text": "[orders] component db is down (was up): HTTP 503 &lt;b&gt;&amp;&lt;/b&gt;"}
	if d := cmp.Diff(wantSlack, slack); d != "" {
		t.Fatalf("slack payload (-want +got):\n%s", d)
	}
	coretest.Eventually(t, 5*time.Second, "2 sent", func() bool { return n.Sent() == 2 })
	if n.Failed() != 0 || n.Dropped() != 0 {
		t.Fatalf("failed %d dropped %d", n.Failed(), n.Dropped())
	}
}

func TestStartFollowsEngineEvents(t *testing.T) {
	rc := newReceiver(t, status(http.StatusOK))
	e, err := core.New(core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	fail := errors.New("HTTP 503")
	var down bool
	check := func(context.Context) error {
		if down {
			return fail
		}
		return nil
	}
	comp := core.Component{Name: "api", Interval: time.Hour, Fall: 1, Rise: 1}
	if err := e.AddFunc(context.Background(), comp, check); err != nil {
		t.Fatal(err)
	}
	n := newNotifier(t, notify.Config{Webhooks: []notify.Webhook{{URL: rc.URL}}})
	follow(t, n, e)
	if _, err := e.Check(context.Background(), "api"); err != nil { // unknown -> up
		t.Fatal(err)
	}
	down = true
	if _, err := e.Check(context.Background(), "api"); err != nil { // up -> down
		t.Fatal(err)
	}
	rc.await(t, 2, 5*time.Second)
	var got []notify.Payload
	for _, r := range rc.requests() {
		var p notify.Payload
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		got = append(got, p)
	}
	if len(got) != 2 || got[0].To != core.StateUp || got[1].From != core.StateUp ||
		got[1].To != core.StateDown || got[1].Message != "HTTP 503" || got[1].Component != "api" {
		t.Fatalf("payloads %+v", got)
	}
}

func TestFailingWebhookRetriesWithBackoff(t *testing.T) {
	rc := newReceiver(t, status(http.StatusInternalServerError))
	const backoff = 40 * time.Millisecond
	n := newNotifier(t, notify.Config{Backoff: backoff, Webhooks: []notify.Webhook{{URL: rc.URL, MaxRetries: 2}}})
	n.Notify(event("db", core.StateUp, core.StateDown, ""))
	coretest.Eventually(t, 5*time.Second, "failure", func() bool { return n.Failed() == 1 })
	reqs := rc.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d attempts, want 3", len(reqs))
	}
	for i, min := range []time.Duration{backoff, 2 * backoff} {
		if gap := reqs[i+1].at.Sub(reqs[i].at); gap < min {
			t.Fatalf("gap before retry %d is %s, want at least %s", i+1, gap, min)
		}
	}
	if n.Sent() != 0 || n.Dropped() != 0 {
		t.Fatalf("sent %d dropped %d", n.Sent(), n.Dropped())
	}
}

func TestRetryPolicy(t *testing.T) {
	flaky := 0
	retried := newReceiver(t, func(w http.ResponseWriter, _ *http.Request) {
		flaky++ // handler calls are sequential: one worker per webhook
		if flaky == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
		}
	})
	rejected := newReceiver(t, status(http.StatusBadRequest))
	n := newNotifier(t, notify.Config{Backoff: time.Millisecond, Webhooks: []notify.Webhook{
		{URL: retried.URL}, {URL: rejected.URL, MaxRetries: 5},
	}})
	n.Notify(event("db", core.StateUp, core.StateDown, ""))
	coretest.Eventually(t, 5*time.Second, "both done", func() bool { return n.Sent() == 1 && n.Failed() == 1 })
	if a, b := len(retried.requests()), len(rejected.requests()); a != 2 || b != 1 {
		t.Fatalf("attempts: 429-then-200 %d (want 2), 400 %d (want 1: not retried)", a, b)
	}
}

func TestHangingWebhookDoesNotDelayOthers(t *testing.T) {
	release := make(chan struct{})
	hang := newReceiver(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before hang.Close
	good := newReceiver(t, status(http.StatusOK))
	n := newNotifier(t, notify.Config{Webhooks: []notify.Webhook{
		{URL: hang.URL, Timeout: 3 * time.Second, MaxRetries: -1},
		{URL: good.URL},
	}})
	for range 3 {
		n.Notify(event("db", core.StateUp, core.StateDown, ""))
	}
	good.await(t, 3, time.Second) // well before the hanging attempt's timeout
	hang.await(t, 1, time.Second)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := n.Stop(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v, want deadline exceeded", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Stop took %s after its deadline", took)
	}
	if n.Sent() != 3 || n.Failed() != 1 || n.Dropped() != 2 {
		t.Fatalf("sent %d failed %d dropped %d, want 3 1 2", n.Sent(), n.Failed(), n.Dropped())
	}
}

func TestTimeoutCountsAsFailure(t *testing.T) {
	hang := newReceiver(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	n := newNotifier(t, notify.Config{Backoff: time.Millisecond, Webhooks: []notify.Webhook{
		{URL: hang.URL, Timeout: 50 * time.Millisecond, MaxRetries: 1},
	}})
	n.Notify(event("db", core.StateUp, core.StateDown, ""))
	coretest.Eventually(t, 5*time.Second, "failure", func() bool { return n.Failed() == 1 })
	if got := len(hang.requests()); got != 2 {
		t.Fatalf("%d attempts, want 2", got)
	}
}

func TestQueueOverflowDrops(t *testing.T) {
	release := make(chan struct{})
	slow := newReceiver(t, func(http.ResponseWriter, *http.Request) { <-release })
	n := newNotifier(t, notify.Config{QueueSize: 2, Webhooks: []notify.Webhook{{URL: slow.URL}}})
	n.Notify(event("db", core.StateUp, core.StateDown, ""))
	slow.await(t, 1, 5*time.Second) // the worker is busy with the first
	start := time.Now()
	for range 9 {
		n.Notify(event("db", core.StateDown, core.StateUp, "")) // 2 queued, 7 dropped
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Fatalf("Notify blocked for %s", took)
	}
	if n.Dropped() != 7 {
		t.Fatalf("dropped %d, want 7", n.Dropped())
	}
	close(release)
	if err := n.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.Sent() != 3 || len(slow.requests()) != 3 {
		t.Fatalf("sent %d, received %d, want 3", n.Sent(), len(slow.requests()))
	}
	n.Notify(event("db", core.StateUp, core.StateDown, "")) // after Stop
	if n.Dropped() != 8 {
		t.Fatalf("dropped %d after Stop, want 8", n.Dropped())
	}
}

func TestStopDrainsQueue(t *testing.T) {
	rc := newReceiver(t, func(w http.ResponseWriter, _ *http.Request) { time.Sleep(10 * time.Millisecond) })
	n := newNotifier(t, notify.Config{Webhooks: []notify.Webhook{{URL: rc.URL}}})
	for range 5 {
		n.Notify(event("db", core.StateUp, core.StateDown, ""))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if n.Sent() != 5 || len(rc.requests()) != 5 {
		t.Fatalf("sent %d received %d, want 5", n.Sent(), len(rc.requests()))
	}
	if err := n.Stop(ctx); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

func TestRunReturns(t *testing.T) {
	e, err := core.New()
	if err != nil {
		t.Fatal(err)
	}
	n := newNotifier(t, notify.Config{Webhooks: []notify.Webhook{{URL: "http://127.0.0.1:1/"}}})
	sub := e.Subscribe(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := n.Run(ctx, sub); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run with canceled ctx = %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- n.Run(context.Background(), sub) }()
	if err := e.Stop(context.Background()); err != nil { // closes sub
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after engine stop = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return when the subscription closed")
	}
}

func TestValidate(t *testing.T) {
	cfg := notify.Config{
		QueueSize: -1,
		Webhooks: []notify.Webhook{
			{URL: "https://hooks.example.com/x", Format: "Slack"},
			{URL: "ftp://example.com/"},
			{Format: "xml", Timeout: -time.Second, MaxRetries: -2},
			{URL: "http://h/", Headers: map[string]string{"Bad Name": "v", "X-Ok": "a\nb"}},
		},
	}
	_, err := notify.New(cfg, nil)
	if err == nil {
		t.Fatal("New accepted an invalid config")
	}
	var fields []string
	for _, e := range err.(interface{ Unwrap() error }).Unwrap().(interface{ Unwrap() []error }).Unwrap() {
		var fe *confkit.FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("%v is not a *confkit.FieldError", e)
		}
		fields = append(fields, fe.Path)
	}
	want := []string{"queue_size", "webhooks[1].url", "webhooks[2].url", "webhooks[2].format",
		"webhooks[2].timeout", "webhooks[2].max_retries", "webhooks[3].headers", "webhooks[3].headers"}
	if d := cmp.Diff(want, fields); d != "" {
		t.Fatalf("fields (-want +got):\n%s\nerror:\n%v", d, err)
	}
	if !strings.HasPrefix(err.Error(), "notify: queue_size: ") || !strings.Contains(err.Error(), "\nwebhooks[1].url: ") {
		t.Fatalf("error text:\n%v", err)
	}
	if _, err := notify.New(notify.Config{}, nil); err != nil {
		t.Fatalf("zero config: %v", err)
	}
}

// Events the engine drops at the subscription (its buffer full) are
// logged, with their number, not only counted.
func TestSubscriptionDropsLogged(t *testing.T) {
	e, err := core.New(core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	var down bool
	comp := core.Component{Name: "api", Interval: time.Hour, Fall: 1, Rise: 1}
	if err := e.AddFunc(context.Background(), comp, func(context.Context) error {
		if down {
			return errors.New("down")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	n, err := notify.New(notify.Config{Webhooks: []notify.Webhook{{URL: newReceiver(t, status(http.StatusOK)).URL}}},
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	sub := e.Subscribe(1)
	defer sub.Close()
	for _, d := range []bool{false, true, false} { // unknown->up, up->down, down->up: 2 dropped
		down = d
		if _, err := e.Check(context.Background(), "api"); err != nil {
			t.Fatal(err)
		}
	}
	if sub.Dropped() != 2 {
		t.Fatalf("subscription dropped %d, want 2", sub.Dropped())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx, sub) }()
	coretest.Eventually(t, 5*time.Second, "the drops logged", func() bool {
		return strings.Contains(logs.String(), "notify: state changes dropped") && strings.Contains(logs.String(), "dropped=2 total=2")
	})
	cancel()
	<-done
	stopCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	_ = n.Stop(stopCtx)
	if c := strings.Count(logs.String(), "state changes dropped"); c != 1 {
		t.Errorf("logged %d times, want once:\n%s", c, logs.String())
	}
}

// syncBuffer is a concurrency-safe log sink.
type syncBuffer = coretest.LogBuffer
