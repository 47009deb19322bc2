package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Defaults of a zero Client.
const (
	DefaultTimeout = 2 * time.Second
	DefaultMaxBody = 64 << 10
	// MaxMaxBody bounds Client.MaxBody.
	MaxMaxBody = 16 << 20
)

// accept asks for the health+json form Vitals serves.
const accept = "application/health+json, application/json;q=0.9, */*;q=0.1"

// Client asks Vitals endpoints. The zero value is ready to use.
type Client struct {
	// Timeout bounds one request, connection included (default
	// DefaultTimeout).
	Timeout time.Duration
	// Token, when set, is sent as "Authorization: Bearer TOKEN" (the
	// server's health.token): the answer then includes details.
	Token string
	// MaxBody bounds how much of a body is read, in bytes (default
	// DefaultMaxBody, at most MaxMaxBody); the rest is not read.
	MaxBody int64
}

// Response is what an endpoint answered.
type Response struct {
	// URL is the URL asked.
	URL string
	// Status is the status line ("503 Service Unavailable"), StatusCode
	// its code.
	Status     string
	StatusCode int
	// ContentType is the Content-Type header.
	ContentType string
	// Body is the body, cut at Client.MaxBody bytes.
	Body []byte
}

// Healthy reports whether the status is 2xx: what /health and /ready
// answer when they pass.
func (r *Response) Healthy() bool { return r.StatusCode >= 200 && r.StatusCode < 300 }

// HealthStatus returns the "status" of a health response ("pass", "warn",
// "fail"; the IETF draft "Health Check Response Format for HTTP APIs" that
// Vitals serves) and whether r is one: Content-Type
// application/health+json, or a JSON object whose status is one of those.
func (r *Response) HealthStatus() (string, bool) {
	var body struct {
		Status string `json:"status"`
	}
	jsonErr := json.Unmarshal(r.Body, &body) // may be cut at MaxBody
	if mt, _, _ := mime.ParseMediaType(r.ContentType); mt == "application/health+json" {
		return body.Status, true
	}
	switch body.Status {
	case "pass", "warn", "fail":
		return body.Status, jsonErr == nil
	}
	return "", false
}

// ParseTarget turns what a user typed into an http(s) URL: "http://" is
// added when there is no scheme, an empty host means localhost (":8080",
// as server.address), a bare port means localhost:port, and an empty path
// means defaultPath.
func ParseTarget(raw, defaultPath string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("empty URL")
	}
	if isPort(s) {
		s = ":" + s
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: scheme must be http or https", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q: no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%q: user information is not supported (use a token)", raw)
	}
	if u.Hostname() == "" {
		u.Host = "localhost" + u.Host
	}
	if u.Path == "" {
		u.Path = defaultPath
	}
	return u, nil
}

func isPort(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Check GETs target once (ParseTarget's forms; an empty path is /health)
// and returns the answer, whatever its status: Response.Healthy tells. An
// error means no answer: a bad target, nothing listening, a timeout.
func (c *Client) Check(ctx context.Context, target string) (*Response, error) {
	u, err := ParseTarget(target, "/health")
	if err != nil {
		return nil, err
	}
	resp, _, err := c.get(ctx, u)
	return resp, err
}

// get GETs u; connected reports whether a TCP connection was made, to
// tell "nothing listens" from "something listens but does not answer".
func (c *Client) get(ctx context.Context, u *url.URL) (resp *Response, connected bool, err error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	maxBody := c.MaxBody
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	maxBody = min(maxBody, MaxMaxBody)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	tr := &http.Transport{
		Proxy: nil, // health endpoints are reached directly: a proxy would answer for them
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			connected = true
			return &askFirst{Conn: conn, asked: make(chan struct{})}, nil
		},
		DisableKeepAlives: true,
	}
	defer tr.CloseIdleConnections()
	hc := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Accept", accept)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	r, err := hc.Do(req)
	if err != nil {
		return nil, connected, explain(u, timeout, err)
	}
	defer r.Body.Close()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, connected, explain(u, timeout, fmt.Errorf("reading the body: %w", err))
	}
	return &Response{URL: u.String(), Status: r.Status, StatusCode: r.StatusCode, ContentType: r.Header.Get("Content-Type"), Body: body}, connected, nil
}

// explain makes a timeout say how long was waited.
func explain(u *url.URL, timeout time.Duration, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("GET %s: no answer within %s: %w", u, timeout, context.DeadlineExceeded)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("GET %s: %w", u, err)
}

// Occupancy is what holds an address: see Running.
type Occupancy int

const (
	// Unknown: the target could not be asked (Running's error says why).
	Unknown Occupancy = iota
	// Free: nothing listens there (the connection was refused).
	Free
	// Vitals: a Vitals health response came back, whatever its status
	// (an instance starting, failing or in its lame duck answers 503 but
	// holds the address).
	Vitals
	// Other: something else holds the address: it answered without a
	// health response, or accepted the connection and spoke no HTTP
	// within the timeout.
	Other
)

// String returns "unknown", "free", "vitals" or "other".
func (o Occupancy) String() string {
	switch o {
	case Unknown:
		return "unknown"
	case Free:
		return "free"
	case Vitals:
		return "vitals"
	case Other:
		return "other"
	}
	return fmt.Sprintf("occupancy(%d)", int(o))
}

// Running tells whether a Vitals instance already serves on target
// (host:port, :port, a port, or a URL whose path is its liveness
// endpoint; default /health), before another copy starts there. Resp is
// the answer when there was one. An error with Other means the connection
// was accepted but no HTTP answer came; an error with Unknown means the
// target could not be asked at all (a bad address, an unknown host, a
// connect timeout).
func (c *Client) Running(ctx context.Context, target string) (Occupancy, *Response, error) {
	u, err := ParseTarget(target, "/health")
	if err != nil {
		return Unknown, nil, err
	}
	resp, connected, err := c.get(ctx, u)
	switch {
	case err != nil && !connected && errors.Is(err, syscall.ECONNREFUSED):
		return Free, nil, nil
	case err != nil && connected:
		return Other, nil, err
	case err != nil:
		return Unknown, nil, err
	}
	if _, ok := resp.HealthStatus(); ok {
		return Vitals, resp, nil
	}
	return Other, resp, nil
}

// askFirst is a connection whose reads wait for the request to be written.
// A server that speaks first (SSH, SMTP, a database) would otherwise have
// its greeting read before the request, which net/http reports as an
// "unsolicited response" (logged through the standard logger) and a
// meaningless error; read after the request, the greeting is a malformed
// HTTP response, which says what happened.
type askFirst struct {
	net.Conn
	once  sync.Once
	asked chan struct{} // closed after the first write, or on Close
}

func (c *askFirst) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.once.Do(func() { close(c.asked) })
	return n, err
}

func (c *askFirst) Read(b []byte) (int, error) {
	<-c.asked
	return c.Conn.Read(b)
}

func (c *askFirst) Close() error {
	c.once.Do(func() { close(c.asked) })
	return c.Conn.Close()
}
