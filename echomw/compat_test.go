package echomw_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/statuspage"
)

// recorded is one upstream response of testdata/compat (see its README).
type recorded struct {
	target, ctype, nosniff, body string
	code                         int
}

func readRecorded(t *testing.T, file string) recorded {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "compat", file))
	if err != nil {
		t.Fatal(err)
	}
	head, body, ok := strings.Cut(string(b), "\n\n")
	lines := strings.Split(head, "\n")
	if !ok || len(lines) != 4 {
		t.Fatalf("%s: not a recording", file)
	}
	code, err := strconv.Atoi(lines[1])
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return recorded{
		target:  strings.TrimPrefix(lines[0], "GET "),
		code:    code,
		ctype:   strings.TrimPrefix(lines[2], "Content-Type: "),
		nosniff: strings.TrimPrefix(lines[3], "X-Content-Type-Options: "),
		body:    body,
	}
}

// matches checks that GET path on every surface answers as recorded.
func matches(t *testing.T, hs map[string]http.Handler, path string, want recorded) {
	t.Helper()
	for name, h := range hs {
		r := do(t, h, http.MethodGet, path)
		if r.code != want.code || r.header.Get("Content-Type") != want.ctype ||
			r.header.Get("X-Content-Type-Options") != want.nosniff || r.body != want.body {
			t.Errorf("%s: GET %s = %d %q %q %q\nrecorded upstream: %d %q %q %q", name, path,
				r.code, r.header.Get("Content-Type"), r.header.Get("X-Content-Type-Options"), r.body,
				want.code, want.ctype, want.nosniff, want.body)
		}
	}
}

