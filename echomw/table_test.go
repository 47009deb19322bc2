package echomw_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/statuspage"
)

// TestRouteTable enumerates the table: every path the handler serves is
// one entry, with the field that put it there.
func TestRouteTable(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("proc", core.GroupLiveness), comp("mq", "custom"))
	start(t, e, p)
	cfg := echomw.DefaultConfig()
	cfg.Groups = []echomw.GroupPath{{Group: "custom", Path: "/health/custom"}}
	cfg.Reserved = []echomw.ReservedPath{{Path: "/debug/pprof", Field: "server.pprof.path"}}
	h, err := echomw.New(e, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range h.Routes() {
		pc := ""
		if r.PerCheck {
			pc = "/{name}"
		}
		got = append(got, fmt.Sprintf("%s%s %s [%s]", r.Path, pc, r.What, r.Field))
	}
	want := []string{
		"/health group liveness [HealthPath]",
		"/ready group readiness [ReadyPath]",
		"/jobs jobs [JobsPath]",
		"/health/custom group custom [Groups[0]]",
		"/status status page [StatusPath]",
		"/livez group liveness [Aliases (/livez as HealthPath)]",
		"/healthz group liveness [Aliases (/healthz as HealthPath)]",
		"/readyz group readiness [Aliases (/readyz as ReadyPath)]",
		"/health/{name} group liveness [HealthPath]",
		"/ready/{name} group readiness [ReadyPath]",
		"/health/custom/{name} group custom [Groups[0]]",
		"/livez/{name} group liveness [Aliases (/livez as HealthPath)]",
		"/healthz/{name} group liveness [Aliases (/healthz as HealthPath)]",
		"/readyz/{name} group readiness [Aliases (/readyz as ReadyPath)]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("route table:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	planned, err := echomw.PlanRoutes(cfg, []echomw.Member{{Name: "db"}, {Name: "proc", Groups: []string{core.GroupLiveness}}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(planned); n != len(want)+1 || !planned[5].Reserved || planned[5].Path != "/debug/pprof" {
		t.Errorf("PlanRoutes: %d routes (want %d, the reserved one 6th): %+v", n, len(want)+1, planned)
	}
	// The reserved path is left to its neighbour.
	_, hs := surfaces(t, e, cfg)
	for name, s := range hs {
		if r := do(t, s, "GET", "/debug/pprof"); r.code != 404 {
			t.Errorf("%s: GET /debug/pprof = %d, want 404 (a neighbour's path)", name, r.code)
		}
	}
}

// TestGroupPath: a group other than liveness and readiness has its path,
// its per-check paths, and the readiness rule.
func TestGroupPath(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("proc", core.GroupLiveness), comp("mq", "custom"), comp("cache", "custom", core.GroupReadiness))
	start(t, e, p)
	cfg := echomw.Config{Groups: []echomw.GroupPath{{Group: "custom", Path: "/health/custom"}}}
	_, hs := surfaces(t, e, cfg)
	expect(t, hs, map[string]int{"/health/custom": 200, "/health/custom/mq": 200, "/health/custom/cache": 200, "/health/custom/db": 404, "/health/proc": 200})
	set(p, "mq", core.StateDown, "refused", nil)
	force(t, e, p)
	expect(t, hs, map[string]int{"/health/custom": 503, "/health/custom/mq": 503, "/health/custom/cache": 200, "/health": 200, "/ready": 200})
	for name, s := range hs {
		r := do(t, s, "GET", "/health/custom", "Accept", "text/plain")
		if r.body != "mq: down\n" {
			t.Errorf("%s: text body %q", name, r.body)
		}
		if r := do(t, s, "GET", "/health/custom?verbose"); !strings.HasSuffix(r.body, "custom check failed\n") {
			t.Errorf("%s: verbose body %q", name, r.body)
		}
	}
	// Another path of liveness answers by the liveness rule: lame duck
	// fails readiness and the other groups, not liveness.
	h, err := echomw.New(e, echomw.Config{Groups: []echomw.GroupPath{{Group: "custom", Path: "/c"}, {Group: core.GroupLiveness, Path: "/alive"}}})
	if err != nil {
		t.Fatal(err)
	}
	set(p, "mq", core.StateUp, "", nil)
	force(t, e, p)
	h.SetLameDuck(true)
	for path, want := range map[string]int{"/alive": 200, "/health": 200, "/c": 503, "/ready": 503} {
		if r := do(t, h, "GET", path); r.code != want {
			t.Errorf("lame duck: GET %s = %d, want %d", path, r.code, want)
		}
	}
}

// TestRouteCollisions: two routes at one path are an error naming both
// fields, never one hiding the other.
func TestRouteCollisions(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("status", core.GroupLiveness), comp("custom", core.GroupLiveness))
	start(t, e, p)
	page := statuspage.New
	cases := []struct {
		name  string
		cfg   echomw.Config
		field string
		want  string
	}{
		{"a group path equal to the ready path", echomw.Config{Groups: []echomw.GroupPath{{Group: "x", Path: "/ready"}}},
			"Groups[0]", `"/ready" is already used by ReadyPath`},
		{"two groups at one path", echomw.Config{Groups: []echomw.GroupPath{{Group: "x", Path: "/x"}, {Group: "y", Path: "/x"}}},
			"Groups[1]", `"/x" is already used by Groups[0]`},
		{"a group path at an alias", echomw.Config{Groups: []echomw.GroupPath{{Group: "x", Path: "/livez"}}},
			"Groups[0]", `"/livez" is already used by Aliases (/livez as HealthPath)`},
		{"the jobs path at an alias", echomw.Config{JobsPath: "/readyz"},
			"JobsPath", `"/readyz" is already used by Aliases (/readyz as ReadyPath)`},
		{"the status page named like a liveness check", echomw.Config{StatusPage: page, StatusPath: "/health/status"},
			"StatusPath", `"/health/status" is already used by check "status": the per-check path of check "status" (group "liveness") under HealthPath`},
		{"a group path named like a check", echomw.Config{Groups: []echomw.GroupPath{{Group: "custom", Path: "/healthz/custom"}}},
			"Groups[0]", `"/healthz/custom" is already used by check "custom": the per-check path of check "custom" (group "liveness") under Aliases (/healthz as HealthPath)`},
		{"a reserved path", echomw.Config{Reserved: []echomw.ReservedPath{{Path: "/jobs", Field: "health.metrics.path"}}},
			"health.metrics.path", `"/jobs" is already used by JobsPath`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := echomw.New(e, c.cfg)
			var ce *echomw.CollisionError
			if err == nil || !errors.As(err, &ce) || !errors.Is(err, confkit.ErrInvalid) {
				t.Fatalf("err = %v, want a *CollisionError", err)
			}
			fes := confkit.Fields(err)
			if len(fes) != 1 || fes[0].Path != c.field || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v\nwant %s: ...%s", err, c.field, c.want)
			}
		})
	}
	// Without the check of that name, the page is served there, as is a
	// group path under a per-check prefix.
	_, hs := surfaces(t, e, echomw.Config{StatusPage: page, StatusPath: "/health/page", Groups: []echomw.GroupPath{{Group: "g", Path: "/ready/g"}}})
	for name, s := range hs {
		if r := do(t, s, "GET", "/health/page"); r.code != 200 || !strings.Contains(r.body, "<html") {
			t.Errorf("%s: GET /health/page = %d, not the page", name, r.code)
		}
	}
	expect(t, hs, map[string]int{"/ready/g": 200, "/health/status": 200, "/ready/db": 200})
}

