package echomw_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/echomw"
	"github.com/vitals-go/vitals/echomw/echoroute"
	"github.com/vitals-go/vitals/echomw/statuspage"
	"github.com/vitals-go/vitals/internal/testerr"
)

func TestOptionsIsNotEchosAutomatic204(t *testing.T) {
	e, p := newEngine(t, comp("db"))
	set(p, "db", core.StateDown, "refused", nil)
	start(t, e, p)
	ec := echo.New()
	ec.GET("/other", func(c echo.Context) error { return c.String(http.StatusServiceUnavailable, "down") })
	if err := echoroute.Register(ec, e); err != nil {
		t.Fatal(err)
	}
	// What echo does on its own for a route without an OPTIONS handler,
	// and why HAProxy's default OPTIONS probe would see a dead server up.
	if r := do(t, ec, http.MethodOptions, "/other"); r.code != http.StatusNoContent {
		t.Fatalf("echo's own OPTIONS answer = %d; this test assumes 204", r.code)
	}
	for _, path := range []string{"/ready", "/readyz", "/ready/db", "/readyz/db"} {
		if r := do(t, ec, http.MethodOptions, path); r.code != 503 {
			t.Errorf("OPTIONS %s = %d, want 503 as GET", path, r.code)
		}
	}
}

func TestOtherMethods(t *testing.T) {
	e, p := newEngine(t, comp("db"))
	start(t, e, p)
	_, hs := surfaces(t, e, echomw.DefaultConfig())
	for name, h := range hs {
		for _, path := range []string{"/ready", "/health", "/jobs", "/ready/db", "/status"} {
			for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
				if r := do(t, h, m, path); r.code != http.StatusMethodNotAllowed {
					t.Errorf("%s: %s %s = %d, want 405", name, m, path, r.code)
				}
			}
		}
	}
}

func TestPerCheckUnknownName(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("proc", core.GroupLiveness))
	start(t, e, p)
	_, hs := surfaces(t, e, echomw.Config{})
	for name, h := range hs {
		for path, want := range map[string]string{
			"/ready/nope":  `no readiness check named "nope"; readiness checks: db`,
			"/readyz/proc": `no readiness check named "proc"; readiness checks: db`,
			"/health/db":   `no liveness check named "db"; liveness checks: proc`,
			"/livez/x":     `no liveness check named "x"; liveness checks: proc`,
		} {
			for _, m := range []string{http.MethodGet, http.MethodOptions} {
				r := do(t, h, m, path)
				if r.code != http.StatusNotFound || !strings.Contains(r.body, want) {
					t.Errorf("%s: %s %s = %d %q, want 404 %q", name, m, path, r.code, r.body, want)
				}
			}
		}
	}
}

func TestPathsAndAliases(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("proc", core.GroupLiveness))
	start(t, e, p)
	cases := []struct {
		name      string
		cfg       echomw.Config
		served    []string
		notServed []string
	}{
		{"defaults", echomw.DefaultConfig(),
			[]string{"/health", "/ready", "/jobs", "/status", "/livez", "/healthz", "/readyz", "/health/proc", "/ready/db", "/livez/proc", "/healthz/proc", "/readyz/db"},
			[]string{"/jobs/x", "/status/x", "/ready/db/x", "/", "/readyz/"}},
		{"aliases off", echomw.Config{DisableAliases: true},
			[]string{"/health", "/ready", "/ready/db"},
			[]string{"/livez", "/healthz", "/readyz", "/readyz/db"}},
		{"per-check paths off", echomw.Config{DisablePerCheckPaths: true},
			[]string{"/health", "/ready", "/readyz"},
			[]string{"/ready/db", "/health/proc", "/readyz/db"}},
		{"deprecated Aliases: Off", echomw.Config{Aliases: echomw.Off},
			[]string{"/health", "/ready", "/ready/db"},
			[]string{"/livez", "/healthz", "/readyz", "/readyz/db"}},
		{"deprecated PerCheckPaths: Off", echomw.Config{PerCheckPaths: echomw.Off},
			[]string{"/health", "/ready", "/readyz"},
			[]string{"/ready/db", "/health/proc", "/readyz/db"}},
		{"deprecated On does not override Disable", echomw.Config{Aliases: echomw.On, DisableAliases: true, PerCheckPaths: echomw.On, DisablePerCheckPaths: true},
			[]string{"/health", "/ready"},
			[]string{"/livez", "/healthz", "/readyz", "/ready/db", "/health/proc"}},
		{"disabled endpoints", echomw.Config{HealthPath: "-", JobsPath: "-", StatusPath: "-"},
			[]string{"/ready", "/readyz", "/ready/db"},
			[]string{"/health", "/livez", "/healthz", "/health/proc", "/jobs", "/status"}},
		{"custom paths", echomw.Config{HealthPath: "/-/live", ReadyPath: "/-/ready", JobsPath: "/-/jobs", StatusPath: "/-/status", StatusPage: statuspage.New},
			[]string{"/-/live", "/-/ready", "/-/jobs", "/-/status", "/-/ready/db", "/livez", "/readyz/db"},
			[]string{"/health", "/ready", "/jobs", "/status"}},
		{"a configured path that is an alias", echomw.Config{HealthPath: "/healthz", ReadyPath: "/readyz"},
			[]string{"/healthz", "/readyz", "/livez", "/healthz/proc", "/readyz/db"},
			[]string{"/health", "/ready"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, hs := surfaces(t, e, c.cfg)
			for name, h := range hs {
				for _, path := range c.served {
					if r := do(t, h, "GET", path); r.code != 200 {
						t.Errorf("%s: GET %s = %d, want 200\n%s", name, path, r.code, r.body)
					}
				}
				for _, path := range c.notServed {
					if r := do(t, h, "GET", path); r.code != 404 {
						t.Errorf("%s: GET %s = %d, want 404", name, path, r.code)
					}
				}
			}
		})
	}
}

