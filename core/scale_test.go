package core_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

// syncBuffer is a buffer safe for a logger and a test at once.
type syncBuffer = coretest.LogBuffer

// within fails the test when f has not returned after 10 s: f must not
// block on the store (which blocks until the end of the test).
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s blocked on the check store", what)
	}
}

func TestBlockedResultStoreSlowsNeitherChecksNorRemove(t *testing.T) {
	var logs syncBuffer
	store := &blockingStore{MemoryStore: core.NewMemoryStore(0), release: make(chan struct{})}
	e, p := newEngine(t, core.WithStores(nil, store), core.WithStoreQueue(2, 0),
		core.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	released := false
	release := func() {
		if !released {
			released = true
			close(store.release)
		}
	}
	t.Cleanup(release) // before newEngine's Stop
	mustAdd(t, e, manual("a"))
	mustAdd(t, e, manual("gone"))
	p.SetState("a", core.StateDown)
	within(t, "Run", func() {
		for range 5 {
			mustRun(t, e, "a")
		}
	})
	if cs, _ := e.Snapshot().Get("a"); cs.Result.Consecutive != 5 {
		t.Fatalf("snapshot after 5 runs: consecutive %d, want 5", cs.Result.Consecutive)
	}
	mustRun(t, e, "gone")
	within(t, "Remove", func() {
		if err := e.Remove(t.Context(), "gone"); err != nil {
			t.Error(err)
		}
	})
	// One write is blocked in the store, two wait in the queue (the
	// forget of "gone" is never dropped), the others were dropped.
	st := e.StoreStats()
	if st.Dropped < 2 || st.Queued < 2 {
		t.Fatalf("store stats with the store blocked = %+v, want at least 2 dropped and 2 queued", st)
	}
	if !strings.Contains(logs.String(), "queue full") {
		t.Fatalf("no log line for the dropped results; log:\n%s", logs.String())
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := e.History(ctx, "a", 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("History with the store blocked: %v, want the context's deadline", err)
	}

	release()
	h, err := e.History(t.Context(), "a", 0)
	if err != nil || len(h) == 0 || h[len(h)-1].Component != "a" {
		t.Fatalf("history once released = %+v, %v", h, err)
	}
	if h, _ := e.History(t.Context(), "gone", 0); len(h) != 0 {
		t.Fatalf("removed component's history came back: %+v", h)
	}
	if st := e.StoreStats(); st.Queued != 0 || st.Failed != 0 {
		t.Fatalf("store stats once drained = %+v", st)
	}
}

func TestMemoryStoreKeepsDetailsOfTheLatestResultOnly(t *testing.T) {
	s := core.NewMemoryStore(0)
	ctx := t.Context()
	start := time.Unix(1700000000, 0)
	for i := range 3 {
		c := core.Result{Component: "a", State: core.StateDown, Observed: core.StateDown, Message: fmt.Sprint("m", i),
			Details: map[string]any{"i": i}, Err: errors.New("e"), Time: start.Add(time.Duration(i) * time.Second),
			Duration: time.Millisecond, Consecutive: i + 1}
		if err := s.RecordResult(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	h, _ := s.History(ctx, "a", 0)
	if len(h) != 3 {
		t.Fatalf("history = %+v", h)
	}
	for i, c := range h[:2] {
		if c.Details != nil || c.Err != nil {
			t.Errorf("result %d kept its details or error: %+v", i, c)
		}
		if c.Component != "a" || c.State != core.StateDown || c.Observed != core.StateDown || c.Message != fmt.Sprint("m", i) ||
			!c.Time.Equal(start.Add(time.Duration(i)*time.Second)) || c.Duration != time.Millisecond || c.Consecutive != i+1 {
			t.Errorf("result %d = %+v", i, c)
		}
	}
	if last := h[2]; last.Details["i"] != 2 || last.Err == nil || last.Message != "m2" {
		t.Errorf("latest result = %+v, want it whole", last)
	}
}

func TestAddAll(t *testing.T) {
	e, _ := newEngine(t)
	mustAdd(t, e, manual("b"))
	changed := e.Changed()
	errs := e.AddAll(t.Context(), []core.Component{manual("c"), manual("b"), {Name: "bad name", Provider: "scripted"}, manual("a"), manual("c")})
	if len(errs) != 5 || errs[0] != nil || errs[3] != nil {
		t.Fatalf("errors = %v", errs)
	}
	for i, want := range map[int]string{1: `"b": name: already exists`, 2: `name: "bad name"`, 4: `"c": name: already exists`} {
		if errs[i] == nil || !strings.Contains(errs[i].Error(), want) {
			t.Errorf("errs[%d] = %v, want %s", i, errs[i], want)
		}
	}
	select {
	case <-changed:
	default:
		t.Fatal("AddAll did not publish")
	}
	var names []string
	for _, cs := range e.Snapshot().Components {
		names = append(names, cs.Component.Name)
	}
	if got := strings.Join(names, ","); got != "a,b,c" {
		t.Fatalf("components = %s", got)
	}
	if errs := e.AddAll(t.Context(), []core.Component{manual("d")}); errs != nil {
		t.Fatalf("AddAll of a new component: %v", errs)
	}
}

func TestPublishedStatusesAreNotModified(t *testing.T) {
	e, p := newEngine(t)
	mustAdd(t, e, manual("a"))
	mustAdd(t, e, manual("b"))
	mustRun(t, e, "a")
	before := e.Snapshot()
	a := *before.Components[0]
	p.SetState("a", core.StateDown)
	mustRun(t, e, "a")
	mustAdd(t, e, manual("aa"))
	mustRun(t, e, "b")
	if got := *before.Components[0]; got.Result.Consecutive != a.Result.Consecutive || got.Result.Observed != core.StateUp {
		t.Fatalf("a published status changed: %+v, was %+v", got.Result, a.Result)
	}
	after := e.Snapshot()
	if cs, _ := after.Get("a"); cs.Result.Observed != core.StateDown {
		t.Fatalf("new snapshot: a observed %s", cs.Result.Observed)
	}
	if cs, ok := after.Get("aa"); !ok || cs.Checked {
		t.Fatalf("new snapshot: aa = %+v, %v", cs, ok)
	}
}

// Scheduled results that change no published state are coalesced: a few
// publications a second, not one per result; a state change is published
// with its event all the same.
func TestScheduledResultsCoalesced(t *testing.T) {
	e, p := newEngine(t)
	var comps []core.Component
	for i := range 100 {
		c := manual(fmt.Sprintf("c%03d", i))
		c.Interval, c.Fall = 10*time.Millisecond, 1
		comps = append(comps, c)
	}
	if errs := e.AddAll(t.Context(), comps); errs != nil {
		t.Fatal(errs)
	}
	sub := e.Subscribe(1000)
	defer sub.Close()
	start := p.Calls()
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	publications := 0
	for changed := e.Changed(); p.Calls()-start < 3000; publications++ {
		<-changed
		changed = e.Changed()
	}
	results := p.Calls() - start
	if int64(publications)*5 > results {
		t.Fatalf("%d publications for %d results: not coalesced", publications, results)
	}
	p.SetState("c042", core.StateDown)
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-sub.C():
			if ev.Component != "c042" || ev.To != core.StateDown {
				continue
			}
			if cs, _ := ev.Snapshot.Get("c042"); cs.Result.State != core.StateDown {
				t.Fatalf("event %s -> %s with c042 %s in its snapshot", ev.From, ev.To, cs.Result.State)
			}
			return
		case <-timeout:
			t.Fatal("no event for c042 going down")
		}
	}
}
