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
	if cs, _ := s.Get("dep"); cs.Check.State != core.StateDown || slices.Contains(s.Healthy(), "dep") {
		t.Errorf("dep is %s %q, healthy: %v; want down and not healthy", cs.Check.State, cs.Check.Message, s.Healthy())
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
