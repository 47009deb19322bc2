package probe

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vitals-go/vitals/wasmprobe/wire"
)

// Errors of the host's network functions (ABI.md section 5). A *NetError
// matches one of them with errors.Is.
var (
	// ErrDenied: the URL, address or a redirect hop is not granted by the
	// component's allow list (the default grants nothing).
	ErrDenied = errors.New("not granted by the component's allow list")
	// ErrFailed: connection refused or reset, DNS failure, TLS or HTTP
	// protocol error, too many redirects; also any error code this SDK
	// does not know.
	ErrFailed = errors.New("failed")
	// ErrTimeout: the call's own timeout or the check's deadline ran out.
	ErrTimeout = errors.New("timed out")
	// ErrBadRequest: malformed URL or address, or a request the host
	// refuses (scheme not http/https, "." or ".." path segment, a header
	// name or value that HTTP does not allow).
	ErrBadRequest = errors.New("bad request")
	// ErrTooLarge: the response does not fit in the response buffer even
	// with an empty body (raise Request.BufferSize).
	ErrTooLarge = errors.New("response too large for the buffer")
	// ErrBudget: the check has spent its network budget, the component's
	// max_net_calls calls or max_sockets sockets; further calls of this
	// check fail at once.
	ErrBudget = errors.New("the check's network budget is spent")
)

// NetError is an error code returned by the host's http_request or
// tcp_connect.
type NetError struct {
	Op     string // "http_request" or "tcp_connect"
	Target string // the URL or address
	Code   int    // the ABI error code, negative
}

// Error returns "op target: reason (code N)", for example
// "tcp_connect db.internal:5432: failed (code -2)".
func (e *NetError) Error() string {
	return fmt.Sprintf("%s %s: %v (code %d)", e.Op, e.Target, e.Unwrap(), e.Code)
}

// Unwrap returns the Err* value of e's code (ErrFailed for an unknown one).
func (e *NetError) Unwrap() error {
	switch e.Code {
	case -1:
		return ErrDenied
	case -3:
		return ErrTimeout
	case -4:
		return ErrBadRequest
	case -5:
		return ErrTooLarge
	case -6:
		return ErrBudget
	}
	return ErrFailed
}

// DefaultBufferSize is the response buffer of an HTTP request whose
// BufferSize is 0: enough for the host's default 64 KiB body cap, JSON
// escaping and headers. The host cuts the body (and sets Truncated) to fit
// the buffer.
const DefaultBufferSize = 256 << 10

// Request is an HTTP request made through the host. Its URL must be granted
// by the component's allow list. The host follows redirects (each hop
// checked against the grants), decodes gzip, and caps the body; it has no
// cookies, no proxy and no connection reuse.
type Request struct {
	Method string            // default GET
	URL    string            // http or https
	Header map[string]string // request headers; "Host" sets the virtual host
	Body   string            // UTF-8 text
	// BufferSize is the room for the response JSON (default
	// DefaultBufferSize). Raise it together with the component's
	// max_response_bytes for bodies over 64 KiB.
	BufferSize int
}

// Response is the host's answer to a Request. A non-2xx status is a
// response like any other, not an error.
type Response struct {
	Status int               // HTTP status code
	Header map[string]string // canonical names; several values joined with ", "
	Body   string            // decoded as UTF-8 (invalid bytes become U+FFFD)
	// Truncated reports that the body was cut, at the component's
	// max_response_bytes or to fit the buffer.
	Truncated bool
}

// HeaderValue returns the value of the response header name, matched
// case-insensitively, or "".
func (r *Response) HeaderValue(name string) string {
	if v, ok := r.Header[name]; ok {
		return v
	}
	for k, v := range r.Header {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// JSON decodes the body into v. A truncated body is an error.
func (r *Response) JSON(v any) error {
	if r.Truncated {
		return fmt.Errorf("response body truncated at %d bytes: not decoded", len(r.Body))
	}
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		return fmt.Errorf("response body: %w", err)
	}
	return nil
}

// HTTPGet makes a GET request to url through the host.
func (ctx Context) HTTPGet(url string) (*Response, error) {
	return ctx.HTTPDo(Request{URL: url})
}

// HTTPDo makes req through the host. The error is a *NetError when the
// host refused or failed the request.
func (ctx Context) HTTPDo(req Request) (*Response, error) {
	b, err := json.Marshal(wire.HTTPRequest{Method: req.Method, URL: req.URL, Headers: req.Header, Body: req.Body})
	if err != nil {
		return nil, fmt.Errorf("http_request %s: %w", req.URL, err)
	}
	size := req.BufferSize
	if size <= 0 {
		size = DefaultBufferSize
	}
	resp := make([]byte, min(size, math.MaxInt32))
	n := ctx.c.host.HTTPRequest(b, resp)
	if n < 0 {
		return nil, &NetError{Op: "http_request", Target: req.URL, Code: int(max(n, math.MinInt32))}
	}
	if n > int64(len(resp)) {
		return nil, fmt.Errorf("http_request %s: the host returned %d bytes for a %d-byte buffer", req.URL, n, len(resp))
	}
	var w wire.HTTPResponse
	if err := json.Unmarshal(resp[:n], &w); err != nil {
		return nil, fmt.Errorf("http_request %s: bad response from the host: %w", req.URL, err)
	}
	return &Response{Status: w.Status, Header: w.Headers, Body: w.Body, Truncated: w.Truncated}, nil
}

// TCPConnect connects to addr ("host:port", "[v6]:port") through the host
// and closes the connection at once: a reachability check. timeout > 0
// bounds the connect, resolution included; the check's deadline always
// does. The error is a *NetError.
func (ctx Context) TCPConnect(addr string, timeout time.Duration) error {
	var ms int32
	if timeout > 0 {
		ms = int32(min((timeout+time.Millisecond-1)/time.Millisecond, math.MaxInt32))
	}
	if code := ctx.c.host.TCPConnect([]byte(addr), ms); code != 0 {
		return &NetError{Op: "tcp_connect", Target: addr, Code: int(code)}
	}
	return nil
}
