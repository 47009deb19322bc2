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
// in-process http.Handler, TCP through net.Dialer, both subject to the same
// kind of allow list as the host's), and decodes the output the way the
// host does. What it does not model: the WebAssembly sandbox itself (memory
// cap, deadline enforcement, WASI), the host's DNS pinning, and its log
// caps. Build the probe to wasm and run it through package wasmprobe (or
// examples/probes/runprobe) for those.
package probetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vitals-go/vitals/guest-sdk/go/internal/guest"
	"github.com/vitals-go/vitals/guest-sdk/go/probe"
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
	// host. Names and IPs are matched as written: there is no resolution.
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
	h := &host{t: t, env: env, ctx: ctx}
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

// host is the stand-in of the wasmprobe host for one Run.
type host struct {
	t   testing.TB
	env Env
	ctx context.Context

	mu       sync.Mutex
	logs     []Log
	requests []string
}

func (h *host) Log(level int32, msg []byte) {
	l := slog.LevelError
	switch {
	case level <= 0:
		l = slog.LevelDebug
	case level == 1:
		l = slog.LevelInfo
	case level == 2:
		l = slog.LevelWarn
	}
	h.mu.Lock()
	h.logs = append(h.logs, Log{Level: l, Msg: string(msg)})
	h.mu.Unlock()
	h.t.Logf("probe log %s: %s", l, msg)
}

func (h *host) record(s string) {
	h.mu.Lock()
	h.requests = append(h.requests, s)
	h.mu.Unlock()
}

// Error codes of ABI.md section 5.
const (
	codeDenied     = -1
	codeFailed     = -2
	codeTimeout    = -3
	codeBadRequest = -4
	codeTooLarge   = -5
)

var errDenied = errors.New("denied")

func (h *host) HTTPRequest(reqJSON, resp []byte) int64 {
	var req struct {
		Method  string            `json:"method"`
		URL     string            `json:"url"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}
	if err := json.Unmarshal(reqJSON, &req); err != nil {
		h.t.Logf("probetest: http_request: bad request JSON: %v", err)
		return codeBadRequest
	}
	h.record(req.URL)
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || hasDotSegment(u.EscapedPath()) {
		return codeBadRequest
	}
	for k, v := range req.Headers {
		if k == "" || strings.ContainsAny(k, " \t\r\n:") || strings.ContainsAny(v, "\r\n") {
			return codeBadRequest
		}
	}
	if !h.allowURL(u) {
		return codeDenied
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(h.ctx, method, req.URL, body)
	if err != nil {
		return codeBadRequest
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, "Host") {
			hr.Host = v
		} else {
			hr.Header.Set(k, v)
		}
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	if h.env.Client != nil {
		c := *h.env.Client
		client = &c
	}
	if h.env.Handler != nil {
		client.Transport = handlerTransport{h.env.Handler}
	}
	client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		h.record(r.URL.String())
		if hasDotSegment(r.URL.EscapedPath()) || !h.allowURL(r.URL) {
			return errDenied
		}
		return nil
	}
	res, err := client.Do(hr)
	if err != nil {
		switch {
		case errors.Is(err, errDenied):
			return codeDenied
		case h.ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
			return codeTimeout
		}
		return codeFailed
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, int64(h.env.MaxResponseBytes)+1))
	if err != nil {
		if h.ctx.Err() != nil {
			return codeTimeout
		}
		return codeFailed
	}
	truncated := len(data) > h.env.MaxResponseBytes
	if truncated {
		data = data[:h.env.MaxResponseBytes]
	}
	out := wireResponse{Status: res.StatusCode, Headers: map[string]string{}, Body: string(data), Truncated: truncated}
	for k, v := range res.Header {
		out.Headers[k] = strings.Join(v, ", ")
	}
	for {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return codeFailed
		}
		b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if len(b) <= len(resp) {
			return int64(copy(resp, b))
		}
		if out.Body == "" {
			return codeTooLarge
		}
		cut := max(len(out.Body)-(len(b)-len(resp)), 0)
		for cut > 0 && !utf8.RuneStart(out.Body[cut]) {
			cut--
		}
		out.Body, out.Truncated = out.Body[:cut], true
	}
}

// wireResponse is the response JSON of http_request; status comes first.
type wireResponse struct {
	Status    int               `json:"status"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	Truncated bool              `json:"truncated"`
}

// handlerTransport serves requests with an http.Handler, in-process.
type handlerTransport struct{ h http.Handler }

func (ht handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.RequestURI = r.URL.RequestURI()
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	ht.h.ServeHTTP(rec, r)
	res := rec.Result()
	res.Request = r
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	return res, nil
}

func (h *host) TCPConnect(a []byte, timeoutMs int32) int32 {
	addr := string(a)
	h.record(addr)
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || port == "" {
		return codeBadRequest
	}
	if !h.allowTCP(host, port) {
		return codeDenied
	}
	ctx := h.ctx
	if timeoutMs > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(timeoutMs)*time.Millisecond)
		defer cancel()
	}
	dial := h.env.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	c, err := dial(ctx, "tcp", addr)
	if err != nil {
		if ctx.Err() != nil {
			return codeTimeout
		}
		return codeFailed
	}
	_ = c.Close()
	return 0
}

// allowURL reports whether a grant of env.Allow covers u (ABI.md section 6:
// same scheme, host and port, path under the prefix).
func (h *host) allowURL(u *url.URL) bool {
	if h.env.AllowAll {
		return true
	}
	for _, e := range h.env.Allow {
		if !strings.Contains(e, "://") {
			continue
		}
		g, err := url.Parse(e)
		if err != nil || g.Scheme != u.Scheme || !strings.EqualFold(g.Hostname(), u.Hostname()) || portOf(g) != portOf(u) {
			continue
		}
		if pathUnder(g.EscapedPath(), u.EscapedPath()) {
			return true
		}
	}
	return false
}

func (h *host) allowTCP(host, port string) bool {
	if h.env.AllowAll {
		return true
	}
	for _, e := range h.env.Allow {
		if strings.Contains(e, "://") {
			continue
		}
		gh, gp, err := net.SplitHostPort(e)
		if err == nil && strings.EqualFold(gh, host) && (gp == "*" || gp == port) {
			return true
		}
	}
	return false
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

func pathUnder(prefix, p string) bool {
	if prefix == "" {
		prefix = "/"
	}
	if p == "" {
		p = "/"
	}
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(p, prefix)
	}
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

func hasDotSegment(p string) bool {
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// String formats an Outcome for test failure messages.
func (o Outcome) String() string {
	return fmt.Sprintf("%s %q %v", o.Status, o.Message, o.Details)
}