func TestEchoGroup(t *testing.T) {
	e, p := newEngine(t, comp("db"))
	start(t, e, p)
	ec := echo.New()
	g := ec.Group("/internal", func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("X-Group", "yes")
			return next(c)
		}
	})
	if err := echoroute.RegisterWithConfig(g, e, echomw.Config{DisableAliases: true, StatusPage: statuspage.New}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/internal/ready", "/internal/health", "/internal/ready/db", "/internal/jobs", "/internal/status"} {
		r := do(t, ec, "GET", path)
		if r.code != 200 || r.header.Get("X-Group") != "yes" {
			t.Errorf("GET %s = %d, X-Group %q", path, r.code, r.header.Get("X-Group"))
		}
	}
	if r := do(t, ec, "GET", "/ready"); r.code != 404 {
		t.Errorf("GET /ready outside the group = %d", r.code)
	}
}

func TestConfigErrors(t *testing.T) {
	e, _ := newEngine(t)
	cases := []struct {
		cfg  echomw.Config
		want []string
	}{
		{echomw.Config{HealthPath: "health"}, []string{`echomw: HealthPath: "health" must start with "/" (or "-" to disable)`}},
		{echomw.Config{ReadyPath: "/ready/"}, []string{`ReadyPath: "/ready/" must not end with "/"`}},
		{echomw.Config{JobsPath: "/jobs/:id"}, []string{"JobsPath:", "':'"}},
		{echomw.Config{StatusPath: "/"}, []string{`StatusPath: "/" must not be "/"`}},
		{echomw.Config{ReadyPath: "/health"}, []string{`ReadyPath: "/health" is already used by HealthPath`}},
		{echomw.Config{UnavailableStatusCode: 200}, []string{"UnavailableStatusCode: 200 is not an HTTP error status (400-599)"}},
		{echomw.Config{Details: "sometimes"}, []string{`Details: "sometimes" is not one of "never", "authorized", "always"`}},
		{echomw.Config{Aliases: 7}, []string{"Aliases: 7 is not a Toggle"}},
		{echomw.Config{PerCheckPaths: -1}, []string{"PerCheckPaths: -1 is not a Toggle"}},
		{echomw.Config{Token: "a b"}, []string{"Token: must not contain white space"}},
		{echomw.Config{Status: statusCfg(-1), StatusPage: statuspage.New}, []string{"echomw: Status.History: -1"}},
		{echomw.Config{StatusPath: "/page"}, []string{`StatusPath: "/page" is set but StatusPage is nil: set StatusPage to statuspage.New`}},
		{echomw.Config{HealthPath: "x", Details: "y"}, []string{"HealthPath:", "Details:"}},
	}
	for _, c := range cases {
		ec := echo.New()
		err := echoroute.RegisterWithConfig(ec, e, c.cfg)
		if !testerr.Says(t, fmt.Sprintf("%+v", c.cfg), err, c.want...) {
			continue
		}
		if n := strings.Count(strings.TrimPrefix(err.Error(), "echomw: "), "\n") + 1; len(confkit.Fields(err)) != n {
			t.Errorf("%+v: %d problems, %d *confkit.FieldErrors: %v", c.cfg, n, len(confkit.Fields(err)), err)
		}
		if n := len(ec.Routes()); n != 0 {
			t.Errorf("%+v: %d routes added despite the error", c.cfg, n)
		}
		if _, err := echomw.New(e, c.cfg); err == nil {
			t.Errorf("%+v: New: no error", c.cfg)
		}
	}
	if _, err := echomw.New(nil, echomw.Config{}); err == nil || !strings.Contains(err.Error(), "engine is nil") {
		t.Errorf("nil engine: %v", err)
	}
	if err := echoroute.Register(nil, e); err == nil || !strings.Contains(err.Error(), "router is nil") {
		t.Errorf("nil router: %v", err)
	}
}

