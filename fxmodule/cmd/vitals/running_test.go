package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/internal/testnet"
)

func TestRunningVitals(t *testing.T) {
	t.Parallel()
	hs := newHealthServer(t, 200, passBody)
	addr := strings.TrimPrefix(hs.URL, "http://")
	r := vitals(t, nil, "running", addr)
	expect(t, r, 0, []string{"running: ", `status "pass"`}, nil)
	if !strings.HasPrefix(r.stdout, "running: ") {
		t.Errorf("stdout does not start with the verdict\n%s", r)
	}
	_, port, _ := net.SplitHostPort(addr)
	expect(t, vitals(t, nil, "running", ":"+port), 0, []string{"running: http://localhost:" + port + "/health"}, nil)
	expect(t, vitals(t, nil, "running", port), 0, []string{"running: "}, nil)
	expect(t, vitals(t, nil, "running", hs.URL+"/ready"), 0, []string{"running: " + hs.URL + "/ready"}, nil)
	paths, _ := hs.seen()
	if want := "/health /health /health /ready"; strings.Join(paths, " ") != want {
		t.Errorf("paths asked %q, want %q", paths, want)
	}
}

// An instance that is failing or in its lame duck answers 503, and still
// holds the address: it is running.
func TestRunningUnhealthyVitals(t *testing.T) {
	t.Parallel()
	hs := newHealthServer(t, 503, failBody)
	expect(t, vitals(t, nil, "running", hs.URL), 0, []string{"running: ", "503", `status "fail"`}, nil)

	// A plain JSON health answer (no health+json type) is recognised by its status.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"warn"}`)
	}))
	defer plain.Close()
	expect(t, vitals(t, nil, "running", plain.URL), 0, []string{"running: ", `status "warn"`}, nil)
}

func TestRunningFree(t *testing.T) {
	t.Parallel()
	addr := freePort(t)
	r := vitals(t, nil, "running", addr)
	expect(t, r, 1, []string{"free: nothing listens on " + addr}, nil)
	_, port, _ := net.SplitHostPort(addr)
	expect(t, vitals(t, nil, "running", ":"+port), 1, []string{"free: "}, nil)
}

func TestRunningSomethingElse(t *testing.T) {
	t.Parallel()
	// HTTP, but not a health response.
	for _, h := range []http.HandlerFunc{
		func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
		func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>welcome</html>") },
		func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"status":"ok"}`) },
	} {
		srv := httptest.NewServer(h)
		r := vitals(t, nil, "running", srv.URL)
		srv.Close()
		expect(t, r, 2, []string{"in use: ", "not a Vitals health response"}, nil)
	}

	// TCP that never answers: it ends by the timeout.
	silent := testnet.Serve(t, func(c net.Conn) {
		_, _ = c.Read(make([]byte, 4096))
		<-t.Context().Done()
	})
	r := vitals(t, nil, "running", "--timeout", "300ms", silent)
	expect(t, r, 2, []string{"in use: " + silent + " accepted the connection but gave no HTTP answer"}, []string{"no answer within 300ms"})
	if r.took > 10*time.Second {
		t.Errorf("took %s with --timeout 300ms", r.took)
	}

	// TCP that speaks another protocol.
	ssh := testnet.Serve(t, func(c net.Conn) {
		fmt.Fprint(c, "SSH-2.0-OpenSSH_9.2\r\n")
		_, _ = c.Read(make([]byte, 4096))
	})
	expect(t, vitals(t, nil, "running", ssh), 2, []string{"in use: " + ssh + " accepted the connection"}, []string{"malformed HTTP"})
}

func TestRunningErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "host:port:x", "ftp://127.0.0.1:21/"} {
		r := vitals(t, nil, "running", bad)
		expect(t, r, 2, nil, []string{"bad address"})
		if r.stdout != "" {
			t.Errorf("stdout: %q", r.stdout)
		}
	}
	r := vitals(t, nil, "running", "no-such-host.invalid:8080")
	expect(t, r, 2, nil, []string{"no-such-host.invalid"})
	if r.stdout != "" {
		t.Errorf("stdout: %q", r.stdout)
	}
}
