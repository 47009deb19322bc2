package fxmodule_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/fx"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/confkit"
	"github.com/vitals-go/vitals/fxmodule/config"
	"github.com/vitals-go/vitals/internal/testfile"
)

// planted is a secret no surface may print.
const planted = "pl4nted-s3cret-7f3a"

// plantSecret writes planted to a file and returns the file's path.
func plantSecret(t *testing.T) string {
	t.Helper()
	return testfile.Write(t, "secret", planted+"\n")
}

// A secret resolved from ${file:PATH} is used by the check (the request
// carries it) and printed by no surface: load errors, the engine's and the
// runtime's logs, the details of /health and the status page. The
// "config validate" output is covered in fxmodule/cmd/vitals.
func TestSecretsNeverPrinted(t *testing.T) {
	secret := plantSecret(t)

	// Load errors that would quote the value.
	bad := "health: {interval: '${file:" + secret + "}', checks: [{name: a, provider: tcp, timeout: 'x${file:" + secret + "}'}]}"
	_, err := config.Load(config.LoadOptions{File: testfile.Write(t, "bad.yaml", bad)})
	if err == nil || strings.Contains(err.Error(), planted) || !strings.Contains(err.Error(), `health.interval: "[redacted]" is not a duration`) {
		t.Errorf("load error = %v", err)
	}
	if len(confkit.Fields(err)) != 2 {
		t.Errorf("load error lost its structure: %v", err)
	}
	f2 := testfile.Write(t, "missing.yaml", "health: {token: '${env:VITALS_TEST_NOT_SET_ANYWHERE}'}")
	if _, err := config.Load(config.LoadOptions{File: f2}); err == nil ||
		!strings.Contains(err.Error(), "health.token: ${env:VITALS_TEST_NOT_SET_ANYWHERE}: the environment variable VITALS_TEST_NOT_SET_ANYWHERE is not set") {
		t.Errorf("missing variable: %v", err)
	}

	// A running app whose check fails with the secret in its URL.
	var mu sync.Mutex
	var seen []string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.Header.Get("X-Key"))
		mu.Unlock()
		http.Error(w, "no: "+r.URL.Path, http.StatusServiceUnavailable)
	}))
	defer up.Close()
	var l logs
	// An app's own check that puts the secret in its error.
	leaky := appCheck(core.Component{Name: "leaky", Interval: time.Hour},
		func(context.Context) error { return core.Degraded(errors.New("token " + planted + " rejected")) })
	rt, app := startApp(t, baseConfig+`
  details: always
  token: "${file:`+secret+`}"
  checks:
    - name: upstream
      provider: http
      config: {url: "`+up.URL+`/${file:`+secret+`}", expect_body: "${file:`+secret+`}", headers: {X-Key: "${file:`+secret+`}"}}
`, fx.Supply(l.Logger()), leaky)
	eng := rt.Engine()
	if err := eng.ForceCheck(ctxTimeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	cs, _ := eng.Snapshot().Get("upstream")
	if cs.Result.State == core.StateUp {
		t.Fatalf("upstream is up: %+v", cs.Result)
	}
	mu.Lock()
	used := strings.Join(seen, "\n")
	mu.Unlock()
	if !strings.Contains(used, "/"+planted+" "+planted) {
		t.Errorf("the check did not send the secret: %q", used)
	}
	leak, _ := eng.Snapshot().Get("leaky")
	if leak.Result.State != core.StateDegraded || leak.Result.Message != "token [redacted] rejected" {
		t.Errorf("the app's check = %s %q, want degraded with the secret redacted", leak.Result.State, leak.Result.Message)
	}
	surfaces := map[string]string{"check": cs.Result.Message + " " + errText(cs.Result.Err)}
	_, surfaces["/health/leaky"] = get(t, base(t, rt)+"/ready/leaky", "")
	_, surfaces["/health"] = get(t, base(t, rt)+"/health/upstream", "")
	_, surfaces["/ready"] = get(t, base(t, rt)+"/ready", "")
	_, surfaces["/status"] = get(t, base(t, rt)+"/status", "")
	app.RequireStop()
	surfaces["logs"] = l.String()
	for name, text := range surfaces {
		if strings.Contains(text, planted) {
			t.Errorf("%s prints the secret:\n%s", name, text)
		}
	}
	if !strings.Contains(surfaces["/ready"], confkit.Redacted) {
		t.Errorf("/ready shows no redacted value (is the URL in its details?):\n%s", surfaces["/ready"])
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
