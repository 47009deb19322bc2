package core_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// TestHTTPProvider5xxIsDown is the regression test of issue 17: a target
// answering 500 was Degraded, which is healthy (routable), so the
// component stayed in Snapshot.Healthy and /ready answered 200.
func TestHTTPProvider5xxIsDown(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpTarget())
	t.Cleanup(srv.Close)
	p := &core.HTTPProvider{}
	t.Cleanup(func() { _ = p.Close(context.Background()) })

	res := checkWithin(t, p, map[string]any{"url": srv.URL + "/status/500"}, 5*time.Second)
	if res.State != core.StateDown || !strings.Contains(res.Message, "HTTP 500 Internal Server Error, want 200-399") || res.Err == nil {
		t.Errorf("500: got %s %q %v, want down", res.State, res.Message, res.Err)
	}

	e, err := core.New(core.WithProviders(p), core.WithJitter(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop(context.Background()) })
	mustAdd(t, e, core.Component{Name: "dep", Provider: "http", Interval: time.Hour, Fall: 1, Rise: 1,
		Config: map[string]any{"url": srv.URL + "/status/500"}})
	if err := e.ForceCheck(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := e.Snapshot()
	if cs, _ := s.Get("dep"); cs.Result.State != core.StateDown || slices.Contains(s.Healthy(), "dep") {
		t.Errorf("dep is %s %q, healthy: %v; want down and not healthy", cs.Result.State, cs.Result.Message, s.Healthy())
	}
}

func judgeTarget() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", httpTarget())
	mux.HandleFunc("/json/{doc}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.PathValue("doc") {
		case "status":
			fmt.Fprint(w, `{"status":{"indicator":"minor","description":"Partial outage"},"page":{"id":"x1"},`+
				`"components":[{"name":"api","status":"operational","latency":12.5},{"name":"db","status":"degraded"}],`+
				`"ok":true,"count":3,"tags":["eu","prod"],"nothing":null,"a.b":{"c":1}}`)
		case "html":
			fmt.Fprint(w, "<html>not json</html>")
		case "two":
			fmt.Fprint(w, `{} {}`)
		}
	})
	mux.HandleFunc("/sleep/{ms}", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.PathValue("ms"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		fmt.Fprint(w, "slept")
	})
	return mux
}

