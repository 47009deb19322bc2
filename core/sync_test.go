package core_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

func names(cs []core.Component) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func TestSyncAppliesTheDifferenceInOnePublication(t *testing.T) {
	e, p := newEngine(t)
	other := newScripted("other")
	if err := e.RegisterProvider(other); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"keep", "conf", "prov", "gone"} {
		mustAdd(t, e, manual(n))
	}
	p.SetState("keep", core.StateDown)
	p.SetState("conf", core.StateDown)
	for _, n := range []string{"keep", "conf", "prov", "gone"} {
		for range 3 { // fall 3
			mustRun(t, e, n)
		}
	}
	conf := manual("conf")
	conf.Config = map[string]any{"path": "/v2"}
	prov := manual("prov")
	prov.Provider = "other"
	desired := []core.Component{manual("keep"), conf, prov, manual("new")}

	before := e.Stats().Publications
	ch := e.Changed()
	res, err := e.Sync(context.Background(), desired)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Stats().Publications - before; got != 1 {
		t.Fatalf("Sync published %d snapshots, want 1", got)
	}
	select {
	case <-ch:
	default:
		t.Fatal("Changed not closed by Sync")
	}
	want := core.SyncResult{Added: []string{"new"}, Updated: []string{"conf"}, Replaced: []string{"prov"}, Removed: []string{"gone"}, Unchanged: []string{"keep"}}
	if fmt.Sprint(res) != fmt.Sprint(want) {
		t.Fatalf("result %+v, want %+v", res, want)
	}
	if got := names(e.Components()); !slices.Equal(got, []string{"conf", "keep", "new", "prov"}) {
		t.Fatalf("components %v", got)
	}
	s := e.Snapshot()
	for name, st := range map[string]core.State{"keep": core.StateDown, "conf": core.StateDown, "prov": core.StateUnknown, "new": core.StateUnknown} {
		if cs, _ := s.Get(name); cs.Result.State != st {
			t.Errorf("%s: state %s, want %s", name, cs.Result.State, st)
		}
	}
	if cs, _ := s.Get("conf"); cs.Component.Config["path"] != "/v2" {
		t.Errorf("conf: config %v, not updated", cs.Component.Config)
	}
	for name, n := range map[string]int{"keep": 3, "conf": 3, "prov": 0, "gone": 0} {
		h, err := e.History(context.Background(), name, 10)
		if err != nil || len(h) != n {
			t.Errorf("%s: history %d results (%v), want %d", name, len(h), err, n)
		}
	}
	// conf keeps its fall/rise counters: one Up does not recover it (rise 2).
	if r := mustRun(t, e, "conf"); r.State != core.StateDown {
		t.Errorf("conf after one success: %s, want down (rise 2 from the kept counters)", r.State)
	}

	// The same set again changes nothing and publishes nothing.
	before = e.Stats().Publications
	res, err = e.Sync(context.Background(), desired)
	if err != nil || res.Changed() || len(res.Unchanged) != 4 {
		t.Fatalf("second Sync: %+v, %v", res, err)
	}
	if got := e.Stats().Publications - before; got != 0 {
		t.Fatalf("a Sync without change published %d snapshots", got)
	}
}

func TestSyncRejectsAllOrNothing(t *testing.T) {
	e, _ := newEngine(t)
	mustAdd(t, e, manual("a"))
	bad := manual("-bad")
	_, err := e.Sync(context.Background(), []core.Component{manual("b"), bad, manual("b"), {Name: "c", Provider: "nope"}})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"nothing changed", `desired[1]`, `"-bad"`, `desired[2]: core: component "b": name: appears twice`, `desired[3]: core: component "c": provider: "nope" is not registered`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if got := names(e.Components()); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("components %v after a rejected Sync", got)
	}
}

