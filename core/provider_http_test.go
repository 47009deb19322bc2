package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/core/coretest"
)

// httpTarget is the test server's handler: a few paths that answer as
// their names say.
func httpTarget() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.WriteHeader(code)
		fmt.Fprintf(w, "status %d", code)
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ok", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		// Answers only after the client gave up (its timeout is far shorter).
		sleep(r.Context(), 10*time.Second)
	})
	mux.HandleFunc("/hang-body", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "partial")
		w.(http.Flusher).Flush()
		sleep(r.Context(), 10*time.Second)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) {
		// 1 MiB of filler, then a marker.
		fmt.Fprint(w, "HEAD-MARKER")
		chunk := strings.Repeat("x", 1024)
		for range 1024 {
			if _, err := fmt.Fprint(w, chunk); err != nil {
				return // the client stopped reading: expected
			}
		}
		fmt.Fprint(w, "TAIL-MARKER")
	})
	mux.HandleFunc("/needs-token", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Token") != "s3cret" || r.Host != "svc.internal" || r.Header.Get("User-Agent") == "" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, "welcome")
	})
	mux.HandleFunc("/post-only", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		fmt.Fprint(w, "posted")
	})
	return mux
}

// closedAddr returns a local address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func checkWithin(t *testing.T, p core.Provider, cfg map[string]any, timeout time.Duration) core.Result {
	t.Helper()
	c := core.Component{Name: "target", Provider: p.Name(), Config: cfg}
	if v, ok := p.(core.ConfigValidator); ok {
		if err := v.ValidateConfig(c); err != nil {
			t.Fatalf("ValidateConfig(%v) = %v", cfg, err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	start := time.Now()
	res := p.Check(ctx, c)
	// Generous: a provider must return soon after its deadline.
	if d := time.Since(start); d > timeout+3*time.Second {
		t.Errorf("check took %s with a %s timeout", d, timeout)
	}
	return res
}

func TestHTTPProviderStates(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpTarget())
	t.Cleanup(srv.Close)
	refused := "http://" + closedAddr(t) + "/"

	// extra: Details["status_code"], 0: absent.
	cases := []stateCase[int]{
		{name: "ok", cfg: map[string]any{"url": srv.URL + "/ok"}, want: core.StateUp, msg: "HTTP 200 OK", extra: 200},
		{name: "3xx within the default", cfg: map[string]any{"url": srv.URL + "/status/304"}, want: core.StateUp, extra: 304},
		{name: "503 is down", cfg: map[string]any{"url": srv.URL + "/status/503"}, want: core.StateDown, msg: "HTTP 503 Service Unavailable, want 200-399", extra: 503},
		{name: "404 is down", cfg: map[string]any{"url": srv.URL + "/nope"}, want: core.StateDown, msg: "404", extra: 404},
		{name: "expected 404", cfg: map[string]any{"url": srv.URL + "/nope", "expect_status": 404}, want: core.StateUp, extra: 404},
		{name: "range excludes 302 target", cfg: map[string]any{"url": srv.URL + "/status/302", "expect_status": "200-299"}, want: core.StateDown, msg: "want 200-299", extra: 302},
		{name: "list as string", cfg: map[string]any{"url": srv.URL + "/status/204", "expect_status": "200,204,300-399"}, want: core.StateUp, extra: 204},
		{name: "list of ints", cfg: map[string]any{"url": srv.URL + "/status/202", "expect_status": []int{200, 204}}, want: core.StateDown, msg: "want 200,204", extra: 202},
		{name: "yaml list", cfg: map[string]any{"url": srv.URL + "/status/418", "expect_status": []any{200, "400-499"}}, want: core.StateUp, extra: 418},
		{name: "json float", cfg: map[string]any{"url": srv.URL + "/status/201", "expect_status": float64(201)}, want: core.StateUp, extra: 201},
		{name: "class", cfg: map[string]any{"url": srv.URL + "/status/500", "expect_status": "5xx"}, want: core.StateUp, extra: 500},
		{name: "body found", cfg: map[string]any{"url": srv.URL + "/ok", "expect_body": `"ok"`}, want: core.StateUp, extra: 200},
		{name: "body missing", cfg: map[string]any{"url": srv.URL + "/ok", "expect_body": "healthy"}, want: core.StateDown, msg: `body does not contain "healthy"`, extra: 200},
		{name: "redirect followed", cfg: map[string]any{"url": srv.URL + "/redirect", "expect_status": 200, "expect_body": "ok"}, want: core.StateUp, extra: 200},
		{name: "redirect loop", cfg: map[string]any{"url": srv.URL + "/loop"}, want: core.StateDown, msg: "redirects"},
		{name: "headers and host", cfg: map[string]any{"url": srv.URL + "/needs-token", "headers": map[string]any{"X-Token": "s3cret", "Host": "svc.internal"}}, want: core.StateUp, extra: 200},
		{name: "missing header", cfg: map[string]any{"url": srv.URL + "/needs-token"}, want: core.StateDown, msg: "403", extra: 403},
		{name: "method", cfg: map[string]any{"url": srv.URL + "/post-only", "method": "post", "expect_body": "posted"}, want: core.StateUp, extra: 200},
		{name: "wrong method", cfg: map[string]any{"url": srv.URL + "/post-only"}, want: core.StateDown, msg: "405", extra: 405},
		{name: "HEAD", cfg: map[string]any{"url": srv.URL + "/ok", "method": "HEAD"}, want: core.StateUp, extra: 200},
		{name: "refused", cfg: map[string]any{"url": refused}, want: core.StateDown, msg: "connection refused"},
		{name: "slow server times out", cfg: map[string]any{"url": srv.URL + "/slow"}, timeout: 200 * time.Millisecond, want: core.StateDown, msg: "timed out"},
		{name: "hanging body times out", cfg: map[string]any{"url": srv.URL + "/hang-body"}, timeout: 200 * time.Millisecond, want: core.StateDown, msg: "timed out reading the body", extra: 200},
		{name: "big body head", cfg: map[string]any{"url": srv.URL + "/big", "expect_body": "HEAD-MARKER"}, want: core.StateUp, extra: 200},
		{name: "big body tail beyond the bound", cfg: map[string]any{"url": srv.URL + "/big", "expect_body": "TAIL-MARKER"}, want: core.StateDown, msg: "in its first 65536 bytes", extra: 200},
		{name: "big body tail within a larger bound", cfg: map[string]any{"url": srv.URL + "/big", "expect_body": "TAIL-MARKER", "max_body_bytes": 2 << 20}, want: core.StateUp, extra: 200},
		{name: "small bound", cfg: map[string]any{"url": srv.URL + "/ok", "expect_body": "ok", "max_body_bytes": "4"}, want: core.StateDown, msg: "first 4 bytes", extra: 200},
	}
	p := &core.HTTPProvider{}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	checkStates(t, p, cases, func(t *testing.T, tc stateCase[int], res core.Result) {
		if tc.extra != 0 && res.Details["status_code"] != tc.extra {
			t.Errorf("status_code = %v, want %d", res.Details["status_code"], tc.extra)
		}
		if tc.extra == 0 && res.Details["status_code"] != nil {
			t.Errorf("status_code = %v, want none", res.Details["status_code"])
		}
	})
}

func TestHTTPProviderDetails(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpTarget())
	t.Cleanup(srv.Close)
	p := &core.HTTPProvider{}

	u := strings.Replace(srv.URL, "http://", "http://user:pw@", 1) + "/redirect"
	res := checkWithin(t, p, map[string]any{"url": u}, 5*time.Second)
	if res.State != core.StateUp {
		t.Fatalf("got %s %q", res.State, res.Message)
	}
	if got := res.Details["url"].(string); strings.Contains(got, "pw") || !strings.Contains(got, "user:xxxxx@") {
		t.Errorf("url detail %q does not redact the password", got)
	}
	if got, _ := res.Details["final_url"].(string); !strings.HasSuffix(got, "/ok") {
		t.Errorf("final_url = %q", got)
	}
	if res.Details["method"] != "GET" || res.Details["body_bytes"] != len(`{"status":"ok"}`) || res.Details["body_truncated"] != false {
		t.Errorf("details = %v", res.Details)
	}

	big := checkWithin(t, p, map[string]any{"url": srv.URL + "/big", "max_body_bytes": 100}, 5*time.Second)
	if big.Details["body_bytes"] != 100 || big.Details["body_truncated"] != true {
		t.Errorf("big body details = %v", big.Details)
	}
}

func TestHTTPProviderTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(httpTarget())
	// The server logs the handshakes the verifying client rejects; keep the
	// test output clean.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)

	p := &core.HTTPProvider{}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	tests := []struct {
		name string
		cfg  map[string]any
		want core.State
		msg  string
	}{
		{"self-signed refused", map[string]any{"url": srv.URL + "/ok"}, core.StateDown, "certificate"},
		{"skip verify", map[string]any{"url": srv.URL + "/ok", "tls_skip_verify": true}, core.StateUp, "HTTP 200"},
		{"skip verify as text", map[string]any{"url": srv.URL + "/status/503", "tls_skip_verify": "true"}, core.StateDown, "503"},
		{"explicitly verified", map[string]any{"url": srv.URL + "/ok", "tls_skip_verify": false}, core.StateDown, "certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := checkWithin(t, p, tc.cfg, 5*time.Second)
			if res.State != tc.want || !strings.Contains(res.Message, tc.msg) {
				t.Fatalf("got %s %q, want %s containing %q", res.State, res.Message, tc.want, tc.msg)
			}
		})
	}

	// A client of the application's own: the one that trusts the server
	// verifies; skip-verify uses a clone of its transport.
	own := &core.HTTPProvider{Client: srv.Client()}
	t.Cleanup(func() { _ = own.Close(context.Background()); srv.Client().CloseIdleConnections() })
	if res := checkWithin(t, own, map[string]any{"url": srv.URL + "/ok"}, 5*time.Second); res.State != core.StateUp {
		t.Errorf("own client: got %s %q", res.State, res.Message)
	}
	if res := checkWithin(t, own, map[string]any{"url": srv.URL + "/ok", "tls_skip_verify": true}, 5*time.Second); res.State != core.StateUp {
		t.Errorf("own client, skip verify: got %s %q", res.State, res.Message)
	}
}

