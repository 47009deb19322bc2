package core_test

import (
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

func TestMemoryStoreRing(t *testing.T) {
	s := core.NewMemoryStore(3)
	ctx := t.Context()
	for i := range 5 {
		if err := s.RecordResult(ctx, core.Result{Component: "a", Consecutive: i}); err != nil {
			t.Fatal(err)
		}
	}
	h, _ := s.History(ctx, "a", 0)
	if len(h) != 3 || h[0].Consecutive != 2 || h[2].Consecutive != 4 {
		t.Fatalf("history = %+v", h)
	}
	h, _ = s.History(ctx, "a", 2)
	if len(h) != 2 || h[0].Consecutive != 3 {
		t.Fatalf("last 2 = %+v", h)
	}
	if h, _ := s.History(ctx, "none", 5); len(h) != 0 {
		t.Fatalf("unknown component history = %v", h)
	}
}

func TestEngineRecordsHistory(t *testing.T) {
	e, _ := newEngine(t, core.WithHistory(2))
	mustAdd(t, e, manual("a"))
	for range 3 {
		mustRun(t, e, "a")
	}
	h, err := e.History(t.Context(), "a", 10)
	if err != nil || len(h) != 2 {
		t.Fatalf("history = %d, %v", len(h), err)
	}
	if !h[0].Time.Before(h[1].Time) && !h[0].Time.Equal(h[1].Time) {
		t.Fatal("history not oldest first")
	}
}

func TestComponentsFromStoreLoadedOnStart(t *testing.T) {
	store := core.NewMemoryStore(0)
	if err := store.PutComponent(t.Context(), core.Component{Name: "persisted", Provider: "scripted", Interval: time.Hour}); err != nil {
		t.Fatal(err)
	}
	e, _ := newEngine(t, core.WithStores(store, nil))
	if err := e.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Snapshot().Get("persisted"); !ok {
		t.Fatal("stored component not loaded")
	}
}