func TestDefaultConfigIsTheZeroConfigWithThePage(t *testing.T) {
	e, p := newEngine(t, comp("db"), comp("proc", core.GroupLiveness))
	set(p, "db", core.StateDown, "refused", nil)
	start(t, e, p)
	zero, err := echomw.New(e, echomw.Config{})
	if err != nil {
		t.Fatal(err)
	}
	def, err := echomw.New(e, echomw.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/health", "/ready", "/jobs", "/livez", "/healthz", "/readyz", "/ready/db", "/health/proc", "/nope", "/readyz/db?verbose"} {
		a, b := do(t, zero, "GET", path), do(t, def, "GET", path)
		if a.code != b.code || a.body != b.body {
			t.Errorf("GET %s: zero config %d, DefaultConfig %d", path, a.code, b.code)
		}
	}
	// The one difference: the zero Config has no status page (StatusPage
	// nil), so that a program that does not use it does not link it.
	if a, b := do(t, zero, "GET", "/status"), do(t, def, "GET", "/status"); a.code != 404 || b.code != 200 {
		t.Errorf("GET /status: zero config %d, DefaultConfig %d; want 404 and 200", a.code, b.code)
	}
	if c := echomw.DefaultConfig(); c.UnavailableStatusCode != 503 || c.Details != echomw.DetailsAuthorized || c.DisableAliases || c.DisablePerCheckPaths {
		t.Errorf("DefaultConfig = %+v", c)
	}
}

func TestToggle(t *testing.T) {
	if echomw.OnIf(true) != echomw.On || echomw.OnIf(false) != echomw.Off {
		t.Error("OnIf")
	}
	if !echomw.ToggleDefault.Enabled(true) || echomw.ToggleDefault.Enabled(false) || !echomw.On.Enabled(false) || echomw.Off.Enabled(true) {
		t.Error("Enabled")
	}
	for tg, want := range map[echomw.Toggle]string{echomw.ToggleDefault: "default", echomw.On: "on", echomw.Off: "off", 9: "toggle(9)"} {
		if tg.String() != want {
			t.Errorf("%d.String() = %q", tg, tg.String())
		}
	}
}

// TestPerCheckPathLongNames serves per-check paths of names at the limit
// (core.MaxNameLength) as they are, unescaped, on both surfaces.
func TestPerCheckPathLongNames(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 16)[:core.MaxNameLength-4] + ".a_b"
	dns := "api.payments.eu-west-1.internal.example.com"
	e, p := newEngine(t, comp(long), comp(dns, core.GroupLiveness))
	set(p, long, core.StateDown, "refused", nil)
	start(t, e, p)
	_, hs := surfaces(t, e, echomw.Config{})
	for name, h := range hs {
		for path, code := range map[string]int{"/ready/" + long: 503, "/readyz/" + long: 503, "/health/" + dns: 200, "/livez/" + dns: 200} {
			r := do(t, h, http.MethodGet, path+"?verbose")
			if r.code != code {
				t.Errorf("%s: GET %s = %d, want %d\n%s", name, path, r.code, code, r.body)
			}
		}
		if r := do(t, h, http.MethodGet, "/ready/"+long+"x"); r.code != http.StatusNotFound {
			t.Errorf("%s: a name past the limit = %d, want 404", name, r.code)
		}
	}
}

// Regression tests of silent shadowing, written against the API main had
// before the route table (see /work/notes/h18-regressions.md).

// TestStatusPageUnderPerCheckPrefix: a page under /health/ was answered
// by the per-check path ("no liveness check named page"), never served.
func TestStatusPageUnderPerCheckPrefix(t *testing.T) {
	e, p := newEngine(t, comp("db"))
	start(t, e, p)
	h, err := echomw.New(e, echomw.Config{StatusPage: statuspage.New, StatusPath: "/health/page"})
	if err != nil {
		t.Fatal(err)
	}
	if r := do(t, h, "GET", "/health/page"); r.code != 200 || !strings.Contains(r.body, "<html") {
		t.Errorf("GET /health/page = %d %q, want the status page", r.code, firstLine(r.body))
	}
}

// TestStatusPageNamedLikeACheck: a page at /health/status with a liveness
// check named status hid one of the two without a word.
func TestStatusPageNamedLikeACheck(t *testing.T) {
	e, p := newEngine(t, comp("status", core.GroupLiveness))
	start(t, e, p)
	_, err := echomw.New(e, echomw.Config{StatusPage: statuspage.New, StatusPath: "/health/status"})
	if err == nil || !strings.Contains(err.Error(), `StatusPath: "/health/status" is already used by check "status"`) {
		t.Errorf("err = %v, want the collision naming StatusPath and the check", err)
	}
}

// TestJobsPathAtAnAlias: JobsPath /readyz silently dropped the /readyz
// alias of ReadyPath.
func TestJobsPathAtAnAlias(t *testing.T) {
	e, _ := newEngine(t)
	_, err := echomw.New(e, echomw.Config{JobsPath: "/readyz"})
	if err == nil || !strings.Contains(err.Error(), `JobsPath: "/readyz" is already used by Aliases (/readyz as ReadyPath)`) {
		t.Errorf("err = %v, want the collision naming JobsPath and the alias", err)
	}
}
