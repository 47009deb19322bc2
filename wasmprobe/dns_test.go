package wasmprobe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/core"
)

// fakeResolver is a resolver whose DNS server is in-process: it answers A
// queries for the names in answers with their address, AAAA queries with
// no address, and never answers a name mapped to "" (a hanging server,
// until the end of the test).
func fakeResolver(t *testing.T, answers map[string]string) *net.Resolver {
	var mu sync.Mutex
	var conns []net.Conn
	closed := false
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		closed = true
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return nil, errors.New("fake DNS server closed")
		}
		client, server := net.Pipe()
		conns = append(conns, server)
		go serveFakeDNS(server, answers)
		return client, nil
	}}
}

// serveFakeDNS serves DNS over a stream (2-byte length, then the message)
// until the client closes.
func serveFakeDNS(c net.Conn, answers map[string]string) {
	defer c.Close()
	for {
		var n [2]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		q := make([]byte, binary.BigEndian.Uint16(n[:]))
		if _, err := io.ReadFull(c, q); err != nil || len(q) < 12 {
			return
		}
		// The question: labels up to a zero byte, then type and class.
		var labels []string
		i := 12
		for i < len(q) && q[i] != 0 {
			l := int(q[i])
			if i+1+l > len(q) {
				return
			}
			labels = append(labels, string(q[i+1:i+1+l]))
			i += 1 + l
		}
		qend := i + 5
		if qend > len(q) {
			return
		}
		name := strings.ToLower(strings.Join(labels, "."))
		qtype := binary.BigEndian.Uint16(q[i+1:])
		addr, ok := answers[name]
		if ok && addr == "" {
			continue // hang: the client's deadline ends the query
		}
		resp := append([]byte{}, q[:2]...)          // id
		resp = append(resp, 0x81, 0x80)             // response, recursion desired and available, no error
		resp = append(resp, 0, 1, 0, 0, 0, 0, 0, 0) // 1 question, counts set below
		resp = append(resp, q[12:qend]...)          // the question
		if ip := net.ParseIP(addr).To4(); ok && qtype == 1 && ip != nil {
			resp[7] = 1 // one answer
			resp = append(resp, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
			resp = append(resp, ip...)
		} else if !ok {
			resp[3] |= 3 // NXDOMAIN
		}
		var out [2]byte
		binary.BigEndian.PutUint16(out[:], uint16(len(resp)))
		if _, err := c.Write(append(out[:], resp...)); err != nil {
			return
		}
	}
}

// hostEcho serves a loopback HTTP server, closed at the end of the test,
// answering "host " and the request's Host, and returns it and its port.
func hostEcho(t *testing.T) (*httptest.Server, string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "host "+r.Host)
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return srv, u.Port()
}

