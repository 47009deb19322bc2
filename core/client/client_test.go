package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core/client"
	"github.com/vitals-go/vitals/internal/testnet"
)

func server(t *testing.T, code int, ctype, body string) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/health", http.StatusFound)
			return
		}
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	up := server(t, 200, "application/health+json", `{"status":"pass"}`)
	down := server(t, 503, "application/health+json", `{"status":"fail","checks":{"db":[{"status":"fail"}]}}`)
	c := &client.Client{Token: "s3cret"}
	r, err := c.Check(ctx, up.URL)
	if err != nil || !r.Healthy() || r.URL != up.URL+"/health" {
		t.Fatalf("%+v %v", r, err)
	}
	if st, ok := r.HealthStatus(); !ok || st != "pass" {
		t.Fatalf("health status %q %v", st, ok)
	}
	r, err = c.Check(ctx, down.URL+"/ready/db")
	if err != nil || r.Healthy() || r.StatusCode != 503 || !strings.Contains(string(r.Body), `"db"`) {
		t.Fatalf("%+v %v", r, err)
	}
	// A redirect is the answer, not followed.
	if r, err := c.Check(ctx, up.URL+"/moved"); err != nil || r.StatusCode != http.StatusFound {
		t.Fatalf("redirect: %+v %v", r, err)
	}
	// The body is cut at MaxBody.
	big := server(t, 200, "text/plain", strings.Repeat("x", 1000))
	if r, err := (&client.Client{MaxBody: 100}).Check(ctx, big.URL); err != nil || len(r.Body) != 100 {
		t.Fatalf("cut: %d %v", len(r.Body), err)
	}
}

func TestCheckSendsToken(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" || !strings.Contains(r.Header.Get("Accept"), "application/health+json") {
			w.WriteHeader(401)
			return
		}
		w.WriteHeader(200)
	}))
	defer s.Close()
	if r, err := (&client.Client{Token: "s3cret"}).Check(context.Background(), s.URL); err != nil || r.StatusCode != 200 {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestCheckTimeout(t *testing.T) {
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer s.Close()
	defer close(release)
	_, err := (&client.Client{Timeout: 50 * time.Millisecond}).Check(context.Background(), s.URL)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunning(t *testing.T) {
	ctx := context.Background()
	c := &client.Client{Timeout: 500 * time.Millisecond}
	failing := server(t, 503, "application/health+json", `{"status":"fail"}`)
	if occ, r, err := c.Running(ctx, failing.URL); occ != client.Vitals || err != nil || r.StatusCode != 503 {
		t.Fatalf("a failing Vitals: %s %v", occ, err)
	}
	other := server(t, 200, "text/html", `<html>`)
	if occ, _, err := c.Running(ctx, other.URL); occ != client.Other || err != nil {
		t.Fatalf("another server: %s %v", occ, err)
	}
	// Accepts, speaks no HTTP.
	if occ, _, err := c.Running(ctx, testnet.Serve(t, testnet.WaitForClient)); occ != client.Other || err == nil {
		t.Fatalf("silent listener: %s %v", occ, err)
	}
	// Nothing listens: a port just freed.
	if occ, _, err := c.Running(ctx, net.JoinHostPort("127.0.0.1", testnet.ClosedPort(t))); occ != client.Free || err != nil {
		t.Fatalf("closed port: %s %v", occ, err)
	}
	if occ, _, err := c.Running(ctx, "ftp://x"); occ != client.Unknown || err == nil {
		t.Fatalf("bad target: %s %v", occ, err)
	}
}

// TestRunningServerSpeaksFirst: a server that greets before the request
// (SSH) is another protocol, reported as such, every time: its greeting is
// not read before the request goes out (which net/http would take for an
// "unsolicited response" with a meaningless error).
func TestRunningServerSpeaksFirst(t *testing.T) {
	ssh := testnet.Serve(t, func(c net.Conn) {
		fmt.Fprint(c, "SSH-2.0-OpenSSH_9.2\r\n")
		_, _ = c.Read(make([]byte, 4096))
	})
	c := &client.Client{Timeout: 2 * time.Second}
	for i := range 30 {
		occ, _, err := c.Running(context.Background(), ssh)
		if occ != client.Other || err == nil || !strings.Contains(err.Error(), "malformed HTTP") {
			t.Fatalf("try %d: %s %v, want other, a malformed HTTP response", i, occ, err)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]string{
		"8080":                      "http://localhost:8080/health",
		":8080":                     "http://localhost:8080/health",
		":8080/ready":               "http://localhost:8080/ready",
		"10.0.0.5:9000/admin/h":     "http://10.0.0.5:9000/admin/h",
		"https://svc.example:443/x": "https://svc.example:443/x",
	} {
		u, err := client.ParseTarget(in, "/health")
		if err != nil || u.String() != want {
			t.Errorf("%q: %v %v, want %s", in, u, err, want)
		}
	}
	for in, want := range map[string]string{"": "empty URL", "ftp://h": "scheme must be http or https", "http://u:p@h": "user information", "http://": "no host"} {
		if _, err := client.ParseTarget(in, "/health"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