// TestShadowLogged: a check added after New whose per-check path a route
// answers is logged, not hidden silently.
func TestShadowLogged(t *testing.T) {
	e, p := newEngine(t, comp("db"))
	start(t, e, p)
	logs := &coretest.LogBuffer{}
	h, err := echomw.New(e, echomw.Config{Groups: []echomw.GroupPath{{Group: "g", Path: "/ready/late"}}, Logger: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	do(t, h, "GET", "/ready")
	if logs.String() != "" {
		t.Fatalf("logged before the check exists: %s", logs)
	}
	if err := e.Add(context.Background(), comp("late")); err != nil {
		t.Fatal(err)
	}
	force(t, e, p)
	do(t, h, "GET", "/ready")
	do(t, h, "GET", "/ready/late")
	if s := logs.String(); strings.Count(s, "level=WARN") != 1 || !strings.Contains(s, "check=late") || !strings.Contains(s, "field=Groups[0]") {
		t.Errorf("logs:\n%s", s)
	}
}

func TestGroupConfigErrors(t *testing.T) {
	e, _ := newEngine(t)
	for _, c := range []struct {
		groups []echomw.GroupPath
		want   string
	}{
		{[]echomw.GroupPath{{Path: "/x"}}, "Groups[0].Group: is empty: name an engine group"},
		{[]echomw.GroupPath{{Group: "a", Path: "/a"}, {Group: "a", Path: "/b"}}, `Groups[1].Group: "a" is also Groups[0]`},
		{[]echomw.GroupPath{{Group: "a"}}, `Groups[0]: group "a" has no path (or "-")`},
		{[]echomw.GroupPath{{Group: "a", Path: "a"}}, `Groups[0]: "a" must start with "/"`},
	} {
		if _, err := echomw.New(e, echomw.Config{Groups: c.groups}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.groups, err, c.want)
		}
	}
	// "-" leaves the group without a path.
	h, err := echomw.New(e, echomw.Config{Groups: []echomw.GroupPath{{Group: "a", Path: echomw.PathDisabled}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range h.Routes() {
		if strings.Contains(r.What, "group a") {
			t.Errorf("disabled group routed: %+v", r)
		}
	}
}
