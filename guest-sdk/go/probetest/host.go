package probetest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitals-go/vitals/wasmprobe/policy"
	"github.com/vitals-go/vitals/wasmprobe/wire"
)

// host is the stand-in of the wasmprobe host for one Run.
type host struct {
	t      testing.TB
	env    Env
	grants policy.Grants // env.Allow, parsed as the host parses it
	ctx    context.Context

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

// Error codes of ABI.md section 5, as the host returns them.
const (
	codeDenied     = policy.CodeDenied
	codeFailed     = policy.CodeFailed
	codeTimeout    = policy.CodeTimeout
	codeBadRequest = policy.CodeBadRequest
	codeTooLarge   = policy.CodeTooLarge
	codeBudget     = policy.CodeBudget
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
	var req wire.HTTPRequest
	if err := json.Unmarshal(reqJSON, &req); err != nil {
		h.t.Logf("probetest: http_request: bad request JSON: %v", err)
		return codeBadRequest
	}
	h.record(req.URL)
	if code := h.checkRequest(req.URL, req.Headers); code != 0 {
		return int64(code)
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
		if !h.env.AllowAll && !h.grants.AllowRedirect(r.URL) {
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
	out := wire.HTTPResponse{Status: res.StatusCode, Headers: map[string]string{}, Body: string(data), Truncated: truncated}
	for k, v := range res.Header {
		out.Headers[k] = strings.Join(v, ", ")
	}
	b, code := policy.FitResponse(&out, len(resp))
	if code != 0 {
		return int64(code)
	}
	return int64(copy(resp, b))
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
	if code := h.grants.CheckAddr(addr); code != 0 && !(h.env.AllowAll && code == codeDenied) {
		return int32(code)
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

// checkRequest decides an http_request as the host does (package policy):
// a bad URL or header is a bad request even under AllowAll.
func (h *host) checkRequest(rawURL string, headers map[string]string) int {
	_, code := h.grants.CheckRequest(rawURL, headers)
	if code == codeDenied && h.env.AllowAll {
		return 0
	}
	return code
}
