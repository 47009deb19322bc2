package wasmprobe

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
	"github.com/vitals-go/vitals/internal/testnet"
)

// testServers starts a granted server and an other one, closed at the end.
func testServers(t *testing.T) (granted, other *httptest.Server) {
	t.Helper()
	other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "other server")
	}))
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Probe", r.Header.Get("X-Probe"))
		fmt.Fprintf(w, "hello %s", r.Method)
	})
	mux.HandleFunc("/api/status", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "api ok") })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, strings.Repeat("b", 10000)) })
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nope", http.StatusServiceUnavailable) })
	mux.HandleFunc("/redirect-in", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/redirect-out", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/", http.StatusFound)
	})
	mux.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) {
		for i := range 20 {
			w.Header().Set(fmt.Sprintf("X-Filler-%d", i), strings.Repeat("h", 40))
		}
		fmt.Fprint(w, "x")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	})
	granted = httptest.NewServer(mux)
	t.Cleanup(granted.Close)
	t.Cleanup(other.Close)
	return granted, other
}

func TestHTTPRequest(t *testing.T) {
	srv, other := testServers(t)
	u, _ := url.Parse(srv.URL)
	port := u.Port()
	p, _ := newProvider(t, Options{})
	all := []any{srv.URL + "/"}
	closed := testnet.ClosedPort(t)
	for _, tc := range []struct {
		name    string
		url     string
		allow   []any
		extra   []any
		timeout time.Duration
		state   core.State
		code    string // details.code for a failed call
		check   func(t *testing.T, d map[string]any)
	}{
		{name: "granted", url: srv.URL + "/ok", allow: all, state: core.StateUp, check: func(t *testing.T, d map[string]any) {
			h, _ := d["headers"].(map[string]any)
			if d["status"] != 200.0 || d["body"] != "hello GET" || d["truncated"] != false || h["X-Probe"] != "yes" {
				t.Fatalf("response %v", d)
			}
		}},
		{name: "no allow list", url: srv.URL + "/ok", state: core.StateDown, code: "-1"},
		{name: "other server", url: other.URL + "/", allow: all, state: core.StateDown, code: "-1"},
		{name: "path prefix", url: srv.URL + "/api/status", allow: []any{srv.URL + "/api/"}, state: core.StateUp},
		{name: "outside path prefix", url: srv.URL + "/ok", allow: []any{srv.URL + "/api/"}, state: core.StateDown, code: "-1"},
		{name: "dot segments", url: srv.URL + "/api/../ok", allow: []any{srv.URL + "/api/"}, state: core.StateDown, code: "-4"},
		{name: "encoded dot segments", url: srv.URL + "/api/%2e%2e/ok", allow: []any{srv.URL + "/api/"}, state: core.StateDown, code: "-4"},
		{name: "prefix is not a host suffix", url: "http://127.0.0.1.nip.io:" + port + "/ok", allow: all, state: core.StateDown, code: "-1"},
		{name: "https grant does not cover http", url: srv.URL + "/ok", allow: []any{"https://127.0.0.1:" + port + "/"}, state: core.StateDown, code: "-1"},
		{name: "tcp grant does not cover http", url: srv.URL + "/ok", allow: []any{"127.0.0.1:" + port}, state: core.StateDown, code: "-1"},
		{name: "hostname grant", url: "http://localhost:" + port + "/ok", allow: []any{"http://localhost:" + port + "/"}, extra: []any{KeyAllowPrivate, true}, state: core.StateUp},
		{name: "hostname grant resolving to loopback", url: "http://localhost:" + port + "/ok", allow: []any{"http://localhost:" + port + "/"}, state: core.StateDown, code: "-1"},
		{name: "ip grant does not cover hostname", url: "http://localhost:" + port + "/ok", allow: all, state: core.StateDown, code: "-1"},
		{name: "redirect inside grant", url: srv.URL + "/redirect-in", allow: all, state: core.StateUp, check: func(t *testing.T, d map[string]any) {
			if d["body"] != "hello GET" {
				t.Fatalf("response %v", d)
			}
		}},
		{name: "redirect outside grant", url: srv.URL + "/redirect-out", allow: all, state: core.StateDown, code: "-1"},
		{name: "http error status", url: srv.URL + "/fail", allow: all, state: core.StateDown, check: func(t *testing.T, d map[string]any) {
			if d["status"] != 503.0 {
				t.Fatalf("response %v", d)
			}
		}},
		{name: "max_response_bytes", url: srv.URL + "/big", allow: all, extra: []any{KeyMaxResponseBytes, 100}, state: core.StateUp, check: func(t *testing.T, d map[string]any) {
			if d["body"] != strings.Repeat("b", 100) || d["truncated"] != true {
				t.Fatalf("response %v", d)
			}
		}},
		{name: "resp_cap shrinks the body", url: srv.URL + "/big", allow: all, extra: []any{"resp_cap", 600}, state: core.StateUp, check: func(t *testing.T, d map[string]any) {
			body, _ := d["body"].(string)
			if d["truncated"] != true || len(body) == 0 || len(body) > 600 || strings.Trim(body, "b") != "" {
				t.Fatalf("response %v", d)
			}
		}},
		{name: "resp_cap too small", url: srv.URL + "/headers", allow: all, extra: []any{"resp_cap", 300}, state: core.StateDown, code: "-5"},
		{name: "refused", url: "http://127.0.0.1:" + closed + "/", allow: []any{"http://127.0.0.1:" + closed + "/"}, state: core.StateDown, code: "-2"},
		{name: "bad scheme", url: "ftp://127.0.0.1/", allow: all, state: core.StateDown, code: "-4"},
		{name: "deadline", url: srv.URL + "/slow", allow: all, timeout: 300 * time.Millisecond, state: core.StateDown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 3 * time.Second
			}
			req := map[string]any{"url": tc.url, "headers": map[string]any{"X-Probe": "yes"}}
			kv := append([]any{"request", req}, tc.extra...)
			if tc.allow != nil {
				kv = append(kv, KeyAllow, tc.allow)
			}
			c := component("http", "net", timeout, kv...)
			res := run(t, p, c)
			if res.State != tc.state {
				t.Fatalf("got %s %q (%v) details %v, want %s", res.State, res.Message, res.Err, res.Details, tc.state)
			}
			if tc.code != "" {
				if res.Message != "http_request failed" || fmt.Sprint(res.Details["code"]) != tc.code {
					t.Fatalf("got %q details %v, want code %s", res.Message, res.Details, tc.code)
				}
			}
			if tc.check != nil {
				tc.check(t, res.Details)
			}
		})
	}
	assertServing(t, p)
}