func TestRoadRunnerProfile(t *testing.T) {
	both := []string{core.GroupLiveness, core.GroupReadiness}
	rr := echomw.Config{Profile: echomw.ProfileRoadRunner, StatusPage: statuspage.New}
	t.Run("passing and failing", func(t *testing.T) {
		e, p := newEngine(t, comp("db", both...))
		start(t, e, p)
		h, hs := surfaces(t, e, rr)
		for _, ep := range []string{"health", "ready"} {
			matches(t, hs, "/"+ep, readRecorded(t, "roadrunner/"+ep+"_pass.txt"))
		}
		set(p, "db", core.StateDown, "refused", nil)
		force(t, e, p)
		for _, ep := range []string{"health", "ready"} {
			matches(t, hs, "/"+ep, readRecorded(t, "roadrunner/"+ep+"_fail.txt"))
		}
		cfg := rr
		cfg.UnavailableStatusCode = 500
		_, hs500 := surfaces(t, e, cfg)
		matches(t, hs500, "/health", readRecorded(t, "roadrunner/health_fail_500.txt"))
		// Shutting down: liveness stays 200, readiness fails, in text.
		h.SetLameDuck(true)
		nh := map[string]http.Handler{"net/http": h}
		matches(t, nh, "/health", readRecorded(t, "roadrunner/health_shutdown.txt"))
		matches(t, nh, "/ready", readRecorded(t, "roadrunner/ready_shutdown.txt"))
	})
	t.Run("selected plugins and unknown names", func(t *testing.T) {
		e, p := newEngine(t, comp("db", both...), comp("cache", both...), comp("proc", core.GroupLiveness))
		set(p, "cache", core.StateDown, "refused", nil)
		start(t, e, p)
		_, hs := surfaces(t, e, rr)
		for _, f := range []string{"health_plugins", "health_plugin_pass", "health_unknown", "health_unknown_and_known", "ready_plugins", "ready_unknown"} {
			want := readRecorded(t, "roadrunner/"+f+".txt")
			matches(t, hs, "/"+strings.SplitN(f, "_", 2)[0]+want.target, want)
		}
		// proc is not in readiness: unknown there, as upstream's registry
		// per endpoint.
		matches(t, hs, "/ready?plugin=proc", readRecorded(t, "roadrunner/ready_unknown.txt"))
		// The per-check paths and the page keep Vitals' shapes (the
		// profile takes no path of the page).
		expect(t, hs, map[string]int{"/ready/cache": 503, "/health/proc": 200})
		if r := do(t, hs["net/http"], "GET", "/status"); r.code != 200 || !strings.Contains(r.body, "<html") {
			t.Errorf("GET /status = %d, not the page", r.code)
		}
	})
	t.Run("empty group", func(t *testing.T) {
		e, p := newEngine(t, comp("proc", core.GroupLiveness))
		start(t, e, p)
		_, hs := surfaces(t, e, rr)
		matches(t, hs, "/ready", readRecorded(t, "roadrunner/ready_empty.txt"))
	})
	t.Run("jobs", func(t *testing.T) {
		jobs := fakeJobs{"queue": []core.JobsReport{
			{Pipeline: "emails", Driver: "amqp", Queue: "emails", Priority: 10, Active: 3, Delayed: 1, Reserved: 2, Ready: true},
			{Pipeline: "reports", Driver: "redis", Queue: "reports", Priority: 5, ErrorMessage: "connection refused"},
		}}
		q := comp("queue")
		q.Provider = "jobs"
		e, err := core.New(core.WithProviders(jobs), core.WithJitter(0), core.WithComponents(q))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.Stop(context.Background()) })
		if err := e.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := e.ForceCheck(context.Background()); err != nil {
			t.Fatal(err)
		}
		cfg := rr
		cfg.Details = echomw.DetailsAlways
		h, hs := surfaces(t, e, cfg)
		matches(t, hs, "/jobs", readRecorded(t, "roadrunner/jobs_pass.txt"))
		// Without details, error_message is empty.
		_, pub := surfaces(t, e, rr)
		if r := do(t, pub["net/http"], "GET", "/jobs"); strings.Contains(r.body, "refused") || !strings.Contains(r.body, `"error_message":""`) {
			t.Errorf("public /jobs shows the error: %s", r.body)
		}
		h.SetLameDuck(true)
		matches(t, map[string]http.Handler{"net/http": h}, "/jobs", readRecorded(t, "roadrunner/jobs_shutdown.txt"))
		// No jobs check: upstream's answer without a jobs plugin.
		e2, p2 := newEngine(t, comp("db"))
		start(t, e2, p2)
		_, hs2 := surfaces(t, e2, rr)
		matches(t, hs2, "/jobs", readRecorded(t, "roadrunner/jobs_none.txt"))
	})
	t.Run("unavailable_status_code", func(t *testing.T) {
		e, _ := newEngine(t)
		for code, want := range map[int]string{
			200: "UnavailableStatusCode: 200 is accepted by RoadRunner's status plugin (100-599) but not here",
			399: "UnavailableStatusCode: 399 is accepted by RoadRunner's status plugin",
			600: "UnavailableStatusCode: 600 is not an HTTP error status (400-599)",
			0:   "",
			500: "",
		} {
			cfg := rr
			cfg.UnavailableStatusCode = code
			_, err := echomw.New(e, cfg)
			if (want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), want) {
				t.Errorf("%d: err = %v, want %q", code, err, want)
			}
		}
	})
}

