package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

// fixedDetails is a provider whose every result carries the same details.
type fixedDetails struct{ details map[string]any }

func (fixedDetails) Name() string { return "fixed" }

func (p fixedDetails) Check(context.Context, core.Component) core.Result {
	return core.Result{State: core.StateUp, Message: "fixed", Details: p.details}
}

// fixedEngine returns an engine (coretest.NewEngine, and opts) whose one
// component, "probe", reports details; the test runs its checks.
func fixedEngine(t *testing.T, details map[string]any, opts ...core.Option) *core.Engine {
	t.Helper()
	e, _ := coretest.NewEngine(t, append([]core.Option{core.WithProviders(fixedDetails{details})}, opts...)...)
	if err := e.Add(context.Background(), core.Component{Name: "probe", Provider: "fixed", Interval: time.Hour, Timeout: time.Second}); err != nil {
		t.Fatal(err)
	}
	return e
}

// depthOf returns the nesting of v: a map or list is 1 plus its deepest item.
func depthOf(v any) int {
	d := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	case []any:
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	}
	return 0
}

// TestDetailsLimitedWhenAccepted: whatever a provider puts in its details,
// the result the engine returns, publishes, emits and stores nests at most
// DefaultDetailsMaxDepth levels and is at most DefaultDetailsMaxBytes as
// JSON, and says what was cut.
func TestDetailsLimitedWhenAccepted(t *testing.T) {
	huge := map[string]any{}
	for i := range 50000 {
		huge[fmt.Sprintf("key%06d", i)] = i
	}
	cases := []struct {
		name    string
		details map[string]any
		want    string
	}{
		{"arrays nested 9990 deep", coretest.DeepArrays(9990), "nested deeper than 32 levels cut"},
		{"4000 nested objects", coretest.DeepObjects(4000), "nested deeper than 32 levels cut"},
		{"a 1 MiB string", map[string]any{"out": strings.Repeat("<x>", 1<<20/3)}, "details cut at 16384 bytes"},
		{"50,000 keys", huge, "details cut at 16384 bytes"},
		{"a list of 100,000 items", map[string]any{"l": make([]any, 100000)}, "details cut at 16384 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := fixedEngine(t, c.details)
			sub := e.Subscribe(4)
			defer sub.Close()
			res, err := e.Check(context.Background(), "probe")
			if err != nil {
				t.Fatal(err)
			}
			cs, _ := e.Snapshot().Get("probe")
			hist, err := e.History(context.Background(), "probe", 0)
			if err != nil || len(hist) != 1 {
				t.Fatalf("history: %v, %d results", err, len(hist))
			}
			var ev core.Event
			select {
			case ev = <-sub.C():
			default:
				t.Fatal("no event")
			}
			for where, got := range map[string]map[string]any{"Run": res.Details, "snapshot": cs.Result.Details, "history": hist[0].Details, "event": ev.Check.Details} {
				raw, err := json.Marshal(got)
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				if d := depthOf(got); d > core.DefaultDetailsMaxDepth {
					t.Errorf("%s: details nest %d levels, want at most %d", where, d, core.DefaultDetailsMaxDepth)
				}
				if len(raw) > core.DefaultDetailsMaxBytes {
					t.Errorf("%s: details are %d bytes as JSON, want at most %d", where, len(raw), core.DefaultDetailsMaxBytes)
				}
				if why, _ := got[core.DetailsTruncatedKey].(string); !strings.Contains(why, c.want) {
					t.Errorf("%s: %s = %q, want it to say %q", where, core.DetailsTruncatedKey, why, c.want)
				}
			}
		})
	}
}

// TestDetailsWithinLimitsKept: details within the limits are the
// provider's own map, values and types untouched.
func TestDetailsWithinLimitsKept(t *testing.T) {
	d := coretest.DeepArrays(core.DefaultDetailsMaxDepth - 1)
	d["pipelines"] = []core.JobsReport{{Pipeline: "orders", Ready: true}}
	d["latency"] = 1500 * time.Millisecond
	d["s"] = "<&>"
	e := fixedEngine(t, d)
	res, err := e.Check(context.Background(), "probe")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Details, d) {
		t.Errorf("details changed:\n got %v\nwant %v", res.Details, d)
	}
	if _, ok := res.Details[core.DetailsTruncatedKey]; ok {
		t.Errorf("details within the limits marked as cut: %v", res.Details[core.DetailsTruncatedKey])
	}
}

func TestWithDetailsLimits(t *testing.T) {
	for _, c := range []struct {
		depth, bytes int
		want         string
	}{
		{-1, 0, "details_max_depth: -1 is not in 1-1000"},
		{1001, 0, "details_max_depth: 1001 is not in 1-1000"},
		{0, 100, "details_max_bytes: 100 is not in 256-65536"},
		{0, 1 << 20, "details_max_bytes: 1048576 is not in 256-65536"},
	} {
		_, err := core.New(core.WithDetailsLimits(c.depth, c.bytes))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("WithDetailsLimits(%d, %d) = %v, want an error saying %q", c.depth, c.bytes, err, c.want)
		}
	}
	e := fixedEngine(t, coretest.DeepObjects(10), core.WithDetailsLimits(3, 256))
	res, err := e.Check(context.Background(), "probe")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(res.Details)
	want := `{"_truncated":"nested deeper than 3 levels cut","a":{"a":{"a":"[cut: nested deeper than 3 levels]"}}}`
	if string(raw) != want {
		t.Errorf("details = %s, want %s", raw, want)
	}
}