func TestTCPConnect(t *testing.T) {
	addr := testnet.AcceptAndClose(t)
	_, port, _ := net.SplitHostPort(addr)
	closed := testnet.ClosedPort(t)
	p, _ := newProvider(t, Options{})
	for _, tc := range []struct {
		name    string
		addr    string
		allow   []any
		code    string
		private bool
	}{
		{"hostname grant", "localhost:" + port, []any{"localhost:" + port}, "0", true},
		{"granted", addr, []any{addr}, "0", false},
		{"any port", addr, []any{"127.0.0.1:*"}, "0", false},
		{"hostname grant resolving to loopback", "localhost:" + port, []any{"localhost:" + port}, "-1", false},
		{"no allow list", addr, nil, "-1", false},
		{"other port", addr, []any{"127.0.0.1:1"}, "-1", false},
		{"ip grant does not cover hostname", "localhost:" + port, []any{addr}, "-1", false},
		{"http grant does not cover tcp", addr, []any{"http://" + addr + "/"}, "-1", false},
		{"refused", "127.0.0.1:" + closed, []any{"127.0.0.1:" + closed}, "-2", false},
		{"bad address", "127.0.0.1", []any{"127.0.0.1:*"}, "-4", false},
		{"bad port", "127.0.0.1:99999", []any{"127.0.0.1:*"}, "-4", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kv := []any{"addr", tc.addr}
			if tc.private {
				kv = append(kv, KeyAllowPrivate, true)
			}
			if tc.allow != nil {
				kv = append(kv, KeyAllow, tc.allow)
			}
			res := run(t, p, component("tcp", "net", 3*time.Second, kv...))
			want := core.StateDown
			if tc.code == "0" {
				want = core.StateUp
			}
			if res.State != want || fmt.Sprint(res.Details["code"]) != tc.code {
				t.Fatalf("got %s %q details %v, want code %s", res.State, res.Message, res.Details, tc.code)
			}
		})
	}
}

