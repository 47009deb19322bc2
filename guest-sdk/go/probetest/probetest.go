// Package probetest runs a Vitals probe function natively, with no
// WebAssembly, for unit tests of probes written with package probe.
//
//	func TestCheck(t *testing.T) {
//		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//			io.WriteString(w, `{"status":{"indicator":"minor"}}`)
//		}))
//		defer srv.Close()
//		out := probetest.Run(t, check, probetest.Env{
//			Config: map[string]any{"url": srv.URL + "/api/v2/status.json"},
//			Allow:  []string{srv.URL + "/"},
//		})
//		if out.Status != probe.Degraded { ... }
//	}
//
// Run stands in for the host: it builds the input the host would send,
// calls the function through the SDK's own check entry point, serves its
// log, http_request and tcp_connect calls (HTTP through net/http or an
// in-process http.Handler, TCP through net.Dialer, both decided by the
// host's own rules, package wasmprobe/policy: the same allow-list parsing,
// URL, path, header and Host-header checks and error codes), and decodes
// the output the way the host does. What it does not model: the WebAssembly sandbox itself (memory
// cap, deadline enforcement, WASI), the host's DNS pinning, and its log
// caps. Build the probe to wasm and run it through package wasmprobe (or
// examples/probes/runprobe) for those.
package probetest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vitals-go/vitals/guest-sdk/go/internal/guest"
	"github.com/vitals-go/vitals/guest-sdk/go/probe"
	"github.com/vitals-go/vitals/wasmprobe/policy"
)

// Env is the component and host a probe runs against. The zero Env is a
// component named "probe" with an empty config, a 5 s timeout and no
// network.
type Env struct {
	// Name is the component name (default "probe").
	Name string
	// Config is the component's config as the probe sees it: anything that
	// encodes to a JSON object (a map, a struct, json.RawMessage). Nil is {}.
	Config any
	// Timeout is the check's timeout (default 5 s). It bounds the network
	// calls; unlike the host, Run does not stop a probe that overruns it.
	Timeout time.Duration
	// Allow is the component's allow list (ABI.md section 6): URL prefixes
	// for HTTP, host:port or host:* for TCP. Nil grants nothing, as on the
	// host, and an entry the host would refuse fails the test. Names are
	// matched as the host matches them (case-insensitively, IP literals
	// canonicalised), with no resolution.
	Allow []string
	// AllowAll grants any URL and address (a shortcut for tests that do not
	// care about grants).
	AllowAll bool
	// Handler, when set, serves the probe's HTTP requests in-process: no
	// network, any host name. Otherwise they go through Client.
	Handler http.Handler
	// Client makes the probe's HTTP requests when Handler is nil (default:
	// a client with no proxy). Its redirect policy is replaced by the
	// host's: at most 10 hops, each checked against Allow.
	Client *http.Client
	// Dial makes the probe's TCP connections (default net.Dialer.DialContext).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// MaxResponseBytes caps response bodies as the component's
	// max_response_bytes does (default 64 KiB, negative for none kept).
	MaxResponseBytes int
	// MaxNetCalls caps the probe's http_request and tcp_connect calls in
	// one Run as the component's max_net_calls does (default 32, negative
	// for none): further calls fail with probe.ErrBudget (code -6). The
	// host's max_sockets is not mirrored.
	MaxNetCalls int
	// BufferSize is the size of the probe's I/O buffer (default 64 KiB, as
	// the SDK's): the input must fit, and bounds the output.
	BufferSize int
}

// Log is one line the probe logged.
type Log struct {
	Level slog.Level // Debug, Info, Warn or Error, as the host maps the ABI level
	Msg   string
}

// Outcome is the result of a Run.
type Outcome struct {
	// Result is the probe's result as the host sees it: decoded from the
	// output JSON, so detail numbers are float64, and values JSON cannot
	// encode have become an "sdk_error" detail.
	probe.Result
	// Output is the raw output JSON ("" for an empty output).
	Output string
	// Logs are the lines the probe logged, in order. They are also written
	// to the test log.
	Logs []Log
	// Requests are the URLs of the probe's HTTP requests and the addresses
	// of its TCP connections, in order, granted or not.
	Requests []string
}