func TestHTTPProviderJudgement(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(judgeTarget())
	t.Cleanup(srv.Close)
	js := srv.URL + "/json/status"
	tests := []struct {
		name string
		cfg  map[string]any
		want core.State
		msg  string // substring of the message
	}{
		{"404 is down", map[string]any{"url": srv.URL + "/nope"}, core.StateDown, "HTTP 404 Not Found, want 200-399"},
		{"429 degraded by choice", map[string]any{"url": srv.URL + "/status/429", "degraded_status": 429}, core.StateDegraded, "HTTP 429 Too Many Requests, want 200-399 (degraded_status: 429)"},
		{"class degraded", map[string]any{"url": srv.URL + "/status/404", "degraded_status": "4xx"}, core.StateDegraded, "degraded_status: 400-499"},
		{"5xx outside degraded_status", map[string]any{"url": srv.URL + "/status/503", "degraded_status": "4xx"}, core.StateDown, "HTTP 503"},
		{"old behaviour", map[string]any{"url": srv.URL + "/status/503", "degraded_status": "100-599"}, core.StateDegraded, "HTTP 503"},
		{"expected wins over degraded", map[string]any{"url": srv.URL + "/ok", "degraded_status": "100-599"}, core.StateUp, "HTTP 200 OK"},
		{"redirect followed by default", map[string]any{"url": srv.URL + "/redirect", "expect_status": 200}, core.StateUp, "HTTP 200"},
		{"3xx is the answer", map[string]any{"url": srv.URL + "/redirect", "follow_redirects": false}, core.StateUp, "HTTP 302 Found"},
		{"3xx not expected", map[string]any{"url": srv.URL + "/redirect", "follow_redirects": "false", "expect_status": "2xx"}, core.StateDown, "HTTP 302 Found, want 200-299"},
		{"redirect loop not followed", map[string]any{"url": srv.URL + "/loop", "follow_redirects": false}, core.StateUp, "HTTP 302"},
		{"slow is degraded", map[string]any{"url": srv.URL + "/sleep/50", "max_duration": "10ms"}, core.StateDegraded, "more than max_duration 10ms"},
		{"fast enough", map[string]any{"url": srv.URL + "/sleep/0", "max_duration": "1h"}, core.StateUp, "HTTP 200"},
		{"slow and failing is down", map[string]any{"url": srv.URL + "/status/500", "max_duration": "1ns"}, core.StateDown, "HTTP 500"},
		{"body missing is down", map[string]any{"url": srv.URL + "/ok", "expect_body": "healthy"}, core.StateDown, `does not contain "healthy"`},

		{"json all hold", map[string]any{"url": js, "expect_json": []any{
			`$.status.indicator == "minor"`, `$.status.indicator != none`, "$.count == 3", "$.count > 2", "$.count >= 3",
			"$.count < 4", "$.count <= 3", `$.count == "3"`, "$.ok == true", "$.nothing == null", "$.page.id exists",
			`$.components[0].name == api`, "$.components[0].latency < 100", `$.tags contains "prod"`,
			`$.status.description contains outage`, `$.status.description matches "^Partial (outage|degradation)$"`,
			`$["a.b"].c == 1`, "$.nothing exists",
		}}, core.StateUp, "HTTP 200"},
		{"json map form", map[string]any{"url": js, "expect_json": []any{
			map[string]any{"path": "$.components[1].status", "op": "==", "value": "degraded"},
			map[string]any{"path": "$.count", "op": ">", "value": "2"},
			map[string]any{"path": "$.count", "value": 3},
			map[string]any{"path": "$.page", "op": "exists"},
		}}, core.StateUp, "HTTP 200"},
		{"json first failing named", map[string]any{"url": js, "expect_json": []any{
			"$.ok == true", `$.status.indicator == "none"`, "$.count > 100",
		}}, core.StateDown, `HTTP 200 OK, but $.status.indicator == "none": got "minor"`},
		{"json missing path", map[string]any{"url": js, "expect_json": []any{"$.components[5].name exists"}}, core.StateDown, "$.components[5].name exists: no such value"},
		{"json not a number", map[string]any{"url": js, "expect_json": []any{"$.tags > 1"}}, core.StateDown, `$.tags > 1: got ["eu","prod"], not a number`},
		{"json regex fails", map[string]any{"url": js, "expect_json": []any{`$.page.id matches "^y"`}}, core.StateDown, `$.page.id matches "^y": got "x1"`},
		{"json list lacks", map[string]any{"url": js, "expect_json": []any{`$.tags contains us`}}, core.StateDown, `got ["eu","prod"]`},
		{"not json", map[string]any{"url": srv.URL + "/json/html", "expect_json": []any{"$ exists"}}, core.StateDown, "the body is not JSON"},
		{"two documents", map[string]any{"url": srv.URL + "/json/two", "expect_json": []any{"$ exists"}}, core.StateDown, "more than one JSON value"},
		{"json cut by the bound", map[string]any{"url": js, "max_body_bytes": 20, "expect_json": []any{"$ exists"}}, core.StateDown, "raise max_body_bytes"},
	}
	p := &core.HTTPProvider{}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := checkWithin(t, p, tc.cfg, 5*time.Second)
			if res.State != tc.want || !strings.Contains(res.Message, tc.msg) {
				t.Fatalf("got %s %q, want %s containing %q", res.State, res.Message, tc.want, tc.msg)
			}
			if (res.State == core.StateUp) != (res.Err == nil) {
				t.Errorf("state %s with err %v", res.State, res.Err)
			}
			if ms, ok := res.Details["duration_ms"].(float64); !ok || ms <= 0 {
				t.Errorf("duration_ms = %v", res.Details["duration_ms"])
			}
		})
	}
}