func TestSyncLeavesFuncComponents(t *testing.T) {
	e, _ := newEngine(t)
	if err := e.AddFunc(context.Background(), core.Component{Name: "f", Interval: time.Hour}, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	res, err := e.Sync(context.Background(), []core.Component{manual("a")})
	if err != nil || len(res.Removed) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if got := names(e.Components()); !slices.Equal(got, []string{"a", "f"}) {
		t.Fatalf("components %v", got)
	}
	if _, err := e.Sync(context.Background(), []core.Component{manual("f")}); err == nil || !strings.Contains(err.Error(), "AddFunc") {
		t.Fatalf("Sync over an AddFunc component: %v", err)
	}
}

// TestSyncUnderConcurrentChecks syncs over and over while the scheduling
// loops, RunAll and Run check the same components: the kept components
// never lose their state or history, and each Sync leaves exactly the
// desired set (run with -race).
func TestSyncUnderConcurrentChecks(t *testing.T) {
	e, _ := newEngine(t, core.WithHistory(1<<20)) // none rotates out
	fast := func(name string) core.Component {
		return core.Component{Name: name, Provider: "scripted", Interval: time.Millisecond, Timeout: time.Second, Fall: 1, Rise: 1}
	}
	var base []core.Component
	for i := range 10 {
		base = append(base, fast(fmt.Sprintf("keep%d", i)))
	}
	if errs := e.AddAll(context.Background(), base); errs != nil {
		t.Fatal(errs)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.CheckAll(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			e.CheckAll(ctx)
		}
	})
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			_, _ = e.Check(ctx, fmt.Sprintf("churn%d", i%5)) // may be absent
			_, _ = e.Check(ctx, fmt.Sprintf("keep%d", i%10))
		}
	})
	histBefore, err := e.History(context.Background(), "keep0", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 50 {
		desired := slices.Clone(base)
		for i := range round % 5 {
			c := fast(fmt.Sprintf("churn%d", i))
			c.Config = map[string]any{"round": round} // an update every time
			desired = append(desired, c)
		}
		time.Sleep(2 * time.Millisecond) // checks of every kind in between
		res, err := e.Sync(context.Background(), desired)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Unchanged) < 10 {
			t.Fatalf("round %d: %+v", round, res)
		}
		if got, want := names(e.Components()), names(desired); !slices.Equal(got, sorted(want)) {
			t.Fatalf("round %d: components %v, want %v", round, got, want)
		}
		for i := range 10 {
			if cs, _ := e.Snapshot().Get(fmt.Sprintf("keep%d", i)); !cs.Checked || cs.Result.State != core.StateUp {
				t.Fatalf("round %d: keep%d lost its state: %+v", round, i, cs)
			}
		}
	}
	cancel()
	wg.Wait()
	histAfter, err := e.History(context.Background(), "keep0", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(histBefore) == 0 || len(histAfter) <= len(histBefore) || !histAfter[0].Time.Equal(histBefore[0].Time) {
		t.Fatalf("keep0's history was forgotten: %d results before, %d after", len(histBefore), len(histAfter))
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// The component store follows Sync: what it adds or updates is put, what
// it removes is deleted.
func TestSyncWritesThroughTheComponentStore(t *testing.T) {
	store := core.NewMemoryStore(0)
	e, _ := newEngine(t, core.WithStores(store, store))
	mustAdd(t, e, manual("old"))
	mustAdd(t, e, manual("kept"))
	changed := manual("kept")
	changed.Fall = 7
	if _, err := e.Sync(context.Background(), []core.Component{changed, manual("new")}); err != nil {
		t.Fatal(err)
	}
	stored, err := store.ListComponents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := names(stored); !slices.Equal(sorted(got), []string{"kept", "new"}) {
		t.Fatalf("store holds %v", got)
	}
	for _, c := range stored {
		if c.Name == "kept" && c.Fall != 7 {
			t.Fatalf("kept stored with fall %d, want 7", c.Fall)
		}
	}
}

// keeper is a scripted provider that keeps state per component
// (core.Forgetter): it records what the engine told it to forget.
type keeper struct {
	*coretest.Provider
	mu     sync.Mutex
	forgot []string
}

func (k *keeper) Forget(component string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.forgot = append(k.forgot, component)
}

func (k *keeper) forgotten() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Sorted(slices.Values(k.forgot))
}

// TestRemovedComponentsAreForgotten: a provider that keeps state per
// component is told when a component of its goes (Remove, Sync dropping
// it, Sync giving it another provider), and not when one stays or changes
// only its config.
func TestRemovedComponentsAreForgotten(t *testing.T) {
	k := &keeper{Provider: coretest.NewProvider("keeper")}
	e, _ := newEngine(t, core.WithProviders(k))
	ctx := context.Background()
	comp := func(name, provider string, interval time.Duration) core.Component {
		return core.Component{Name: name, Provider: provider, Interval: interval, Timeout: time.Second}
	}
	for _, n := range []string{"a", "b", "c", "d"} {
		mustAdd(t, e, comp(n, "keeper", time.Hour))
	}
	if err := e.Remove(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	// b dropped, c moved to another provider, d's config changed.
	if _, err := e.Sync(ctx, []core.Component{comp("c", coretest.ProviderName, time.Hour), comp("d", "keeper", 2*time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got, want := k.forgotten(), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Fatalf("forgotten %v, want %v", got, want)
	}
}