// roundTripper is a transport that is not an *http.Transport.
type roundTripper struct{}

func (roundTripper) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network here")
}

func TestHTTPProviderCustomTransport(t *testing.T) {
	t.Parallel()
	p := &core.HTTPProvider{Client: &http.Client{Transport: roundTripper{}}}
	c := core.Component{Name: "x", Provider: "http", Config: map[string]any{"url": "https://example.test/", "tls_skip_verify": true}}
	err := p.ValidateConfig(c)
	if err == nil || !strings.HasPrefix(err.Error(), "tls_skip_verify: ") {
		t.Fatalf("ValidateConfig = %v, want a config.tls_skip_verify error", err)
	}
	c.Config["tls_skip_verify"] = false
	if err := p.ValidateConfig(c); err != nil {
		t.Fatal(err)
	}
	res := p.Check(t.Context(), c)
	if res.State != core.StateDown || !strings.Contains(res.Message, "no network here") {
		t.Errorf("got %s %q", res.State, res.Message)
	}
}

func TestHTTPProviderValidateConfig(t *testing.T) {
	t.Parallel()
	wantConfigErrors(t, &core.HTTPProvider{}, core.Component{Name: "web", Provider: "http"}, []configCase{
		{"minimal", map[string]any{"url": "http://localhost:8080/healthz"}, nil},
		{"everything", map[string]any{
			"url": "https://db.internal/health", "method": "POST",
			"headers":       map[string]any{"Authorization": "Bearer x", "X-Retries": 3},
			"expect_status": []any{200, float64(204), "300-399"}, "expect_body": "ok",
			"tls_skip_verify": true, "max_body_bytes": uint64(1024),
		}, nil},
		{"yaml map", map[string]any{"url": "http://x/", "headers": map[any]any{"A": "b"}}, nil},
		{"env strings", map[string]any{"url": "http://x/", "expect_status": "204", "max_body_bytes": "2048", "tls_skip_verify": "0"}, nil},
		{"nil values are absent", map[string]any{"url": "http://x/", "method": nil, "headers": nil}, nil},
		{"missing url", map[string]any{}, []string{"url: is required"}},
		{"nil config", nil, []string{"url: is required"}},
		{"empty url", map[string]any{"url": ""}, []string{"url: must not be empty"}},
		{"relative url", map[string]any{"url": "/healthz"}, []string{"url: ", "absolute http or https"}},
		{"other scheme", map[string]any{"url": "ftp://x/"}, []string{"url: "}},
		{"no host", map[string]any{"url": "http:///x"}, []string{"url: ", "no host"}},
		{"bad url", map[string]any{"url": "http://[::1"}, []string{"url: ", "not a valid URL"}},
		{"url not a string", map[string]any{"url": []string{"http://x"}}, []string{"url: a list is not a string"}},
		{"bad method", map[string]any{"url": "http://x/", "method": "GE T"}, []string{"method: "}},
		{"bad header name", map[string]any{"url": "http://x/", "headers": map[string]any{"X Bad": "v"}}, []string{"headers.X Bad: "}},
		{"header injection", map[string]any{"url": "http://x/", "headers": map[string]string{"X-A": "v\r\nX-B: w"}}, []string{"headers.X-A: ", "CR"}},
		{"headers not a map", map[string]any{"url": "http://x/", "headers": []string{"a"}}, []string{"headers: a list is not a map of keys"}},
		{"header value not a scalar", map[string]any{"url": "http://x/", "headers": map[string]any{"A": []int{1}}}, []string{"headers.A: a list is not a string"}},
		{"status out of range", map[string]any{"url": "http://x/", "expect_status": 99}, []string{"expect_status: 99 is not a status code"}},
		{"status text", map[string]any{"url": "http://x/", "expect_status": "ok"}, []string{"expect_status: \"ok\" is not a status code"}},
		{"empty range", map[string]any{"url": "http://x/", "expect_status": "399-200"}, []string{"expect_status: range \"399-200\" is empty"}},
		{"empty list", map[string]any{"url": "http://x/", "expect_status": []any{}}, []string{"expect_status: must name at least one"}},
		{"fractional status", map[string]any{"url": "http://x/", "expect_status": 200.5}, []string{"expect_status: "}},
		{"status bool", map[string]any{"url": "http://x/", "expect_status": true}, []string{"expect_status: "}},
		{"skip verify not a bool", map[string]any{"url": "http://x/", "tls_skip_verify": "maybe"}, []string{"tls_skip_verify: \"maybe\" is not a boolean"}},
		{"max body zero", map[string]any{"url": "http://x/", "max_body_bytes": 0}, []string{"max_body_bytes: 0 is out of range"}},
		{"max body huge", map[string]any{"url": "http://x/", "max_body_bytes": int64(1) << 40}, []string{"max_body_bytes: "}},
		{"max body fraction", map[string]any{"url": "http://x/", "max_body_bytes": 1.5}, []string{"max_body_bytes: 1.5 is not an integer"}},
		{"expect longer than bound", map[string]any{"url": "http://x/", "expect_body": "abcdef", "max_body_bytes": 3}, []string{"expect_body: "}},
		{"misspelt key", map[string]any{"url": "http://x/", "expect_stauts": 200}, []string{"expect_stauts: unknown key", "expect_status"}},
		{"every problem at once", map[string]any{"method": "", "max_body_bytes": -1}, []string{"url: is required", "method: ", "max_body_bytes: "}},
	})
}

