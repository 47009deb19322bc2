package fxmodule_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core/coretest"
)

// get GETs url with an optional bearer token and returns status and body.
func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The routes follow health.paths.*, the status code, the details policy
// and the service keys.
func TestRoutesFromConfig(t *testing.T) {
	var tg toggle
	rt, app := startApp(t, `
server: {address: "127.0.0.1:0"}
health:
  unavailable_status_code: 500
  details: authorized
  token: s3cret
  service: {id: orders, version: "1.2"}
  paths: {ready: /rdy, health: /alive, jobs: "-", status: /st, aliases: false}
  lameduck: {period: 0s, signals: []}
`, tg.provide("db"))
	defer app.RequireStop()
	url := base(t, rt)
	coretest.Eventually(t, 3*time.Second, "/rdy 200", func() bool { return status(url+"/rdy") == http.StatusOK })
	code, body := get(t, url+"/rdy", "")
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil || doc["serviceId"] != "orders" || doc["version"] != "1.2" {
		t.Errorf("/rdy = %d %s", code, body)
	}
	for path, want := range map[string]int{
		"/alive": 200, "/rdy/db": 200, "/st": 200,
		"/alive/db": 404, // db is a readiness check only
		"/ready":    404, "/health": 404, "/jobs": 404, "/status": 404, "/readyz": 404,
	} {
		if got := status(url + path); got != want {
			t.Errorf("%s = %d, want %d", path, got, want)
		}
	}
	tg.down.Store(true)
	coretest.Eventually(t, 3*time.Second, "/rdy fails with the configured code", func() bool { return status(url+"/rdy") == 500 })
	// Public answers name the check and its state, not its message.
	if _, body := get(t, url+"/rdy", ""); !strings.Contains(body, `"db"`) || strings.Contains(body, "switched off") {
		t.Errorf("public /rdy body shows the message or not the check:\n%s", body)
	}
	if _, body := get(t, url+"/rdy", "s3cret"); !strings.Contains(body, "switched off") {
		t.Errorf("authorized /rdy body lacks the message:\n%s", body)
	}
}

// The status page follows health.status.* and the details policy.
func TestStatusPage(t *testing.T) {
	var tg toggle
	tg.down.Store(true)
	rt, app := startApp(t, baseConfig+`
  token: s3cret
  service: {id: orders}
  status: {title: Orders status, refresh: 5s, history: 20}
`, tg.provide("db"))
	defer app.RequireStop()
	url := base(t, rt) + "/status"
	coretest.Eventually(t, 3*time.Second, "db checked", func() bool {
		_, body := get(t, url, "s3cret")
		return strings.Contains(body, "switched off")
	})
	code, body := get(t, url, "")
	if code != http.StatusOK || !strings.Contains(body, "Orders status") || !strings.Contains(body, "db") {
		t.Errorf("/status = %d:\n%s", code, body)
	}
	if !strings.Contains(body, `http-equiv="refresh"`) {
		t.Error("no refresh on the page")
	}
	if strings.Contains(body, "switched off") {
		t.Error("public status page shows the check's message")
	}
}
