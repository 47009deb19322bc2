package echomw_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/echoroute"
)

// surfaces returns the net/http handler and an echo instance serving e
// under cfg, and the handler itself for its lame-duck switch.
func surfaces(t *testing.T, e *core.Engine, cfg echomw.Config) (*echomw.Handler, map[string]http.Handler) {
	t.Helper()
	h, err := echomw.New(e, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ec := echo.New()
	if err := echoroute.RegisterWithConfig(ec, e, cfg); err != nil {
		t.Fatal(err)
	}
	return h, map[string]http.Handler{"net/http": h, "echo": ec}
}

// expect checks that GET, HEAD and OPTIONS of every path answer the code,
// HEAD without a body.
func expect(t *testing.T, hs map[string]http.Handler, want map[string]int) {
	t.Helper()
	for sname, s := range hs {
		for path, code := range want {
			get := do(t, s, http.MethodGet, path)
			for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
				r := do(t, s, m, path)
				if r.code != code {
					t.Errorf("%s: %s %s = %d, want %d\n%s", sname, m, path, r.code, code, r.body)
				}
				if r.header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s: %s %s: Cache-Control = %q", sname, m, path, r.header.Get("Cache-Control"))
				}
				switch m {
				case http.MethodHead:
					if r.body != "" {
						t.Errorf("%s: HEAD %s has a body: %q", sname, path, r.body)
					}
					if r.header.Get("Content-Length") != get.header.Get("Content-Length") {
						t.Errorf("%s: HEAD %s Content-Length %q, GET's %q", sname, path, r.header.Get("Content-Length"), get.header.Get("Content-Length"))
					}
				case http.MethodOptions:
					if r.header.Get("Allow") != "GET, HEAD, OPTIONS" {
						t.Errorf("%s: OPTIONS %s Allow = %q", sname, path, r.header.Get("Allow"))
					}
				}
			}
		}
	}
}

func TestStatusCodesByStateAndLameDuck(t *testing.T) {
	states := []core.State{core.StateUp, core.StateDegraded, core.StateDown, core.StateUnknown}
	for _, st := range states {
		for _, lame := range []string{"serving", "engine lame duck", "handler lame duck", "both"} {
			t.Run(fmt.Sprintf("%s/%s", st, lame), func(t *testing.T) {
				t.Parallel()
				e, p := newEngine(t, comp("db"), comp("proc", core.GroupLiveness))
				set(p, "db", st, "db is "+st.String(), nil)
				set(p, "proc", st, "proc is "+st.String(), nil)
				start(t, e, p)
				h, hs := surfaces(t, e, echomw.Config{})
				if lame == "engine lame duck" || lame == "both" {
					e.EnterLameDuck()
				}
				if lame == "handler lame duck" || lame == "both" {
					h.SetLameDuck(true)
					hs["echo"] = echoWith(t, h)
				}
				live, ready := 503, 503
				if st.Healthy() {
					live = 200
					if lame == "serving" {
						ready = 200
					}
				}
				if lame != "handler lame duck" && (ready == 200) != e.Snapshot().Ready() {
					t.Errorf("/ready %d disagrees with Snapshot.Ready() = %v", ready, e.Snapshot().Ready())
				}
				expect(t, hs, map[string]int{
					"/health": live, "/livez": live, "/healthz": live, "/health/proc": live, "/livez/proc": live,
					"/ready": ready, "/readyz": ready, "/ready/db": ready, "/readyz/db": ready,
					"/jobs": 200,
				})
			})
		}
	}
}

// echoWith returns an echo instance with h's routes.
func echoWith(t *testing.T, h *echomw.Handler) http.Handler {
	t.Helper()
	hs := echo.New()
	if err := echoroute.Mount(hs, h); err != nil {
		t.Fatal(err)
	}
	return hs
}