func TestHTTPProviderTLSMinValid(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	now := time.Now()
	valid := tlsServer(t, ca.leaf(t, "127.0.0.1", now.Add(-time.Hour), now.Add(90*24*time.Hour)))
	expiring := tlsServer(t, ca.leaf(t, "127.0.0.1", now.Add(-time.Hour), now.Add(48*time.Hour)))
	expired := tlsServer(t, ca.leaf(t, "127.0.0.1", now.Add(-48*time.Hour), now.Add(-time.Hour)))
	wrongHost := tlsServer(t, ca.leaf(t, "other.test", now.Add(-time.Hour), now.Add(90*24*time.Hour)))

	client := trustingClient(ca.pool)
	p := &core.HTTPProvider{Client: client}
	t.Cleanup(func() { _ = p.Close(context.Background()); client.CloseIdleConnections() })
	tests := []struct {
		name string
		cfg  map[string]any
		want core.State
		msg  string
	}{
		{"valid", map[string]any{"url": valid.URL, "tls_min_valid": "336h"}, core.StateUp, "HTTP 200"},
		{"expiring", map[string]any{"url": expiring.URL, "tls_min_valid": "336h"}, core.StateDegraded, `certificate "CN=127.0.0.1,O=Vitals tests" expires in 4`},
		{"expiring, not judged", map[string]any{"url": expiring.URL}, core.StateUp, "HTTP 200"},
		{"expiring and slow", map[string]any{"url": expiring.URL, "tls_min_valid": "336h", "max_duration": "1ns"}, core.StateDegraded, "less than tls_min_valid 336h0m0s; took"},
		{"expired", map[string]any{"url": expired.URL, "tls_min_valid": "336h"}, core.StateDown, "expired"},
		{"expired, skip verify", map[string]any{"url": expired.URL, "tls_min_valid": "1h", "tls_skip_verify": true}, core.StateDown, "HTTP 200 OK, but certificate \"CN=127.0.0.1,O=Vitals tests\" expired at"},
		{"wrong host", map[string]any{"url": wrongHost.URL, "tls_min_valid": "1h"}, core.StateDown, "127.0.0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := checkWithin(t, p, tc.cfg, 5*time.Second)
			if res.State != tc.want || !strings.Contains(res.Message, tc.msg) {
				t.Fatalf("got %s %q, want %s containing %q", res.State, res.Message, tc.want, tc.msg)
			}
			if res.Details["status_code"] == nil {
				return // no answer: no TLS details either
			}
			d, ok := res.Details["tls"].(map[string]any)
			if !ok || d["issuer"] != "CN=Vitals Test CA" || d["subject"] != "CN=127.0.0.1,O=Vitals tests" ||
				d["version"] == "" || d["cipher"] == "" || d["not_after"] == nil || d["expires_in"] == nil {
				t.Errorf("tls details = %v", res.Details["tls"])
			}
		})
	}
}

