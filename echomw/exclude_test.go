package echomw_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/internal/testhttp"
)

// excludeQuery is ?verbose&exclude=x0&…&exclude=x<n-1>, then the extra
// parameters.
func excludeQuery(n int, extra ...string) string {
	var b strings.Builder
	b.WriteString("verbose")
	for i := range n {
		fmt.Fprintf(&b, "&exclude=x%d", i)
	}
	for _, e := range extra {
		b.WriteString("&" + e)
	}
	return b.String()
}

// TestExcludeNamesBeyondComponentsIgnored: of the exclude values, only as
// many as there are components are read, so a request naming 10,000
// checks does not do 10,000 checks' worth of work; a name past them is
// not excluded, and the answer lists at most that many unmatched names.
func TestExcludeNamesBeyondComponentsIgnored(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("cache"), comp("queue"), comp("proc", core.GroupLiveness))
	set(p, "db", core.StateDown, "connection refused", nil)
	start(t, e, p)
	h, err := echomw.New(e, echomw.Config{})
	if err != nil {
		t.Fatal(err)
	}
	// Within the bound: db is excluded, the unknown names are listed.
	r := do(t, h, "GET", "/ready?verbose&exclude=x0&exclude=x0&exclude=db")
	if r.code != 200 || !strings.Contains(r.body, "[+]db excluded: ok") || !strings.Contains(r.body, `no matches for "x0"`+"\n") {
		t.Errorf("GET /ready?…exclude=db = %d\n%s", r.code, r.body)
	}
	// Past it: 9,998 names, then db (10,000 parameters: url.ParseQuery
	// takes no more).
	r = do(t, h, "GET", "/ready?"+excludeQuery(9998, "exclude=db"))
	want := `no matches for "x0", "x1", "x2", "x3"` + "\n"
	if r.code != 503 || !strings.Contains(r.body, "[-]db failed") || !strings.Contains(r.body, want) {
		t.Errorf("GET /ready?verbose&<9,998 names>&exclude=db = %d, want 503, db failing and %q:\n%.500s", r.code, want, r.body)
	}
	// The work does not grow with the names: as many allocations for
	// 9,999 names as for 4.
	allocs := func(n int) float64 {
		req := httptest.NewRequest(http.MethodGet, "/ready?"+excludeQuery(n), nil)
		return testing.AllocsPerRun(20, func() { h.ServeHTTP(httptest.NewRecorder(), req) })
	}
	if few, many := allocs(4), allocs(9999); many > few {
		t.Errorf("allocations per request: %v with 9,999 names, %v with 4", many, few)
	}
}

// TestCachedAnswersDoNotAllocate: answers kept per snapshot, ?verbose ones
// included, are served without an allocation (?exclude ones are rendered
// per request: BenchmarkReadyExclude).
func TestCachedAnswersDoNotAllocate(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("cache"), comp("proc", core.GroupLiveness))
	start(t, e, p)
	h, err := echomw.New(e, echomw.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/ready", "/health", "/ready?verbose", "/health?verbose=0", "/ready/db", "/ready/db?verbose", "/jobs"} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		w := &testhttp.Discard{}
		h.ServeHTTP(w, req) // renders and keeps the answer
		if n := testing.AllocsPerRun(100, func() { w.Reset(); h.ServeHTTP(w, req) }); n != 0 || w.Code != 200 {
			t.Errorf("GET %s: %d, %v allocations per request", target, w.Code, n)
		}
	}
}