// TestDNSAnswersOfNameGrants checks that a grant by host name is not
// dialed when the name resolves to a loopback, link-local (the cloud
// metadata address), private or unspecified address, unless the component
// sets allow_private; an IP literal grant dials what it names.
func TestDNSAnswersOfNameGrants(t *testing.T) {
	srv, port := hostEcho(t)
	p, _ := newProvider(t, Options{Resolver: fakeResolver(t, map[string]string{
		"loopback.test": "127.0.0.1",
		"metadata.test": "169.254.169.254",
		"private.test":  "10.0.0.7",
		"zero.test":     "0.0.0.0",
		"cgn.test":      "100.64.0.1", // denied before any dial: nothing is sent to it
		"bench.test":    "198.18.0.1",
		"hang.test":     "",
	})})
	for _, tc := range []struct {
		name    string
		kv      []any
		state   core.State
		code    string
		message string
	}{
		{"http loopback", []any{"request", map[string]any{"url": "http://loopback.test:" + port + "/"}, KeyAllow, []any{"http://loopback.test:" + port + "/"}}, core.StateDown, "-1", "http_request failed"},
		{"http metadata", []any{"request", map[string]any{"url": "http://metadata.test/latest/meta-data/"}, KeyAllow, []any{"http://metadata.test/"}}, core.StateDown, "-1", "http_request failed"},
		{"http private", []any{"request", map[string]any{"url": "http://private.test/"}, KeyAllow, []any{"http://private.test/"}}, core.StateDown, "-1", "http_request failed"},
		{"http loopback allow_private", []any{"request", map[string]any{"url": "http://loopback.test:" + port + "/"}, KeyAllow, []any{"http://loopback.test:" + port + "/"}, KeyAllowPrivate, true}, core.StateUp, "", "fetched"},
		{"http ip literal", []any{"request", map[string]any{"url": srv.URL + "/"}, KeyAllow, []any{srv.URL + "/"}}, core.StateUp, "", "fetched"},
		{"tcp loopback", []any{"addr", "loopback.test:" + port, KeyAllow, []any{"loopback.test:*"}}, core.StateDown, "-1", "tcp_connect"},
		{"tcp metadata", []any{"addr", "metadata.test:80", KeyAllow, []any{"metadata.test:80"}}, core.StateDown, "-1", "tcp_connect"},
		{"tcp unspecified even with allow_private", []any{"addr", "zero.test:" + port, KeyAllow, []any{"zero.test:*"}, KeyAllowPrivate, true}, core.StateDown, "-1", "tcp_connect"},
		{"tcp loopback allow_private", []any{"addr", "loopback.test:" + port, KeyAllow, []any{"loopback.test:*"}, KeyAllowPrivate, true}, core.StateUp, "0", "tcp_connect"},
		{"http shared address space (CGN)", []any{"request", map[string]any{"url": "http://cgn.test/"}, KeyAllow, []any{"http://cgn.test/"}}, core.StateDown, "-1", "http_request failed"},
		{"tcp benchmarking range", []any{"addr", "bench.test:80", KeyAllow, []any{"bench.test:80"}}, core.StateDown, "-1", "tcp_connect"},
		{"tcp unknown name", []any{"addr", "nope.test:80", KeyAllow, []any{"nope.test:80"}}, core.StateDown, "-2", "tcp_connect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, p, component("dns", "net", 3*time.Second, tc.kv...))
			if res.State != tc.state || res.Message != tc.message || (tc.code != "" && fmt.Sprint(res.Details["code"]) != tc.code) {
				t.Fatalf("got %s %q details %v, want %s %q code %s", res.State, res.Message, res.Details, tc.state, tc.message, tc.code)
			}
		})
	}
	if err := p.ValidateConfig(component("dns", "net", time.Second, KeyAllowPrivate, "yes")); err == nil || !strings.Contains(err.Error(), `allow_private: "yes" is not a boolean (true or false)`) {
		t.Fatalf("allow_private type: %v", err)
	}
}

// TestTimeoutCode checks error code -3: a tcp_connect whose own timeout
// (2 s in net.wat) runs out well inside the check's deadline, here while
// the host resolves a granted name whose DNS server never answers.
func TestTimeoutCode(t *testing.T) {
	p, _ := newProvider(t, Options{Resolver: fakeResolver(t, map[string]string{"hang.test": ""})})
	start := time.Now()
	res := run(t, p, component("timeout", "net", 10*time.Second, "addr", "hang.test:80", KeyAllow, []any{"hang.test:80"}))
	if res.State != core.StateDown || res.Message != "tcp_connect" || fmt.Sprint(res.Details["code"]) != "-3" {
		t.Fatalf("got %s %q details %v (%v), want code -3", res.State, res.Message, res.Details, res.Err)
	}
	if d := time.Since(start); d < 2*time.Second || d > 5*time.Second {
		t.Fatalf("tcp_connect timed out after %s, want its own 2s", d)
	}
}

// TestHostHeader checks that a guest's Host header must name a granted
// host itself: it cannot reach another virtual host of a granted server.
func TestHostHeader(t *testing.T) {
	srv, port := hostEcho(t)
	p, _ := newProvider(t, Options{})
	for _, tc := range []struct {
		name, host string
		allow      []any
		code, body string
	}{
		{"ungranted host", "admin.internal", []any{srv.URL + "/"}, "-1", ""},
		{"ungranted host with port", "admin.internal:" + port, []any{srv.URL + "/"}, "-1", ""},
		{"granted host", "127.0.0.1:" + port, []any{srv.URL + "/"}, "", "host 127.0.0.1:" + port},
		{"granted virtual host", "vhost.test", []any{srv.URL + "/", "http://vhost.test:" + port + "/"}, "", "host vhost.test"},
		{"virtual host outside its path grant", "vhost.test", []any{srv.URL + "/", "http://vhost.test:" + port + "/api/"}, "-1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := map[string]any{"url": srv.URL + "/", "headers": map[string]any{"Host": tc.host}}
			res := run(t, p, component("vhost", "net", 3*time.Second, "request", req, KeyAllow, tc.allow))
			if tc.code != "" {
				if res.State != core.StateDown || fmt.Sprint(res.Details["code"]) != tc.code {
					t.Fatalf("got %s %q details %v, want code %s", res.State, res.Message, res.Details, tc.code)
				}
				return
			}
			if res.State != core.StateUp || res.Details["body"] != tc.body {
				t.Fatalf("got %s %q details %v, want body %q", res.State, res.Message, res.Details, tc.body)
			}
		})
	}
}
