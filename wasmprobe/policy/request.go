package policy

import (
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// CheckRequest decides an http_request before anything is sent. It returns
// the parsed URL and 0 when the request may go out, CodeBadRequest for a URL
// that is not http or https with a host, a valid port and no dot segments,
// or for a header HTTP does not allow (ValidHeaders), and CodeDenied when
// the URL, or the virtual host a "Host" header names (with the URL's path,
// and its port unless it has one), is not granted.
func (g Grants) CheckRequest(rawURL string, headers map[string]string) (*url.URL, int) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || HasDotSegment(u.Path) {
		return nil, CodeBadRequest
	}
	if _, ok := URLPort(u); !ok {
		return nil, CodeBadRequest
	}
	if !ValidHeaders(headers) {
		return nil, CodeBadRequest
	}
	if !g.AllowURL(u) {
		return u, CodeDenied
	}
	for k, v := range headers {
		if strings.EqualFold(k, "Host") {
			vu := VirtualHostURL(u, v)
			if vu.Hostname() == "" || !g.AllowURL(vu) {
				return u, CodeDenied
			}
		}
	}
	return u, 0
}

// ValidHeaders reports whether every header name is an HTTP token and every
// value a valid field value (RFC 9110: no NUL, CR, LF or other control byte
// but tab), as net/http requires.
func ValidHeaders(h map[string]string) bool {
	for k, v := range h {
		if !httpguts.ValidHeaderFieldName(k) || !httpguts.ValidHeaderFieldValue(v) {
			return false
		}
	}
	return true
}

// VirtualHostURL is u with its host replaced by the Host header value h,
// which keeps u's port when h has none.
func VirtualHostURL(u *url.URL, h string) *url.URL {
	vu := *u
	vu.Host = h
	if _, _, err := net.SplitHostPort(h); err != nil && u.Port() != "" {
		vu.Host = net.JoinHostPort(strings.Trim(h, "[]"), u.Port())
	}
	return &vu
}

// AllowURL reports whether an http grant covers u: same scheme, host and
// port (the scheme's default when absent), and a path at or under the
// grant's prefix. u must have no dot segments (CheckRequest, AllowRedirect).
func (g Grants) AllowURL(u *url.URL) bool {
	scheme := strings.ToLower(u.Scheme)
	host := NormHost(u.Hostname())
	port, ok := URLPort(u)
	if !ok {
		return false
	}
	path := orRoot(u.Path)
	for _, h := range g.http {
		if h.scheme == scheme && h.host == host && h.port == port && pathUnder(h.path, path) {
			return true
		}
	}
	return false
}

// AllowRedirect reports whether a redirect hop to u may be followed: no dot
// segments, and granted as a request URL is.
func (g Grants) AllowRedirect(u *url.URL) bool {
	return !HasDotSegment(u.Path) && g.AllowURL(u)
}

// AllowHTTPDial reports whether some http grant names host:port (the check
// of each connection an HTTP client opens, redirects included).
func (g Grants) AllowHTTPDial(host, port string) bool {
	host = NormHost(host)
	for _, h := range g.http {
		if h.host == host && h.port == port {
			return true
		}
	}
	return false
}

// CheckAddr decides a tcp_connect address: CodeBadRequest unless it is
// host:port with a host and a port 1-65535, CodeDenied unless a tcp grant
// covers it, else 0.
func (g Grants) CheckAddr(addr string) int {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || !validPort(port) {
		return CodeBadRequest
	}
	if !g.AllowTCP(host, port) {
		return CodeDenied
	}
	return 0
}

// AllowTCP reports whether a tcp grant covers host:port.
func (g Grants) AllowTCP(host, port string) bool {
	host = NormHost(host)
	for _, t := range g.tcp {
		if t.host == host && (t.port == "*" || t.port == port) {
			return true
		}
	}
	return false
}

// GrantsHTTP reports whether the list grants any http_request (a host
// needs no HTTP client otherwise).
func (g Grants) GrantsHTTP() bool { return len(g.http) > 0 }
