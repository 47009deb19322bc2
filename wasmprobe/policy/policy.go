// Package policy is the network policy of the probe ABI (wasmprobe/ABI.md
// sections 5 and 6) in one place: the error codes of http_request and
// tcp_connect, the parsing of a component's allow list, and the rules that
// decide whether a request or an address is well formed and granted.
//
// Both the wasm host (package wasmprobe) and the native test harness
// (guest-sdk/go/probetest) decide with this package, so a probe that passes
// its tests is not denied in production for a rule the harness did not
// know. It imports the standard library and golang.org/x/net/http/httpguts
// (the header rules net/http itself applies), no WebAssembly runtime.
//
// What stays with the host: DNS resolution, the address filter for names
// that resolve to non-public addresses, dial pinning and the network budget.
package policy

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Error codes returned by the network host functions (ABI.md section 5).
const (
	CodeDenied     = -1 // not granted by the component's allow list
	CodeFailed     = -2 // connection, DNS or protocol error
	CodeTimeout    = -3 // the call's own timeout or the check deadline
	CodeBadRequest = -4 // malformed JSON, bad URL or address, out-of-bounds pointer or length
	CodeTooLarge   = -5 // the response does not fit resp_cap even with an empty body
	CodeBudget     = -6 // the check's max_net_calls or max_sockets is spent
)

// httpGrant grants http_request to URLs under a prefix.
type httpGrant struct {
	scheme, host, port, path string
}

// tcpGrant grants tcp_connect to host:port; port "*" means any port.
type tcpGrant struct {
	host, port string
}

// Grants is a parsed allow list. The zero value grants nothing.
type Grants struct {
	http []httpGrant
	tcp  []tcpGrant
}

// EntryError is an allow-list entry that does not parse.
type EntryError struct {
	Index   int    // the entry's position in the list
	Entry   string // the entry as written
	Problem string // what is wrong with it, and what is wanted
}

// Error returns "<entry quoted>: <problem>".
func (e *EntryError) Error() string { return fmt.Sprintf("%q: %s", e.Entry, e.Problem) }

// Parse parses allow entries: "http://host[:port]/path/prefix" and
// "https://…" grant http_request, "host:port" and "host:*" grant
// tcp_connect. It returns the grants of the good entries and an error for
// each bad one (a host refuses the whole list then).
func Parse(entries []string) (Grants, []*EntryError) {
	var g Grants
	var errs []*EntryError
	for i, e := range entries {
		bad := func(format string, args ...any) {
			errs = append(errs, &EntryError{Index: i, Entry: e, Problem: fmt.Sprintf(format, args...)})
		}
		if strings.Contains(e, "://") {
			u, err := url.Parse(e)
			if err != nil {
				bad("not a URL: %v", err)
				continue
			}
			scheme := strings.ToLower(u.Scheme)
			switch {
			case scheme != "http" && scheme != "https":
				bad("scheme must be http or https (grant tcp_connect with host:port)")
			case u.User != nil:
				bad("must not contain user information")
			case u.Hostname() == "":
				bad("has no host")
			case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
				bad("must not have a query or fragment: it is a URL prefix")
			case HasDotSegment(u.Path):
				bad("must not contain . or .. path segments")
			default:
				port, ok := URLPort(u)
				if !ok {
					bad("bad port %q", u.Port())
					continue
				}
				g.http = append(g.http, httpGrant{scheme: scheme, host: NormHost(u.Hostname()), port: port, path: orRoot(u.Path)})
			}
			continue
		}
		host, port, err := net.SplitHostPort(e)
		if err != nil {
			bad("want a URL prefix (https://host/path/) for http_request or host:port or host:* for tcp_connect")
			continue
		}
		if host == "" || strings.ContainsAny(host, "/*?#@ ") {
			bad("bad host %q", host)
			continue
		}
		if port != "*" && !validPort(port) {
			bad("bad port %q (want 1-65535 or *)", port)
			continue
		}
		g.tcp = append(g.tcp, tcpGrant{host: NormHost(host), port: port})
	}
	return g, errs
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// URLPort returns u's port, or the scheme's default; false for a port that
// is not 1-65535.
func URLPort(u *url.URL) (string, bool) {
	p := u.Port()
	if p == "" {
		if strings.EqualFold(u.Scheme, "https") {
			return "443", true
		}
		return "80", true
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return "", false
	}
	return strconv.Itoa(n), true
}

// NormHost lower-cases a host name, drops its trailing dot, and
// canonicalises an IP literal (with or without brackets).
func NormHost(h string) string {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if ip := net.ParseIP(h); ip != nil {
		return ip.String()
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// HasDotSegment reports whether the (decoded) path p has a "." or ".."
// segment. Such a path is a bad request, and never granted.
func HasDotSegment(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// pathUnder reports whether the decoded path p is the grant's prefix or
// below it: a prefix ending in "/" covers what starts with it, any other
// covers itself and what is below it as a directory.
func pathUnder(prefix, p string) bool {
	return p == prefix ||
		(strings.HasSuffix(prefix, "/") && strings.HasPrefix(p, prefix)) ||
		strings.HasPrefix(p, prefix+"/")
}
