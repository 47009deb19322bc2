package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vitals-go/vitals/guest-sdk/go/probe"
	"github.com/vitals-go/vitals/guest-sdk/go/probetest"
)

// statusJSON is a status.json as a Statuspage serves it.
func statusJSON(indicator, description string) string {
	return `{"page":{"id":"kctbh9vrtdwd","name":"GitHub","url":"https://www.githubstatus.com","time_zone":"Etc/UTC","updated_at":"2026-01-02T03:04:05.678Z"},` +
		`"status":{"indicator":"` + indicator + `","description":"` + description + `"}}`
}

// statusServer serves /<indicator>/api/v2/status.json for any indicator,
// and a few broken answers.
func statusServer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if "/"+rest != StatusPath {
			http.NotFound(w, r)
			return
		}
		switch first {
		case "error":
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		case "html":
			_, _ = io.WriteString(w, "<html>not json</html>")
		case "empty":
			_, _ = io.WriteString(w, `{"page":{"name":"X"}}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, statusJSON(first, map[string]string{
				"none": "All Systems Operational", "minor": "Minor Service Outage", "major": "Partial System Outage",
				"critical": "Major System Outage", "maintenance": "Service Under Maintenance"}[first]))
		}
	})
}

func TestRegistered(t *testing.T) {
	if probe.Registered() == nil {
		t.Fatal("init did not register the probe")
	}
}

func TestStatuspage(t *testing.T) {
	const base = "https://status.example.com"
	for _, tc := range []struct {
		url     string
		status  probe.Status
		message string
	}{
		{base + "/none", probe.Up, "GitHub: All Systems Operational"},
		{base + "/none/api/v2/status.json", probe.Up, "GitHub: All Systems Operational"},
		{base + "/minor/", probe.Degraded, "GitHub: Minor Service Outage"},
		{base + "/maintenance", probe.Degraded, "GitHub: Service Under Maintenance"},
		{base + "/major", probe.Down, "GitHub: Partial System Outage"},
		{base + "/critical", probe.Down, "GitHub: Major System Outage"},
		{base + "/purple", probe.Degraded, "GitHub: unknown indicator purple: "},
		{base + "/error", probe.Down, "status page answered HTTP 503"},
		{base + "/html", probe.Down, "status page: response body: invalid character '<' looking for beginning of value"},
		{base + "/empty", probe.Down, "status page: no status.indicator in the response"},
		{base + "/missing/x.json", probe.Down, "status page answered HTTP 404"},
		{"https://other.example.com/none", probe.Down, "http_request https://other.example.com/none/api/v2/status.json: not granted by the component's allow list (code -1)"},
		{"", probe.Down, "config: url: missing (the status page URL, e.g. https://www.githubstatus.com)"},
		{"ftp://x/", probe.Down, "config: url: ftp://x/ is not an http or https URL"},
	} {
		out := probetest.Run(t, check, probetest.Env{
			Config:  map[string]any{"url": tc.url},
			Allow:   []string{base + "/"},
			Handler: statusServer(),
		})
		if out.Status != tc.status || out.Message != tc.message {
			t.Errorf("%s: got %v, want %s %q", tc.url, out, tc.status, tc.message)
		}
		if tc.status == probe.Degraded && (len(out.Logs) != 1 || !strings.HasPrefix(out.Logs[0].Msg, "status page reports a problem page=GitHub")) {
			t.Errorf("%s: logs %v", tc.url, out.Logs)
		}
	}

	out := probetest.Run(t, check, probetest.Env{Config: map[string]any{"url": base + "/minor"}, Allow: []string{base + "/"}, Handler: statusServer()})
	want := map[string]any{"indicator": "minor", "description": "Minor Service Outage", "page": "GitHub",
		"updated_at": "2026-01-02T03:04:05.678Z", "url": base + "/minor/api/v2/status.json"}
	for k, v := range want {
		if out.Details[k] != v {
			t.Errorf("details[%s] = %v, want %v", k, out.Details[k], v)
		}
	}

	out = probetest.Run(t, check, probetest.Env{Config: map[string]any{"url": 5}})
	if out.Status != probe.Down || !strings.HasPrefix(out.Message, "config: json: cannot unmarshal number") {
		t.Errorf("bad config: %v", out)
	}
}

// TestStatuspageRealHTTP runs the probe against a local server over the
// network (net/http), as the host would.
func TestStatuspageRealHTTP(t *testing.T) {
	srv := httptest.NewServer(statusServer())
	defer srv.Close()
	out := probetest.Run(t, check, probetest.Env{Config: map[string]any{"url": srv.URL + "/critical"}, Allow: []string{srv.URL + "/critical/api/"}})
	if out.Status != probe.Down || out.Message != "GitHub: Major System Outage" {
		t.Fatalf("got %v", out)
	}
}
