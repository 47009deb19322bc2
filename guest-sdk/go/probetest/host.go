package probetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

	"golang.org/x/net/http/httpguts"
)

// host is the stand-in of the wasmprobe host for one Run.
type host struct {
	t   testing.TB
	env Env
	ctx context.Context

	mu       sync.Mutex
	logs     []Log
	requests []string
	netCalls int
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
	codeBudget     = -6
)

// takeCall counts a network call against env.MaxNetCalls, as the host's
// max_net_calls: every call counts, before anything else is checked.
func (h *host) takeCall() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.netCalls >= h.env.MaxNetCalls {
		return false
	}
	h.netCalls++
	return true
}

var errDenied = errors.New("denied")

func (h *host) HTTPRequest(reqJSON, resp []byte) int64 {
	if !h.takeCall() {
		return codeBudget
	}
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
		// As the host: names are HTTP tokens, values valid field values.
		if !httpguts.ValidHeaderFieldName(k) || !httpguts.ValidHeaderFieldValue(v) {
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
	if !h.takeCall() {
		return codeBudget
	}
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