func TestStatusCodesByPhase(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		e, _ := newEngine(t, comp("db"), comp("proc", core.GroupLiveness))
		_, hs := surfaces(t, e, echomw.Config{})
		expect(t, hs, map[string]int{"/health": 503, "/ready": 503, "/health/proc": 503, "/ready/db": 503, "/jobs": 200})
	})
	t.Run("starting behind the serving gate", func(t *testing.T) {
		p := coretest.NewProvider("scripted")
		e, err := core.New(core.WithProviders(p), core.WithJitter(0), core.WithServingGate(),
			core.WithComponents(comp("db"), comp("proc", core.GroupLiveness)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.Stop(t.Context()) })
		start(t, e, p)
		_, hs := surfaces(t, e, echomw.Config{})
		expect(t, hs, map[string]int{"/health": 200, "/ready": 503, "/health/proc": 200, "/ready/db": 503})
		e.Serve()
		expect(t, hs, map[string]int{"/health": 200, "/ready": 200, "/health/proc": 200, "/ready/db": 200})
	})
	t.Run("stopped", func(t *testing.T) {
		e, p := newEngine(t, comp("db"), comp("proc", core.GroupLiveness))
		start(t, e, p)
		if err := e.Stop(t.Context()); err != nil {
			t.Fatal(err)
		}
		_, hs := surfaces(t, e, echomw.Config{})
		expect(t, hs, map[string]int{"/health": 503, "/ready": 503, "/health/proc": 503, "/ready/db": 503})
	})
	t.Run("readiness member without a result", func(t *testing.T) {
		e, p := newEngine(t, comp("db"), comp("slow"), comp("proc", core.GroupLiveness))
		p.Hold("slow")
		start(t, e, p)
		_, hs := surfaces(t, e, echomw.Config{})
		expect(t, hs, map[string]int{"/health": 200, "/ready": 503, "/ready/db": 200, "/ready/slow": 503, "/ready?exclude=slow": 200})
	})
	t.Run("liveness member without a result next to an Up one", func(t *testing.T) {
		e, p := newEngine(t, comp("proc", core.GroupLiveness), comp("slow", core.GroupLiveness))
		p.Hold("slow")
		start(t, e, p)
		_, hs := surfaces(t, e, echomw.Config{})
		expect(t, hs, map[string]int{"/health": 200, "/health/slow": 503, "/ready": 200})
	})
	t.Run("liveness members all without a result", func(t *testing.T) {
		// A process is not restarted before its first check: Snapshot.Live.
		e, p := newEngine(t, comp("slow", core.GroupLiveness))
		p.Hold("slow")
		start(t, e, p)
		_, hs := surfaces(t, e, echomw.Config{})
		expect(t, hs, map[string]int{"/health": 200, "/health/slow": 503, "/ready": 200})
		if !e.Snapshot().Live() {
			t.Error("Snapshot.Live() disagrees with /health")
		}
	})
	t.Run("start-up component", func(t *testing.T) {
		c := comp("warm")
		c.StartUp = true
		e, p := newEngine(t, c)
		p.Hold("warm")
		start(t, e, p)
		_, hs := surfaces(t, e, echomw.Config{})
		expect(t, hs, map[string]int{"/ready": 200, "/ready/warm": 200})
	})
	t.Run("empty groups", func(t *testing.T) {
		e, p := newEngine(t)
		start(t, e, p)
		_, hs := surfaces(t, e, echomw.Config{})
		expect(t, hs, map[string]int{"/health": 200, "/ready": 200})
	})
}

// An Up member next to a checked Unknown one: the group state is Up
// (Unknown counts least), but /ready and /health fail, with a fail status
// that matches the code, as Snapshot.Ready and Snapshot.Live do.
func TestStatusCodesUpAndCheckedUnknown(t *testing.T) {
	e, p := newEngine(t, comp("db", core.GroupReadiness, core.GroupLiveness), comp("odd", core.GroupReadiness, core.GroupLiveness))
	set(p, "odd", core.StateUnknown, "garbage answer", nil)
	start(t, e, p)
	if s := e.Snapshot(); s.Ready() || s.Live() {
		t.Fatalf("ready=%v live=%v", s.Ready(), s.Live())
	}
	_, hs := surfaces(t, e, echomw.Config{})
	expect(t, hs, map[string]int{
		"/ready": 503, "/health": 503, "/ready/odd": 503, "/ready/db": 200,
		"/ready?exclude=odd": 200, "/health?exclude=odd": 200,
	})
	for _, path := range []string{"/ready", "/health"} {
		r := do(t, hs["net/http"], http.MethodGet, path)
		var top struct{ Status string }
		if err := json.Unmarshal([]byte(r.body), &top); err != nil || top.Status != "fail" {
			t.Errorf("%s: top-level status %q (%v), want fail:\n%s", path, top.Status, err, r.body)
		}
	}
	set(p, "odd", core.StateUp, "", nil)
	force(t, e, p)
	expect(t, hs, map[string]int{"/ready": 200, "/health": 200})
}

func TestStatusCodesNonCriticalAndExclude(t *testing.T) {
	cache := comp("cache")
	cache.NonCritical = true
	e, p := newEngine(t, comp("db"), cache, comp("queue"))
	set(p, "cache", core.StateDown, "cache refused", nil)
	set(p, "queue", core.StateDown, "queue refused", nil)
	start(t, e, p)
	_, hs := surfaces(t, e, echomw.Config{UnavailableStatusCode: 500})
	expect(t, hs, map[string]int{
		"/ready":                             500,
		"/ready?exclude=queue":               200,
		"/ready?exclude=queue&exclude=cache": 200,
		"/ready?exclude=db":                  500,
		"/ready/db":                          200,
		"/ready/cache":                       500, // its own path reports its own state
		"/ready/queue":                       500,
		"/ready/nope":                        404,
		"/health/db":                         404, // not a liveness check
	})
	set(p, "queue", core.StateUp, "", nil)
	force(t, e, p)
	expect(t, hs, map[string]int{"/ready": 200, "/ready/queue": 200})
}