func TestAxwayProfile(t *testing.T) {
	// Upstream's recordings name each check "<endpoint>-name"; here a
	// check's name is its endpoint.
	ax := func(file string) recorded {
		r := readRecorded(t, "axway/"+file)
		r.body = strings.ReplaceAll(r.body, `"db-name"`, `"db"`)
		return r
	}
	t.Run("passing", func(t *testing.T) {
		e, p := newEngine(t, comp("db"))
		start(t, e, p)
		_, hs := surfaces(t, e, echomw.Config{Profile: echomw.ProfileAxway, Service: echomw.ServiceInfo{ID: "agent", Version: "1.2.3"}})
		matches(t, hs, "/status", ax("status_pass.txt"))
		matches(t, hs, "/status/db", ax("check_pass.txt"))
	})
	t.Run("failing", func(t *testing.T) {
		e, p := newEngine(t, comp("db"))
		set(p, "db", core.StateDown, "connection refused", nil)
		start(t, e, p)
		_, hs := surfaces(t, e, echomw.Config{Profile: echomw.ProfileAxway, Details: echomw.DetailsAlways, Service: echomw.ServiceInfo{ID: "agent"}})
		matches(t, hs, "/status", ax("status_fail.txt"))
		matches(t, hs, "/status/db", ax("check_fail.txt"))
		// Without details, the message is left out as upstream's empty
		// details are.
		_, hs = surfaces(t, e, echomw.Config{Profile: echomw.ProfileAxway})
		for name, h := range hs {
			if r := do(t, h, "GET", "/status/db"); r.code != 503 || r.body != `{"result":"FAIL"}` {
				t.Errorf("%s: no details: %d %q", name, r.code, r.body)
			}
		}
	})
	t.Run("unknown name", func(t *testing.T) {
		e, p := newEngine(t, comp("db"))
		start(t, e, p)
		h, hs := surfaces(t, e, echomw.Config{Profile: echomw.ProfileAxway})
		matches(t, hs, "/status/nope", ax("check_unknown.txt"))
		// Echo answers a path it has no route for in its own JSON.
		matches(t, map[string]http.Handler{"net/http": h}, "/status/db/x", ax("check_nested.txt"))
	})
	t.Run("moved page", func(t *testing.T) {
		e, p := newEngine(t, comp("db"))
		start(t, e, p)
		var logs strings.Builder
		cfg := echomw.DefaultConfig()
		cfg.Profile = echomw.ProfileAxway
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		_, hs := surfaces(t, e, cfg)
		if s := logs.String(); !strings.Contains(s, "the HTML status page moved") || !strings.Contains(s, "path=/vitals/status") || !strings.Contains(s, "field=MovedStatusPath") {
			t.Errorf("start log does not say where the page moved:\n%s", s)
		}
		for name, h := range hs {
			if r := do(t, h, "GET", "/vitals/status"); r.code != 200 || !strings.Contains(r.body, "<html") {
				t.Errorf("%s: GET /vitals/status = %d, not the page", name, r.code)
			}
			if r := do(t, h, "GET", "/status"); r.code != 200 || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("%s: GET /status = %d %s, not agent-sdk's JSON", name, r.code, r.header.Get("Content-Type"))
			}
		}
		cfg.MovedStatusPath = "/status/db"
		if _, err := echomw.New(e, cfg); err == nil || !strings.Contains(err.Error(), `MovedStatusPath: "/status/db" is already used by check "db": the per-check path of check "db" under Profile`) {
			t.Errorf("the page at a check's /status/{name}: %v", err)
		}
	})
	t.Run("unknown profile", func(t *testing.T) {
		e, _ := newEngine(t)
		if _, err := echomw.New(e, echomw.Config{Profile: "consul"}); err == nil || !strings.Contains(err.Error(), `Profile: "consul" is not a profile (want "roadrunner", "axway" or empty)`) {
			t.Errorf("err = %v", err)
		}
	})
}

// TestProfilesAnswerAnyMethod: upstream's handlers (a plain ServeMux
// route each) answer every method alike, so a profile's routes do too, on
// echo as on net/http.
func TestProfilesAnswerAnyMethod(t *testing.T) {
	for _, tc := range []struct {
		cfg   echomw.Config
		paths []string
	}{
		{echomw.Config{Profile: echomw.ProfileRoadRunner, StatusPage: statuspage.New}, []string{"/health", "/ready", "/health?plugin=db"}},
		{echomw.Config{Profile: echomw.ProfileAxway, Service: echomw.ServiceInfo{ID: "agent"}}, []string{"/status", "/status/db"}},
	} {
		e, p := newEngine(t, comp("db", core.GroupLiveness, core.GroupReadiness))
		start(t, e, p)
		_, hs := surfaces(t, e, tc.cfg)
		for sname, s := range hs {
			for _, path := range tc.paths {
				get := do(t, s, http.MethodGet, path)
				for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
					if r := do(t, s, m, path); r.code != get.code || r.body != get.body {
						t.Errorf("%s profile %s: %s %s = %d %q, GET = %d %q", tc.cfg.Profile, sname, m, path, r.code, r.body, get.code, get.body)
					}
				}
			}
		}
	}
}
