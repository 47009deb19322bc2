package echomw_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
)

// TestStormRunsNoCheck sends thousands of concurrent requests of every
// kind through echo and net/http: not one provider call, not one new
// snapshot.
func TestStormRunsNoCheck(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("cache"), comp("proc", core.GroupLiveness))
	set(p, "cache", core.StateDown, "refused", nil)
	start(t, e, p)
	h, hs := surfaces(t, e, echomw.Config{Token: "t"})
	calls, snap := p.Calls(), e.Snapshot()

	targets := []string{"/ready", "/health", "/jobs", "/readyz", "/livez", "/ready/db", "/ready/cache", "/health/proc",
		"/ready?verbose", "/ready?exclude=cache", "/ready/nope", "/status"}
	var wg sync.WaitGroup
	for _, s := range hs {
		for w := range 8 {
			wg.Go(func() {
				for i := range 200 {
					m := []string{http.MethodGet, http.MethodHead, http.MethodOptions}[(i+w)%3]
					req := httptest.NewRequest(m, targets[(i*7+w)%len(targets)], nil)
					if i%2 == 0 {
						req.Header.Set("Authorization", "Bearer t")
					}
					if i%5 == 0 {
						req.Header.Set("Accept", "text/plain")
					}
					s.ServeHTTP(httptest.NewRecorder(), req)
				}
			})
		}
	}
	wg.Add(1)
	go func() { // the lame-duck switch flips under load
		defer wg.Done()
		for i := range 100 {
			h.SetLameDuck(i%2 == 0)
		}
		h.SetLameDuck(false)
	}()
	wg.Wait()
	if got := p.Calls(); got != calls {
		t.Errorf("the storm ran %d checks", got-calls)
	}
	if e.Snapshot() != snap {
		t.Error("the storm published a snapshot")
	}
}

// TestCacheFollowsSnapshots checks that a cached answer is replaced when
// the engine publishes a new snapshot or the lame-duck switch flips.
func TestCacheFollowsSnapshots(t *testing.T) {
	e, p := newEngine(t, comp("db"))
	start(t, e, p)
	h, hs := surfaces(t, e, echomw.Config{})
	for i := range 6 {
		want := 200
		if i%2 == 1 {
			set(p, "db", core.StateDown, "refused", nil)
			want = 503
		} else {
			set(p, "db", core.StateUp, "", nil)
		}
		force(t, e, p)
		for name, s := range hs {
			for range 3 {
				if r := do(t, s, "GET", "/ready"); r.code != want {
					t.Fatalf("%s: round %d: /ready = %d, want %d", name, i, r.code, want)
				}
			}
		}
		h.SetLameDuck(true)
		if r := do(t, h, "GET", "/ready"); r.code != 503 {
			t.Fatalf("round %d: lame duck /ready = %d", i, r.code)
		}
		h.SetLameDuck(false)
		if !h.LameDuck() && do(t, h, "GET", "/ready").code != want {
			t.Fatalf("round %d: after lame duck", i)
		}
	}
}
