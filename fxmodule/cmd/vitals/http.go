package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Limits of what is read from and printed of a response.
const (
	maxBody      = 64 << 10
	maxLines     = 20
	maxLineBytes = 200
)

// parseTarget turns what the user typed into an http(s) URL: "http://" is
// added when there is no scheme, an empty host means localhost (":8080",
// as server.address), a bare port means localhost:port, and an empty path
// means defaultPath.
func parseTarget(raw, defaultPath string) (*url.URL, error) {
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
		return nil, fmt.Errorf("%q: user information is not supported (use --token)", raw)
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

// response is what was read of an HTTP answer.
type response struct {
	Status      string // "503 Service Unavailable"
	StatusCode  int
	ContentType string
	Body        []byte // at most maxBody bytes
}

// getter GETs one URL without following redirects, proxies or keep-alive.
// Connected reports whether a TCP connection was made, to tell "nothing
// listens" from "something listens but does not answer".
type getter struct {
	timeout   time.Duration
	header    http.Header
	connected bool
}

func (g *getter) get(ctx context.Context, u *url.URL) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	var d net.Dialer
	tr := &http.Transport{
		// Health endpoints are reached directly: a proxy would answer for them.
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err == nil {
				g.connected = true
			}
			return c, err
		},
		DisableKeepAlives: true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is an answer, not health
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	for k, v := range g.header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, g.explain(u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, g.explain(u, fmt.Errorf("reading the body: %w", err))
	}
	return &response{
		Status:      resp.Status,
		StatusCode:  resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Body:        body,
	}, nil
}

// explain makes a timeout say how long was waited.
func (g *getter) explain(u *url.URL, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("GET %s: no answer within %s", u, g.timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("GET %s: %w", u, err)
}

// bearer returns the Authorization header for a token given as T or @FILE.
func bearer(token string) (http.Header, error) {
	if token == "" {
		return http.Header{}, nil
	}
	if file, ok := strings.CutPrefix(token, "@"); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--token: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	return http.Header{"Authorization": {"Bearer " + token}}, nil
}

// firstLines returns the start of a body for a person: JSON indented, at
// most maxLines lines of at most maxLineBytes bytes each.
func firstLines(body []byte) []string {
	var buf bytes.Buffer
	if json.Indent(&buf, body, "", "  ") == nil {
		body = buf.Bytes()
	}
	text := strings.ToValidUTF8(strings.TrimSpace(string(body)), "\uFFFD")
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	if len(lines) > maxLines {
		lines = append(lines[:maxLines:maxLines], fmt.Sprintf("… (%d more lines)", len(lines)-maxLines))
	}
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if len(l) > maxLineBytes {
			l = strings.ToValidUTF8(l[:maxLineBytes], "") + "…"
		}
		lines[i] = l
	}
	return lines
}
