package echomw_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
	"github.com/vitals-go/vitals/echomw"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// normalize replaces what changes from run to run (times, durations).
func normalize(body string) string {
	body = regexp.MustCompile(`"time": "[^"]*"`).ReplaceAllString(body, `"time": "TIME"`)
	body = regexp.MustCompile(`"observedValue": [0-9.e+-]+`).ReplaceAllString(body, `"observedValue": 0.5`)
	return body
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -run %s -update rewrites it)\n--- got\n%s\n--- want\n%s", path, t.Name(), got, want)
	}
}

// goldenEngine is a service with a failing database, a slow optional
// cache, a jobs check and a liveness check, started.
func goldenEngine(t *testing.T) (*core.Engine, *coretest.Provider) {
	t.Helper()
	p := coretest.NewProvider("scripted")
	jobs := core.NewJobsProvider()
	err := jobs.Register("queue", core.JobsCheckerFunc(func(context.Context) ([]core.JobsReport, error) {
		return []core.JobsReport{
			{Pipeline: "emails", Priority: 10, Ready: true, Queue: "emails", Active: 3, Delayed: 1, Reserved: 2, Driver: "amqp"},
			{Pipeline: "reports", Priority: 5, Ready: false, Queue: "reports", Driver: "redis", ErrorMessage: "dial tcp 10.0.0.7:6379: connection refused"},
		}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	cache := comp("cache")
	cache.NonCritical = true
	queue := comp("queue")
	queue.Provider = "jobs"
	e, err := core.New(core.WithProviders(p, jobs), core.WithJitter(0),
		core.WithComponents(comp("db"), cache, queue, comp("proc", core.GroupLiveness)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	set(p, "db", core.StateDown, "dial tcp 10.0.0.5:5432: connection refused", map[string]any{"address": "10.0.0.5:5432"})
	set(p, "cache", core.StateDown, "GET http://cache.internal:8080/health: HTTP 500", map[string]any{"status_code": 500})
	start(t, e, p)
	return e, p
}

func TestGoldenBodies(t *testing.T) {
	e, _ := goldenEngine(t)
	h, err := echomw.New(e, echomw.Config{
		Token:   "s3cret",
		Service: echomw.ServiceInfo{ID: "orders", Version: "1.4.2", ReleaseID: "1.4.2-7f3c2e1", Description: "order service"},
	})
	if err != nil {
		t.Fatal(err)
	}
	auth := []string{"Authorization", "Bearer s3cret"}
	text := []string{"Accept", "text/plain"}
	cases := []struct {
		file, target string
		code         int
		header       []string
		lame         bool
	}{
		{"ready_public.json", "/ready", 503, nil, false},
		{"ready_details.json", "/ready", 503, auth, false},
		{"ready_exclude.json", "/ready?exclude=db", 200, nil, false},
		{"ready_text.txt", "/ready", 503, text, false},
		{"ready_text_details.txt", "/ready", 503, append(text, auth...), false},
		{"ready_verbose.txt", "/ready?verbose", 503, nil, false},
		{"ready_verbose_details.txt", "/ready?verbose", 503, auth, false},
		{"ready_verbose_exclude.txt", "/readyz?verbose&exclude=db&exclude=nope", 200, nil, false},
		{"ready_lameduck.txt", "/ready?verbose&exclude=db", 503, nil, true},
		{"health.json", "/health", 200, nil, true},
		{"health_text.txt", "/healthz", 200, text, true},
		{"check_db.json", "/ready/db", 503, nil, false},
		{"check_db_details.json", "/ready/db", 503, auth, false},
		{"check_cache_text.txt", "/ready/cache", 503, text, false},
		{"check_404.txt", "/ready/nope", 404, nil, false},
		{"jobs.json", "/jobs", 200, nil, false},
		{"jobs_details.json", "/jobs", 200, auth, false},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			h.SetLameDuck(c.lame)
			r := do(t, h, "GET", c.target, c.header...)
			if r.code != c.code {
				t.Errorf("GET %s = %d, want %d", c.target, r.code, c.code)
			}
			golden(t, c.file, normalize(r.body))
		})
	}
}

func TestGoldenPending(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("slow"))
	p.Hold("slow")
	start(t, e, p)
	h, err := echomw.New(e, echomw.Config{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "ready_pending.json", normalize(do(t, h, "GET", "/ready").body))
	golden(t, "ready_pending.txt", normalize(do(t, h, "GET", "/ready?verbose").body))
}