func TestGrants(t *testing.T) {
	g, err := parseGrants([]string{
		"https://status.example.com/api/",
		"http://Example.COM",
		"https://exact.example.com/health",
		"[::1]:8080",
		"db.internal:*",
		"cache.internal:6379",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://status.example.com/api/", true},
		{"https://status.example.com/api/v1/health?x=1", true},
		{"https://STATUS.example.com:443/api/x", true},
		{"https://status.example.com/api", false},
		{"https://status.example.com/apix", false},
		{"http://status.example.com/api/", false},
		{"https://status.example.com:8443/api/", false},
		{"https://status.example.com.evil.test/api/", false},
		{"http://example.com/", true},
		{"http://example.com", true},
		{"http://example.com:80/anything", true},
		{"https://exact.example.com/health", true},
		{"https://exact.example.com/health/deep", true},
		{"https://exact.example.com/healthz", false},
	} {
		u, _ := url.Parse(tc.url)
		if got := g.AllowURL(u); got != tc.want {
			t.Errorf("allowURL(%s) = %v, want %v", tc.url, got, tc.want)
		}
	}
	for _, tc := range []struct {
		host, port string
		want       bool
	}{
		{"::1", "8080", true},
		{"[::1]", "8080", true},
		{"0:0::1", "8080", true},
		{"::1", "8081", false},
		{"db.internal", "5432", true},
		{"DB.internal.", "1", true},
		{"cache.internal", "6379", true},
		{"cache.internal", "6380", false},
		{"status.example.com", "443", false},
	} {
		if got := g.AllowTCP(tc.host, tc.port); got != tc.want {
			t.Errorf("allowTCP(%s, %s) = %v, want %v", tc.host, tc.port, got, tc.want)
		}
	}
	for entry, msg := range map[string]string{
		"ftp://x.example/":         "scheme must be http or https",
		"https://u:p@x.example/":   "must not contain user information",
		"https://x.example/?a=1":   "must not have a query",
		"https:///path":            "has no host",
		"https://x.example/a/../b": "must not contain . or ..",
		"example.com":              "want a URL prefix",
		"example.com:0":            "bad port",
		"*:80":                     "bad host",
		"https://x.example:99999/": "bad port",
	} {
		_, err := parseGrants([]string{entry})
		if err == nil || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), "allow[0]") {
			t.Errorf("parseGrants(%q) = %v, want %q", entry, err, msg)
		}
	}
}

func TestPinnedDial(t *testing.T) {
	var addrs []net.IPAddr
	for _, s := range []string{"0.0.0.0", "::", "224.0.0.1", "ff02::1", "127.0.0.1", "::1", "169.254.169.254", "fe80::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "fd00::1", "::ffff:127.0.0.1", "93.184.215.14", "2606:4700::1111"} {
		addrs = append(addrs, net.IPAddr{IP: net.ParseIP(s)})
	}
	f := newAddrFilter()
	ips, dropped := f.usableIPs(addrs, false)
	if fmt.Sprint(ips) != "[93.184.215.14 2606:4700::1111]" || len(dropped) != 13 {
		t.Fatalf("usable %v, dropped %v", ips, dropped)
	}
	if ips, _ = f.usableIPs(addrs, true); fmt.Sprint(ips) != "[127.0.0.1 ::1 169.254.169.254 fe80::1 10.1.2.3 172.16.0.1 192.168.1.1 fd00::1 127.0.0.1 93.184.215.14 2606:4700::1111]" {
		t.Fatalf("usable with allow_private %v", ips)
	}
	ips = []net.IP{net.ParseIP("127.0.0.1")}
	ctl := pinnedControl(ips, "80")
	for addr, ok := range map[string]bool{"127.0.0.1:80": true, "127.0.0.2:80": false, "127.0.0.1:81": false, "[::1]:80": false} {
		if err := ctl("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("control(%s) = %v, want allowed %v", addr, err, ok)
		}
	}
}

// TestHeaderValidation checks that http_request refuses, as a bad request
// (-4) and before any connection, a header that HTTP does not allow: a name
// that is not a token, a value with a control byte other than tab.
func TestHeaderValidation(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	p, _ := newProvider(t, Options{})
	for _, tc := range []struct {
		name, key, value, code string
	}{
		{"NUL in name", "X-A\x00b", "v", "-4"},
		{"NUL in value", "X-A", "a\x00b", "-4"},
		{"ESC in value", "X-A", "a\x1b[31mb", "-4"},
		{"DEL in value", "X-A", "a\x7fb", "-4"},
		{"CR in value", "X-A", "a\rb", "-4"},
		{"LF in value", "X-A", "a\nb", "-4"},
		{"separator in name", "X(A)", "v", "-4"},
		{"non-ASCII name", "X-Ä", "v", "-4"},
		{"empty name", "", "v", "-4"},
		{"tab and UTF-8 in value", "X-A", "a\tb é", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hits.Load()
			req := map[string]any{"url": srv.URL + "/", "headers": map[string]any{tc.key: tc.value}}
			res := run(t, p, component("headers", "net", 3*time.Second, "request", req, KeyAllow, []any{srv.URL + "/"}))
			if tc.code == "" {
				if res.State != core.StateUp || hits.Load() != before+1 {
					t.Fatalf("got %s %q details %v, want a request served", res.State, res.Message, res.Details)
				}
				return
			}
			if res.State != core.StateDown || fmt.Sprint(res.Details["code"]) != tc.code || hits.Load() != before {
				t.Fatalf("got %s %q details %v (server hits %d), want code %s and no request", res.State, res.Message, res.Details, hits.Load()-before, tc.code)
			}
		})
	}
}