func TestHTTPProviderInvalidConfigAtCheckTime(t *testing.T) {
	t.Parallel()
	p := &core.HTTPProvider{}
	res := p.Check(t.Context(), core.Component{Name: "x", Config: map[string]any{"url": 42}})
	if res.State != core.StateUnknown || !strings.Contains(res.Message, "config.url") || res.Err == nil {
		t.Errorf("got %s %q %v", res.State, res.Message, res.Err)
	}
}

// TestHTTPProviderInEngine runs the provider the way an application does:
// registration rejects a bad config, and the engine's component timeout
// bounds a hanging server.
func TestHTTPProviderInEngine(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(httpTarget())
	t.Cleanup(srv.Close)
	p := &core.HTTPProvider{}
	e, _ := coretest.NewEngine(t, core.WithProviders(p))

	err := e.Add(t.Context(), core.Component{Name: "web", Provider: "http", Config: map[string]any{"url": "localhost:8080"}})
	if err == nil || !strings.Contains(err.Error(), `component "web": config.url: `) {
		t.Fatalf("Add with a bad url = %v", err)
	}
	if _, ok := e.Snapshot().Get("web"); ok {
		t.Fatal("a rejected component is in the snapshot")
	}
	err = e.Add(t.Context(), core.Component{Name: "web", Provider: "http", Interval: time.Hour, Config: map[string]any{"url": srv.URL + "/ok"}})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Update(t.Context(), core.Component{Name: "web", Provider: "http", Interval: time.Hour, Config: map[string]any{"url": srv.URL, "expect_status": "600"}})
	if err == nil || !strings.Contains(err.Error(), "expect_status: ") {
		t.Fatalf("Update with a bad expect_status = %v", err)
	}
	mustAdd(t, e, core.Component{Name: "slow", Provider: "http", Interval: time.Hour, Timeout: 150 * time.Millisecond, Fall: 1,
		Config: map[string]any{"url": srv.URL + "/slow"}})

	if err := e.ForceCheck(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := e.Snapshot()
	web, _ := s.Get("web")
	slow, _ := s.Get("slow")
	if web.Result.State != core.StateUp || web.Result.Details["status_code"] != 200 {
		t.Errorf("web: %s %q %v", web.Result.State, web.Result.Message, web.Result.Details)
	}
	// The provider honours its context and reports its own timeout.
	if slow.Result.State != core.StateDown || !strings.Contains(slow.Result.Message, "timed out") {
		t.Errorf("slow: %s %q", slow.Result.State, slow.Result.Message)
	}
}