// Run runs fn once against env and returns what the host would report. It
// fails the test when the probe breaks the ABI in a way the host would
// report as Unknown: a status other than Up, Degraded or Down, or an
// output that is not the ABI's JSON object. A panic in fn is not
// recovered (on the host it traps: Unknown).
func Run(t testing.TB, fn probe.Func, env Env) Outcome {
	t.Helper()
	if fn == nil {
		t.Fatal("probetest.Run: nil probe function (did init call probe.Register?)")
	}
	if env.Name == "" {
		env.Name = "probe"
	}
	if env.Timeout <= 0 {
		env.Timeout = 5 * time.Second
	}
	if env.BufferSize <= 0 {
		env.BufferSize = 64 << 10
	}
	switch {
	case env.MaxResponseBytes == 0:
		env.MaxResponseBytes = 64 << 10
	case env.MaxResponseBytes < 0:
		env.MaxResponseBytes = 0
	}
	switch {
	case env.MaxNetCalls == 0:
		env.MaxNetCalls = 32
	case env.MaxNetCalls < 0:
		env.MaxNetCalls = 0
	}
	cfg := []byte("{}")
	if env.Config != nil {
		b, err := json.Marshal(env.Config)
		if err != nil {
			t.Fatalf("probetest.Run: Config: %v", err)
		}
		if !isObject(b) {
			t.Fatalf("probetest.Run: Config must encode to a JSON object, got %.40s", b)
		}
		cfg = b
	}
	ctx, cancel := context.WithTimeout(context.Background(), env.Timeout)
	defer cancel()
	grants, bad := policy.Parse(env.Allow)
	for _, e := range bad {
		t.Errorf("probetest.Run: Env.Allow[%d] %v: the host refuses this allow list (the component is not loaded)", e.Index, e)
	}
	if len(bad) > 0 {
		t.FailNow()
	}
	h := &host{t: t, env: env, grants: grants, ctx: ctx}
	in, err := json.Marshal(struct {
		Name      string          `json:"name"`
		Config    json.RawMessage `json:"config"`
		TimeoutMs int64           `json:"timeout_ms"`
	}{env.Name, cfg, env.Timeout.Milliseconds()})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, env.BufferSize)
	if len(in) > len(buf) {
		t.Fatalf("probetest.Run: input of %d bytes exceeds buffer size %d (pass the probe a smaller config)", len(in), len(buf))
	}
	n := copy(buf, in)
	status, k := guest.Check(fn, h, buf[:n], buf)
	out := Outcome{Result: probe.Result{Status: probe.Status(status)}, Output: string(buf[:k])}
	h.mu.Lock()
	out.Logs, out.Requests = h.logs, h.requests
	h.mu.Unlock()
	if status > 2 {
		t.Fatalf("probe returned status %d: the host reports the check Unknown (abi: status %d is not 0, 1 or 2)", status, status)
	}
	if k > 0 {
		var o struct {
			Message *string         `json:"message"`
			Details json.RawMessage `json:"details"`
		}
		if err := json.Unmarshal(buf[:k], &o); err != nil || !isObject(buf[:k]) {
			t.Fatalf("probe output is not a JSON object {\"message\",\"details\"}: %v: %.80q", err, buf[:k])
		}
		if o.Message != nil {
			out.Message = *o.Message
		}
		if len(o.Details) > 0 && string(o.Details) != "null" {
			if err := json.Unmarshal(o.Details, &out.Details); err != nil {
				t.Fatalf("probe output details are not a JSON object: %v", err)
			}
		}
	}
	return out
}

// RunRegistered runs the function the probe registered with probe.Register
// (in its init function, which has run by the time a test runs).
func RunRegistered(t testing.TB, env Env) Outcome {
	t.Helper()
	return Run(t, probe.Registered(), env)
}

func isObject(b []byte) bool {
	s := strings.TrimLeft(string(b), " \t\r\n")
	return strings.HasPrefix(s, "{")
}

// String formats an Outcome for test failure messages.
func (o Outcome) String() string {
	return fmt.Sprintf("%s %q %v", o.Status, o.Message, o.Details)
}
