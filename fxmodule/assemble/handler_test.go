package assemble_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/fxmodule/assemble"
	"github.com/vitals-go/vitals/fxmodule/config"
)

// serve loads yaml, builds the engine with checks and the handler from the
// configuration, starts the engine and returns the handler.
func serve(t *testing.T, yaml string, checks ...assemble.Check) http.Handler {
	t.Helper()
	cfg, err := config.Load(config.LoadOptions{Defaults: defaultsFrom(t, yaml)})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := assemble.NewEngine(cfg, nil, nil, checks, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Stop(context.Background()) })
	eng.Serve()
	for _, c := range checks {
		if _, err := eng.Check(ctx, c.Component.Name); err != nil {
			t.Fatal(err)
		}
	}
	h, err := echomw.New(eng, assemble.HandlerConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// defaultsFrom parses a flat "key: value" list into LoadOptions.Defaults.
func defaultsFrom(t *testing.T, yaml string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for line := range strings.SplitSeq(strings.TrimSpace(yaml), "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out
}

func check(name string, err error, groups ...string) assemble.Check {
	return assemble.Check{
		Component: core.Component{Name: name, Groups: groups, Interval: time.Hour, Fall: 1, Rise: 1},
		Func:      func(context.Context) error { return err },
	}
}

func get(h http.Handler, path string) (int, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

// TestGroupPathFromConfig: health.paths.groups serves a group and its
// per-check paths (on main, /health/custom answered 404: no group but
// liveness and readiness had a path).
func TestGroupPathFromConfig(t *testing.T) {
	h := serve(t, "health.paths.groups.custom: /health/custom",
		check("mq", errors.New("refused"), "custom"), check("cache", nil, "custom"), check("proc", nil, core.GroupLiveness))
	for path, want := range map[string]int{"/health/custom": 503, "/health/custom/mq": 503, "/health/custom/cache": 200, "/health": 200, "/health/proc": 200} {
		if code, body := get(h, path); code != want {
			t.Errorf("GET %s = %d, want %d\n%s", path, code, want, body)
		}
	}
}

// TestProfilesFromConfig: health.compat.profile selects a profile.
func TestProfilesFromConfig(t *testing.T) {
	h := serve(t, "health.compat.profile: roadrunner", check("db", nil))
	if code, body := get(h, "/ready?plugin=db"); code != 200 || body != `[{"plugin_name":"db","error_message":"","status_code":200}]` {
		t.Errorf("roadrunner: GET /ready?plugin=db = %d %s", code, body)
	}
	h = serve(t, "health.compat.profile: axway\nhealth.compat.moved_status_path: /page", check("db", nil))
	if code, body := get(h, "/status/db"); code != 200 || body != `{"result":"OK"}` {
		t.Errorf("axway: GET /status/db = %d %s", code, body)
	}
	if code, body := get(h, "/page"); code != 200 || !strings.Contains(body, "<html") {
		t.Errorf("axway: GET /page = %d, not the page", code)
	}
}
