package fxmodule_test

import (
	"net/http"
	"strings"
	"testing"

	"go.uber.org/fx"

	"github.com/vitals-go/vitals/fxmodule"
)

const (
	pprofToken   = "pprof-0123456789abcdef"
	detailsToken = "details-0123456789abcdef"
)

func pprofApp(t *testing.T, health string) string {
	t.Helper()
	rt, app := startApp(t, baseConfig+health)
	t.Cleanup(app.RequireStop)
	return base(t, rt)
}

// Off by default, even with details: always and a details token.
func TestPprofOffByDefault(t *testing.T) {
	u := pprofApp(t, "  details: always\n  token: "+detailsToken+"\n")
	for _, tok := range []string{"", detailsToken, pprofToken} {
		if code, _ := get(t, u+"/debug/pprof/heap", tok); code != http.StatusNotFound {
			t.Errorf("token %q: %d, want 404 (not mounted)", tok, code)
		}
	}
}

// On, it answers only its own token: not health.token, not details: always.
func TestPprofNeedsItsOwnToken(t *testing.T) {
	u := pprofApp(t, "  details: always\n  token: "+detailsToken+"\n  pprof: {enabled: true, token: "+pprofToken+"}\n")
	for _, tok := range []string{"", detailsToken, pprofToken + "x"} {
		for _, path := range []string{"/debug/pprof", "/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/profile?seconds=1"} {
			if code, _ := get(t, u+path, tok); code != http.StatusUnauthorized {
				t.Errorf("%s with token %q: %d, want 401", path, tok, code)
			}
		}
	}
	for path, want := range map[string]struct {
		code int
		body string
	}{
		"/debug/pprof/":                    {200, "/debug/pprof/goroutine\t"},
		"/debug/pprof/heap?debug=1":        {200, "heap profile:"},
		"/debug/pprof/goroutine?debug=2":   {200, "goroutine "},
		"/debug/pprof/cmdline":             {404, `no profile "cmdline"`},
		"/debug/pprof/profile?seconds=999": {400, "seconds: \"999\" is not in 1-60"},
		"/debug/pprof/trace?seconds=0":     {400, "is not in 1-60"},
	} {
		code, body := get(t, u+path, pprofToken)
		if code != want.code || !strings.Contains(body, want.body) {
			t.Errorf("%s: %d %.200q, want %d %q", path, code, body, want.code, want.body)
		}
	}
	code, body := get(t, u+"/debug/pprof/profile?seconds=1", pprofToken)
	if code != 200 || len(body) == 0 {
		t.Errorf("cpu profile: %d, %d bytes", code, len(body))
	}
}

func TestPprofWithoutEcho(t *testing.T) {
	app := fx.New(fx.NopLogger, fxmodule.Module, supplyConfig(t, "health: {pprof: {enabled: true, token: "+pprofToken+"}}"))
	if err := app.Err(); err == nil || !strings.Contains(err.Error(), "health.pprof.enabled: there is no *echo.Echo") {
		t.Fatalf("err = %v", err)
	}
}
