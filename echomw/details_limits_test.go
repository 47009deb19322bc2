package echomw_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/statuspage"
	"github.com/vitals-go/vitals/internal/testhttp"
)

// hostileEngine has checks, in both groups, whose provider output is
// ~20 KB of arrays nested 9,990 deep, 4,000 nested objects, and a flat
// list of 8,000 numbers (16 KB compact, ~8 times that indented).
func hostileEngine(t *testing.T) (*core.Engine, map[string]int) {
	t.Helper()
	outputs := map[string]map[string]any{
		"arrays":  coretest.DeepArrays(9990),
		"objects": coretest.DeepObjects(4000),
		"flat":    {"l": make([]any, 8000)},
	}
	for i := range 8000 {
		outputs["flat"]["l"].([]any)[i] = i % 10
	}
	sizes := map[string]int{}
	var comps []core.Component
	for name := range outputs {
		comps = append(comps, comp(name, core.GroupReadiness, core.GroupLiveness))
	}
	e, p := newEngine(t, comps...)
	for name, d := range outputs {
		set(p, name, core.StateDown, "probe failed", d)
		raw, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		sizes[name] = len(raw)
	}
	start(t, e, p)
	return e, sizes
}

// TestNestedDetailsRenderedBounded: on every surface that shows details,
// the answer stays within a linear bound of the probe's output and of the
// per-check cap, and says what was cut.
func TestNestedDetailsRenderedBounded(t *testing.T) {
	e, sizes := hostileEngine(t)
	output := 0
	for _, n := range sizes {
		output += n
	}
	const perCheck = 64 << 10 // the cap on one check's rendered details
	h, err := echomw.New(e, echomw.Config{Details: echomw.DetailsAlways})
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]int{ // target: the checks it shows
		"/ready": 3, "/health": 3, "/ready?exclude=flat": 2,
		"/ready/arrays": 1, "/health/objects": 1, "/ready/flat": 1,
	}
	for target, checks := range targets {
		r := do(t, h, "GET", target)
		// Linear in the probes' output, and within the cap per check.
		if len(r.body) > 2*output || len(r.body) > checks*(perCheck+1024) {
			t.Errorf("GET %s: %d bytes for %d bytes of probe output", target, len(r.body), output)
			continue
		}
		var body struct {
			Checks map[string][]struct {
				Details map[string]any `json:"details"`
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(r.body), &body); err != nil {
			t.Fatalf("GET %s: %v (%d bytes)", target, err, len(r.body))
		}
		if len(body.Checks) != checks {
			t.Errorf("GET %s: %d checks, want %d", target, len(body.Checks), checks)
		}
		for name, c := range body.Checks {
			why, _ := c[0].Details[core.DetailsTruncatedKey].(string)
			want := "nested deeper than 32 levels cut"
			if name == "flat" {
				want = ""
			}
			if why != want {
				t.Errorf("GET %s: %s: %s = %q, want %q", target, name, core.DetailsTruncatedKey, why, want)
			}
		}
	}
	// The flat list: within the engine's bound, but over the cap when
	// indented (~8 times its size); rendered compact.
	r := do(t, h, "GET", "/ready/flat")
	if !strings.Contains(r.body, `"details": {"l":[0,1,2,3,4,5,6,7,8,9,0,1`) || len(r.body) > sizes["flat"]+1024 {
		t.Errorf("GET /ready/flat: %d bytes for %d of details:\n%.600s", len(r.body), sizes["flat"], r.body)
	}
	// Text answers show no details; the status page shows messages.
	for _, target := range []string{"/ready?verbose", "/health?verbose"} {
		if r := do(t, h, "GET", target); len(r.body) > 1024 {
			t.Errorf("GET %s: %d bytes", target, len(r.body))
		}
	}
	page, err := statuspage.New(e, statuspage.Config{ShowDetails: func(*http.Request) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	if r := do(t, page, "GET", "/status"); r.code != 200 || len(r.body) > 64<<10 || !strings.Contains(r.body, "probe failed") {
		t.Errorf("status page: %d, %d bytes", r.code, len(r.body))
	}
}

// BenchmarkReadyNestedDetails renders /ready with details (per request:
// ?exclude) for two checks whose probes printed ~20 KB of arrays nested
// 9,990 deep and 4,000 nested objects; body-bytes is the answer's size.
func BenchmarkReadyNestedDetails(b *testing.B) {
	e, p := newEngine(b, comp("arrays"), comp("objects"))
	set(p, "arrays", core.StateDown, "probe failed", coretest.DeepArrays(9990))
	set(p, "objects", core.StateDown, "probe failed", coretest.DeepObjects(4000))
	start(b, e, p)
	h, err := echomw.New(e, echomw.Config{Details: echomw.DetailsAlways})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/ready?exclude=none", nil)
	w := &testhttp.Discard{}
	b.ReportAllocs()
	for b.Loop() {
		w.Reset()
		h.ServeHTTP(w, req)
	}
	b.ReportMetric(float64(w.N), "body-bytes")
}
