package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/internal/testfile"
)

const (
	passBody = `{"status":"pass","serviceId":"orders"}`
	failBody = `{"status":"fail","serviceId":"orders","checks":{"db":[{"status":"fail","output":"connection refused"}],"cache":[{"status":"pass"}]}}`
)

// healthServer answers like a Vitals endpoint: status code and a
// health+json body, and records the paths and Authorization headers asked.
type healthServer struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
	auth  []string
}

func newHealthServer(t *testing.T, code int, body string) *healthServer {
	t.Helper()
	hs := &healthServer{}
	hs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs.mu.Lock()
		hs.paths = append(hs.paths, r.URL.Path)
		hs.auth = append(hs.auth, r.Header.Get("Authorization"))
		hs.mu.Unlock()
		w.Header().Set("Content-Type", "application/health+json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(hs.Close)
	return hs
}

func (hs *healthServer) seen() (paths, auth []string) {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]string(nil), hs.paths...), append([]string(nil), hs.auth...)
}

func TestCheckHealthy(t *testing.T) {
	t.Parallel()
	hs := newHealthServer(t, 200, passBody)
	r := vitals(t, nil, "check", hs.URL+"/ready")
	expect(t, r, 0, []string{hs.URL + "/ready: 200 OK"}, nil)
	if strings.Contains(r.stdout, "pass") {
		t.Errorf("healthy check printed the body without -v\n%s", r)
	}
	expect(t, vitals(t, nil, "check", "-v", hs.URL+"/ready"), 0, []string{"200 OK", `"status": "pass"`}, nil)

	// Without scheme, and without path: /health.
	host := strings.TrimPrefix(hs.URL, "http://")
	expect(t, vitals(t, nil, "check", host), 0, []string{"http://" + host + "/health: 200 OK"}, nil)
	port := host[strings.LastIndex(host, ":"):]
	expect(t, vitals(t, nil, "check", "127.0.0.1"+port+"/ready"), 0, nil, nil)
	paths, _ := hs.seen()
	if want := []string{"/ready", "/ready", "/health", "/ready"}; strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("paths asked %q, want %q", paths, want)
	}
}

func TestCheckUnhealthy(t *testing.T) {
	t.Parallel()
	hs := newHealthServer(t, 503, failBody)
	r := vitals(t, nil, "check", hs.URL+"/ready")
	expect(t, r, 1, []string{"503 Service Unavailable", `"status": "fail"`, `"db"`, "connection refused"}, nil)

	// Any non-2xx is unhealthy, a redirect too (it is not followed).
	redirect := httptest.NewServer(http.RedirectHandler(hs.URL+"/elsewhere", http.StatusFound))
	defer redirect.Close()
	expect(t, vitals(t, nil, "check", redirect.URL+"/ready"), 1, []string{"302 Found"}, nil)
	if paths, _ := hs.seen(); len(paths) != 1 {
		t.Errorf("the redirect was followed: paths %q", paths)
	}
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	expect(t, vitals(t, nil, "check", notFound.URL+"/ready/nope"), 1, []string{"404 Not Found", "404 page not found"}, nil)
}

func TestCheckBodyIsCut(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"status":"fail","checks":{`)
	for i := range 100 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"c%d":[{"status":"fail","output":"%s"}]`, i, strings.Repeat("x", 500))
	}
	b.WriteString("}}")
	hs := newHealthServer(t, 503, b.String())
	r := vitals(t, nil, "check", hs.URL+"/ready")
	expect(t, r, 1, []string{"503", "more lines)"}, nil)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) > maxLines+2 {
		t.Errorf("printed %d lines, want at most %d\n%s", len(lines), maxLines+2, r)
	}
	for _, l := range lines {
		if len(l) > maxLineBytes+len("…")+len(hs.URL)+40 {
			t.Errorf("line of %d bytes printed: %.80q…", len(l), l)
		}
	}
}

func TestCheckToken(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/health+json")
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"status":"fail","output":"unauthorized"}`)
			return
		}
		fmt.Fprint(w, passBody)
	}))
	defer srv.Close()
	expect(t, vitals(t, nil, "check", srv.URL+"/health"), 1, []string{"401 Unauthorized", "unauthorized"}, nil)
	expect(t, vitals(t, nil, "check", "--token", "s3cret", srv.URL+"/health"), 0, nil, nil)
	file := testfile.Write(t, "token", "s3cret\n")
	expect(t, vitals(t, nil, "check", "--token", "@"+file, srv.URL+"/health"), 0, nil, nil)
	expect(t, vitals(t, nil, "check", "--token", "@"+file+".missing", srv.URL+"/health"), 2, nil, []string{"--token", "no such file"})
}

func TestCheckTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // hangs until the client gives up or the test ends
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	r := vitals(t, nil, "check", "--timeout", "300ms", srv.URL+"/ready")
	expect(t, r, 2, nil, []string{"no answer within 300ms"})
	if r.stdout != "" {
		t.Errorf("stdout: %q", r.stdout)
	}
	if r.took > 10*time.Second {
		t.Errorf("took %s with --timeout 300ms", r.took)
	}
}

func TestCheckErrors(t *testing.T) {
	t.Parallel()
	expect(t, vitals(t, nil, "check", "http://"+freePort(t)+"/ready"), 2, nil, []string{"connection refused"})
	for _, bad := range []string{
		"http://exa mple.com/ready",
		"http://[::1/ready",
		"ftp://127.0.0.1/ready",
		"",
		"http:///ready",
	} {
		r := vitals(t, nil, "check", bad)
		expect(t, r, 2, nil, []string{"bad URL"})
	}
	expect(t, vitals(t, nil, "check", "http://no-such-host.invalid/ready"), 2, nil, []string{"no-such-host.invalid"})
}