func TestHTTPProviderValidateJudgementKeys(t *testing.T) {
	t.Parallel()
	wantConfigErrors(t, &core.HTTPProvider{}, core.Component{Name: "web", Provider: "http"}, []configCase{
		{"all of them", map[string]any{"url": "https://x/", "degraded_status": []any{429, "5xx"}, "follow_redirects": "false",
			"expect_json":  []any{"$.a == 1", map[string]any{"path": "$.b[0]", "op": "matches", "value": "^ok$"}},
			"max_duration": "2s", "tls_min_valid": "336h"}, nil},
		{"degraded status", map[string]any{"url": "http://x/", "degraded_status": "6xx"}, []string{`degraded_status: "6xx" is not a status code`}},
		{"follow not a bool", map[string]any{"url": "http://x/", "follow_redirects": "sometimes"}, []string{`follow_redirects: "sometimes" is not a boolean`}},
		{"max duration text", map[string]any{"url": "http://x/", "max_duration": "fast"}, []string{`max_duration: "fast" is not a duration`}},
		{"max duration negative", map[string]any{"url": "http://x/", "max_duration": "-1s"}, []string{"max_duration: "}},
		{"max duration huge", map[string]any{"url": "http://x/", "max_duration": "2h"}, []string{"max_duration: \"2h\" is out of range"}},
		{"min valid over http", map[string]any{"url": "http://x/", "tls_min_valid": "24h"}, []string{`tls_min_valid: needs an https url, not "http://x/"`}},
		{"min valid text", map[string]any{"url": "https://x/", "tls_min_valid": "2 weeks"}, []string{`tls_min_valid: "2 weeks" is not a duration`}},
		{"json not a list", map[string]any{"url": "http://x/", "expect_json": "$.a == 1"}, []string{"expect_json: \"$.a == 1\" is not a list of conditions"}},
		{"json bad path", map[string]any{"url": "http://x/", "expect_json": []any{"status == ok"}}, []string{`expect_json[0]: path "status" does not start with "$"`}},
		{"json bad index", map[string]any{"url": "http://x/", "expect_json": []any{"$.a[x] exists"}}, []string{`expect_json[0]: path "$.a[x]" has "x", not an index`}},
		{"json unclosed", map[string]any{"url": "http://x/", "expect_json": []any{"$.a[1 exists"}}, []string{`expect_json[0]: path "$.a[1" has a "[" without "]"`}},
		{"json empty key", map[string]any{"url": "http://x/", "expect_json": []any{"$..a exists"}}, []string{"has an empty key"}},
		{"json bad op", map[string]any{"url": "http://x/", "expect_json": []any{"$.a === 1"}}, []string{`expect_json[0]: operator "===" is not one of == != < <= > >= contains matches exists`}},
		{"json missing value", map[string]any{"url": "http://x/", "expect_json": []any{"$.a =="}}, []string{"expect_json[0]: == needs a value"}},
		{"json exists with value", map[string]any{"url": "http://x/", "expect_json": []any{"$.a exists 1"}}, []string{"expect_json[0]: exists takes no value"}},
		{"json order needs number", map[string]any{"url": "http://x/", "expect_json": []any{"$.a > big"}}, []string{`expect_json[0]: > needs a number, not "big"`}},
		{"json bad regex", map[string]any{"url": "http://x/", "expect_json": []any{`$.a matches "(x"`}}, []string{"expect_json[0]: \"(x\" is not a regular expression (RE2)"}},
		{"json regex not a string", map[string]any{"url": "http://x/", "expect_json": []any{"$.a matches 1"}}, []string{"expect_json[0]: matches needs a pattern string"}},
		{"json map unknown key", map[string]any{"url": "http://x/", "expect_json": []any{map[string]any{"path": "$.a", "operator": "=="}}}, []string{"expect_json[0].operator: unknown key"}},
		{"json map no path", map[string]any{"url": "http://x/", "expect_json": []any{map[string]any{"op": "exists"}}}, []string{"expect_json[0].path: is required"}},
		{"json map value a list", map[string]any{"url": "http://x/", "expect_json": []any{map[string]any{"path": "$", "value": []any{1}}}}, []string{"expect_json[0]: value a list is not a string, number, boolean or null"}},
		{"json item a number", map[string]any{"url": "http://x/", "expect_json": []any{5}}, []string{`expect_json[0]: 5 is neither "PATH OP VALUE" nor a map`}},
		{"json too many", map[string]any{"url": "http://x/", "expect_json": slices.Repeat([]any{"$ exists"}, 33)}, []string{"expect_json: has 33 conditions, at most 32"}},
		{"json path too long", map[string]any{"url": "http://x/", "expect_json": []any{"$" + strings.Repeat(".a", 200) + " exists"}}, []string{"expect_json[0]: path is 401 bytes, at most 256"}},
	})
}
